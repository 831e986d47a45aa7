"""Human-readable report: findings grouped by file, the offending line with a caret under
the span, and a summary.  Colour only on a terminal and never with ``NO_COLOR``."""

from __future__ import annotations

import os
import re
from collections import Counter
from itertools import groupby
from typing import IO

from rich.console import Console
from rich.style import Style
from rich.text import Text

from netlint.escaping import escape_text, has_unsafe
from netlint.findings import NOT_ANALYSED, Finding
from netlint.reporters.common import KIND_NAMES, plural
from netlint.resolve import ScanResult

_STYLE = {"error": "bold red", "warning": "yellow", "note": "cyan"}
MAX_DOC_LINKS = 5  # list each rule's docs link after the findings when at most this many


def make_console(out: IO[str], color: bool | None = None) -> Console:
    no_color = bool(os.environ.get("NO_COLOR")) if color is None else not color
    return Console(
        file=out,
        no_color=no_color,
        force_terminal=color if color else None,
        highlight=False,
        soft_wrap=True,
        emoji=False,
    )


SNIPPET_WIDTH = 120  # characters of a source line shown around the finding's column
SNIPPET_LEAD = 40  # of which before the column, when the line must be cut
# rules whose finding is about a file that was not analysed: its line may be anything (a
# credentials file reached through a link, a minified blob), so a line that looks like a
# secret is not printed, only the position
_SECRET_LOOKING = re.compile(
    r"(?i)(secret|passw(or)?d|passwd|token|credential|private[_ -]?key|api[_-]?key|"
    r"access[_-]?key|auth|bearer|BEGIN [A-Z ]*PRIVATE)"
)


def snippet_window(line: str, start: int, width: int) -> tuple[str, int, int]:
    """The part of ``line`` shown for a finding at 0-based column ``start`` spanning
    ``width`` characters, both escaped (control and bidi characters made visible) and
    capped: (text, caret column, caret width).  A long line is cut to a window around
    the column with an ellipsis on each cut side, so one finding prints a bounded amount
    whatever the file (a minified 1 MB JSON line)."""
    start = max(0, min(start, len(line)))
    width = max(1, min(width, len(line) - start)) if line else 1
    begin = 0
    if len(line) > SNIPPET_WIDTH:
        begin = max(0, min(start - SNIPPET_LEAD, len(line) - SNIPPET_WIDTH))
    end = min(len(line), begin + SNIPPET_WIDTH)
    head = "…" if begin > 0 else ""
    tail = "…" if end < len(line) else ""
    stop = min(start + width, end)
    before = escape_text(line[begin:start])
    marked = escape_text(line[start:stop]) or " "
    text = head + before + marked + escape_text(line[stop:end]) + tail
    return text, len(head) + len(before), len(marked)


def _snippet(result: ScanResult, findings: list[Finding]) -> list[Text]:
    """The source line of one or more findings that start on it, shown once (escaped and
    capped as :func:`snippet_window` does), with a caret under every finding's span (the
    most severe colour where spans overlap)."""
    f = findings[0]
    source = result.sources.get(f.path)
    if source is None:
        return []
    line = source.line_text(f.span.start_line)
    if not line.strip():
        return []
    if f.rule_id in NOT_ANALYSED and _SECRET_LOOKING.search(line):
        return []
    expanded = line.replace("\t", " ")
    gutter = f"{f.span.start_line:>6} | "
    spans = []
    for g in findings:
        start = g.span.start_column - 1
        if g.span.end_line == g.span.start_line:
            width = max(1, g.span.end_column - g.span.start_column)
        else:
            width = max(1, len(expanded.rstrip()) - start)
        spans.append((start, width, g))
    if len(spans) == 1:
        shown, column, caret_width = snippet_window(expanded, spans[0][0], spans[0][1])
        caret = Text(" " * (len(gutter) - 2) + "| " + " " * column)
        caret.append("^" * caret_width, style=_STYLE[f.severity.value])
        return [Text(gutter + shown, style="dim"), caret]
    shown, marks = _shared_window(expanded, spans)
    caret = Text(" " * (len(gutter) - 2) + "| ")
    for column in range(max(marks) + 1 if marks else 0):
        mark = marks.get(column)
        if mark is None:
            caret.append(" ")
        else:
            caret.append("^", style=_STYLE[mark.severity.value])
    return [Text(gutter + shown, style="dim"), caret]


def _shared_window(line: str, spans: list[tuple[int, int, Finding]]
                   ) -> tuple[str, dict[int, Finding]]:
    """:func:`snippet_window` for several spans on one line: the window starts where the
    first span does; returns the shown text and, per shown column, the most severe
    finding whose span covers it (spans outside the window get no caret)."""
    first = min(start for start, _, _ in spans)
    shown, _, _ = snippet_window(line, first, 1)
    begin = 0
    if len(line) > SNIPPET_WIDTH:
        begin = max(0, min(max(0, min(first, len(line))) - SNIPPET_LEAD,
                           len(line) - SNIPPET_WIDTH))
    end = min(len(line), begin + SNIPPET_WIDTH)
    head = 1 if begin > 0 else 0  # the ellipsis
    marks: dict[int, Finding] = {}
    for start, width, g in spans:
        start = max(begin, min(start, len(line)))
        if start >= end and line:
            continue
        stop = min(start + width, end)
        column = head + len(escape_text(line[begin:start]))
        caret_width = max(1, len(escape_text(line[start:stop])))
        for c in range(column, column + caret_width):
            if c not in marks or g.severity.rank > marks[c].severity.rank:
                marks[c] = g
    return shown, marks


