"""A dynamic forward proxy that any client can use: no authorization before it.

The HTTP filters run in order, so only an authorization filter placed before the dynamic
forward proxy filter (and so before the router) gates the egress: ``ext_authz``, an
enforcing ``rbac`` filter, or ``jwt_authn`` with a strict requirement on every path.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from netlint.model.envoy import authorizes_every_request, envoy_config, forward_proxies
from netlint.templates.base import RuleContext, Violation
from netlint.yamlnodes import Document

TARGETS = ("envoy",)
PARAMS_SCHEMA: dict[str, Any] = {"type": "object", "additionalProperties": False}


def check(doc: Document, params: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    for listener, hcm, index in forward_proxies(envoy_config(doc)):
        if any(authorizes_every_request(f) for f in hcm.http_filters[:index]):
            continue
        dfp = hcm.http_filters[index]
        yield Violation(
            dfp.path,
            f"{listener.label}: dynamic forward proxy with no authorization filter "
            "(ext_authz, rbac, or jwt_authn required on every path) before it: an open "
            "egress proxy to any host",
        )
