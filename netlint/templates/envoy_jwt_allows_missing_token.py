"""JWT requirements that let requests through with a missing or failed token."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from netlint.model.envoy import JWT_FILTER, JWT_TYPE, as_list, as_map, envoy_config
from netlint.templates.base import RuleContext, Violation
from netlint.yamlnodes import Document, Path

TARGETS = ("envoy",)
PARAMS_SCHEMA: dict[str, Any] = {"type": "object", "additionalProperties": False}


def _weak(req: Any, path: Path, depth: int = 0) -> Iterator[tuple[Path, str]]:
    req = as_map(req)
    for key in ("allow_missing_or_failed", "allow_missing"):
        if key in req:
            yield (*path, key), key
    if depth > 20:
        return
    for group in ("requires_any", "requires_all"):
        for i, r in enumerate(as_list(as_map(req.get(group)).get("requirements"))):
            yield from _weak(r, (*path, group, "requirements", i), depth + 1)


def check(doc: Document, params: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    for _listener, _chain, _hcm, f in envoy_config(doc).http_filters():
        if not f.is_(JWT_FILTER, JWT_TYPE):
            continue
        reqs: list[tuple[Any, Path]] = [
            (as_map(r).get("requires"), (*f.config_path, "rules", i, "requires"))
            for i, r in enumerate(as_list(f.config.get("rules")))
        ]
        reqs += [(r, (*f.config_path, "requirement_map", name))
                 for name, r in as_map(f.config.get("requirement_map")).items()]
        for req, path in reqs:
            for where, key in _weak(req, path):
                yield Violation(where, f"JWT requirement sets {key}: requests without a "
                                       "valid token are let through")
