"""GitHub Actions workflow commands (``::error file=...::message``).

Escaping follows the runner's rules: in the message, ``%``, CR and LF are percent-encoded;
in property values ``:`` and ``,`` are too.
"""

from __future__ import annotations

from netlint.engine import ScanResult
from netlint.reporters.common import relative_uri, repository_root

_LEVEL = {"error": "error", "warning": "warning", "note": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(result: ScanResult, include_suppressed: bool = False) -> str:
    root = repository_root()
    lines = []
    for f in result.findings:
        s = f.span
        props = [
            f"file={escape_property(relative_uri(f.path, root))}",
            f"line={s.start_line}",
            f"endLine={s.end_line}",
        ]
        if s.start_line == s.end_line:
            props += [f"col={s.start_column}", f"endColumn={s.end_column}"]
        else:
            props += [f"col={s.start_column}"]
        rule = result.rules.get(f.rule_id)
        title = f"{f.rule_id}: {rule.title}" if rule else f.rule_id
        props.append(f"title={escape_property(title)}")
        lines.append(f"::{_LEVEL[f.severity.value]} {','.join(props)}::{escape_data(f.message)}")
    return "\n".join(lines) + ("\n" if lines else "")
