"""PSS hostProbesAndHostLifecycle: probes and lifecycle handlers must not name a
``host`` (it makes the kubelet connect to an arbitrary address)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from netlint.loaders.kubernetes import PodSpec
from netlint.model.pss import document_check, mapping, params_schema, project_check
from netlint.model.pss import scope as scope  # the engine asks it the scope
from netlint.templates.base import Violation

TARGETS = ("kubernetes",)
SCOPE = "project"  # with --pss-level namespace; otherwise document (see scope)
PARAMS_SCHEMA = params_schema()
PROBES = ("livenessProbe", "readinessProbe", "startupProbe")
HANDLERS = ("postStart", "preStop")
ACTIONS = ("httpGet", "tcpSocket")


def violations(pod: PodSpec, version: int, params: Mapping[str, Any]) -> Iterator[Violation]:
    for c in pod.containers():
        places: list[tuple[tuple[str, ...], Any]] = [((p,), c.value.get(p)) for p in PROBES]
        lifecycle = mapping(c.value.get("lifecycle"))
        places += [(("lifecycle", h), lifecycle.get(h)) for h in HANDLERS]
        for rel, handler in places:
            for action in ACTIONS:
                host = mapping(mapping(handler).get(action)).get("host")
                if host is not None and host != "":
                    yield Violation((*c.path, *rel, action, "host"),
                                    f"{pod.obj.label}: {c.described} {'.'.join(rel)} "
                                    f"{action} targets host {host!r}")


check_project = project_check(violations)
check = document_check(violations)  # the engine picks one by scope(options)
