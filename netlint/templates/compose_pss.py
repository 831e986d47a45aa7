"""Compose services: the Pod Security Standards controls that need more than a field check.

One template, one ``control`` per rule: capabilities beyond the PSS baseline list (names
normalised: case, ``CAP_`` prefix) and bind mounts of sensitive host paths (short
``SRC:DST[:MODE]`` and long ``type: bind`` syntax).  The plain controls (privileged, host
network/PID/IPC namespaces, seccomp or AppArmor turned off) are declarative rules.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from netlint.loaders.compose import compose_services, is_unresolved, parse_mount
from netlint.model.hostpaths import SENSITIVE_PATHS, describe, sensitive
from netlint.templates.base import RuleContext, Violation
from netlint.yamlnodes import Document

TARGETS = ("compose",)
CONTROLS = ("cap-add", "sensitive-mount")
PARAMS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["control"],
    "properties": {
        "control": {"enum": list(CONTROLS)},
        "allowed": {"type": "array", "items": {"type": "string"}},
        "paths": {"type": "array", "items": {"type": "string"}},
    },
}


def _capability(name: Any) -> str:
    text = str(name).strip().upper()
    return text.removeprefix("CAP_")


def _bind_sources(svc: Mapping[str, Any]) -> Iterator[tuple[tuple[Any, ...], str, bool]]:
    """Bind mounts (short or long syntax) as the Compose loader parses them: the path of
    the source (``source:`` in long syntax), the source, read-only; sources that depend on
    an unset variable are left out."""
    volumes = svc.get("volumes")
    if not isinstance(volumes, list):
        return
    for i, item in enumerate(volumes):
        mount = parse_mount(item)
        if (mount is not None and mount.type == "bind" and mount.source
                and not is_unresolved(mount.source)):
            where: tuple[Any, ...] = ("volumes", i)
            if isinstance(item, Mapping) and "source" in item:
                where = (*where, "source")
            yield where, mount.source, mount.read_only


def check(doc: Document, params: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    control = params["control"]
    for name, svc, base in compose_services(doc):
        if control == "cap-add" and isinstance(svc.get("cap_add"), list):
            allowed = frozenset(params.get("allowed", ()))
            for i, cap in enumerate(svc["cap_add"]):
                if not is_unresolved(cap) and _capability(cap) not in allowed:
                    yield Violation((*base, "cap_add", i),
                                    f"service '{name}' adds capability {cap}, beyond the "
                                    "Pod Security Standards baseline set")
        elif control == "sensitive-mount":
            paths = params.get("paths", SENSITIVE_PATHS)
            for path, source, read_only in _bind_sources(svc):
                hit = sensitive(source, paths, read_only)
                if hit is not None:
                    mode = "read-only" if read_only else "read-write"
                    yield Violation((*base, *path),
                                    f"service '{name}' bind-mounts the host path "
                                    f"{describe(source, hit)} ({mode})")
