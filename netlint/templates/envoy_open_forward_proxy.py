"""A dynamic forward proxy that any client can use: no authorization before it.

The HTTP filters run in order, so only an authorization filter placed before the dynamic
forward proxy filter (and so before the router) gates the egress: ``ext_authz``, an
``rbac`` filter with ALLOW policies (DENY-only lets everyone else through), or
``jwt_authn`` with a strict requirement on every path.  Path matchers never match CONNECT
requests, so when the routes accept CONNECT the ``jwt_authn`` rules must have a
``connect_matcher`` rule too.  The TLS variant, the SNI dynamic forward
proxy network filter, needs ``filter_chain_match.server_names`` or a network ``rbac`` /
``ext_authz`` filter before it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from netlint.model.envoy import (
    authorizes_every_request,
    envoy_config,
    forward_proxies,
    routes_connect,
    sni_forward_proxies,
    sni_proxy_gated,
)
from netlint.templates.base import RuleContext, Violation
from netlint.yamlnodes import Document

TARGETS = ("envoy",)
PARAMS_SCHEMA: dict[str, Any] = {"type": "object", "additionalProperties": False}


def check(doc: Document, params: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    for listener, hcm, index in forward_proxies(envoy_config(doc)):
        connect = routes_connect(hcm.route_config)
        if any(authorizes_every_request(f, connect) for f in hcm.http_filters[:index]):
            continue
        dfp = hcm.http_filters[index]
        gap = ("; jwt_authn rules match paths only, so CONNECT requests skip them"
               if connect and any(authorizes_every_request(f) for f in hcm.http_filters[:index])
               else "")
        yield Violation(
            dfp.path,
            f"{listener.label}: dynamic forward proxy with no authorization filter "
            "(ext_authz, rbac, or jwt_authn required on every path) before it: an open "
            f"egress proxy to any host{gap}",
        )
    for listener, chain, index in sni_forward_proxies(envoy_config(doc)):
        if sni_proxy_gated(chain, index):
            continue
        yield Violation(
            chain.filters[index].path,
            f"{listener.label}: SNI dynamic forward proxy with no server_names allow-list and "
            "no network rbac or ext_authz filter before it: an open TLS egress proxy",
        )
