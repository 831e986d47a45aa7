"""Clusters that reach an external host name, a public address or port 443 in plaintext."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator, Mapping
from typing import Any

from netlint.model.envoy import envoy_config, is_ip, is_loopback
from netlint.templates.base import RuleContext, Violation
from netlint.yamlnodes import Document

TARGETS = ("envoy",)
PARAMS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "internal_suffixes": {"type": "array", "items": {"type": "string"}},
        "tls_ports": {"type": "array", "items": {"type": "integer"}},
    },
}


def _external(host: str, internal_suffixes: tuple[str, ...]) -> bool:
    if not host or is_loopback(host):
        return False
    if is_ip(host):
        return ipaddress.ip_address(host).is_global
    name = host.rstrip(".").lower()
    # a bare name ("backend") is a Compose/Kubernetes service name: internal
    return "." in name and not name.endswith(internal_suffixes)


def check(doc: Document, params: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    suffixes = tuple(params.get("internal_suffixes", ()))
    tls_ports = set(params.get("tls_ports", (443,)))
    for cluster in envoy_config(doc).clusters:
        if cluster.transport_sockets:
            continue  # TLS, or another transport the operator chose on purpose
        for ep in cluster.endpoints:
            host, port = ep.address.host, ep.address.port
            if ep.address.pipe:
                continue
            if port in tls_ports and not is_loopback(host):
                reason = f"port {port}"
            elif _external(host, suffixes):
                reason = f"external host {host}"
            else:
                continue
            yield Violation(
                ep.address.path,
                f"{cluster.label} connects to {ep.address.display} in plaintext ({reason}) with no "
                "UpstreamTlsContext transport socket",
            )
