"""Compose ports published on every host interface (no host IP)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from netlint.loaders.compose import compose_services, is_unresolved, parse_port
from netlint.templates.base import RuleContext, Violation
from netlint.yamlnodes import Document

TARGETS = ("compose",)
PARAMS_SCHEMA: dict[str, Any] = {"type": "object", "additionalProperties": False}

ALL_INTERFACES = frozenset({"0.0.0.0", "::", "[::]", ""})
_VARIABLE = re.compile(r"\$\{[^{}]*\}|\$[A-Za-z_][A-Za-z0-9_]*")
_PLACEHOLDER = "VAR"


def check(doc: Document, params: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    for name, svc, path in compose_services(doc):
        if str(svc.get("network_mode", "")).strip() == "host":
            continue  # nothing is published; the host-network rule covers it
        ports = svc.get("ports")
        if not isinstance(ports, list):
            continue
        for i, item in enumerate(ports):
            if is_unresolved(item):
                # "${PORT}:80" still publishes on every interface: judge the written text
                # with each unset reference as a placeholder; a variable host IP is unknown
                item = _VARIABLE.sub(_PLACEHOLDER, getattr(item, "raw", ""))
            port = parse_port(item)
            if port is None or (port.host_ip is not None and port.host_ip not in ALL_INTERFACES):
                continue
            if port.published and _PLACEHOLDER in port.published:
                host = "host port from an unset variable"
            else:
                host = f"host port {port.published}" if port.published else "a random host port"
            yield Violation((*path, "ports", i),
                            f"service '{name}' publishes container port {port.target} on every "
                            f"host interface ({host}); bind it to 127.0.0.1 or a specific "
                            "address unless it must be public")
