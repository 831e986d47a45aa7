"""A project-scope template used only by tests/test_parallel.py (not shipped).

It reports every NetworkPolicy with the number of Kubernetes documents of the scan, so a
parallel scan that lost or reordered documents on their way to the parent would show.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from netlint.templates.base import Project, RuleContext, Violation

SCOPE = "project"
TARGETS = ("kubernetes",)
PROJECT_KINDS = ("kubernetes",)
PARAMS_SCHEMA: dict[str, Any] = {"type": "object"}


def check_project(project: Project, params: Any, ctx: RuleContext) -> Iterator[Violation]:
    docs = list(project.of_kind("kubernetes"))
    first = docs[0].path if docs else ""
    for doc in docs:
        if isinstance(doc.value, dict) and doc.value.get("kind") == "NetworkPolicy":
            yield Violation(("metadata", "name"),
                            f"policy {doc.index} of {len(docs)} documents (first: {first})",
                            doc=doc)
