"""Compose services whose root filesystem is writable (no ``read_only: true``)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from netlint.loaders.compose import compose_services, is_unresolved, truthy
from netlint.templates.base import RuleContext, Violation
from netlint.yamlnodes import Document

TARGETS = ("compose",)
PARAMS_SCHEMA: dict[str, Any] = {"type": "object", "additionalProperties": False}


def check(doc: Document, params: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    for name, svc, path in compose_services(doc):
        value = svc.get("read_only")
        if truthy(value) or is_unresolved(value):
            continue
        if "read_only" in svc:
            yield Violation((*path, "read_only"),
                            f"service '{name}' sets read_only: {str(value).lower()}; its root "
                            "filesystem is writable")
        else:
            yield Violation(path, f"service '{name}' has a writable root filesystem; add "
                            "read_only: true (and tmpfs for the paths it writes)")
