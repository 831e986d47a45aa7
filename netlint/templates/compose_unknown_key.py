"""Keys a Compose service or network definition does not know (often misspellings).

Compose implementations reject or ignore unknown keys; either way a misspelled control
(``privilaged: true``, ``securty_opt``) is silently not applied.  The known keys are
netlint's own list in :mod:`netlint.loaders.compose_keys`.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping
from typing import Any

from netlint.loaders.compose_keys import LEGACY_SERVICE_KEYS, NETWORK_KEYS, SERVICE_KEYS
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
    known = SERVICE_KEYS if section == "services" else NETWORK_KEYS
    what = "service" if section == "services" else "network"
    entries = doc.value.get(section) if isinstance(doc.value, Mapping) else None
    if not isinstance(entries, Mapping):
        return
    for name, definition in entries.items():
        if not isinstance(definition, Mapping):
            continue
        for key in definition:
            if not isinstance(key, str) or key in known or key.startswith("x-"):
                continue
            if section == "services" and key in LEGACY_SERVICE_KEYS:
                hint = f" ({LEGACY_SERVICE_KEYS[key]})"
            else:
                close = difflib.get_close_matches(key.lower(), sorted(known), n=1, cutoff=0.75)
                hint = f"; did you mean '{close[0]}'?" if close else ""
            yield Violation((section, name, key),
                            f"{what} '{name}' has unknown key '{key}'{hint}; it is not applied")
