"""Compose bind mounts with shared propagation (``shared``/``rshared``)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from netlint.loaders.compose import compose_services, parse_mount
from netlint.templates.base import RuleContext, Violation
from netlint.yamlnodes import Document

TARGETS = ("compose",)
PARAMS_SCHEMA: dict[str, Any] = {"type": "object", "additionalProperties": False}


def check(doc: Document, params: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    for name, svc, path in compose_services(doc):
        volumes = svc.get("volumes")
        if not isinstance(volumes, list):
            continue
        for i, item in enumerate(volumes):
            mount = parse_mount(item)
            if mount is not None and mount.propagation in ("shared", "rshared"):
                yield Violation((*path, "volumes", i),
                                f"service '{name}' mounts {mount.source} with {mount.propagation} "
                                "propagation: mounts made in the container appear on the host")
