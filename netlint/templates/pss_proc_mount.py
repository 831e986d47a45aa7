"""PSS procMount: containers' ``procMount`` must be unset or ``Default``.

The baseline variant allows any value from v1.35 when the pod sets ``hostUsers: false``
(a user namespace); the restricted variant (v1.35+) never does (``user-namespaces``
param)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from netlint.loaders.kubernetes import PodSpec
from netlint.model.pss import document_check, host_users_false, minor, params_schema, project_check
from netlint.model.pss import scope as scope  # the engine asks it the scope
from netlint.templates.base import Violation

TARGETS = ("kubernetes",)
SCOPE = "project"  # with --pss-level namespace; otherwise document (see scope)
PARAMS_SCHEMA = params_schema(**{
    "user-namespaces-relax-from": {"type": "string", "pattern": "^v1\\.(0|[1-9][0-9]*)$"},
})


def violations(pod: PodSpec, version: int, params: Mapping[str, Any]) -> Iterator[Violation]:
    relax = params.get("user-namespaces-relax-from")
    if relax is not None and version >= minor(relax) and host_users_false(pod):
        return
    for c in pod.containers():
        value = c.security_context.get("procMount")
        if value is not None and value != "Default":
            yield Violation((*c.path, "securityContext", "procMount"),
                            f"{pod.obj.label}: {c.described} sets procMount: {value}")


check_project = project_check(violations)
check = document_check(violations)  # the engine picks one by scope(options)
