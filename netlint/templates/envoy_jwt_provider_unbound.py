"""JWT providers that do not pin the token's issuer or audiences."""

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
            provider = as_map(provider)
            missing = [k for k in ("issuer", "audiences") if not provider.get(k)]
            if missing:
                yield Violation(
                    (*f.config_path, "providers", name),
                    f"JWT provider '{name}' sets no {' and no '.join(missing)}: tokens "
                    "minted for other services with the same keys are accepted",
                )