def shown_findings(result: ScanResult, include_suppressed: bool) -> list[Finding]:
    """The findings a report lists: with ``include_suppressed``, the suppressed ones too,
    in file order (each marked as suppressed where it is shown)."""
    if include_suppressed and result.suppressed:
        return sorted([*result.findings, *result.suppressed])
    return result.findings


def _finding_line(result: ScanResult, f: Finding) -> Text:
    line = Text("  ")
    line.append(f"{escape_text(f.path)}:{f.span.start_line}:{f.span.start_column}",
                style="bold")
    line.append("  ")
    line.append(f"{f.severity.value:<7}", style=_STYLE[f.severity.value])
    line.append(" ")
    rule = result.rules.get(f.rule_id)
    # a clickable link to the rule's docs on terminals that support it
    line.append(escape_text(f.rule_id),
                style=Style(color="magenta", link=rule.help_uri)
                if rule and rule.help_uri and not has_unsafe(rule.help_uri) else "magenta")
    line.append("  ")
    line.append(escape_text(f.message))
    if f.suppressed:
        line.append_text(_suppressed_marker(f))
    return line


def _suppressed_marker(f: Finding) -> Text:
    reason = f": {escape_text(f.suppression_reason)}" if f.suppression_reason else ""
    return Text(f"  [suppressed{reason}]", style="dim")


def render_to(result: ScanResult, out: IO[str], color: bool | None = None,
              quiet: bool = False, statistics: bool = False,
              include_suppressed: bool = False) -> None:
    console = make_console(out, color)
    findings = shown_findings(result, include_suppressed)
    if statistics:  # the per-rule table instead of the findings
        if result.findings:
            for row in statistics_table(result):
                console.print(row)
            console.print()
    elif not quiet:
        for path, group in groupby(findings, key=lambda f: f.path):
            console.print(Text(escape_text(path), style="bold underline"))
            for _line, same_line in groupby(group, key=lambda f: f.span.start_line):
                shared = list(same_line)
                for f in shared:
                    console.print(_finding_line(result, f))
                for snippet in _snippet(result, shared):
                    console.print(snippet)
            console.print()
    console.print(summary_text(result))
    if result.findings and not quiet:
        console.print(Text("Explain a rule with: netlint explain <rule-id>", style="dim"))
        found = sorted({f.rule_id for f in result.findings})
        if len(found) <= MAX_DOC_LINKS:
            for rule_id in found:
                rule = result.rules.get(rule_id)
                if rule is not None and rule.help_uri:
                    console.print(Text(escape_text(f"  {rule_id}: {rule.help_uri}"), style="dim"))


def rule_statistics(result: ScanResult) -> list[dict[str, object]]:
    """Findings per rule and severity, most frequent first (suppressed ones not counted)."""
    counts = Counter((f.rule_id, f.severity.value) for f in result.findings)
    rows = []
    for (rule_id, severity), n in sorted(counts.items(),
                                         key=lambda kv: (-kv[1], kv[0][0], kv[0][1])):
        rule = result.rules.get(rule_id)
        rows.append({"rule": rule_id, "severity": severity, "count": n,
                     "title": rule.title if rule else "",
                     "help_uri": rule.help_uri if rule else ""})
    return rows


def statistics_table(result: ScanResult) -> list[Text]:
    """``--statistics``: one aligned row per rule (count, severity, rule, title) under a
    header; plain text that stays readable when piped."""
    rows = rule_statistics(result)
    id_width = max(len("rule"), *(len(str(r["rule"])) for r in rows))
    head = Text(f"{'count':>5}  {'severity':<8}  {'rule':<{id_width}}  title", style="bold")
    out = [head]
    for r in rows:
        severity = str(r["severity"])
        line = Text(f"{r['count']:>5}  ")
        line.append(f"{severity:<8}", style=_STYLE[severity])
        line.append(escape_text(f"  {r['rule']!s:<{id_width}}  {r['title']}"))
        out.append(line)
    return out


def summary_text(result: ScanResult) -> Text:
    stats = result.stats
    docs = ", ".join(
        f"{n} {KIND_NAMES.get(kind, kind)}" for kind, n in sorted(stats.documents.items())
    ) or "none recognised"
    documents = plural(stats.documents_total, "document")
    text = Text(f"Scanned {plural(stats.files, 'file')} ({documents}: {docs}")
    if stats.files_skipped:
        text.append(f"; {stats.files_skipped} skipped: not Kubernetes, Compose or Envoy "
                    "(--verbose says why)")
    if stats.files_failed:
        text.append(f"; {stats.files_failed} could not be read or parsed", style="red")
    if stats.rendered_units:
        text.append(f"; {plural(stats.rendered_units, 'chart/kustomization')} rendered")
    if stats.files_not_scanned:
        text.append(f"; {stats.files_not_scanned} not scanned: no renderer", style="red")
    text.append("). ")
    counts = Counter(f.severity.value for f in result.findings)
    if not result.findings:
        text.append("No findings.", style="bold green")
    else:
        parts = [
            (plural(counts[sev], sev), _STYLE[sev]) for sev in ("error", "warning", "note")
            if counts[sev]
        ]
        for i, (part, style) in enumerate(parts):
            if i:
                text.append(", ")
            text.append(part, style=style)
        text.append(".")
    if result.suppressed:
        text.append(f" {len(result.suppressed)} suppressed.", style="dim")
    if result.baselined is not None:
        text.append(f" {result.baselined} in the baseline (not shown).", style="dim")
        if result.baseline_stale:
            stale = result.baseline_stale
            entries = "baseline entry" if stale == 1 else "baseline entries"
            text.append(f" {stale} {entries} matched nothing (fixed or changed); refresh "
                        "the baseline with `netlint baseline`.", style="yellow")
    return text
