"""Listeners on a non-loopback address with a filter chain that accepts plaintext.

A chain is TLS when its transport socket is a ``DownstreamTlsContext`` (or QUIC, which is
always TLS 1.3), when it carries the v2 API's ``tls_context``, or when its
``filter_chain_match`` only accepts TLS (TLS passthrough behind the TLS inspector).
A plaintext HTTP chain whose every route only redirects to HTTPS (``https_redirect``
or ``require_tls: ALL``; the usual port-80 redirector) or only serves metrics and
health paths (params: Prometheus scrapes and kubelet probes are plaintext by design)
passes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from netlint.model.envoy import FilterChain, as_list, as_map, envoy_config
from netlint.templates.base import RuleContext, Violation
from netlint.yamlnodes import Document

TARGETS = ("envoy",)
PARAMS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "telemetry_paths": {"type": "array", "items": {"type": "string"}},
    },
}


def _accepts_plaintext(chain: FilterChain, telemetry: tuple[str, ...]) -> bool:
    if chain.tls is not None or as_map(chain.value.get("tls_context")):
        return False  # v3 transport socket, or the v2 API's filter-chain tls_context
    ts = chain.transport_socket
    if ts is not None and ("quic" in ts.name or "Quic" in ts.type):
        return False
    match = as_map(chain.value.get("filter_chain_match"))
    if match.get("transport_protocol") == "tls" or match.get("server_names"):
        return False  # only TLS (SNI) connections reach this chain
    managers = list(chain.http_managers())
    return not (managers and all(_harmless(h.route_config, telemetry) for h in managers))


def _harmless(route_config: Mapping[str, Any], telemetry: tuple[str, ...]) -> bool:
    """Every route redirects to HTTPS or only serves metrics and health probes."""
    hosts = as_list(route_config.get("virtual_hosts"))
    if not hosts:
        return False
    for vh in hosts:
        vh = as_map(vh)
        if vh.get("require_tls") == "ALL":
            continue
        routes = [as_map(r) for r in as_list(vh.get("routes"))]
        if not routes or not all(_redirect_or_telemetry(r, telemetry) for r in routes):
            return False
    return True


def _redirect_or_telemetry(route: Mapping[str, Any], telemetry: tuple[str, ...]) -> bool:
    if as_map(route.get("redirect")).get("https_redirect") is True:
        return True
    match = as_map(route.get("match"))
    path = match.get("path", match.get("prefix"))
    return isinstance(path, str) and path != "/" and path.startswith(telemetry)


def check(doc: Document, params: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    telemetry = tuple(params.get("telemetry_paths", ()))
    for listener in envoy_config(doc).listeners:
        addr = listener.address
        if addr is None or addr.loopback or not addr.host:
            continue
        plain = [i for i, c in enumerate(listener.filter_chains)
                 if _accepts_plaintext(c, telemetry)]
        if not plain:
            continue
        if len(listener.filter_chains) == 1:
            which = "its filter chain accepts"
        else:
            which = ("filter chain " if len(plain) == 1 else "filter chains ") + ", ".join(
                map(str, plain)) + (" accepts" if len(plain) == 1 else " accept")
        yield Violation(
            (*addr.path, "address"),
            f"{listener.label} listens on {addr.display} and {which} plaintext: no "
            "DownstreamTlsContext transport socket",
        )
