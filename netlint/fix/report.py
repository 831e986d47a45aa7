"""Fixes in reports: for each reported finding whose rule declares a fix, the edit that
fix makes on its own (SARIF ``fixes`` with ``artifactChanges``; the JSON report's
``fix``).  Computed with the text splice (no ruamel.yaml) and verified like ``fix``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from netlint.findings import Finding
from netlint.fix.apply import _with_splice, order_ops, plan_file, verify
from netlint.fix.intended import apply_ops
from netlint.fix.spec import FixSpec, rule_fix
from netlint.fix.splice import SpliceError, Style

# a report never spends more than this re-parsing one file for its fixes (bytes x fixes)
MAX_WORK_PER_FILE = 64 << 20


@dataclass(frozen=True)
class Replacement:
    """Replace the 1-based region (end column exclusive; empty = insert) by ``text``."""

    start_line: int
    start_column: int
    end_line: int
    end_column: int
    text: str


@dataclass(frozen=True)
class FindingFix:
    description: str
    safety: str
    replacement: Replacement

    def as_json(self) -> dict[str, Any]:
        r = self.replacement
        return {"description": self.description, "safety": self.safety,
                "replacements": [{"line": r.start_line, "column": r.start_column,
                                  "end_line": r.end_line, "end_column": r.end_column,
                                  "text": r.text}]}

    def as_sarif(self, artifact: dict[str, Any]) -> dict[str, Any]:
        r = self.replacement
        return {
            "description": {"text": f"{self.description} ({self.safety} fix)"},
            "artifactChanges": [{
                "artifactLocation": artifact,
                "replacements": [{
                    "deletedRegion": {"startLine": r.start_line,
                                      "startColumn": r.start_column,
                                      "endLine": r.end_line, "endColumn": r.end_column},
                    "insertedContent": {"text": r.text},
                }],
            }],
        }


def finding_fixes(result: Any) -> dict[Finding, FindingFix]:
    """The fix of each reported finding that has one (the edit it makes alone)."""
    by_file: dict[str, list[tuple[Finding, FixSpec]]] = {}
    for f in result.findings:
        spec = rule_fix(result.rules.get(f.rule_id))
        if spec is not None:
            by_file.setdefault(f.path, []).append((f, spec))
    out: dict[Finding, FindingFix] = {}
    for path, work in by_file.items():
        source = result.sources.get(path)
        if source is None or len(source.text) * len(work) > MAX_WORK_PER_FILE:
            continue
        out.update(_file_fixes(path, source.text, work))
    return out


def _file_fixes(path: str, text: str, work: list[tuple[Finding, FixSpec]]
                ) -> dict[Finding, FindingFix]:
    docs, planned, _ = plan_file(path, text, work)
    if docs is None:
        return {}
    specs = {id(f): spec for f, spec in work}
    style = Style(text, path.endswith(".json"))
    values = [d.value for d in docs]
    out = {}
    for finding, ops in planned:
        try:
            intended, effective = apply_ops(values, order_ops(ops))
            if not effective:
                continue
            fixed = _with_splice(path, text, effective, style)
        except (SpliceError, ValueError, KeyError, TypeError, IndexError):
            continue
        if verify(path, fixed, intended):
            continue
        spec = specs[id(finding)]
        out[finding] = FindingFix(spec.description, spec.safety, _replacement(text, fixed))
    return out


def _replacement(before: str, after: str) -> Replacement:
    """The one region that differs (common prefix and suffix kept)."""
    start = 0
    limit = min(len(before), len(after))
    while start < limit and before[start] == after[start]:
        start += 1
    end_b, end_a = len(before), len(after)
    while end_b > start and end_a > start and before[end_b - 1] == after[end_a - 1]:
        end_b -= 1
        end_a -= 1
    # a pure insertion or deletion slides left to a line start when it can (the same
    # edit, but whole lines: "  cap_drop:\n  - ALL\n" rather than mid-line pieces)
    inserted = after[start:end_a]
    if start == end_b:
        while start > 0 and before[start - 1] != "\n" and inserted \
                and inserted[-1] == before[start - 1]:
            inserted = before[start - 1] + inserted[:-1]
            start -= 1
            end_b -= 1
    elif start == end_a:
        while start > 0 and before[start - 1] != "\n" and before[end_b - 1] == before[start - 1]:
            start -= 1
            end_b -= 1
    line, col = _position(before, start)
    end_line, end_col = _position(before, end_b)
    return Replacement(line, col, end_line, end_col, inserted)


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, col
