"""SARIF 2.1.0 shaped for GitHub code scanning (see DESIGN.md, "SARIF")."""

from __future__ import annotations

import json
from typing import Any

from netlint import __version__
from netlint.findings import Finding
from netlint.fingerprints import line_hashes, stable_fingerprint
from netlint.registry import Rule
from netlint.reporters.common import (
    relative_uri,
    repository_root,
    rule_help_markdown,
    rule_help_text,
)
from netlint.resolve import ScanResult

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/netlint/netlint"
PARSE_PROBLEMS = frozenset(
    {"parse-error", "unreadable-file", "file-too-large", "yaml-alias-bomb", "yaml-too-deep"}
)


def _pascal(rule_id: str) -> str:
    return "".join(part.capitalize() for part in rule_id.split("-"))


def _rule_descriptor(rule: Rule) -> dict[str, Any]:
    descriptor = {
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
    return descriptor


def _region(f: Finding) -> dict[str, int]:
    s = f.span
    return {
        "startLine": s.start_line,
        "startColumn": s.start_column,
        "endLine": s.end_line,
        "endColumn": max(s.end_column, s.start_column + 1) if s.end_line == s.start_line
        else s.end_column,
    }


def to_sarif(result: ScanResult, include_suppressed: bool = False) -> dict[str, Any]:
    root = repository_root()
    rules = dict(sorted(result.rules.items()))
    index = {rid: i for i, rid in enumerate(rules)}
    hashes: dict[str, dict[int, str]] = {}

    def line_hash(f: Finding) -> str | None:
        source = result.sources.get(f.path)
        if source is None:
            return None
        if f.path not in hashes:
            hashes[f.path] = line_hashes(source.text)
        return hashes[f.path].get(f.span.start_line)

    results = []
    notifications = []
    findings = list(result.findings)
    if include_suppressed:
        findings += result.suppressed
    for f in sorted(findings):
        uri = relative_uri(f.path, root)
        location = {
            "physicalLocation": {
                "artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%"},
                "region": _region(f),
            }
        }
        fingerprints = {"netlint/v1": stable_fingerprint(f.rule_id, uri, f.context)}
        lh = line_hash(f)
        if lh is not None:
            fingerprints["primaryLocationLineHash"] = lh
        entry: dict[str, Any] = {
            "ruleId": f.rule_id,
            "ruleIndex": index[f.rule_id],
            "level": f.severity.value,
            "message": {"text": f.message},
            "locations": [location],
            "partialFingerprints": fingerprints,
        }
        if f.suppressed:
            entry["suppressions"] = [
                {"kind": "inSource", "justification": f.suppression_reason or "suppressed"}
            ]
        results.append(entry)
        if f.rule_id in PARSE_PROBLEMS:
            notifications.append({
                "level": "error",
                "message": {"text": f"{f.path}: {f.message}"},
                "locations": [location],
                "descriptor": {"id": f.rule_id},
            })
    invocation: dict[str, Any] = {"executionSuccessful": True}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "netlint",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": [_rule_descriptor(r) for r in rules.values()],
            }
        },
        "originalUriBaseIds": {"%SRCROOT%": {"uri": _file_uri(root)}},
        "columnKind": "unicodeCodePoints",
        "invocations": [invocation],
        "results": results,
    }
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def _file_uri(root: str) -> str:
    from pathlib import Path

    uri = Path(root).as_uri()
    return uri if uri.endswith("/") else uri + "/"


def render(result: ScanResult, include_suppressed: bool = False) -> str:
    return json.dumps(to_sarif(result, include_suppressed), indent=2, ensure_ascii=False) + "\n"
