"""GitHub Actions workflow commands (``::error file=...::message``).

Escaping follows the runner's rules (``escapeData``/``escapeProperty`` in the
``@actions/core`` toolkit's ``command.ts``): in the message, ``%``, CR and LF are
percent-encoded; in property values ``:`` and ``,`` are too.

GitHub shows at most 10 annotations of each level per step, so when
``GITHUB_STEP_SUMMARY`` is set the CLI also appends a Markdown summary (counts per rule
and severity, and the first findings) to the job summary.
"""

from __future__ import annotations

from collections import Counter

from netlint.escaping import escape_text
from netlint.reporters.common import plural, relative_uri, repository_root, scanned_text
from netlint.resolve import ScanResult

_LEVEL = {"error": "error", "warning": "warning", "note": "notice"}


def escape_data(text: str) -> str:
    """The runner's escaping, then every other control, C1 or bidi character made visible
    (ESC sequences and BEL from a scanned file must not reach the log raw)."""
    return escape_text(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


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


SUMMARY_FINDINGS = 50  # findings listed in the job summary; the counts cover all of them


def _cell(text: str) -> str:
    """Text for one Markdown table cell: one line, pipes and markup neutralised."""
    text = escape_text(" ".join(str(text).split()))
    for char in ("\\", "|", "`", "*", "_", "<", ">", "[", "]"):
        text = text.replace(char, "\\" + char)
    return text


def step_summary(result: ScanResult) -> str:
    """The Markdown appended to ``$GITHUB_STEP_SUMMARY``."""
    root = repository_root()
    findings = result.findings
    counts = Counter(f.severity.value for f in findings)
    lines = ["## netlint", ""]
    severities = ", ".join(plural(counts[s], s) for s in ("error", "warning", "note"))
    lines.append(f"Scanned {_cell(scanned_text(result.stats))}. "
                 + (f"{severities}." if findings else "No findings."))
    extra = []
    if result.suppressed:
        extra.append(f"{len(result.suppressed)} suppressed")
    if result.baselined:
        extra.append(f"{result.baselined} in the baseline")
    if result.baseline_stale:
        extra.append(f"{result.baseline_stale} stale baseline entries")
    if extra:
        lines[-1] += " Not shown: " + ", ".join(extra) + "."
    if not findings:
        return "\n".join(lines) + "\n\n"
    per_rule = Counter((f.rule_id, f.severity.value) for f in findings)
    lines += ["", "| rule | severity | findings | title |", "| --- | --- | ---: | --- |"]
    for (rule_id, severity), n in sorted(per_rule.items(), key=lambda kv: (-kv[1], kv[0])):
        rule = result.rules.get(rule_id)
        uri = rule.help_uri if rule else ""
        linkable = uri and not any(c in uri for c in "<> \t\r\n")
        title = "" if rule is None else (
            f"[{_cell(rule.title)}](<{uri}>)" if linkable else _cell(rule.title))
        lines.append(f"| `{rule_id}` | {severity} | {n} | {title} |")
    shown = findings[:SUMMARY_FINDINGS]
    lines += ["", f"### First {len(shown)} of {len(findings)} findings" if len(findings) > len(
        shown) else "### Findings", "", "| location | severity | rule | message |",
        "| --- | --- | --- | --- |"]
    for f in shown:
        where = f"{relative_uri(f.path, root)}:{f.span.start_line}:{f.span.start_column}"
        lines.append(f"| {_cell(where)} | {f.severity.value} | `{f.rule_id}` | "
                     f"{_cell(f.message)} |")
    return "\n".join(lines) + "\n\n"


def write_step_summary(result: ScanResult, path: str) -> None:
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(step_summary(result))
