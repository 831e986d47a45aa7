"""JSON report, described by ``schemas/report.schema.json``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, TextIO

from netlint import __version__
from netlint.fingerprints import stable_fingerprint
from netlint.reporters.common import indented_json, relative_uri, repository_root
from netlint.resolve import ScanResult


def to_json(result: ScanResult, include_suppressed: bool = False) -> dict[str, Any]:
    counts = _counts(result)
    return _document(result, counts, list(_items(result, include_suppressed)))


def _items(result: ScanResult, include_suppressed: bool) -> Iterator[dict[str, Any]]:
    findings = list(result.findings)
    if include_suppressed:
        findings = sorted(findings + result.suppressed)
    root = repository_root()
    uris: dict[str, str] = {}  # many findings share a file
    from netlint.fix.report import finding_fixes

    fixes = finding_fixes(result)
    for f in findings:
        rule = result.rules.get(f.rule_id)
        uri = uris.get(f.path)
        if uri is None:
            uri = uris[f.path] = relative_uri(f.path, root)
        item: dict[str, Any] = {
            "rule": f.rule_id,
            "severity": f.severity.value,
            "path": f.path,
            "line": f.span.start_line,
            "column": f.span.start_column,
            "end_line": f.span.end_line,
            "end_column": f.span.end_column,
            "message": f.message,
            "title": rule.title if rule else f.rule_id,
            "tags": list(rule.tags) if rule else [],
            # the same identity as SARIF's netlint/v1 and baselines: repository-relative
            "fingerprint": stable_fingerprint(f.rule_id, uri, f.context),
            "suppressed": f.suppressed,
        }
        if f.suppressed:
            item["suppression_reason"] = f.suppression_reason
        if f.related:  # e.g. the values file line a Helm template took the value from
            item["related"] = [{"path": path, "line": span.start_line,
                                "column": span.start_column, "message": message}
                               for path, span, message in f.related]
        if f in fixes:
            item["fix"] = fixes[f].as_json()
        yield item


def _counts(result: ScanResult) -> dict[str, int]:
    counts = {"error": 0, "warning": 0, "note": 0}
    for f in result.findings:
        counts[f.severity.value] += 1
    return counts


def _document(result: ScanResult, counts: dict[str, int], items: list[dict[str, Any]]
              ) -> dict[str, Any]:
    stats = result.stats
    summary: dict[str, Any] = {
        "files": stats.files,
        "files_skipped": stats.files_skipped,
        "files_failed": stats.files_failed,
        "documents": dict(sorted(stats.documents.items())),
        "findings": counts,
        "suppressed": len(result.suppressed),
    }
    if result.baselined is not None:
        summary["baselined"] = result.baselined
        summary["baseline_stale"] = result.baseline_stale or 0
    return {
        "version": 1,
        "tool": {"name": "netlint", "version": __version__},
        "summary": summary,
        "findings": items,
    }


def render_statistics(result: ScanResult) -> str:
    """``--statistics --format json``: the summary and findings per rule and severity
    (``statistics``) instead of the findings."""
    from netlint.reporters.text import rule_statistics

    document = _document(result, _counts(result), [])
    del document["findings"]
    document["statistics"] = rule_statistics(result)
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def render(result: ScanResult, include_suppressed: bool = False) -> str:
    return json.dumps(to_json(result, include_suppressed), indent=2, ensure_ascii=False) + "\n"


def render_to(result: ScanResult, out: TextIO, include_suppressed: bool = False) -> None:
    """Write what :func:`render` returns, one finding at a time (a large report is never
    held in memory twice, as objects and as text)."""
    head = json.dumps(_document(result, _counts(result), []), indent=2, ensure_ascii=False)
    assert head.endswith('"findings": []\n}')
    first = True
    for item in _items(result, include_suppressed):
        out.write(head[:-len("]\n}")] + "\n" if first else ",\n")
        first = False
        out.write(_item_text(item))
    out.write(head + "\n" if first else "\n  ]\n}\n")


def _item_text(item: dict[str, Any]) -> str:
    """``json.dumps(item, indent=2, ensure_ascii=False)`` at the depth of the findings list
    (two levels in)."""
    return "    " + indented_json(item, 2)
