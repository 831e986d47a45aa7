"""Cloud metadata endpoints: the defaults, the opt-in clouds, and parsing ``ip:port``.

Kept apart from the network model so Compose rules can name the endpoints without
importing it."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# every major cloud's IPv4 endpoint, and AWS's IPv6 one; Alibaba Cloud's 100.100.100.200
# is an ordinary shared-address (RFC 6598) IP elsewhere, so it is opt-in (``clouds``)
DEFAULT_METADATA = ["169.254.169.254:80", "fd00:ec2::254:80"]
CLOUD_METADATA: dict[str, list[str]] = {"alibaba": ["100.100.100.200:80"]}
METADATA_RULE = "metadata-endpoint-reachable"


def relative_file(path: str, to: str) -> str:
    """``path`` as seen from the file ``to`` (for messages naming another file of a unit)."""
    base = os.path.dirname(to)
    rel = os.path.relpath(path, base) if base else path
    return path if rel.startswith("..") or os.path.isabs(path) != os.path.isabs(to) else rel


def metadata_endpoints(options: Any, params: Mapping[str, Any] | None = None
                       ) -> list[Endpoint]:
    """The metadata endpoints a scan checks: the rule's ``endpoints`` param (this rule's,
    else the metadata rule's, so one setting covers every rule), else the defaults; plus
    the endpoints of the clouds named in ``clouds``."""
    chosen = (params or {}).get("endpoints") or (
        getattr(options, "rule_params", {}).get(METADATA_RULE, {}).get("endpoints")
        or DEFAULT_METADATA)
    extra = [e for cloud in getattr(options, "clouds", ()) for e in CLOUD_METADATA.get(cloud, ())]
    out: list[Endpoint] = []
    for text in [*chosen, *extra]:
        ep = parse_endpoint(text)
        if ep not in out:
            out.append(ep)
    return out


@dataclass(frozen=True)
class Endpoint:
    ip: str
    port: int
    proto: str = "TCP"

    def __str__(self) -> str:
        return f"[{self.ip}]:{self.port}" if ":" in self.ip else f"{self.ip}:{self.port}"


def parse_endpoint(text: str) -> Endpoint:
    """``ip:port`` (IPv6 may be bracketed; the last colon separates the port)."""
    raw = str(text).strip()
    host, _, port = raw.rpartition(":")
    host = host.strip("[]")
    ipaddress.ip_address(host)
    if not port.isdigit() or not 0 < int(port) <= 65535:
        raise ValueError(f"bad port in {raw!r}")
    return Endpoint(host, int(port))


