"""``netlint test``: check a directory of user rules against their example files.

The layout is the one ``netlint new-rule`` writes::

    .netlint/rules/<id>.yaml                 the rule
    .netlint/rule-tests/<id>/pass/<case>     must give no finding of <id>
    .netlint/rule-tests/<id>/fail/<case>     must give at least one finding of <id>

(under ``.netlint``, which scans skip, so a failing example never fails the project's own
scan; ``--fixtures`` names another directory).
A case is a file, or a directory scanned as one project (a Compose file with its
override, a NetworkPolicy beside the workload it isolates).  Each case is scanned with
only its rule selected (plus the always-on core rules, so a case that does not parse
says so instead of passing for the wrong reason), as ``kyverno test`` and ``conftest
verify`` check policies against examples.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from netlint.engine import Engine
from netlint.errors import UsageError
from netlint.registry import Rule

EXPECTATIONS = ("pass", "fail")


@dataclass
class CaseResult:
    rule_id: str
    expect: str  # "pass" | "fail"
    path: Path
    problem: str = ""  # empty: the case agrees with its rule

    @property
    def ok(self) -> bool:
        return not self.problem


@dataclass
class RuleTestReport:
    cases: list[CaseResult] = field(default_factory=list)
    untested: list[str] = field(default_factory=list)  # rules with no case at all
    one_sided: list[tuple[str, str]] = field(default_factory=list)  # (rule, missing side)
    strays: list[str] = field(default_factory=list)  # example directories of no rule here

    @property
    def failed(self) -> list[CaseResult]:
        return [c for c in self.cases if not c.ok]




def _cases(directory: Path) -> list[Path]:
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir()
                  if p.is_dir() or p.suffix in (".yaml", ".yml", ".json"))


def run_rule_tests(rules_dir: str, fixtures_dir: str, all_rules: Mapping[str, Rule],
                   only: list[str] | None = None) -> RuleTestReport:
    """Scan every case of every rule defined in ``rules_dir`` and compare."""
    from netlint.options import ScanOptions
    from netlint.registry import did_you_mean

    root = Path(rules_dir).resolve()
    mine = {rid: r for rid, r in all_rules.items()
            if not r.builtin and root in Path(r.file).resolve().parents}
    if not mine:
        raise UsageError(f"{rules_dir}: no rule files found")
    fixtures = Path(fixtures_dir)
    report = RuleTestReport()
    for directory in sorted(p for p in fixtures.iterdir() if p.is_dir()) if (
            fixtures.is_dir()) else ():
        if directory.name not in mine:  # a typo, or a rule of another rule directory
            report.strays.append(f"{directory}: no rule '{directory.name}' in {rules_dir}"
                                 f"{did_you_mean(directory.name, mine)}")
    if only:
        unknown = [rid for rid in only if rid not in mine]
        if unknown:
            raise UsageError(f"unknown rule '{unknown[0]}' in {rules_dir}"
                             f"{did_you_mean(unknown[0], mine)}")
        mine = {rid: mine[rid] for rid in only}
    for rid in sorted(mine):
        sides = {expect: _cases(fixtures / rid / expect) for expect in EXPECTATIONS}
        if not any(sides.values()):
            report.untested.append(rid)
            continue
        for expect in EXPECTATIONS:
            if not sides[expect]:
                report.one_sided.append((rid, expect))
        engine = Engine(ScanOptions(select=[rid], jobs=1), all_rules)
        for expect, cases in sides.items():
            for case in cases:
                report.cases.append(_check(engine, rid, expect, case))
    return report


def _check(engine: Engine, rule_id: str, expect: str, case: Path) -> CaseResult:
    result = engine.scan([str(case)])
    own = [f for f in result.findings if f.rule_id == rule_id]
    broken = [f for f in result.findings
              if f.rule_id != rule_id and f.rule_id in _UNREADABLE]
    outcome = CaseResult(rule_id, expect, case)
    if broken:
        f = broken[0]
        outcome.problem = (f"{f.rule_id} at {f.path}:{f.span.start_line}: {f.message}; the "
                           "example must be readable to test anything")
    elif (result.stats.documents_total == 0 and not own
          and engine.all_rules[rule_id].target != "any"):
        outcome.problem = ("no document the rule's target recognises (nothing was checked); "
                           "is the example a Kubernetes object, a Compose or an Envoy file?")
    elif expect == "fail" and not own:
        outcome.problem = "expected a finding, got none"
    elif expect == "pass" and own:
        f = own[0]
        more = f" (and {len(own) - 1} more)" if len(own) > 1 else ""
        outcome.problem = (f"expected no finding, got {f.path}:{f.span.start_line}:"
                           f"{f.span.start_column}: {f.message}{more}")
    return outcome


# core findings that mean the example itself could not be read
_UNREADABLE = frozenset({"parse-error", "unreadable-file", "file-too-large",
                         "yaml-alias-bomb", "yaml-too-deep", "internal-error"})


def report_lines(report: RuleTestReport) -> list[str]:
    """The text ``netlint test`` prints: one line per disagreeing case, one per rule."""
    lines = []
    by_rule: dict[str, list[CaseResult]] = {}
    for case in report.cases:
        by_rule.setdefault(case.rule_id, []).append(case)
    for rid, cases in by_rule.items():
        bad = [c for c in cases if not c.ok]
        counts = ", ".join(f"{sum(c.expect == e for c in cases)} {e}" for e in EXPECTATIONS)
        lines.append(f"{'FAIL' if bad else 'ok  '}  {rid}  ({counts})")
        for c in bad:
            lines.append(f"      {c.expect}/{c.path.name}: {c.problem}")
    for rid, missing in report.one_sided:
        lines.append(f"note  {rid}: no '{missing}' example")
    for stray in report.strays:
        lines.append(f"note  {stray}")
    for rid in report.untested:
        lines.append(f"note  {rid}: no examples (add <fixtures>/{rid}/pass and /fail)")
    return lines
