"""Workloads that no network policy isolates for egress (they may connect anywhere)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from netlint.templates._netpol import COLLECT as COLLECT  # records, not documents
from netlint.templates._netpol import model
from netlint.templates.base import Project, RuleContext, Violation

SCOPE = "project"
TARGETS = ("kubernetes",)
PROJECT_KINDS = ("kubernetes",)  # the network model reads Kubernetes objects only
PARAMS_SCHEMA: dict[str, Any] = {"type": "object", "additionalProperties": False}


def check_project(project: Project, params: Mapping[str, Any], ctx: RuleContext
                  ) -> Iterator[Violation]:
    m = model(project, ctx)
    for w in m.workloads:
        if m.isolated(w):
            continue
        near = m.almost(w)
        hint = ("; almost: " + "; ".join(near[:3])) if near else (
            "; no policy in the scan selects it with Egress")
        yield Violation(
            w.path,
            f"{w.label} in namespace '{w.namespace}' is not isolated for egress: it may "
            f"connect to any address{hint}",
            location=w.location, context=w.context,
        )
