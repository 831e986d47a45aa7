"""Clusters that reach an external host name, a public address or port 443 in plaintext.

A host name is external when its top-level domain is a public one (params); bare names and
``service.namespace`` names are internal.  Clusters that only carry a client's byte stream
(TLS passthrough behind a TCP proxy, HTTP CONNECT tunnels) are skipped: the client's TLS
reaches the upstream unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from netlint.loaders.envoy import scan_index
from netlint.model.envoy import PUBLIC_TLDS, envoy_config, is_external_host, is_loopback
from netlint.templates.base import Project, RuleContext, Violation
from netlint.yamlnodes import Document

SCOPE = "project"  # listeners in an LDS file may tunnel to the clusters of a CDS file
TARGETS = ("envoy",)
PROJECT_KINDS = ("envoy",)  # reads Envoy documents only
PARAMS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "public_tlds": {"type": "array", "items": {"type": "string"}},
        "tls_ports": {"type": "array", "items": {"type": "integer"}},
    },
}


def check_project(project: Project, params: Mapping[str, Any], ctx: RuleContext
                  ) -> Iterator[Violation]:
    index = scan_index(ctx.shared, project.documents)
    for doc in project.of_kind("envoy"):
        tunnels: set[str] = set()
        for cfg in index.related_configs(doc):
            tunnels |= cfg.tunnel_clusters()
        yield from check_document(doc, params, tunnels)


def check_document(doc: Document, params: Mapping[str, Any], tunnels: set[str]
                   ) -> Iterator[Violation]:
    tlds = frozenset(params.get("public_tlds", PUBLIC_TLDS))
    tls_ports = set(params.get("tls_ports", (443,)))
    for cluster in envoy_config(doc).clusters:
        if cluster.transport_sockets:
            continue  # TLS, or another transport the operator chose on purpose
        if cluster.name in tunnels:
            continue  # TLS passthrough or CONNECT: the client's own TLS goes through
        for ep in cluster.endpoints:
            host, port = ep.address.host, ep.address.port
            if ep.address.pipe:
                continue
            # a port of the wrong type (a list, a map) is the schema's concern, not ours
            if isinstance(port, (int, str)) and port in tls_ports and not is_loopback(host):
                reason = f"port {port}"
            elif is_external_host(host, tlds):
                reason = f"external host {host}"
            else:
                continue
            yield Violation(
                ep.address.path,
                f"{cluster.label} connects to {ep.address.display} in plaintext ({reason}) "
                "with no UpstreamTlsContext transport socket",
                doc=doc,
            )
