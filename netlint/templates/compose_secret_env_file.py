"""Compose ``env_file`` entries that name a secret-looking file kept beside the project."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from netlint.loaders.compose import compose_services, is_unresolved
from netlint.templates.base import RuleContext, Violation
from netlint.yamlnodes import Document

TARGETS = ("compose",)
PARAMS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"name_pattern": {"type": "string"}},
    "required": ["name_pattern"],
    "additionalProperties": False,
}


def check(doc: Document, params: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    pattern = re.compile(params["name_pattern"], re.IGNORECASE)
    for name, svc, path in compose_services(doc):
        files = svc.get("env_file")
        entries: list[tuple[Any, tuple[Any, ...]]] = []
        if isinstance(files, str):
            entries.append((files, (*path, "env_file")))
        elif isinstance(files, list):
            entries.extend((f, (*path, "env_file", i)) for i, f in enumerate(files))
        for item, where in entries:
            file = item.get("path") if isinstance(item, Mapping) else item
            if not isinstance(file, str) or is_unresolved(file):
                continue
            base = file.replace("\\", "/").rsplit("/", 1)[-1]
            if pattern.search(base):
                yield Violation(where, f"service '{name}' reads its environment from "
                                f"'{file}', a file named like a secret; keep it out of the "
                                "repository or use Compose secrets")
