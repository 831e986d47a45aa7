"""``netlint test``: user rules checked against their pass/fail examples; ``new-rule``."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from netlint.cli import main

FIXTURES = Path(".netlint/rule-tests")


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    assert run("new-rule", "widget-insecure").exit_code == 0
    assert run("new-rule", "service-privileged", "--target", "compose").exit_code == 0
    return tmp_path


def test_scaffolded_rules_pass_their_own_examples(project: Path) -> None:
    result = run("test")
    assert result.exit_code == 0, result.output
    assert "ok    service-privileged  (1 pass, 1 fail)" in result.output
    assert "ok    widget-insecure  (1 pass, 1 fail)" in result.output
    assert result.output.rstrip().endswith("4 of 4 examples agree with their rule.")


def test_disagreeing_examples_are_named(project: Path) -> None:
    widget = FIXTURES / "widget-insecure"
    (widget / "pass" / "still-insecure.yaml").write_text(
        (widget / "fail" / "example.yaml").read_text())
    (widget / "fail" / "secure.yaml").write_text((widget / "pass" / "example.yaml").read_text())
    (FIXTURES / "service-privileged" / "fail" / "broken.yaml").write_text("services: [\n")
    result = run("test")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert "FAIL  widget-insecure  (2 pass, 2 fail)" in lines
    assert any(line.startswith("      pass/still-insecure.yaml: expected no finding, got ")
               and line.endswith("Widget/bad: spec.insecure is true") for line in lines)
    assert "      fail/secure.yaml: expected a finding, got none" in lines
    assert any(line.startswith("      fail/broken.yaml: parse-error at ") for line in lines)
    assert lines[-1] == "4 of 7 examples agree with their rule; 3 disagree."
    only = run("test", "--rule", "service-privileged")
    assert only.exit_code == 1 and "widget-insecure" not in only.output


def test_directory_cases_notes_and_usage_errors(project: Path) -> None:
    case = FIXTURES / "service-privileged" / "fail" / "with-override"
    case.mkdir()
    (case / "compose.yaml").write_text("services:\n  web:\n    image: nginx:1.27\n")
    (case / "compose.override.yaml").write_text("services:\n  web:\n    privileged: true\n")
    (FIXTURES / "widget-insecur").mkdir()  # a typo: its examples would never run
    (FIXTURES / "widget-insecure" / "pass" / "example.yaml").unlink()
    result = run("test")
    assert result.exit_code == 0, result.output
    assert "ok    service-privileged  (1 pass, 2 fail)" in result.output
    assert "note  widget-insecure: no 'pass' example" in result.output
    assert "no rule 'widget-insecur' in .netlint/rules; did you mean 'widget-insecure'?" \
        in result.output
    empty = run("test", "--fixtures", str(project / "nowhere"))
    assert empty.exit_code == 2 and "no examples found under" in empty.output
    typo = run("test", "--rule", "widget-insecur")
    assert typo.exit_code == 2 and "did you mean 'widget-insecure'?" in typo.output


def test_new_rule_force_with_another_target_leaves_no_foreign_example(project: Path) -> None:
    edited = FIXTURES / "widget-insecure" / "pass" / "example.yaml"
    result = run("new-rule", "widget-insecure", "--target", "envoy", "--force")
    assert result.exit_code == 0
    # same file name for kubernetes and envoy: overwritten with the Envoy example
    assert "static_resources" in edited.read_text()
    result = run("new-rule", "widget-insecure", "--target", "compose", "--force")
    assert result.exit_code == 0
    names = sorted(p.relative_to(FIXTURES).as_posix()
                   for p in (FIXTURES / "widget-insecure").rglob("*") if p.is_file())
    assert names == ["widget-insecure/fail/compose.yaml", "widget-insecure/pass/compose.yaml"]
    # an example the user wrote is never removed
    mine = FIXTURES / "service-privileged" / "fail" / "compose.yaml"
    mine.write_text(mine.read_text() + "    cap_add: [SYS_ADMIN]\n")
    assert run("new-rule", "service-privileged", "--target", "kubernetes",
               "--force").exit_code == 0
    assert not (FIXTURES / "service-privileged" / "pass" / "compose.yaml").exists()
    assert "SYS_ADMIN" in mine.read_text()


def test_references_empty_only_with_a_reason(project: Path) -> None:
    rule = Path(".netlint/rules/widget-insecure.yaml")
    text = rule.read_text()
    assert "example.com/your-policy" not in text
    assert "https://kubernetes.io/docs/reference/kubernetes-api/" in text
    start = text.index("  # links shown")
    rule.write_text(text[:start] + "  references: []\n")
    result = run("rules", "--rules", ".netlint/rules")
    assert result.exit_code == 2
    assert "key 'docs.no-references-reason': missing (required)" in result.output
    rule.write_text(text[:start] + "  references: []\n  no-references-reason: an internal "
                    "policy with no public page\n")
    explained = run("explain", "widget-insecure", "--rules", ".netlint/rules").output
    assert "References: none (an internal policy with no public page)" in explained
    any_rule = run("new-rule", "plain-yaml", "--target", "any")
    assert any_rule.exit_code == 0
    assert "no-references-reason:" in Path(".netlint/rules/plain-yaml.yaml").read_text()
