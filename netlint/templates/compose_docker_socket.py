"""Compose services that mount the Docker (or another container runtime's) API socket."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator, Mapping
from typing import Any

from netlint.loaders.compose import compose_services, is_unresolved, parse_mount, truthy
from netlint.templates.base import RuleContext, Violation
from netlint.yamlnodes import Document

TARGETS = ("compose",)
PARAMS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "sockets": {"type": "array", "items": {"type": "string"}},
        "socket_names": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["sockets", "socket_names"],
    "additionalProperties": False,
}


def _socket(source: str, sockets: list[str], names: set[str]) -> str | None:
    """The socket a mount source exposes: the socket itself or a directory holding it."""
    src = posixpath.normpath(source.replace("\\", "/")) if source else ""
    if src.rsplit("/", 1)[-1] in names:
        return src
    for sock in sockets:
        if src == sock or (src != "/" and sock.startswith(src + "/")):
            return sock
    return None


def check(doc: Document, params: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    sockets = [posixpath.normpath(s) for s in params["sockets"]]
    names = set(params["socket_names"])
    for name, svc, path in compose_services(doc):
        if truthy(svc.get("use_api_socket")):
            yield Violation((*path, "use_api_socket"),
                            f"service '{name}' sets use_api_socket: true, which mounts the "
                            "Docker API socket (and the user's registry credentials)")
        volumes = svc.get("volumes")
        if not isinstance(volumes, list):
            continue
        for i, item in enumerate(volumes):
            mount = parse_mount(item)
            if mount is None or mount.type != "bind" or not mount.source or is_unresolved(
                    mount.source):
                continue
            sock = _socket(mount.source, sockets, names)
            if sock is None:
                continue
            how = "read-only (which does not limit the API)" if mount.read_only else "read-write"
            what = "" if sock == posixpath.normpath(mount.source) else f" (containing {sock})"
            where = (*path, "volumes", i, *(("source",) if isinstance(item, Mapping)
                                             and "source" in item else ()))
            yield Violation(where,
                            f"service '{name}' mounts {mount.source}{what} {how}: it can "
                            "control the container runtime and so the host")
