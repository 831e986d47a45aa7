"""SARIF 2.1.0 shaped for GitHub code scanning (see DESIGN.md, "SARIF")."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

from netlint import __version__
from netlint.findings import Finding
from netlint.fingerprints import line_hashes, stable_fingerprint
from netlint.registry import Rule
from netlint.reporters.common import (
    indented_json,
    relative_uri,
    repository_root,
    rule_help_markdown,
    rule_help_text,
)
from netlint.reporters.sarif_limits import LimitedResults, limit_results
from netlint.resolve import ScanResult
from netlint.source import Span

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/netlint/netlint"
PARSE_PROBLEMS = frozenset(
    {"parse-error", "unreadable-file", "file-too-large", "yaml-alias-bomb", "yaml-too-deep"}
)


def _pascal(rule_id: str) -> str:
    return "".join(part.capitalize() for part in rule_id.split("-"))


def _taxonomies() -> tuple[list[dict[str, Any]], dict[str, list[tuple[int, str]]]]:
    """The built-in control frameworks as SARIF taxonomies, and rule id -> (taxonomy index,
    control id) of the controls each rule evidences."""
    from netlint.compliance.frameworks import builtin_frameworks
    from netlint.registry import load_rules

    rules = load_rules()
    taxonomies: list[dict[str, Any]] = []
    by_rule: dict[str, list[tuple[int, str]]] = {}
    for i, fw in enumerate(builtin_frameworks().values()):
        taxonomies.append({
            "name": fw.id, "version": fw.version, "shortDescription": {"text": fw.title},
            **({"informationUri": fw.url} if fw.url else {}),
            "taxa": [{"id": c.id, "shortDescription": {"text": c.title}}
                     for c in fw.controls],
        })
        for c in fw.controls:
            for rid in c.rule_ids(rules):
                by_rule.setdefault(rid, []).append((i, c.id))
    return taxonomies, by_rule


def _rule_descriptor(rule: Rule, controls: list[tuple[int, str]] | None = None,
                     taxonomies: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    descriptor: dict[str, Any] = {
        "id": rule.id,
        "name": _pascal(rule.id),
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": " ".join(str(rule.docs.get("what", rule.title)).split())},
        "help": {"text": rule_help_text(rule), "markdown": rule_help_markdown(rule)},
        "helpUri": rule.help_uri,
        "defaultConfiguration": {"level": rule.severity.value},
        "properties": {
            "tags": list(rule.tags),
            "precision": "high",
            "security-severity": f"{rule.security_severity:.1f}",
        },
    }
    if not descriptor["helpUri"]:
        del descriptor["helpUri"]  # a user rule without a web reference
    if controls and taxonomies is not None:
        # the controls this rule evidences: as tags (shown by code scanning) and as
        # relationships to the frameworks' taxa (run.taxonomies)
        descriptor["properties"]["tags"] += [
            f"compliance/{taxonomies[i]['name']}/{cid}" for i, cid in controls]
        descriptor["relationships"] = [
            {"target": {"id": cid, "toolComponent": {"name": taxonomies[i]["name"],
                                                     "index": i}},
             "kinds": ["relevant"]}
            for i, cid in controls]
    return descriptor


def _region(f: Finding) -> dict[str, int]:
    return _span_region(f.span)


def _span_region(s: Span) -> dict[str, int]:
    return {
        "startLine": s.start_line,
        "startColumn": s.start_column,
        "endLine": s.end_line,
        "endColumn": max(s.end_column, s.start_column + 1) if s.end_line == s.start_line
        else s.end_column,
    }


def to_sarif(result: ScanResult, include_suppressed: bool = False) -> dict[str, Any]:
    root = repository_root()
    limited = _limited(result, include_suppressed)
    run = _run(result, limited, root)
    run["results"] = list(_results(result, limited, root))
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def _limited(result: ScanResult, include_suppressed: bool) -> LimitedResults:
    """The results to write, in report order, cut to GitHub's limits (sarif_limits.py)."""
    findings = list(result.findings)
    if include_suppressed:
        findings += result.suppressed
    findings.sort()
    return limit_results(findings, result.rules)


def artifact_uri(uri: str) -> str:
    """``artifactLocation.uri``: a URI reference, so spaces, non-ASCII and control
    characters in a file name are percent-encoded (UTF-8), and so is ``:`` (a first
    segment with a colon would read as a scheme)."""
    return quote(uri, safe="/-._~!$&'()*+,;=@")


def artifact_location(path: str, uri: str) -> dict[str, str]:
    """Where a result is: inside the repository, a '/'-separated path relative to
    ``%SRCROOT%`` (what code scanning matches files by); outside it (a file named by an
    absolute or ``../`` path), an absolute ``file://`` URI and no ``uriBaseId``, since a
    uriBaseId may only prefix a relative reference (SARIF 2.1.0, 3.4.4).  ``uri`` is
    :func:`relative_uri` of ``path``."""
    if uri == "stdin" or not os.path.isabs(uri):
        return {"uri": artifact_uri(uri), "uriBaseId": "%SRCROOT%"}
    return {"uri": Path(os.path.abspath(path)).as_uri()}  # as_uri percent-encodes


