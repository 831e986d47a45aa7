"""PSS privileged: no container may set ``securityContext.privileged: true``."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from netlint.loaders.kubernetes import PodSpec
from netlint.model.pss import params_schema, project_check
from netlint.templates.base import Violation

TARGETS = ("kubernetes",)
SCOPE = "project"
PARAMS_SCHEMA = params_schema()


def violations(pod: PodSpec, version: int, params: Mapping[str, Any]) -> Iterator[Violation]:
    for c in pod.containers():
        if c.security_context.get("privileged") is True:
            yield Violation((*c.path, "securityContext", "privileged"),
                            f"{pod.obj.label}: {c.described} sets privileged: true")


check_project = project_check(violations)
