"""PSS allowPrivilegeEscalation: every container must set it to false explicitly
(Windows pods are exempt from v1.25)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from netlint.loaders.kubernetes import PodSpec
from netlint.model.pss import document_check, is_windows, minor, params_schema, project_check
from netlint.model.pss import scope as scope  # the engine asks it the scope
from netlint.templates.base import Violation

TARGETS = ("kubernetes",)
SCOPE = "project"  # with --pss-level namespace; otherwise document (see scope)
PARAMS_SCHEMA = params_schema(**{
    "windows-exempt-from": {"type": "string", "pattern": "^v1\\.(0|[1-9][0-9]*)$"},
})


def windows_exempt(pod: PodSpec, version: int, params: Mapping[str, Any]) -> bool:
    since = params.get("windows-exempt-from")
    return since is not None and version >= minor(since) and is_windows(pod)


def violations(pod: PodSpec, version: int, params: Mapping[str, Any]) -> Iterator[Violation]:
    if windows_exempt(pod, version, params):
        return
    for c in pod.containers():
        sc = c.security_context
        value = sc.get("allowPrivilegeEscalation")
        if value is False:
            continue
        if value is True:
            yield Violation((*c.path, "securityContext", "allowPrivilegeEscalation"),
                            f"{pod.obj.label}: {c.described} sets allowPrivilegeEscalation: "
                            "true; set it to false")
        elif value is not None:  # "false" in quotes is a string, not the boolean
            yield Violation((*c.path, "securityContext", "allowPrivilegeEscalation"),
                            f"{pod.obj.label}: {c.described} sets allowPrivilegeEscalation "
                            f"to {_described_value(value)}, not the boolean false; write "
                            "false without quotes")
        else:
            target = (*c.path, "securityContext") if "securityContext" in c.value else c.path
            yield Violation(target, f"{pod.obj.label}: {c.described} does not set "
                                    "allowPrivilegeEscalation: false; add it to its "
                                    "securityContext")


def _described_value(value: Any) -> str:
    if isinstance(value, str):
        shown = value if len(value) <= 20 else value[:20] + "..."
        return f"the string {shown!r}"
    return f"{type(value).__name__} {value!r}"[:40]


check_project = project_check(violations)
check = document_check(violations)  # the engine picks one by scope(options)
