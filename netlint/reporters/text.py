"""Human-readable report: findings grouped by file, the offending line with a caret under
the span, and a summary.  Colour only on a terminal and never with ``NO_COLOR``."""

from __future__ import annotations

import os
from collections import Counter
from itertools import groupby
from typing import IO

from rich.console import Console
from rich.style import Style
from rich.text import Text

from netlint.findings import Finding
from netlint.resolve import ScanResult

_STYLE = {"error": "bold red", "warning": "yellow", "note": "cyan"}
MAX_DOC_LINKS = 5  # list each rule's docs link after the findings when at most this many
_KIND_NAMES = {"kubernetes": "Kubernetes", "compose": "Compose", "envoy": "Envoy",
               "yaml": "other YAML"}


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


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


def _snippet(result: ScanResult, f: Finding) -> list[Text]:
    source = result.sources.get(f.path)
    if source is None:
        return []
    line = source.line_text(f.span.start_line)
    if not line.strip():
        return []
    expanded = line.replace("\t", " ")
    gutter = f"{f.span.start_line:>6} | "
    start = f.span.start_column - 1
    if f.span.end_line == f.span.start_line:
        width = max(1, f.span.end_column - f.span.start_column)
    else:
        width = max(1, len(expanded.rstrip()) - start)
    width = min(width, max(1, len(expanded) - start))
    caret = Text(" " * (len(gutter) - 2) + "| " + " " * start)
    caret.append("^" * width, style=_STYLE[f.severity.value])
    return [Text(gutter + expanded, style="dim"), caret]


def render_to(result: ScanResult, out: IO[str], color: bool | None = None,
              quiet: bool = False, statistics: bool = False) -> None:
    console = make_console(out, color)
    if not quiet:
        for path, group in groupby(result.findings, key=lambda f: f.path):
            console.print(Text(path, style="bold underline"))
            for f in group:
                line = Text("  ")
                line.append(f"{path}:{f.span.start_line}:{f.span.start_column}", style="bold")
                line.append("  ")
                line.append(f"{f.severity.value:<7}", style=_STYLE[f.severity.value])
                line.append(" ")
                rule = result.rules.get(f.rule_id)
                # a clickable link to the rule's docs on terminals that support it
                line.append(f.rule_id, style=Style(color="magenta", link=rule.help_uri)
                            if rule and rule.help_uri else "magenta")
                line.append("  ")
                line.append(f.message)
                console.print(line)
                for snippet in _snippet(result, f):
                    console.print(snippet)
            console.print()
    if statistics and result.findings:
        counts = Counter(f.rule_id for f in result.findings)
        console.print(Text("Findings per rule:", style="bold"))
        for rule_id, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            rule = result.rules.get(rule_id)
            console.print(f"  {n:>5}  {rule_id}  {rule.title if rule else ''}", markup=False)
            if rule and rule.help_uri:
                console.print(f"         {rule.help_uri}", markup=False, style="dim")
        console.print()
    console.print(summary_text(result))
    if result.findings and not quiet:
        console.print(Text("Explain a rule with: netlint explain <rule-id>", style="dim"))
        found = sorted({f.rule_id for f in result.findings})
        if len(found) <= MAX_DOC_LINKS:
            for rule_id in found:
                rule = result.rules.get(rule_id)
                if rule is not None and rule.help_uri:
                    console.print(Text(f"  {rule_id}: {rule.help_uri}", style="dim"))


def summary_text(result: ScanResult) -> Text:
    stats = result.stats
    docs = ", ".join(
        f"{n} {_KIND_NAMES.get(kind, kind)}" for kind, n in sorted(stats.documents.items())
    ) or "none recognised"
    documents = _plural(stats.documents_total, "document")
    text = Text(f"Scanned {_plural(stats.files, 'file')} ({documents}: {docs}")
    if stats.files_skipped:
        text.append(f"; {stats.files_skipped} skipped: not Kubernetes, Compose or Envoy")
    if stats.files_failed:
        text.append(f"; {stats.files_failed} could not be read or parsed", style="red")
    text.append("). ")
    counts = Counter(f.severity.value for f in result.findings)
    if not result.findings:
        text.append("No findings.", style="bold green")
    else:
        parts = [
            (_plural(counts[sev], sev), _STYLE[sev]) for sev in ("error", "warning", "note")
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
