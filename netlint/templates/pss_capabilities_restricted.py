"""PSS capabilities (restricted): every container drops ``ALL`` and adds at most
``NET_BIND_SERVICE`` (Windows pods are exempt from v1.25)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from netlint.loaders.kubernetes import PodSpec
from netlint.model.pss import document_check, mapping, params_schema, project_check
from netlint.model.pss import scope as scope  # the engine asks it the scope
from netlint.templates.base import Violation
from netlint.templates.pss_allow_privilege_escalation import PARAMS_SCHEMA as _APE_SCHEMA
from netlint.templates.pss_allow_privilege_escalation import windows_exempt

TARGETS = ("kubernetes",)
SCOPE = "project"  # with --pss-level namespace; otherwise document (see scope)
PARAMS_SCHEMA = params_schema(**{
    "windows-exempt-from": _APE_SCHEMA["properties"]["windows-exempt-from"],
    "allowed-add": {"type": "array", "items": {"type": "string"}},
})


def violations(pod: PodSpec, version: int, params: Mapping[str, Any]) -> Iterator[Violation]:
    if windows_exempt(pod, version, params):
        return
    allowed = frozenset(params.get("allowed-add", ("NET_BIND_SERVICE",)))
    for c in pod.containers():
        sc = c.security_context
        caps = mapping(sc.get("capabilities"))
        base = (*c.path, "securityContext", "capabilities")
        drop = caps.get("drop")
        if not (isinstance(drop, list) and "ALL" in drop):
            if "drop" in caps:
                target: tuple[Any, ...] = (*base, "drop")
            elif "capabilities" in sc:
                target = base
            else:
                target = base[:-1] if "securityContext" in c.value else c.path
            yield Violation(target, f"{pod.obj.label}: {c.described} does not drop ALL "
                                    "capabilities: add capabilities: {drop: [ALL]} to its "
                                    "securityContext")
        added = caps.get("add")
        if isinstance(added, list):
            for i, cap in enumerate(added):
                if not (isinstance(cap, str) and cap in allowed):
                    yield Violation((*base, "add", i),
                                    f"{pod.obj.label}: {c.described} adds capability "
                                    f"{cap!r}; the restricted level allows only "
                                    "NET_BIND_SERVICE")


check_project = project_check(violations)
check = document_check(violations)  # the engine picks one by scope(options)
