"""Compose ports published on every host interface (no host IP)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from netlint.loaders.compose import compose_services, is_unresolved, parse_port
from netlint.templates.base import RuleContext, Violation
from netlint.yamlnodes import Document

TARGETS = ("compose",)
PARAMS_SCHEMA: dict[str, Any] = {"type": "object", "additionalProperties": False}

ALL_INTERFACES = frozenset({"0.0.0.0", "::", "[::]", ""})


def check(doc: Document, params: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    for name, svc, path in compose_services(doc):
        if str(svc.get("network_mode", "")).strip() == "host":
            continue  # nothing is published; the host-network rule covers it
        ports = svc.get("ports")
        if not isinstance(ports, list):
            continue
        for i, item in enumerate(ports):
            if is_unresolved(item):
                continue
            port = parse_port(item)
            if port is None or (port.host_ip is not None and port.host_ip not in ALL_INTERFACES):
                continue
            host = port.published or "a random host port"
            yield Violation((*path, "ports", i),
                            f"service '{name}' publishes container port {port.target} on "
                            f"{host} of every host interface; bind it to 127.0.0.1 or a "
                            "specific address unless it must be public")
