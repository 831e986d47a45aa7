"""Istio PeerAuthentication that accepts plaintext (mode PERMISSIVE or DISABLE)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from netlint.loaders.kubernetes import objects
from netlint.templates.base import RuleContext, Violation
from netlint.yamlnodes import Document

TARGETS = ("kubernetes",)
PARAMS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {"weak_modes": {"type": "array", "items": {"type": "string"}}},
}


def check(doc: Document, params: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    weak = set(params.get("weak_modes", ("PERMISSIVE", "DISABLE")))
    for obj in objects(doc):
        if obj.kind != "PeerAuthentication" or obj.group != "security.istio.io":
            continue
        spec = obj.value.get("spec")
        if not isinstance(spec, Mapping):
            continue
        mtls = spec.get("mtls")
        if isinstance(mtls, Mapping) and mtls.get("mode") in weak:
            yield Violation((*obj.path, "spec", "mtls", "mode"),
                            f"{obj.label}: mTLS mode {mtls['mode']} accepts plaintext traffic")
        ports = spec.get("portLevelMtls")
        for port, setting in ports.items() if isinstance(ports, Mapping) else ():
            if isinstance(setting, Mapping) and setting.get("mode") in weak:
                yield Violation((*obj.path, "spec", "portLevelMtls", port, "mode"),
                                f"{obj.label}: port {port} mTLS mode {setting['mode']} accepts "
                                "plaintext traffic")
