"""A PodSecurityPolicy: removed in Kubernetes 1.25, mapped to its equivalent PSS level
(``netlint.compliance.psp``) with the namespace labels that replace it."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from netlint.compliance.psp import PSP_GROUPS, psp_level
from netlint.loaders.kubernetes import objects
from netlint.templates.base import RuleContext, Violation
from netlint.yamlnodes import Document

TARGETS = ("kubernetes",)
PARAMS_SCHEMA: dict[str, Any] = {"type": "object", "additionalProperties": False,
                                 "properties": {}}


def check(doc: Document, params: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    for obj in objects(doc):
        if obj.kind != "PodSecurityPolicy" or obj.group not in PSP_GROUPS:
            continue
        mapped = psp_level(obj.value)
        why = ""
        if mapped.level == "privileged":
            why = f" ({'; '.join(g.reason for g in mapped.not_baseline[:3])})"
        elif mapped.level == "baseline":
            needs = "; ".join(g.reason for g in mapped.not_restricted[:3])
            why = f" (restricted would need: {needs})"
        yield Violation(
            (*obj.path, "kind"),
            f"PodSecurityPolicy '{obj.name}' is removed since Kubernetes 1.25: the API server "
            "no longer enforces it, so the pods it constrained are unconstrained unless "
            "their namespaces carry Pod Security Admission labels. It is equivalent to the "
            f"{mapped.level} Pod Security Standard{why}; label the namespaces it served "
            f"with pod-security.kubernetes.io/enforce: {mapped.level} instead",
            context=f"PodSecurityPolicy/{obj.name} removed",
        )
