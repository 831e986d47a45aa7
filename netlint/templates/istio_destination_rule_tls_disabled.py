"""Istio DestinationRules whose traffic policy turns TLS off (``tls.mode: DISABLE``) or
stops verifying the server's certificate (``tls.insecureSkipVerify: true``, any mode),
in the rule's, a subset's or a port-level traffic policy.

A host whose ServiceEntry endpoints (in the scan) are all ``unix://`` sockets never
leaves the pod over the network: DISABLE there is not network plaintext.  The join needs
every file, so the template collects small records while loading (``COLLECT``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from netlint.loaders.kubernetes import objects
from netlint.options import ScanOptions
from netlint.source import Source, Span
from netlint.templates.base import Project, RuleContext, Violation
from netlint.yamlnodes import Document, Path

SCOPE = "project"
TARGETS = ("kubernetes",)
PROJECT_KINDS = ("kubernetes",)
PARAMS_SCHEMA: dict[str, Any] = {"type": "object", "additionalProperties": False}
ISTIO = "networking.istio.io"


@dataclass(frozen=True)
class Hit:
    host: str
    message: str
    location: tuple[Source, Span]
    context: str
    plaintext: bool  # DISABLE (skipped for unix-socket hosts); else insecureSkipVerify


@dataclass(frozen=True)
class Record:
    hits: tuple[Hit, ...] = ()
    unix_hosts: tuple[str, ...] = ()  # ServiceEntry hosts whose endpoints are all unix://
    network_hosts: tuple[str, ...] = ()  # ServiceEntry hosts with a network endpoint


_NOTHING = Record()


def _policies(spec: Mapping[str, Any], base: Path) -> Iterator[tuple[Any, Path]]:
    yield spec.get("trafficPolicy"), (*base, "trafficPolicy")
    subsets = spec.get("subsets")
    for i, subset in enumerate(subsets if isinstance(subsets, list) else []):
        if isinstance(subset, Mapping):
            yield subset.get("trafficPolicy"), (*base, "subsets", i, "trafficPolicy")


def _tls_findings(tls: Any, path: Path, what: str) -> Iterator[tuple[Path, str, bool]]:
    if not isinstance(tls, Mapping):
        return
    if tls.get("mode") == "DISABLE":
        yield (*path, "mode"), f"{what} is sent in plaintext (tls.mode: DISABLE)", True
    if tls.get("insecureSkipVerify") is True:
        yield ((*path, "insecureSkipVerify"),
               f"{what} is sent over TLS without verifying the server's certificate "
               "(tls.insecureSkipVerify: true)", False)


def collect(doc: Document, options: ScanOptions) -> Record:
    from netlint.places import place

    hits: list[Hit] = []
    unix: list[str] = []
    network: list[str] = []
    for obj in objects(doc):
        if obj.group != ISTIO:
            continue
        spec = obj.value.get("spec")
        if not isinstance(spec, Mapping):
            continue
        if obj.kind == "ServiceEntry":
            hosts = [h for h in spec.get("hosts") or () if isinstance(h, str)]
            eps = [e for e in spec.get("endpoints") or () if isinstance(e, Mapping)]
            if eps and all(str(e.get("address", "")).startswith("unix://") for e in eps):
                unix.extend(hosts)
            else:
                network.extend(hosts)
            continue
        if obj.kind != "DestinationRule":
            continue
        host = str(spec.get("host", "?"))
        for policy, path in _policies(spec, (*obj.path, "spec")):
            if not isinstance(policy, Mapping):
                continue
            found = list(_tls_findings(policy.get("tls"), (*path, "tls"),
                                       f"{obj.label}: traffic to '{host}'"))
            ports = policy.get("portLevelSettings")
            for i, setting in enumerate(ports if isinstance(ports, list) else []):
                if not isinstance(setting, Mapping):
                    continue
                port = setting.get("port")
                number = port.get("number", "?") if isinstance(port, Mapping) else "?"
                found.extend(_tls_findings(
                    setting.get("tls"), (*path, "portLevelSettings", i, "tls"),
                    f"{obj.label}: traffic to '{host}' port {number}"))
            for where, message, plaintext in found:
                src, span, context = place(doc, where)
                hits.append(Hit(host, message, (src, span), context, plaintext))
    if not (hits or unix or network):
        return _NOTHING
    return Record(tuple(hits), tuple(unix), tuple(network))


def encode(rec: Record, source: Source) -> Any:
    """``rec`` as JSON-able data for the incremental cache (None: cannot be kept)."""
    if rec is _NOTHING:
        return 0
    hits = []
    for h in rec.hits:
        src, span = h.location
        if src is not source:
            return None
        hits.append([h.host, h.message, [span.start_line, span.start_column, span.end_line,
                                         span.end_column], h.context, h.plaintext])
    return [hits, list(rec.unix_hosts), list(rec.network_hosts)]


def decode(data: Any, source: Source) -> Record:
    """The record :func:`encode` stored; ValueError when ``data`` is malformed."""
    if data == 0 and type(data) is int:
        return _NOTHING
    hits_data, unix, network = data
    hits = []
    for host, message, span, context, plaintext in hits_data:
        if not (type(host) is str and type(message) is str and type(context) is str
                and type(plaintext) is bool and isinstance(span, list) and len(span) == 4
                and all(type(n) is int for n in span)):
            raise ValueError("istio record")
        hits.append(Hit(host, message, (source, Span(*span)), context, plaintext))
    if not all(type(h) is str for h in [*unix, *network]):
        raise ValueError("istio hosts")
    return Record(tuple(hits), tuple(unix), tuple(network))


COLLECT = ("istio-tls", collect, (encode, decode))


def check_project(project: Project, params: Mapping[str, Any], ctx: RuleContext
                  ) -> Iterator[Violation]:
    records: list[Record] = project.records.get("istio-tls") or [
        collect(d, ctx.options) for d in project.of_kind("kubernetes")]
    unix = {h for r in records for h in r.unix_hosts}
    network = {h for r in records for h in r.network_hosts}
    for r in records:
        for hit in r.hits:
            if hit.plaintext and hit.host in unix and hit.host not in network:
                continue  # a local socket: nothing crosses the network
            yield Violation(message=hit.message, location=hit.location, context=hit.context)
