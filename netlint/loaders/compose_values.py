"""Compose values that both the loader and the merge rules read: ports, mounts, booleans.

Kept apart from ``compose.py`` so the merge rules (``compose_merge.py``) can use them
without importing the loader that imports the merge rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from netlint.loaders.compose_interp import is_unresolved

# what compose-go's loader converts for boolean fields, after interpolation and in any
# case (``toBoolean`` in loader/interpolate.go): YAML 1.1's spellings, one-letter ones too
COMPOSE_TRUE = frozenset({"y", "yes", "true", "on"})


def truthy(value: Any) -> bool:
    """Compose booleans: YAML booleans or, in any case, the strings y/yes/true/on (what
    compose-go converts, e.g. after ``${VAR}``)."""
    if isinstance(value, bool):
        return value
    return isinstance(value, str) and not is_unresolved(value) and (
        value.strip().lower() in COMPOSE_TRUE)


@dataclass(frozen=True)
class Port:
    host_ip: str | None
    published: str | None
    target: str
    protocol: str


def parse_port(item: Any) -> Port | None:
    """A ``ports`` entry in short ("[ip:][published:]target[/proto]") or long syntax."""
    if isinstance(item, Mapping):
        target = item.get("target")
        if target is None:
            return None
        ip = item.get("host_ip")
        published = item.get("published")
        return Port(str(ip) if ip not in (None, "") else None,
                    str(published) if published not in (None, "") else None,
                    str(target), str(item.get("protocol") or "tcp"))
    if isinstance(item, int):
        return Port(None, None, str(item), "tcp")
    if not isinstance(item, str):
        return None
    text, _, proto = item.strip().partition("/")
    proto = proto or "tcp"
    if text.startswith("["):  # [ipv6]:published:target
        ip, _, rest = text[1:].partition("]")
        parts = [ip, *rest.lstrip(":").split(":")]
        if len(parts) == 2:
            return Port(ip, None, parts[1], proto)
        return Port(ip, parts[1] or None, parts[2], proto) if len(parts) == 3 else None
    parts = text.split(":")
    if len(parts) == 1:
        return Port(None, None, parts[0], proto)
    if len(parts) == 2:
        return Port(None, parts[0] or None, parts[1], proto)
    # ip:published:target (an unbracketed IPv6 address has more colons)
    return Port(":".join(parts[:-2]) or None, parts[-2] or None, parts[-1], proto)


@dataclass(frozen=True)
class Mount:
    type: str  # "bind" | "volume" | "tmpfs" | "npipe" | ...
    source: str | None
    target: str
    read_only: bool
    propagation: str | None = None


def parse_mount(item: Any) -> Mount | None:
    """A service ``volumes`` entry in short ("src:dst[:mode]") or long syntax."""
    if isinstance(item, Mapping):
        target = item.get("target")
        if target is None:
            return None
        source = item.get("source")
        bind = item.get("bind")
        propagation = bind.get("propagation") if isinstance(bind, Mapping) else None
        kind = str(item.get("type") or ("bind" if _is_path(source) else "volume"))
        return Mount(kind, str(source) if source is not None else None, str(target),
                     truthy(item.get("read_only")),
                     str(propagation) if propagation else None)
    if not isinstance(item, str):
        return None
    parts = item.split(":")
    # a Windows drive letter ("C:\\data:/data") is part of the source
    if len(parts) > 1 and len(parts[0]) == 1 and parts[0].isalpha() and parts[1][:1] in "\\/":
        parts = [parts[0] + ":" + parts[1], *parts[2:]]
    if len(parts) == 1:
        return Mount("volume", None, parts[0], False)
    source, target = parts[0], parts[1]
    modes = parts[2].split(",") if len(parts) > 2 else []
    propagation = next((m for m in modes if m in (
        "shared", "rshared", "slave", "rslave", "private", "rprivate")), None)
    return Mount("bind" if _is_path(source) else "volume", source, target, "ro" in modes,
                 propagation)


def _is_path(source: Any) -> bool:
    return isinstance(source, str) and (source.startswith(("/", ".", "~", "\\"))
                                        or (len(source) > 1 and source[1] == ":"))
