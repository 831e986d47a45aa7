"""Output polish: concise format, shared snippets, --statistics, suppressed markers."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator

from netlint.cli import main
from netlint.registry import schema

COMPOSE = """\
services:
  agent:
    image: example/agent:1.0@sha256:0000000000000000000000000000000000000000000000000000000000000000
    network_mode: host
    privileged: true  # netlint: disable=compose-privileged the agent loads eBPF probes
"""


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture()
def compose(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "compose.yaml").write_text(COMPOSE)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_concise_is_one_line_per_finding(compose: Path) -> None:
    result = run("scan", "compose.yaml", "--format", "concise")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    pattern = re.compile(r"compose\.yaml:\d+:\d+: (error|warning|note) [a-z0-9-]+ \S.*")
    assert all(pattern.fullmatch(line) for line in lines[:-1]), lines
    assert "compose.yaml:4:5: error compose-host-network service 'agent' sets " \
           "network_mode: host" in lines
    assert lines[-1].startswith("Scanned 1 file (1 document: 1 Compose)")
    assert not any("privileged" in line for line in lines[:-1])
    marked = run("scan", "compose.yaml", "--format", "concise", "--include-suppressed")
    assert "compose.yaml:5:5: error compose-privileged service 'agent' sets privileged: " \
           "true [suppressed: the agent loads eBPF probes]" in marked.output.splitlines()


def test_concise_escapes_control_characters(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "compose.yaml").write_text(
        'services:\n  "web\\e[31m":\n    image: nginx\n    privileged: true\n')
    out = run("scan", "compose.yaml", "--format", "concise", "--select",
              "compose-privileged").output
    assert "\x1b" not in out and "service 'web\\x1b[31m' sets privileged: true" in out


def test_findings_on_one_line_share_one_snippet(compose: Path) -> None:
    out = run("scan", "compose.yaml").output
    assert out.count("compose.yaml:4:5 ") == 2  # host network + unrestricted egress
    assert out.count("     4 |     network_mode: host\n") == 1
    header, snippet = out.split("     4 |     network_mode: host\n")
    assert header.rstrip().splitlines()[-2:][0].lstrip().startswith("compose.yaml:4:5")
    assert snippet.startswith("       |     ^^^^^^^^^^^^^^^^^^\n")


def test_include_suppressed_marks_them_in_the_text_format(compose: Path) -> None:
    plain = run("scan", "compose.yaml").output
    assert "compose-privileged" not in plain and "1 suppressed." in plain
    out = run("scan", "compose.yaml", "--include-suppressed").output
    line = next(x for x in out.splitlines() if "compose-privileged" in x)
    assert line.strip().startswith("compose.yaml:5:5  error   compose-privileged")
    assert line.endswith("[suppressed: the agent loads eBPF probes]")


def test_statistics_text_json_and_unsupported_formats(compose: Path) -> None:
    text = run("scan", "compose.yaml", "--statistics").output
    header = next(x for x in text.splitlines() if x.strip().startswith("count"))
    assert header.split() == ["count", "severity", "rule", "title"]
    assert re.search(r"^    1  error     compose-host-network +Compose service uses the",
                     text, re.M)
    assert "network_mode: host\n" not in text  # the table replaces the findings
    result = run("scan", "compose.yaml", "--statistics", "--format", "json")
    assert result.exit_code == 1
    doc = json.loads(result.output)
    Draft202012Validator(schema("report.schema.json")).validate(doc)
    assert "findings" not in doc
    by_rule = {s["rule"]: s for s in doc["statistics"]}
    assert by_rule["compose-host-network"]["severity"] == "error"
    assert by_rule["compose-host-network"]["count"] == 1
    assert "compose-privileged" not in by_rule  # suppressed: not counted
    result = run("scan", "compose.yaml", "--statistics", "--format", "sarif")
    assert result.exit_code == 2
    assert "--statistics works with --format text or json, not sarif" in result.output


def test_rules_listing_fits_80_columns_and_pipes_one_line_per_rule() -> None:
    from netlint.docs import rules_listing
    from netlint.registry import load_rules

    rules = load_rules()
    narrow = rules_listing(rules.values(), width=80)
    assert max(len(line) for line in narrow.splitlines()) <= 80
    assert "\n  compose-host-network" in narrow and "│" not in narrow and "…" not in narrow
    piped = run("rules", "--select", "compose").output  # CliRunner: not a terminal
    lines = piped.splitlines()
    row = next(i for i, x in enumerate(lines) if x.startswith("  compose-host-network "))
    assert lines[row].split() == ["compose-host-network", "error", "pss-baseline,",
                                  "pss-restricted,", "security", "[fix:", "unsafe]"]
    assert lines[row + 1] == "    " + rules["compose-host-network"].title
    assert re.search(r"^compose: \d+ rules$", piped, re.M)
    assert re.search(r"^core: \d+ rules \(always run, whatever --select says\)$", piped, re.M)
    parse_error = lines.index("  " + next(x.strip() for x in lines
                                          if x.strip().startswith("parse-error ")))
    assert lines[parse_error + 1].endswith("[always runs]")
    assert "kubernetes:" not in piped


def test_job_summary_counts_files_and_documents_apart(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: %s}\nspec:\n  containers: []\n"
    (tmp_path / "pods.yaml").write_text(pod % "a" + "---\n" + pod % "b")
    (tmp_path / "compose.yaml").write_text(COMPOSE)
    (tmp_path / "values.yaml").write_text("replicas: 2\n")
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    monkeypatch.chdir(tmp_path)
    run("scan", "pods.yaml", "compose.yaml", "values.yaml", "--format", "github")
    assert ("Scanned 3 files (3 documents: 1 Compose, 2 Kubernetes; 1 skipped: not "
            "Kubernetes, Compose or Envoy).") in summary.read_text()
    assert "file(s)" not in summary.read_text()


def test_shared_snippet_of_a_long_line_keeps_carets_under_their_spans() -> None:
    from netlint.findings import Finding, Severity
    from netlint.load import ScanStats
    from netlint.reporters.text import _snippet
    from netlint.resolve import ScanResult
    from netlint.source import Source, Span

    line = "x: " + "a" * 150 + " BAD1 " + "\x1b" + " BAD2 " + "b" * 200
    first = line.index("BAD1") + 1
    second = line.index("BAD2") + 1
    findings = [
        Finding("f.yaml", Span(1, first, 1, first + 4), "r1", "m", Severity.WARNING),
        Finding("f.yaml", Span(1, second, 1, second + 4), "r2", "m", Severity.ERROR),
    ]
    result = ScanResult(findings, ScanStats(), {}, {"f.yaml": Source("f.yaml", line + "\n")})
    shown, caret = (t.plain for t in _snippet(result, findings))
    assert "\x1b" not in shown and "\\x1b" in shown  # escaped
    assert len(shown) < 150  # capped to a window
    body, marks = shown.split("| ", 1)[1], caret.split("| ", 1)[1]
    carets = [i for i, c in enumerate(marks) if c == "^"]
    assert body[carets[0]:carets[0] + 4] == "BAD1" and body[carets[-1] - 3:carets[-1] + 1] == "BAD2"
    assert len(carets) == 8
