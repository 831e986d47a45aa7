"""Compose services given host devices (``devices``, ``device_cgroup_rules``)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from netlint.loaders.compose import compose_services, is_unresolved
from netlint.templates.base import RuleContext, Violation
from netlint.yamlnodes import Document

TARGETS = ("compose",)
PARAMS_SCHEMA: dict[str, Any] = {"type": "object", "additionalProperties": False}


def _device(item: Any) -> str:
    if isinstance(item, Mapping):
        return str(item.get("source") or item.get("path") or "?")
    return str(item).split(":", 1)[0]


def check(doc: Document, params: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    for name, svc, path in compose_services(doc):
        devices = svc.get("devices")
        if isinstance(devices, list):
            for i, item in enumerate(devices):
                if is_unresolved(item):
                    continue
                yield Violation((*path, "devices", i),
                                f"service '{name}' is given host device {_device(item)}")
        rules = svc.get("device_cgroup_rules")
        if isinstance(rules, list):
            for i, rule in enumerate(rules):
                yield Violation((*path, "device_cgroup_rules", i),
                                f"service '{name}' may create or use host devices matching "
                                f"cgroup rule '{rule}'")
