"""PSS privileged: no container may set ``securityContext.privileged: true``."""

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
        if c.security_context.get("privileged") is True:
            yield Violation((*c.path, "securityContext", "privileged"),
                            f"{pod.obj.label}: {c.described} sets privileged: true")


check_project = project_check(violations)
check = document_check(violations)  # the engine picks one by scope(options)
