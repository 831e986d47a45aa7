"""Compose services without ``security_opt: [no-new-privileges:true]``."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from netlint.loaders.compose import compose_services, security_opts
from netlint.templates.base import RuleContext, Violation
from netlint.yamlnodes import Document

TARGETS = ("compose",)
PARAMS_SCHEMA: dict[str, Any] = {"type": "object", "additionalProperties": False}


def check(doc: Document, params: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    for name, svc, path in compose_services(doc):
        setting = None
        for i, opt, value in security_opts(svc):
            if opt == "no-new-privileges":
                setting = (i, value.lower() in ("", "true", "1", "yes"))
        if setting is None:
            yield Violation(path, f"service '{name}' does not set no-new-privileges; add "
                            "security_opt: [\"no-new-privileges:true\"]")
        elif not setting[1]:
            yield Violation((*path, "security_opt", setting[0]),
                            f"service '{name}' turns no-new-privileges off")
