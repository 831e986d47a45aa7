"""Upstream TLS to internet host names without SNI (``sni`` or ``auto_sni``).

Clusters without static endpoints (dynamic forward proxy, EDS) are checked too: their hosts
are not known in advance.  IP addresses and internal names are skipped.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from netlint.model.envoy import (
    Cluster,
    Typed,
    as_list,
    as_map,
    envoy_config,
    is_external_host,
    is_ip,
    validates_peer,
    validation_context,
)
from netlint.templates.base import RuleContext, Violation
from netlint.yamlnodes import Document

TARGETS = ("envoy",)
PARAMS_SCHEMA: dict[str, Any] = {"type": "object", "additionalProperties": False}


def _auto_sni(cluster: Cluster) -> bool:
    if as_map(cluster.value.get("upstream_http_protocol_options")).get("auto_sni") is True:
        return True
    for opts in as_map(cluster.value.get("typed_extension_protocol_options")).values():
        upstream = as_map(as_map(opts).get("upstream_http_protocol_options"))
        if upstream.get("auto_sni") is True:
            return True
    return False


def exact_san(ctx: Typed) -> bool:
    """The validation context pins the peer's name with an exact SAN match."""
    vc, _ = validation_context(ctx)
    if vc is None:
        return False
    matchers = [*as_list(vc.get("match_typed_subject_alt_names")),
                *as_list(vc.get("match_subject_alt_names"))]
    for m in matchers:
        m = as_map(m)
        inner = as_map(m.get("matcher")) if "matcher" in m else m
        if isinstance(inner.get("exact"), str) and inner["exact"]:
            return True
    return False


def check(doc: Document, params: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    for cluster in envoy_config(doc).clusters:
        hosts = [e.address.host for e in cluster.endpoints if not e.address.pipe]
        if hosts and not any(is_external_host(h) and not is_ip(h) for h in hosts):
            continue  # IP addresses or in-cluster names: one certificate, no virtual hosting
        if _auto_sni(cluster):
            continue
        for tls in cluster.upstream_tls():
            if tls.config.get("sni"):
                continue
            if validates_peer(tls) and exact_san(tls):
                # the name is verified already: only the server's choice of certificate
                # (virtual hosting on a shared address) is missing
                why = ("the certificate is verified against the trusted CA and the exact "
                       "SAN match, but a server that hosts several names cannot pick the "
                       "right certificate without it")
            else:
                why = ("the server cannot pick the right certificate, and nothing else "
                       "pins the name it must present (no exact SAN match)")
            yield Violation(
                tls.config_path,
                f"{cluster.label}: UpstreamTlsContext sets no sni (and the cluster no "
                f"auto_sni): {why}",
            )
