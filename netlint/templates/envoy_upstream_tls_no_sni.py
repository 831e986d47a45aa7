"""Upstream TLS to internet host names without SNI (``sni`` or ``auto_sni``).

Clusters without static endpoints (dynamic forward proxy, EDS) are checked too: their hosts
are not known in advance.  IP addresses and internal names are skipped.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from netlint.model.envoy import Cluster, as_map, envoy_config, is_external_host, is_ip
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
            yield Violation(
                tls.config_path,
                f"{cluster.label}: UpstreamTlsContext sets no sni (and the cluster no "
                "auto_sni); the server cannot pick the right certificate and name checks "
                "are weakened",
            )
