"""PSS runAsUser: no ``runAsUser: 0`` (shared with ``k8s-run-as-user-root``); from v1.35
a pod with ``hostUsers: false`` is exempt."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from netlint.loaders.kubernetes import PodSpec
from netlint.model.pss import document_check, params_schema, project_check
from netlint.model.pss import scope as scope  # the engine asks it the scope
from netlint.templates.base import Violation
from netlint.templates.pss_run_as_non_root import PARAMS_SCHEMA as _NON_ROOT_SCHEMA
from netlint.templates.pss_run_as_non_root import user_namespace_exempt

TARGETS = ("kubernetes",)
SCOPE = "project"  # with --pss-level namespace; otherwise document (see scope)
PARAMS_SCHEMA = params_schema(**{
    "user-namespaces-relax-from": _NON_ROOT_SCHEMA["properties"]["user-namespaces-relax-from"],
})


def _is_root(value: Any) -> bool:
    return value == 0 and not isinstance(value, bool)


def run_as_user_root_violations(pod: PodSpec) -> Iterator[Violation]:
    """``runAsUser: 0`` at pod or container level (the built-in ``k8s-run-as-user-root``
    rule says the same declaratively; keep the two messages equal)."""
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


def violations(pod: PodSpec, version: int, params: Mapping[str, Any]) -> Iterator[Violation]:
    if not user_namespace_exempt(pod, version, params):
        yield from run_as_user_root_violations(pod)


check_project = project_check(violations)
check = document_check(violations)  # the engine picks one by scope(options)
