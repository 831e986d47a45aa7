"""Keep values from the environment and env files out of every report.

Compose interpolates ``${VAR}`` from the process environment and ``.env`` files; a rule
that quotes an interpolated setting (an image, a mount source, a port) would copy a CI
secret into text, JSON, SARIF, GitHub annotations, the step summary and committed
baselines.  The Compose loader records every variable it substituted; here each of their
values is replaced by its template (``${NAME}``) in every finding's message and identity.

Long values are replaced wherever they occur; short ones (a port, ``0``, ``true``) only as a
whole word, so that ``X=1`` does not turn ``line 12`` into ``line ${X}2``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace

from netlint.findings import Finding

ANYWHERE_MIN_LENGTH = 6


def _pattern(values: Mapping[str, str]) -> tuple[re.Pattern[str], dict[str, str]] | None:
    template: dict[str, str] = {}
    for name, value in sorted(values.items()):
        if value and value not in template:
            template[value] = "${" + name + "}"
    if not template:
        return None
    parts = []
    for value in sorted(template, key=len, reverse=True):  # longest first
        escaped = re.escape(value)
        if len(value) >= ANYWHERE_MIN_LENGTH:
            parts.append(escaped)
        else:
            parts.append(rf"(?<![\w.-]){escaped}(?![\w.-])")
    return re.compile("|".join(parts)), template


def redact(findings: list[Finding], values: Mapping[str, str]) -> list[Finding]:
    """``findings`` with every value of ``values`` (name -> value) shown as ``${name}``."""
    compiled = _pattern(values)
    if compiled is None:
        return findings
    pattern, template = compiled

    def sub(text: str) -> str:
        return pattern.sub(lambda m: template[m.group(0)], text)

    out = []
    for f in findings:
        message, context = sub(f.message), sub(f.context)
        if message != f.message or context != f.context:
            f = replace(f, message=message, context=context)
        out.append(f)
    return out
