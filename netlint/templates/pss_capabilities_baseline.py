"""PSS capabilities (baseline): ``capabilities.add`` may only hold the allowed names
(exact and case-sensitive: ``chown`` and ``CAP_CHOWN`` are not ``CHOWN``)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from netlint.loaders.kubernetes import PodSpec
from netlint.model.pss import document_check, mapping, params_schema, project_check
from netlint.model.pss import scope as scope  # the engine asks it the scope
from netlint.templates.base import Violation

TARGETS = ("kubernetes",)
SCOPE = "project"  # with --pss-level namespace; otherwise document (see scope)
PARAMS_SCHEMA = params_schema(allowed={"type": "array", "items": {"type": "string"}})


def violations(pod: PodSpec, version: int, params: Mapping[str, Any]) -> Iterator[Violation]:
    allowed = frozenset(params.get("allowed", ()))
    for c in pod.containers():
        added = mapping(c.security_context.get("capabilities")).get("add")
        if not isinstance(added, list):
            continue
        for i, cap in enumerate(added):
            if not (isinstance(cap, str) and cap in allowed):
                yield Violation(
                    (*c.path, "securityContext", "capabilities", "add", i),
                    f"{pod.obj.label}: {c.described} adds capability {cap!r}, which the "
                    "baseline level does not allow",
                )


check_project = project_check(violations)
check = document_check(violations)  # the engine picks one by scope(options)
