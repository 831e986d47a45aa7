"""Compose services whose logging driver is ``none``."""

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
        logging = svc.get("logging")
        if isinstance(logging, Mapping) and str(logging.get("driver", "")).strip() == "none":
            yield Violation((*path, "logging", "driver"),
                            f"service '{name}' discards its logs (logging driver none)")
