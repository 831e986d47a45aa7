"""Every rule that declares a fix has fix fixtures: ``tests/fixtures/<rule>/fix/<case>``
and the byte-exact expected result ``<case-stem>.fixed<suffix>`` (comments, quoting, flow
and block style, indentation, CRLF and BOM included).  Refresh with ``--update-golden``
and review the diff."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from netlint.fix.run import fix_paths
from netlint.options import ScanOptions
from netlint.registry import load_rules

FIXTURES = Path(__file__).parent / "fixtures"
RULES = load_rules()
FIXABLE = sorted(r.id for r in RULES.values() if r.fix is not None)


def _cases() -> list[tuple[str, Path]]:
    out = []
    for rule_id in FIXABLE:
        folder = FIXTURES / rule_id / "fix"
        for case in sorted(folder.iterdir()) if folder.is_dir() else []:
            if ".fixed" not in case.name:
                out.append((rule_id, case))
    return out


def _expected(case: Path) -> Path:
    return case.with_name(f"{case.stem}.fixed{case.suffix}")


def _copy(rule_id: str, case: Path, tmp: Path) -> Path:
    # Compose files are recognised by name
    name = "compose.yaml" if RULES[rule_id].target == "compose" else case.name
    target = tmp / name
    shutil.copyfile(case, target)
    return target


def _fix(path: Path, rule_id: str, prefer: str = "ruamel"):  # type: ignore[no-untyped-def]
    options = ScanOptions()
    options.select = [rule_id]
    return fix_paths([str(path)], options, unsafe=True, prefer=prefer)


def test_every_fixable_rule_has_fix_fixtures() -> None:
    have = {rule_id for rule_id, _ in _cases()}
    assert set(FIXABLE) - have == set()


@pytest.mark.parametrize(("rule_id", "case"), _cases(),
                         ids=lambda v: v if isinstance(v, str) else v.name)
def test_fix_matches_expected_and_clears_the_rule(rule_id: str, case: Path, tmp_path: Path,
                                                  update_golden: bool) -> None:
    target = _copy(rule_id, case, tmp_path)
    run = _fix(target, rule_id)
    before = [f for f in run.before.findings if f.rule_id == rule_id]
    assert before, f"{case} has no {rule_id} finding to fix"
    assert run.changed, f"{case}: nothing was fixed"
    after_bytes = target.read_bytes()
    expected = _expected(case)
    if update_golden:
        expected.write_bytes(after_bytes)
    assert after_bytes == expected.read_bytes()
    # the rescan reports the rule only where the fixer said it could not fix
    left = [f.message for f in run.result.findings if f.rule_id == rule_id]
    unfixable = [u.finding.message for f in run.files for u in f.unfixable]
    assert sorted(left) == sorted(m for m in unfixable if m in left)
    assert len(left) < len(before)
    # idempotent: a second run changes nothing
    again = _fix(target, rule_id)
    assert not again.changed
    assert target.read_bytes() == after_bytes


@pytest.mark.parametrize(("rule_id", "case"), _cases(),
                         ids=lambda v: v if isinstance(v, str) else v.name)
def test_splice_path_gives_the_same_bytes(rule_id: str, case: Path, tmp_path: Path) -> None:
    """The text splice alone (no ruamel.yaml) produces the expected file too."""
    target = _copy(rule_id, case, tmp_path)
    run = _fix(target, rule_id, prefer="splice")
    assert {f.method for f in run.changed} == {"splice"}
    assert target.read_bytes() == _expected(case).read_bytes()
