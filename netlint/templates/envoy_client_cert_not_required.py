"""Downstream TLS that validates client certificates but does not require one."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from netlint.model.envoy import envoy_config, validates_peer
from netlint.templates.base import RuleContext, Violation
from netlint.yamlnodes import Document

TARGETS = ("envoy",)
PARAMS_SCHEMA: dict[str, Any] = {"type": "object", "additionalProperties": False}


def check(doc: Document, params: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    for listener in envoy_config(doc).listeners:
        for chain in listener.filter_chains:
            tls = chain.tls
            if tls is None or not validates_peer(tls):
                continue
            required = tls.config.get("require_client_certificate")
            if required is True:
                continue
            path = (*tls.config_path, "require_client_certificate") if (
                "require_client_certificate" in tls.config) else tls.config_path
            yield Violation(
                path,
                f"{listener.label}: client certificates are validated when presented but not "
                "required (require_client_certificate is not true); clients without one get in",
            )
