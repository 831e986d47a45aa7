"""JWT providers that pass the credential on to the upstream (``forward: true``)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from netlint.model.envoy import JWT_FILTER, JWT_TYPE, as_map, envoy_config
from netlint.templates.base import RuleContext, Violation
from netlint.yamlnodes import Document

TARGETS = ("envoy",)
PARAMS_SCHEMA: dict[str, Any] = {"type": "object", "additionalProperties": False}


def check(doc: Document, params: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    for _listener, _chain, _hcm, f in envoy_config(doc).http_filters():
        if not f.is_(JWT_FILTER, JWT_TYPE):
            continue
        for name, provider in as_map(f.config.get("providers")).items():
            if as_map(provider).get("forward") is True:
                yield Violation(
                    (*f.config_path, "providers", name, "forward"),
                    f"JWT provider '{name}' forwards the token to the upstream "
                    "(forward: true); the upstream can replay it",
                )
