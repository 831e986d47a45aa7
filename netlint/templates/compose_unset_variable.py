"""Settings whose value depends on a ``${VAR}`` with no value and no default.

The loader interpolates from the ``.env`` file and the environment; a setting that refers
to a variable set in neither cannot be judged, so rules skip it and this rule reports it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from netlint.loaders.compose import Unresolved, compose_services
from netlint.templates.base import RuleContext, Violation
from netlint.yamlnodes import Document, Path

TARGETS = ("compose",)
PARAMS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"keys": {"type": "array", "items": {"type": "string"}}},
    "required": ["keys"],
    "additionalProperties": False,
}


def _unresolved(value: Any, path: Path) -> Iterator[tuple[Path, Unresolved]]:
    if isinstance(value, Unresolved):
        yield path, value
    elif isinstance(value, Mapping):
        for k, v in value.items():
            yield from _unresolved(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _unresolved(v, (*path, i))


def check(doc: Document, params: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    keys = set(params["keys"])
    for name, svc, path in compose_services(doc):
        for key in keys & set(svc):
            for where, value in _unresolved(svc[key], (*path, key)):
                names = ", ".join(value.variables)
                setting = ".".join(str(p) for p in where[2:])
                if not value.variables:  # not a missing variable: it cannot be resolved
                    yield Violation(where, f"service '{name}': {setting} cannot be "
                                    f"resolved: {'; '.join(value.errors)}; it is not checked")
                    continue
                if value.errors:
                    detail = "; Compose refuses to start: " + "; ".join(value.errors)
                else:
                    detail = "; its effective value is unknown, so it is not checked"
                yield Violation(where, f"service '{name}': {setting} depends on unset "
                                f"variable {names} (no value in .env or the environment, no "
                                f"default){detail}")
