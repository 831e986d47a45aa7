"""A dynamic forward proxy that does not keep clients away from cloud metadata endpoints.

The proxy is protected when, before the proxy filter:

* an enforcing ``rbac`` filter with ``action: DENY`` names a metadata address or host;
* an ``rbac`` filter with ``action: ALLOW`` is a destination allow-list (every permission
  constrains the ``:authority``/``host`` header) that does not allow a metadata host: what
  it does not list is denied;
* another filter (Lua, ...) names a metadata address or host (it checks for it), or an
  ``ext_authz`` filter decides outside the file;

or a route for a metadata host answers directly (``direct_response``) instead of proxying,
or the routes are themselves an allow-list: no virtual host whose ``domains`` match a
metadata host (``*`` matches every host) has a route that forwards (every request for such
a host gets a ``direct_response``, a redirect, or no route at all, which Envoy answers
with 404).  The metadata addresses and host names are the rule's params.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from netlint.model.envoy import (
    EXT_AUTHZ_FILTER,
    EXT_AUTHZ_TYPE,
    RBAC_FILTER,
    RBAC_TYPE,
    as_list,
    as_map,
    envoy_config,
    forward_proxies,
    strings,
)
from netlint.templates.base import RuleContext, Violation
from netlint.yamlnodes import Document

TARGETS = ("envoy",)
PARAMS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {"metadata_hosts": {"type": "array", "items": {"type": "string"}}},
}
HOST_HEADERS = frozenset({":authority", "host"})


def _mentions(value: Any, needles: list[str]) -> bool:
    return any(n in s.lower() for s in strings(value) for n in needles)


def _host_constrained(permission: Any, depth: int = 0) -> bool:
    """Does this RBAC permission only match requests for particular destination hosts?"""
    p = as_map(permission)
    header = as_map(p.get("header"))
    if str(header.get("name", "")).lower() in HOST_HEADERS:
        return not header.get("invert_match") and not header.get("present_match")
    if depth > 10:
        return False
    if "and_rules" in p:  # all must hold: one host constraint is enough
        return any(_host_constrained(r, depth + 1)
                   for r in as_list(as_map(p["and_rules"]).get("rules")))
    if "or_rules" in p:  # any may hold: every branch must be constrained
        rules = as_list(as_map(p["or_rules"]).get("rules"))
        return bool(rules) and all(_host_constrained(r, depth + 1) for r in rules)
    return False


def _rbac_blocks(config: Mapping[str, Any], needles: list[str]) -> bool:
    rules = as_map(config.get("rules"))
    if not rules:
        return False  # shadow rules or a matcher tree: not judged here
    policies = [as_map(p) for p in as_map(rules.get("policies")).values()]
    if rules.get("action") == "DENY":
        return _mentions(policies, needles)
    if rules.get("action", "ALLOW") != "ALLOW":
        return False
    allow_list = all(
        as_list(p.get("permissions")) and all(_host_constrained(x)
                                              for x in as_list(p.get("permissions")))
        for p in policies
    )
    return allow_list and not _mentions(policies, needles)


def _route_blocks(route_config: Mapping[str, Any], needles: list[str]) -> bool:
    for vh in as_list(route_config.get("virtual_hosts")):
        vh = as_map(vh)
        vh_metadata = _mentions(vh.get("domains"), needles)
        for r in as_list(vh.get("routes")):
            r = as_map(r)
            if "direct_response" in r and (vh_metadata or _mentions(r.get("match"), needles)):
                return True
    return False


def domain_matches(pattern: str, host: str) -> bool:
    """Envoy's virtual host ``domains`` matching: exact, ``*.suffix``, ``prefix.*``, ``*``."""
    pattern = pattern.lower()
    if pattern == "*":
        return True
    if pattern.startswith("*"):
        return host.endswith(pattern[1:])
    if pattern.endswith("*"):
        return host.startswith(pattern[:-1])
    return pattern == host or pattern.rsplit(":", 1)[0] == host


def _routes_allow_list(route_config: Mapping[str, Any], hosts: list[str]) -> bool:
    """No request for a metadata host reaches a forwarding route: the route table only
    proxies allow-listed domains (requests matching no virtual host or no route get 404)."""
    if not as_list(route_config.get("virtual_hosts")):
        return False  # RDS or no table in the file: not judged here
    for vh in as_list(route_config.get("virtual_hosts")):
        vh = as_map(vh)
        domains = [str(d) for d in as_list(vh.get("domains"))]
        if not any(domain_matches(d, h) for d in domains for h in hosts):
            continue
        if any("route" in as_map(r) for r in as_list(vh.get("routes"))):
            return False  # a metadata host may reach a forwarding route
    return True


def check(doc: Document, params: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    needles = [h.lower() for h in params.get("metadata_hosts", ())]
    for listener, hcm, index in forward_proxies(envoy_config(doc)):
        blocked = (_route_blocks(hcm.route_config, needles)
                   or _routes_allow_list(hcm.route_config, needles))
        for f in hcm.http_filters[:index]:
            if f.is_(RBAC_FILTER, RBAC_TYPE):
                blocked = blocked or _rbac_blocks(f.config, needles)
            elif f.is_(EXT_AUTHZ_FILTER, EXT_AUTHZ_TYPE) or _mentions(f.config, needles):
                blocked = True
        if blocked:
            continue
        yield Violation(
            hcm.http_filters[index].path,
            f"{listener.label}: dynamic forward proxy with no rule denying the cloud metadata "
            "endpoints (169.254.169.254, metadata.google.internal, ...): clients can read "
            "instance credentials through it",
        )
