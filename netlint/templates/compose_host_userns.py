"""Compose services that share the host's user namespace (``userns_mode: host``)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from netlint.loaders.compose import compose_services
from netlint.templates.base import RuleContext, Violation
from netlint.yamlnodes import Document

TARGETS = ("compose",)
PARAMS_SCHEMA: dict[str, Any] = {"type": "object", "additionalProperties": False}


def check(doc: Document, params: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    for name, svc, path in compose_services(doc):
        mode = svc.get("userns_mode")
        if isinstance(mode, str) and mode.strip().lower() == "host":
            yield Violation((*path, "userns_mode"),
                            f"service '{name}' uses the host user namespace (userns_mode: "
                            "host), bypassing the daemon's user-namespace remapping")
