"""TLS contexts that allow protocol versions below a minimum or weak cipher suites."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from netlint.model.envoy import as_list, as_map, common_tls, envoy_config
from netlint.templates.base import RuleContext, Violation
from netlint.yamlnodes import Document

TARGETS = ("envoy",)
PARAMS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "weak_versions": {"type": "array", "items": {"type": "string"}},
        "weak_cipher_patterns": {"type": "array", "items": {"type": "string"}},
    },
}


def check(doc: Document, params: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    weak_versions = set(params.get("weak_versions", ("TLSv1_0", "TLSv1_1")))
    patterns = [re.compile(p) for p in params.get("weak_cipher_patterns", ())]
    for who, tls in envoy_config(doc).tls_contexts():
        tls_params = as_map(common_tls(tls).get("tls_params"))
        base = (*tls.config_path, "common_tls_context", "tls_params")
        version = tls_params.get("tls_minimum_protocol_version")
        if version in weak_versions:
            yield Violation(
                (*base, "tls_minimum_protocol_version"),
                f"{who}: TLS context accepts {version}, below TLSv1_2",
            )
        for i, suite in enumerate(as_list(tls_params.get("cipher_suites"))):
            # an entry may be an equal-preference group "[A|B]"
            names = str(suite).strip("[]").split("|")
            weak = [n for n in names if any(p.search(n) for p in patterns)]
            if weak:
                yield Violation(
                    (*base, "cipher_suites", i),
                    f"{who}: weak cipher suite {', '.join(weak)}",
                )
