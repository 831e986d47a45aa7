"""PSS seccompProfile (restricted): every container must run with the RuntimeDefault or a
Localhost seccomp profile, its own or the pod's (Windows pods are exempt from v1.25)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from netlint.loaders.kubernetes import PodSpec
from netlint.model.pss import document_check, params_schema, project_check, sc_path
from netlint.model.pss import scope as scope  # the engine asks it the scope
from netlint.templates.base import Violation
from netlint.templates.pss_allow_privilege_escalation import PARAMS_SCHEMA as _APE_SCHEMA
from netlint.templates.pss_allow_privilege_escalation import windows_exempt
from netlint.templates.pss_seccomp_baseline import field_violations

TARGETS = ("kubernetes",)
SCOPE = "project"  # with --pss-level namespace; otherwise document (see scope)
PARAMS_SCHEMA = params_schema(**{
    "windows-exempt-from": _APE_SCHEMA["properties"]["windows-exempt-from"],
})


def violations(pod: PodSpec, version: int, params: Mapping[str, Any]) -> Iterator[Violation]:
    if windows_exempt(pod, version, params):
        return
    yield from field_violations(pod)  # explicit bad types, pod or container
    if pod.security_context.get("seccompProfile") is not None:
        return  # a valid pod-level profile covers the containers; a bad one is reported
    for c in pod.containers():
        if c.security_context.get("seccompProfile") is None:
            target = sc_path(pod, c) if "securityContext" in c.value else c.path
            yield Violation(target, f"{pod.obj.label}: {c.described} has no seccomp "
                                    "profile: add seccompProfile: {type: RuntimeDefault} to "
                                    "its securityContext or the pod's")


check_project = project_check(violations)
check = document_check(violations)  # the engine picks one by scope(options)
