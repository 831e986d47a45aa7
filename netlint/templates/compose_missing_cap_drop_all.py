"""Compose services that do not drop all capabilities (``cap_drop: [ALL]``)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from netlint.loaders.compose import compose_services
from netlint.templates.base import RuleContext, Violation
from netlint.templates.compose_cap_add import capability_name
from netlint.yamlnodes import Document

TARGETS = ("compose",)
PARAMS_SCHEMA: dict[str, Any] = {"type": "object", "additionalProperties": False}


def check(doc: Document, params: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    for name, svc, path in compose_services(doc):
        drops = svc.get("cap_drop")
        if isinstance(drops, list) and any(capability_name(c) == "ALL" for c in drops):
            continue
        if isinstance(drops, list):
            yield Violation((*path, "cap_drop"),
                            f"service '{name}' drops some capabilities but not ALL; use "
                            "cap_drop: [ALL] and add back only what it needs")
        else:
            yield Violation(path, f"service '{name}' keeps Docker's default capabilities; "
                            "add cap_drop: [ALL]")
