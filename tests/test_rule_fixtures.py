"""Every rule has pass and fail fixtures; fail fixtures have golden expected output.

Layout: ``tests/fixtures/<rule-id>/{pass,fail}/<case>`` where a case is a file (.yaml,
.yml, .json) or a directory (several files scanned together).  ``<case>.args`` may hold
scan options in CLI syntax (``--pss-version v1.22``).  Each case is scanned with only its
rule selected.  A fail case's findings must equal ``<case>.expected``; regenerate with
``pytest --update-golden`` and review the diff.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from netlint.findings import Severity
from netlint.registry import load_rules
from tests.helpers import case_options, golden_line, scan

FIXTURES = Path(__file__).parent / "fixtures"
CASE_SUFFIXES = (".yaml", ".yml", ".json")
RULES = load_rules()
# rules whose findings come from the engine itself (reading and parsing), with fixtures too
ENGINE_RULES = {"internal-error", "fix-failed"}


def _cases(kind: str) -> list[tuple[str, Path]]:
    out = []
    for rule_dir in sorted(FIXTURES.iterdir()) if FIXTURES.is_dir() else []:
        folder = rule_dir / kind
        if not folder.is_dir():
            continue
        for case in sorted(folder.iterdir()):
            if case.is_dir() or case.suffix in CASE_SUFFIXES:
                out.append((rule_dir.name, case))
    return out


def _run(rule_id: str, case: Path) -> list[str]:
    options = case_options(case)
    extra = options.pop("select", [])
    result = scan([str(case)], select=[rule_id, *extra], **options)  # type: ignore[list-item]
    base = case if case.is_dir() else case.parent
    return [golden_line(f, base) for f in result.findings]


@pytest.mark.parametrize(("rule_id", "case"), _cases("pass"),
                         ids=lambda v: v if isinstance(v, str) else v.name)
def test_pass_case_has_no_finding(rule_id: str, case: Path) -> None:
    lines = _run(rule_id, case)
    assert lines == [], f"{case} should pass {rule_id}"


@pytest.mark.parametrize(("rule_id", "case"), _cases("fail"),
                         ids=lambda v: v if isinstance(v, str) else v.name)
def test_fail_case_matches_golden(rule_id: str, case: Path, update_golden: bool) -> None:
    lines = _run(rule_id, case)
    expected_file = case.parent / (case.stem + ".expected")
    text = "".join(line + "\n" for line in lines)
    if update_golden:
        expected_file.write_text(text)
    assert lines, f"{case} should fail {rule_id}"
    assert expected_file.exists(), f"missing {expected_file}; run pytest --update-golden"
    assert text == expected_file.read_text()
    rule = RULES[rule_id]
    for line in lines:
        # only this rule (or always-on reading problems) at its declared severity, or
        # lower where the rule itself says a finding is milder (Violation.lower_to)
        if f"[{rule_id}]" in line:
            allowed = [s for s in ("error", "warning", "note")
                       if Severity(s).rank <= rule.severity.rank]
            assert any(f": {s} [{rule_id}]" in line for s in allowed), line


def test_every_rule_has_pass_and_fail_fixtures() -> None:
    missing = []
    for rule_id in RULES:
        if rule_id in ENGINE_RULES:
            continue
        for kind in ("pass", "fail"):
            if not any(r == rule_id for r, _ in _cases(kind)):
                missing.append(f"{rule_id}/{kind}")
    assert not missing, "rules without fixtures: " + ", ".join(missing)


def test_every_fixture_folder_names_a_rule() -> None:
    unknown = [d.name for d in FIXTURES.iterdir() if d.is_dir() and d.name not in RULES]
    assert not unknown, f"fixture folders for unknown rules: {unknown}"
