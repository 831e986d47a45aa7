"""JWT providers whose inline ``local_jwks`` is not a usable key set."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterator, Mapping
from typing import Any

from netlint.model.envoy import JWT_FILTER, JWT_TYPE, as_map, envoy_config
from netlint.model.jwks import jwks_problem
from netlint.templates.base import RuleContext, Violation
from netlint.yamlnodes import Document

TARGETS = ("envoy",)
PARAMS_SCHEMA: dict[str, Any] = {"type": "object", "additionalProperties": False}


def check(doc: Document, params: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    for _listener, _chain, _hcm, f in envoy_config(doc).http_filters():
        if not f.is_(JWT_FILTER, JWT_TYPE):
            continue
        for name, provider in as_map(f.config.get("providers")).items():
            local = as_map(as_map(provider).get("local_jwks"))
            path = (*f.config_path, "providers", name, "local_jwks")
            if isinstance(local.get("inline_string"), str):
                text, path = local["inline_string"], (*path, "inline_string")
            elif isinstance(local.get("inline_bytes"), str):
                try:
                    text = base64.b64decode(local["inline_bytes"]).decode("utf-8")
                except (binascii.Error, ValueError):
                    text = ""
                path = (*path, "inline_bytes")
            else:
                continue  # a file or environment variable: not in the scan
            problem = jwks_problem(text)
            if problem is not None:
                yield Violation(path, f"JWT provider '{name}': local_jwks is not a valid "
                                      f"JWKS: {problem}")
