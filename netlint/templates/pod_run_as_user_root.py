"""Pods and pod templates that set ``runAsUser: 0`` (root) at pod or container level."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from netlint.loaders.kubernetes import PodSpec, pod_specs
from netlint.templates.base import RuleContext, Violation
from netlint.yamlnodes import Document

TARGETS = ("kubernetes",)
PARAMS_SCHEMA: dict[str, Any] = {"type": "object", "additionalProperties": False}


def _is_root(value: Any) -> bool:
    return value == 0 and not isinstance(value, bool)


def run_as_user_root_violations(pod: PodSpec) -> Iterator[Violation]:
    where = pod.obj.label
    if _is_root(pod.security_context.get("runAsUser")):
        yield Violation(
            (*pod.spec_path, "securityContext", "runAsUser"),
            f"{where}: pod sets runAsUser: 0 (root); use a non-zero UID",
        )
    for c in pod.containers():
        if _is_root(c.security_context.get("runAsUser")):
            yield Violation(
                (*c.path, "securityContext", "runAsUser"),
                f"{where}: {c.described} sets runAsUser: 0 (root); use a non-zero UID",
            )


def check(doc: Document, params: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    for pod in pod_specs(doc):
        yield from run_as_user_root_violations(pod)
