"""Upstream TLS contexts that do not verify the server's certificate."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from netlint.model.envoy import envoy_config, validates_peer, validation_context
from netlint.templates.base import RuleContext, Violation
from netlint.yamlnodes import Document

TARGETS = ("envoy",)
PARAMS_SCHEMA: dict[str, Any] = {"type": "object", "additionalProperties": False}


def check(doc: Document, params: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    for cluster in envoy_config(doc).clusters:
        for tls in cluster.upstream_tls():
            if validates_peer(tls):
                continue
            vc, path = validation_context(tls)
            if vc is not None and vc.get("trust_chain_verification") == "ACCEPT_UNTRUSTED":
                yield Violation((*path, "trust_chain_verification"),
                                f"{cluster.label}: upstream TLS accepts untrusted certificates "
                                "(trust_chain_verification: ACCEPT_UNTRUSTED)")
                continue
            what = ("a validation_context without trusted_ca" if vc is not None
                    else "no validation_context")
            yield Violation(
                path if vc is not None else tls.config_path,
                f"{cluster.label}: UpstreamTlsContext has {what}, so any server certificate "
                "is accepted; add validation_context.trusted_ca",
            )
