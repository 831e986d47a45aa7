"""Compose services with unrestricted egress to the internet.

A service reaches the internet when it uses the host's network (``network_mode: host``),
Docker's default bridge (``network_mode: bridge``), or any network that is not
``internal: true`` (including the implicit ``default`` network when it names none).
``network_mode: none`` and internal-only networks give no egress;
``network_mode: service:X`` shares X's network.  Services whose name matches
``proxy_pattern`` are the controlled egress path (the seed pattern: workers on an internal
network reach the internet only through a proxy) and are not reported.

Direct egress also reaches the host's cloud metadata endpoint (Docker does not block it),
so the one finding says so and the rule carries ``metadata-block`` too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from netlint.model.metadata import metadata_endpoints
from netlint.templates.base import RuleContext, Violation
from netlint.yamlnodes import Document, Path

TARGETS = ("compose",)
PARAMS_SCHEMA: dict[str, Any] = {
    "type": "object", "additionalProperties": False,
    "properties": {"proxy_pattern": {"type": "string", "format": "regex"}},
}
DEFAULT_PROXY = r"(^|[-_])((egress|forward|ssrf)[-_]?proxy|squid|tinyproxy|smokescreen)$"


def _networks(svc: Mapping[str, Any]) -> list[str] | None:
    nets = svc.get("networks")
    if nets is None:
        return None
    if isinstance(nets, Mapping):
        return [str(k) for k in nets]
    if isinstance(nets, list):
        return [str(n) for n in nets]
    return None


def _open(name: str, services: Mapping[str, Any], networks: Mapping[str, Any],
          seen: frozenset[str] = frozenset()) -> tuple[str, Path] | None:
    """Why the service reaches the internet (and where), or None."""
    svc = services.get(name)
    if not isinstance(svc, Mapping) or name in seen:
        return None
    mode = svc.get("network_mode")
    if isinstance(mode, str):
        if mode in ("host", "bridge"):
            return f"network_mode: {mode}", ("services", name, "network_mode")
        if mode.startswith("service:"):
            inner = _open(mode.split(":", 1)[1], services, networks, seen | {name})
            return (f"shares the network of service '{mode.split(':', 1)[1]}' "
                    f"({inner[0]})", ("services", name, "network_mode")) if inner else None
        return None  # none, container:..., or a named network mode
    names = _networks(svc)
    if not names:
        names = ["default"]
        where: Path = ("services", name)
    else:
        where = ("services", name, "networks")
    for net in names:
        decl = networks.get(net)
        if isinstance(decl, Mapping) and decl.get("internal") is True:
            continue
        label = "the implicit default network" if net == "default" and net not in networks else (
            f"network '{net}', which is not internal")
        return f"is on {label}", where
    return None


def check(doc: Document, params: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    value = doc.value if isinstance(doc.value, Mapping) else {}
    services = value.get("services")
    if not isinstance(services, Mapping):
        return
    networks = value.get("networks")
    networks = networks if isinstance(networks, Mapping) else {}
    proxy = re.compile(str(params.get("proxy_pattern", DEFAULT_PROXY)))
    metadata = ", ".join(map(str, metadata_endpoints(ctx.options)))
    for name in services:
        if proxy.search(str(name)):
            continue
        found = _open(str(name), services, networks)
        if found:
            why, path = found
            head = (f"service '{name}' has unrestricted egress: it {why}" if not why.startswith(
                ("network_mode", "shares")) else
                f"service '{name}' has unrestricted egress ({why})")
            yield Violation(path, f"{head}; it can also reach the cloud metadata endpoint(s) "
                                  f"{metadata} unless the host's firewall blocks them")
