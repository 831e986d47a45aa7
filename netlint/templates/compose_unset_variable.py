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
    """One finding per unset variable (at its first use), listing every setting that uses
    it: a variable used by ten services is one thing to fix, not ten."""
    keys = set(params["keys"])
    uses: dict[str, list[tuple[Path, str, Unresolved]]] = {}
    for name, svc, path in compose_services(doc):
        for key in [k for k in svc if k in keys]:  # file order: the first use is reported
            for where, value in _unresolved(svc[key], (*path, key)):
                setting = ".".join(str(p) for p in where[2:])
                if not value.variables:  # not a missing variable: it cannot be resolved
                    yield Violation(where, f"service '{name}': {setting} cannot be "
                                    f"resolved: {'; '.join(value.errors)}; it is not checked")
                    continue
                for variable in value.variables:
                    uses.setdefault(variable, []).append((where, f"service '{name}': {setting}",
                                                          value))
    for variable, places in uses.items():
        errors = sorted({e for _, _, value in places for e in value.errors
                         if e.startswith(f"{variable}:")})
        if errors:
            detail = "; Compose refuses to start: " + "; ".join(errors)
        else:
            detail = ("; its effective value is unknown, so it is not checked" if len(places) == 1
                      else "; the effective values are unknown, so they are not checked")
        used_by = ", ".join(dict.fromkeys(label for _, label, _ in places))
        yield Violation(places[0][0], f"unset variable {variable} (no value in .env or the "
                        f"environment, no default) is used by {used_by}{detail}")
