"""Compose services without memory or CPU limits."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from netlint.loaders.compose import compose_services
from netlint.templates.base import RuleContext, Violation
from netlint.yamlnodes import Document

TARGETS = ("compose",)
PARAMS_SCHEMA: dict[str, Any] = {"type": "object", "additionalProperties": False}


def _limits(svc: Mapping[str, Any]) -> tuple[bool, bool]:
    deploy = svc.get("deploy")
    resources = deploy.get("resources") if isinstance(deploy, Mapping) else None
    limits = resources.get("limits") if isinstance(resources, Mapping) else None
    limits = limits if isinstance(limits, Mapping) else {}
    memory = bool(limits.get("memory")) or bool(svc.get("mem_limit"))
    cpu = bool(limits.get("cpus")) or bool(svc.get("cpus")) or bool(svc.get("cpu_quota"))
    return memory, cpu


def check(doc: Document, params: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    for name, svc, path in compose_services(doc):
        memory, cpu = _limits(svc)
        if memory and cpu:
            continue
        missing = " and ".join(w for w, ok in (("memory", memory), ("CPU", cpu)) if not ok)
        yield Violation(path, f"service '{name}' sets no {missing} limit; add "
                        "deploy.resources.limits (or mem_limit / cpus)")
