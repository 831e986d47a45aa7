"""``--format concise``: one line per finding, ``path:line:col: severity rule message`` (as
ruff's concise output and compilers print them: editors and ``grep`` jump to it), then
the summary line.  No colour, no snippet."""

from __future__ import annotations

from typing import TextIO

from netlint.escaping import escape_text
from netlint.findings import Finding
from netlint.resolve import ScanResult


def finding_line(f: Finding) -> str:
    line = (f"{escape_text(f.path)}:{f.span.start_line}:{f.span.start_column}: "
            f"{f.severity.value} {f.rule_id} {escape_text(f.message)}")
    if f.suppressed:
        reason = f": {escape_text(f.suppression_reason)}" if f.suppression_reason else ""
        line += f" [suppressed{reason}]"
    return line


def render_to(result: ScanResult, out: TextIO, include_suppressed: bool = False) -> None:
    from netlint.reporters.text import shown_findings, summary_text

    for f in shown_findings(result, include_suppressed):
        out.write(finding_line(f) + "\n")
    out.write(escape_text(summary_text(result).plain) + "\n")


def render(result: ScanResult, include_suppressed: bool = False) -> str:
    import io

    buffer = io.StringIO()
    render_to(result, buffer, include_suppressed)
    return buffer.getvalue()
