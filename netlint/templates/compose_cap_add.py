"""Compose services that add dangerous Linux capabilities with ``cap_add``."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from netlint.loaders.compose import compose_services, is_unresolved
from netlint.templates.base import RuleContext, Violation
from netlint.yamlnodes import Document

TARGETS = ("compose",)
PARAMS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"capabilities": {"type": "array", "items": {"type": "string"}}},
    "required": ["capabilities"],
    "additionalProperties": False,
}


def capability_name(value: Any) -> str:
    return str(value).strip().upper().removeprefix("CAP_")


def check(doc: Document, params: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    dangerous = {capability_name(c) for c in params["capabilities"]}
    for name, svc, path in compose_services(doc):
        caps = svc.get("cap_add")
        if not isinstance(caps, list):
            continue
        for i, cap in enumerate(caps):
            if is_unresolved(cap) or not isinstance(cap, str):
                continue
            cap_name = capability_name(cap)
            if cap_name in dangerous:
                yield Violation((*path, "cap_add", i),
                                f"service '{name}' adds capability {cap_name}")
