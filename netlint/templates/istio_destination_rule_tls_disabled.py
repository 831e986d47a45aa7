"""Istio DestinationRules whose traffic policy turns TLS off (``tls.mode: DISABLE``)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from netlint.loaders.kubernetes import objects
from netlint.templates.base import RuleContext, Violation
from netlint.yamlnodes import Document, Path

TARGETS = ("kubernetes",)
PARAMS_SCHEMA: dict[str, Any] = {"type": "object", "additionalProperties": False}


def _policies(spec: Mapping[str, Any], base: Path) -> Iterator[tuple[Any, Path]]:
    yield spec.get("trafficPolicy"), (*base, "trafficPolicy")
    subsets = spec.get("subsets")
    for i, subset in enumerate(subsets if isinstance(subsets, list) else []):
        if isinstance(subset, Mapping):
            yield subset.get("trafficPolicy"), (*base, "subsets", i, "trafficPolicy")


def check(doc: Document, params: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    for obj in objects(doc):
        if obj.kind != "DestinationRule" or obj.group != "networking.istio.io":
            continue
        spec = obj.value.get("spec")
        if not isinstance(spec, Mapping):
            continue
        host = spec.get("host", "?")
        for policy, path in _policies(spec, (*obj.path, "spec")):
            if not isinstance(policy, Mapping):
                continue
            tls = policy.get("tls")
            if isinstance(tls, Mapping) and tls.get("mode") == "DISABLE":
                yield Violation((*path, "tls", "mode"),
                                f"{obj.label}: traffic to '{host}' is sent in plaintext "
                                "(tls.mode: DISABLE)")
            ports = policy.get("portLevelSettings")
            for i, setting in enumerate(ports if isinstance(ports, list) else []):
                ptls = setting.get("tls") if isinstance(setting, Mapping) else None
                if isinstance(ptls, Mapping) and ptls.get("mode") == "DISABLE":
                    port = setting.get("port")
                    number = port.get("number", "?") if isinstance(port, Mapping) else "?"
                    yield Violation((*path, "portLevelSettings", i, "tls", "mode"),
                                    f"{obj.label}: traffic to '{host}' port {number} is sent "
                                    "in plaintext (tls.mode: DISABLE)")
