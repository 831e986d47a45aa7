"""PSS windowsHostProcess: no ``windowsOptions.hostProcess: true`` at pod or container
level."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from netlint.loaders.kubernetes import PodSpec
from netlint.model.pss import document_check, mapping, params_schema, project_check, sc_path
from netlint.model.pss import scope as scope  # the engine asks it the scope
from netlint.templates.base import Violation

TARGETS = ("kubernetes",)
SCOPE = "project"  # with --pss-level namespace; otherwise document (see scope)
PARAMS_SCHEMA = params_schema()


def violations(pod: PodSpec, version: int, params: Mapping[str, Any]) -> Iterator[Violation]:
    holders = [("pod", sc_path(pod), pod.security_context)]
    holders += [(c.described, sc_path(pod, c), c.security_context) for c in pod.containers()]
    for who, path, sc in holders:
        if mapping(sc.get("windowsOptions")).get("hostProcess") is True:
            yield Violation((*path, "windowsOptions", "hostProcess"),
                            f"{pod.obj.label}: {who} sets windowsOptions.hostProcess: true")


check_project = project_check(violations)
check = document_check(violations)  # the engine picks one by scope(options)
