"""PSS runAsNonRoot: the same evaluation as ``k8s-container-runs-as-root`` (shared code,
same paths, so the engine reports the defect once), plus the policy's version logic: from
v1.35 a pod with ``hostUsers: false`` (a user namespace) is exempt."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from netlint.loaders.kubernetes import PodSpec
from netlint.model.pss import document_check, host_users_false, minor, params_schema, project_check
from netlint.model.pss import scope as scope  # the engine asks it the scope
from netlint.templates.base import Violation
from netlint.templates.pod_runs_as_root import run_as_non_root_violations

TARGETS = ("kubernetes",)
SCOPE = "project"  # with --pss-level namespace; otherwise document (see scope)
PARAMS_SCHEMA = params_schema(**{
    "user-namespaces-relax-from": {"type": "string", "pattern": "^v1\\.(0|[1-9][0-9]*)$"},
})


def user_namespace_exempt(pod: PodSpec, version: int, params: Mapping[str, Any]) -> bool:
    relax = params.get("user-namespaces-relax-from")
    return relax is not None and version >= minor(relax) and host_users_false(pod)


def violations(pod: PodSpec, version: int, params: Mapping[str, Any]) -> Iterator[Violation]:
    if not user_namespace_exempt(pod, version, params):
        yield from run_as_non_root_violations(pod)


check_project = project_check(violations)
check = document_check(violations)  # the engine picks one by scope(options)
