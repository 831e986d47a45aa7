"""Compose tmpfs mounts that turn ``exec`` (or ``suid``) back on."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from netlint.loaders.compose import compose_services
from netlint.templates.base import RuleContext, Violation
from netlint.yamlnodes import Document

TARGETS = ("compose",)
PARAMS_SCHEMA: dict[str, Any] = {"type": "object", "additionalProperties": False}


def check(doc: Document, params: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    for name, svc, path in compose_services(doc):
        tmpfs = svc.get("tmpfs")
        items = [(tmpfs, (*path, "tmpfs"))] if isinstance(tmpfs, str) else (
            [(t, (*path, "tmpfs", i)) for i, t in enumerate(tmpfs)] if isinstance(tmpfs, list)
            else [])
        for item, where in items:
            if not isinstance(item, str):
                continue
            target, _, opts = item.partition(":")
            bad = [o for o in opts.split(",") if o.strip() in ("exec", "suid")]
            if bad:
                yield Violation(where, f"service '{name}': tmpfs {target} is mounted with "
                                f"{', '.join(bad)}, undoing Docker's noexec,nosuid default")
