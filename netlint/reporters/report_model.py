"""The data of ``netlint report``: one scan seen as a summary, framework scores, PSS
readiness, egress reachability and every finding with its snippet.  The HTML and Markdown
reports render this; it holds scanned text raw, and each renderer escapes it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from netlint import __version__
from netlint.findings import Finding
from netlint.registry import FAMILY_TAGS

SNIPPET_CONTEXT = 1  # lines shown before and after a finding's line


@dataclass
class SnippetLine:
    number: int
    text: str
    mark: tuple[int, int] | None = None  # 0-based columns [start, end) to highlight


@dataclass
class ReportFinding:
    index: int
    rule: str
    severity: str
    path: str
    line: int
    column: int
    message: str
    title: str
    family: str
    snippet: list[SnippetLine]


@dataclass
class ReportData:
    version: str
    files: int
    documents: dict[str, int]
    counts: dict[str, int]  # by severity
    families: dict[str, dict[str, int]]  # family -> severity -> count
    suppressed: int
    findings: list[ReportFinding]
    rules: dict[str, dict[str, str]]  # rule id -> title, severity, help
    frameworks: list[Any] = field(default_factory=list)  # FrameworkResult
    readiness: list[Any] = field(default_factory=list)  # NamespaceReadiness
    egress: list[dict[str, Any]] | None = None

    def by_rule(self) -> list[tuple[str, str, int]]:
        counts = Counter((f.rule, f.severity) for f in self.findings)
        return sorted(((r, s, n) for (r, s), n in counts.items()), key=lambda x: (-x[2], x[0]))


def family_of(tags: tuple[str, ...]) -> str:
    return next((t for t in FAMILY_TAGS if t in tags), "other")


def _snippet(result: Any, f: Finding) -> list[SnippetLine]:
    source = result.sources.get(f.path)
    name = f.path.replace("\\", "/").rsplit("/", 1)[-1]
    if source is None or name.startswith(".env") or name.endswith(".env"):
        return []  # never show a line of an env file: its values may be secrets
    out = []
    first = max(1, f.span.start_line - SNIPPET_CONTEXT)
    last = f.span.start_line + SNIPPET_CONTEXT
    for number in range(first, last + 1):
        try:
            text = source.line_text(number)
        except (IndexError, ValueError):
            break
        if number > f.span.start_line and not text.strip():
            break
        text = text.replace("\t", " ")[:400]
        mark = None
        if number == f.span.start_line:
            end = f.span.end_column - 1 if f.span.end_line == number else len(text)
            mark = (min(f.span.start_column - 1, len(text)), max(min(end, len(text)),
                                                                 f.span.start_column - 1))
        out.append(SnippetLine(number, text, mark))
    return out


def build(result: Any, views: Any = None) -> ReportData:
    counts = {"error": 0, "warning": 0, "note": 0}
    families: dict[str, dict[str, int]] = {}
    findings = []
    rules: dict[str, dict[str, str]] = {}
    for i, f in enumerate(result.findings):
        rule = result.rules.get(f.rule_id)
        tags = rule.tags if rule else ()
        family = family_of(tags)
        counts[f.severity.value] += 1
        fam = families.setdefault(family, {"error": 0, "warning": 0, "note": 0})
        fam[f.severity.value] += 1
        if f.rule_id not in rules:
            rules[f.rule_id] = {"title": rule.title if rule else f.rule_id,
                                "severity": f.severity.value,
                                "help": rule.help_uri if rule else ""}
        findings.append(ReportFinding(i, f.rule_id, f.severity.value, f.path, f.span.start_line,
                                      f.span.start_column, f.message,
                                      rule.title if rule else f.rule_id, family,
                                      _snippet(result, f)))
    ordered = {k: families[k] for k in (*FAMILY_TAGS, "other") if k in families}
    return ReportData(
        version=__version__, files=result.stats.files,
        documents=dict(sorted(result.stats.documents.items())), counts=counts,
        families=ordered, suppressed=len(result.suppressed), findings=findings, rules=rules,
        frameworks=views.frameworks if views else [],
        readiness=views.readiness if views else [],
        egress=views.egress if views else None,
    )
