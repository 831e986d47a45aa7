"""PSS sysctls: only the namespaced, safe sysctls of the policy version (exact names)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from netlint.loaders.kubernetes import PodSpec
from netlint.model.pss import document_check, minor, params_schema, project_check, sc_path
from netlint.model.pss import scope as scope  # the engine asks it the scope
from netlint.templates.base import Violation

TARGETS = ("kubernetes",)
SCOPE = "project"  # with --pss-level namespace; otherwise document (see scope)
PARAMS_SCHEMA = params_schema(
    allowed={"type": "object", "description": "policy version -> sysctls it adds",
             "additionalProperties": {"type": "array", "items": {"type": "string"}}},
)


def allowed_sysctls(params: Mapping[str, Any], version: int) -> frozenset[str]:
    out: set[str] = set()
    for since, names in params.get("allowed", {}).items():
        if minor(since) <= version:
            out.update(names)
    return frozenset(out)


def violations(pod: PodSpec, version: int, params: Mapping[str, Any]) -> Iterator[Violation]:
    sysctls = pod.security_context.get("sysctls")
    if not isinstance(sysctls, list):
        return
    allowed = allowed_sysctls(params, version)
    for i, entry in enumerate(sysctls):
        name = entry.get("name") if isinstance(entry, Mapping) else None
        if not (isinstance(name, str) and name in allowed):
            path = (*sc_path(pod), "sysctls", i)
            yield Violation((*path, "name") if isinstance(entry, Mapping) and "name" in entry
                            else path,
                            f"{pod.obj.label}: pod sets sysctl {name!r}, which policy "
                            f"v1.{version} does not allow")


check_project = project_check(violations)
check = document_check(violations)  # the engine picks one by scope(options)
