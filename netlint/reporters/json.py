"""JSON report, described by ``schemas/report.schema.json``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from json.encoder import encode_basestring as _encode_str
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
    for text in _item_texts(result, include_suppressed):
        out.write(head[:-len("]\n}")] + "\n" if first else ",\n")
        first = False
        out.write(text)
    out.write(head + "\n" if first else "\n  ]\n}\n")


# the text of one finding, key by key: what json.dumps(indent=2) writes for the dict
# _items builds, two levels in.  A warm scan's report is tens of thousands of findings,
# and building a dict per finding to encode it cost more than the rest of the report
# (tests/test_reports.py compares the two)
_IN = ",\n      "


def _item_texts(result: ScanResult, include_suppressed: bool) -> Iterator[str]:
    findings = list(result.findings)
    if include_suppressed:
        findings = sorted(findings + result.suppressed)
    root = repository_root()
    paths: dict[str, tuple[str, str]] = {}  # path -> its JSON text, its repository URI
    rules: dict[str, tuple[str, str]] = {}  # rule -> its JSON text, its title and tags
    from netlint.fix.report import finding_fixes

    fixes = finding_fixes(result)
    for f in findings:
        path = paths.get(f.path)
        if path is None:
            path = paths[f.path] = (_encode_str(f.path), relative_uri(f.path, root))
        rule_texts = rules.get(f.rule_id)
        if rule_texts is None:
            rule = result.rules.get(f.rule_id)
            rule_texts = rules[f.rule_id] = (_encode_str(f.rule_id), (
                _IN + '"title": ' + _encode_str(rule.title if rule else f.rule_id)
                + _IN + '"tags": ' + indented_json(list(rule.tags) if rule else [], 3)))
        span = f.span
        parts = [
            '    {\n      "rule": ', rule_texts[0],
            _IN, '"severity": ', _encode_str(f.severity.value),
            _IN, '"path": ', path[0],
            _IN, '"line": ', int.__repr__(span.start_line),
            _IN, '"column": ', int.__repr__(span.start_column),
            _IN, '"end_line": ', int.__repr__(span.end_line),
            _IN, '"end_column": ', int.__repr__(span.end_column),
            _IN, '"message": ', _encode_str(f.message),
            rule_texts[1],
            _IN, '"fingerprint": ', _encode_str(stable_fingerprint(f.rule_id, path[1],
                                                                   f.context)),
            _IN, '"suppressed": ', "true" if f.suppressed else "false",
        ]
        if f.suppressed:
            parts += [_IN, '"suppression_reason": ', _encode_str(f.suppression_reason)]
        if f.related:
            parts += [_IN, '"related": ', indented_json(
                [{"path": p, "line": s.start_line, "column": s.start_column,
                  "message": message} for p, s, message in f.related], 3)]
        fix = fixes.get(f)
        if fix is not None:
            r = fix.replacement
            parts += [_IN, '"fix": {\n        "description": ', _encode_str(fix.description),
                      ',\n        "safety": ', _encode_str(fix.safety),
                      ',\n        "replacements": [\n          {\n            "line": ',
                      int.__repr__(r.start_line),
                      ',\n            "column": ', int.__repr__(r.start_column),
                      ',\n            "end_line": ', int.__repr__(r.end_line),
                      ',\n            "end_column": ', int.__repr__(r.end_column),
                      ',\n            "text": ', _encode_str(r.text),
                      "\n          }\n        ]\n      }"]
        parts.append("\n    }")
        yield "".join(parts)
