"""A dynamic forward proxy that does not deny the cloud metadata endpoints.

Evidence of a deny is any metadata address or host name in the HTTP filters before the
proxy filter (RBAC, Lua, ext_authz settings) or in the route configuration (a route or
virtual host for the host that does not go to the proxy).  The addresses are params.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from netlint.model.envoy import envoy_config, forward_proxies, strings
from netlint.templates.base import RuleContext, Violation
from netlint.yamlnodes import Document

TARGETS = ("envoy",)
PARAMS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {"metadata_hosts": {"type": "array", "items": {"type": "string"}}},
}


def check(doc: Document, params: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    needles = [h.lower() for h in params.get("metadata_hosts", ())]
    for listener, hcm, index in forward_proxies(envoy_config(doc)):
        places = [f.config for f in hcm.http_filters[:index]]
        places.append(hcm.route_config)
        if any(n in s.lower() for s in strings(places) for n in needles):
            continue
        yield Violation(
            hcm.http_filters[index].path,
            f"{listener.label}: dynamic forward proxy with no rule denying the cloud metadata "
            "endpoints (169.254.169.254, metadata.google.internal, ...): clients can read "
            "instance credentials through it",
        )
