"""Clusters that reach an external host name, a public address or port 443 in plaintext.

A host name is external when its top-level domain is a public one (params); bare names and
``service.namespace`` names are internal.  Clusters that only carry a client's byte stream
(TLS passthrough behind a TCP proxy, HTTP CONNECT tunnels) are skipped: the client's TLS
reaches the upstream unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from netlint.loaders.envoy import deployments
from netlint.model.envoy import (
    PUBLIC_TLDS,
    dynamic_resource_paths,
    envoy_config,
    is_external_host,
    is_loopback,
)
from netlint.options import ScanOptions
from netlint.places import place
from netlint.source import Source, Span
from netlint.templates.base import Project, RuleContext, Violation
from netlint.yamlnodes import Document, Path

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


@dataclass(frozen=True)
class Plaintext:
    """An endpoint of a cluster without a transport socket: a finding unless its host or
    port says the traffic stays inside (decided with the rule's parameters)."""

    cluster: str
    host: str
    port: int | str | None
    message: str  # "cluster 'x' connects to host:port in plaintext"
    location: tuple[Source, Span]
    context: str


@dataclass(frozen=True, eq=False)  # one record per document, never merged with another
class Record:
    """What the rule needs of one Envoy document, collected while loading (``COLLECT``):
    the join of LDS and CDS files needs every file, and a document kept for it would be
    parsed again on every warm scan."""

    path: str
    references: tuple[tuple[str, str, Path], ...]  # dynamic_resource_paths
    tunnels: frozenset[str]  # clusters that carry a client's byte stream as is
    plaintext: tuple[Plaintext, ...]


def collect(doc: Document, options: ScanOptions) -> Record:
    cfg = envoy_config(doc)
    found = []
    for cluster in cfg.clusters:
        if cluster.transport_sockets:
            continue  # TLS, or another transport the operator chose on purpose
        for ep in cluster.endpoints:
            if ep.address.pipe:
                continue
            src, span, context = place(doc, ep.address.path)
            found.append(Plaintext(
                cluster.name, ep.address.host, ep.address.port,
                f"{cluster.label} connects to {ep.address.display} in plaintext",
                (src, span), context))
    return Record(doc.source.path, tuple(dynamic_resource_paths(doc)),
                  frozenset(n for n in cfg.tunnel_clusters() if isinstance(n, str)),
                  tuple(found))


def check_project(project: Project, params: Mapping[str, Any], ctx: RuleContext
                  ) -> Iterator[Violation]:
    records: list[Record] = project.records.get("envoy-plaintext") or [
        collect(d, ctx.options) for d in project.of_kind("envoy")]
    groups, _references = deployments(records, lambda r: r.path, lambda r: r.references)
    tlds = frozenset(params.get("public_tlds", PUBLIC_TLDS))
    tls_ports = set(params.get("tls_ports", (443,)))
    for record in records:
        tunnels: set[str] = set()
        for related in groups.get(id(record), [record]):
            tunnels |= related.tunnels
        for p in record.plaintext:
            if p.cluster in tunnels:
                continue  # TLS passthrough or CONNECT: the client's own TLS goes through
            host, port = p.host, p.port
            # a port of the wrong type (a list, a map) is the schema's concern, not ours
            if isinstance(port, (int, str)) and port in tls_ports and not is_loopback(host):
                reason = f"port {port}"
            elif is_external_host(host, tlds):
                reason = f"external host {host}"
            else:
                continue
            yield Violation(message=f"{p.message} ({reason}) with no UpstreamTlsContext "
                            "transport socket", location=p.location, context=p.context)


def encode(rec: Record, source: Source) -> Any:
    """``rec`` as JSON-able data for the incremental cache (None: cannot be kept)."""
    plaintext = []
    for p in rec.plaintext:
        src, span = p.location
        if (src is not source or not _port(p.port) or type(p.host) is not str
                or type(p.cluster) is not str):
            return None
        plaintext.append([p.cluster, p.host, p.port, p.message,
                          [span.start_line, span.start_column, span.end_line,
                           span.end_column], p.context])
    return [[[kind, ref, list(path)] for kind, ref, path in rec.references],
            sorted(rec.tunnels), plaintext]


def decode(data: Any, source: Source) -> Record:
    """The record :func:`encode` stored; ValueError when ``data`` is malformed."""
    references_data, tunnels, plaintext_data = data
    references = []
    for kind, ref, path in references_data:
        if not (type(kind) is str and type(ref) is str and isinstance(path, list)
                and all(type(step) in (str, int) for step in path)):
            raise ValueError("envoy reference")
        references.append((kind, ref, tuple(path)))
    plaintext = []
    for cluster, host, port, message, span, context in plaintext_data:
        if not (type(cluster) is str and type(host) is str and _port(port)
                and type(message) is str and type(context) is str
                and isinstance(span, list) and len(span) == 4
                and all(type(n) is int for n in span)):
            raise ValueError("envoy endpoint")
        plaintext.append(Plaintext(cluster, host, port, message, (source, Span(*span)),
                                   context))
    if not all(type(t) is str for t in tunnels):
        raise ValueError("envoy tunnels")
    return Record(source.path, tuple(references), frozenset(tunnels), tuple(plaintext))


def _port(port: Any) -> bool:
    """A port JSON keeps as it is (the model gives an int, a string or None)."""
    return port is None or type(port) in (int, str, bool, float)


COLLECT = ("envoy-plaintext", collect, (encode, decode))
