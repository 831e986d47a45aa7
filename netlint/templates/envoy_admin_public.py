"""The admin interface bound to a non-loopback address."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from netlint.model.envoy import envoy_config, socket_address
from netlint.templates.base import RuleContext, Violation
from netlint.yamlnodes import Document

TARGETS = ("envoy",)
PARAMS_SCHEMA: dict[str, Any] = {"type": "object", "additionalProperties": False}


def check(doc: Document, params: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    cfg = envoy_config(doc)
    if cfg.admin is None:
        return
    addr = socket_address(cfg.admin.get("address"), (*cfg.admin_path, "address"))
    if addr is None or addr.loopback or not addr.host:
        return  # an empty address is a partial config (merged elsewhere), not 0.0.0.0
    yield Violation(
        (*addr.path, "address"),
        f"admin interface listens on {addr.display}; anyone who "
        "reaches it can change log levels, drain listeners and quit Envoy",
    )
