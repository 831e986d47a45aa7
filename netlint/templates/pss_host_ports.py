"""PSS hostPorts: containers' ``ports[*].hostPort`` must be unset or 0."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from netlint.loaders.kubernetes import PodSpec
from netlint.model.pss import document_check, params_schema, project_check
from netlint.model.pss import scope as scope  # the engine asks it the scope
from netlint.templates.base import Violation

TARGETS = ("kubernetes",)
SCOPE = "project"  # with --pss-level namespace; otherwise document (see scope)
PARAMS_SCHEMA = params_schema()


def violations(pod: PodSpec, version: int, params: Mapping[str, Any]) -> Iterator[Violation]:
    for c in pod.containers():
        ports = c.value.get("ports")
        if not isinstance(ports, list):
            continue
        for i, port in enumerate(ports):
            if not isinstance(port, Mapping):
                continue
            host_port = port.get("hostPort")
            if host_port is not None and host_port != 0:
                yield Violation((*c.path, "ports", i, "hostPort"),
                                f"{pod.obj.label}: {c.described} binds host port {host_port}")


check_project = project_check(violations)
check = document_check(violations)  # the engine picks one by scope(options)