def _location(f: Finding, uri: str) -> dict[str, Any]:
    return {
        "physicalLocation": {
            "artifactLocation": artifact_location(f.path, uri),
            "region": _region(f),
        }
    }


def limit_notifications(notices: list[str]) -> list[dict[str, Any]]:
    """GitHub's result limits (sarif_limits.py) as tool notifications, also on stderr."""
    for notice in notices:
        sys.stderr.write(f"netlint: warning: SARIF: {notice}\n")
    return [{"level": "warning", "message": {"text": notice}} for notice in notices]


def _results(result: ScanResult, limited: LimitedResults, root: str
             ) -> Iterator[dict[str, Any]]:
    """The ``results`` entries, one at a time (see :func:`render_to`)."""
    index = {rid: i for i, rid in enumerate(sorted(result.rules))}
    hashes: dict[str, dict[int, str]] = {}
    uris: dict[str, str] = {}

    def line_hash(f: Finding) -> str | None:
        source = result.sources.get(f.path)
        if source is None:
            return None
        if f.path not in hashes:
            hashes[f.path] = line_hashes(source.text)
        return hashes[f.path].get(f.span.start_line)

    from netlint.fix.report import finding_fixes

    fixes = finding_fixes(result)
    for f in limited.findings:
        uri = uris.get(f.path)
        if uri is None:
            uri = uris[f.path] = relative_uri(f.path, root)
        fingerprints = {"netlint/v1": stable_fingerprint(f.rule_id, uri, f.context)}
        lh = line_hash(f)
        if lh is not None:
            fingerprints["primaryLocationLineHash"] = lh
        entry: dict[str, Any] = {
            "ruleId": f.rule_id,
            "ruleIndex": index[f.rule_id],
            "level": f.severity.value,
            "message": {"text": f.message},
            "locations": [_location(f, uri)],
            "partialFingerprints": fingerprints,
        }
        if f.related:  # the values file line a Helm template took the value from
            entry["relatedLocations"] = [
                {"id": i, "message": {"text": message},
                 "physicalLocation": {
                     "artifactLocation": {"uri": relative_uri(path, root),
                                          "uriBaseId": "%SRCROOT%"},
                     "region": _span_region(span)}}
                for i, (path, span, message) in enumerate(f.related, start=1)]
        if f in fixes:
            entry["fixes"] = [fixes[f].as_sarif(artifact_location(f.path, uri))]
        if f.suppressed:
            entry["suppressions"] = [
                {"kind": "inSource", "justification": f.suppression_reason or "suppressed"}
            ]
        yield entry


def _run(result: ScanResult, limited: LimitedResults, root: str) -> dict[str, Any]:
    """The run without its results: tool, rules, base URI and invocation (with a
    notification for each file that could not be analysed)."""
    rules = dict(sorted(result.rules.items()))
    taxonomies, by_rule = _taxonomies()
    notifications = [
        {
            "level": "error",
            "message": {"text": f"{f.path}: {f.message}"},
            "locations": [_location(f, relative_uri(f.path, root))],
            "descriptor": {"id": f.rule_id},
        }
        for f in limited.findings if f.rule_id in PARSE_PROBLEMS
    ]
    notifications += limit_notifications(limited.notices)
    invocation: dict[str, Any] = {"executionSuccessful": True}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    return {
        "tool": {
            "driver": {
                "name": "netlint",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": [_rule_descriptor(r, by_rule.get(r.id), taxonomies)
                          for r in rules.values()],
            }
        },
        "taxonomies": taxonomies,
        "originalUriBaseIds": {"%SRCROOT%": {"uri": _file_uri(root)}},
        "columnKind": "unicodeCodePoints",
        "invocations": [invocation],
        "results": [],
    }


def _file_uri(root: str) -> str:
    from pathlib import Path

    uri = Path(root).as_uri()
    return uri if uri.endswith("/") else uri + "/"


def render(result: ScanResult, include_suppressed: bool = False) -> str:
    return json.dumps(to_sarif(result, include_suppressed), indent=2, ensure_ascii=False) + "\n"


_RESULTS_DEPTH = "        "  # runs[0].results[i] is indented four levels


def render_to(result: ScanResult, out: TextIO, include_suppressed: bool = False) -> None:
    """Write what :func:`render` returns, one result at a time: memory holds the run's
    metadata and one result, not the whole log (114k findings needed 4.3 GB as one
    document)."""
    root = repository_root()
    limited = _limited(result, include_suppressed)
    run = _run(result, limited, root)
    head = json.dumps({"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]},
                      indent=2, ensure_ascii=False)
    empty = '"results": []\n    }\n  ]\n}'
    assert head.endswith(empty)
    first = True
    for entry in _results(result, limited, root):
        out.write(head[:-len(empty)] + '"results": [\n' if first else ",\n")
        first = False
        out.write(_RESULTS_DEPTH + indented_json(entry, 4))
    out.write(head + "\n" if first else "\n      ]\n    }\n  ]\n}\n")
