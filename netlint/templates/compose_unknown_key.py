"""Keys a Compose service or network definition does not know (often misspellings).

Compose implementations reject or ignore unknown keys; either way a misspelled control
(``privilaged: true``, ``securty_opt``) is silently not applied.  The known keys are
netlint's own list in :mod:`netlint.loaders.compose_keys`.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping
from typing import Any

from netlint.loaders.compose_keys import (
    LEGACY_SERVICE_KEYS,
    NETWORK_KEYS,
    SERVICE_KEYS,
    SERVICE_NETWORK_KEYS,
)
from netlint.templates.base import RuleContext, Violation
from netlint.yamlnodes import Document

TARGETS = ("compose",)
PARAMS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"section": {"enum": ["services", "networks"]}},
    "required": ["section"],
    "additionalProperties": False,
}


def check(doc: Document, params: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    section = params["section"]
    value = doc.value if isinstance(doc.value, Mapping) else {}
    if section == "services":
        yield from _unknown(value.get("services"), ("services",), SERVICE_KEYS, "service")
        return
    yield from _unknown(value.get("networks"), ("networks",), NETWORK_KEYS, "network")
    services = value.get("services")
    if isinstance(services, Mapping):
        for name, svc in services.items():
            nets = svc.get("networks") if isinstance(svc, Mapping) else None
            yield from _unknown(nets, ("services", name, "networks"), SERVICE_NETWORK_KEYS,
                                f"service '{name}': network attachment")


def _unknown(entries: Any, path: tuple[Any, ...], known: frozenset[str], what: str
             ) -> Iterator[Violation]:
    if not isinstance(entries, Mapping):
        return
    for name, definition in entries.items():
        if not isinstance(definition, Mapping):
            continue
        for key in definition:
            if not isinstance(key, str) or key in known or key.startswith("x-"):
                continue
            if known is SERVICE_KEYS and key in LEGACY_SERVICE_KEYS:
                hint = f" ({LEGACY_SERVICE_KEYS[key]})"
            else:
                close = difflib.get_close_matches(key.lower(), sorted(known), n=1, cutoff=0.75)
                hint = f"; did you mean '{close[0]}'?" if close else ""
            yield Violation((*path, name, key),
                            f"{what} '{name}' has unknown key '{key}'{hint}; it is not applied")
