"""Envoy v2 API leftovers: v2 ``@type`` URLs and fields removed in v3.

Envoy removed the v2 API in 1.18; such a file is rejected (or, for a few fields, silently
means something else), so the rest of the configuration was written for an Envoy that is
no longer supported.  Reported per occurrence, never a crash.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from netlint.templates.base import RuleContext, Violation
from netlint.yamlnodes import Document, Path

TARGETS = ("envoy",)
PARAMS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "v2_type_patterns": {"type": "array", "items": {"type": "string"}},
        "removed_fields": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
}

MAX_DEPTH = 80


def _walk(value: Any, path: Path, parent_key: str, depth: int
          ) -> Iterator[tuple[Path, str, Any, str]]:
    """(path, key, value, parent key) of every mapping entry."""
    if depth > MAX_DEPTH:
        return
    if isinstance(value, Mapping):
        for k, v in value.items():
            yield (*path, k), str(k), v, parent_key
            yield from _walk(v, (*path, k), str(k), depth + 1)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _walk(v, (*path, i), parent_key, depth + 1)


def check(doc: Document, params: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    types = [re.compile(p) for p in params.get("v2_type_patterns", ())]
    removed: Mapping[str, list[str]] = params.get("removed_fields", {})
    for path, key, value, parent in _walk(doc.value, (), "", 0):
        if key == "@type" and isinstance(value, str) and any(p.search(value) for p in types):
            yield Violation(path, f"v2 API type {value.rsplit('/', 1)[-1]}; use its v3 "
                                  "equivalent")
        elif parent in removed and key in removed[parent]:
            yield Violation(path, f"'{key}' under '{parent}' is a v2 field removed from the "
                                  "v3 API")
