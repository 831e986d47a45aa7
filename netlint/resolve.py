"""Resolve: from every finding of the scan to the ones reported.

In order: a defect that two selected rules describe is reported once (same defect), the
config's ``per-path-ignores`` drop findings by path, and suppressions (comments and
annotations, collected while loading) silence findings; unused suppressions are reported.
The result is sorted.  A baseline (``baseline.py``) applies to the result afterwards.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from netlint.findings import NOT_ANALYSED, Finding
from netlint.load import ScanStats
from netlint.plan import RulePlan
from netlint.registry import Rule, did_you_mean, selector_matches
from netlint.source import Source
from netlint.suppressions import Suppression


@dataclass
class ScanResult:
    findings: list[Finding]
    stats: ScanStats
    rules: dict[str, Rule]  # the rules that ran (for SARIF metadata and summaries)
    sources: dict[str, Source]
    suppressed: list[Finding] = field(default_factory=list)
    # set when a baseline was applied (netlint/baseline.py): findings it hid, and its
    # entries that matched nothing
    baselined: int | None = None
    baseline_stale: int | None = None
    # said once per run, outside the findings (e.g. a renderer that is not installed)
    notices: list[str] = field(default_factory=list)
    # real paths of the files Helm charts and kustomizations read (templates, values,
    # patches, bases): findings there are mapped from rendered output, `fix` edits none
    rendered_inputs: set[str] = field(default_factory=set)
    # records of the collectors named in ``options.keep_records`` (compliance views)
    records: dict[str, list[Any]] = field(default_factory=dict)
    # fixes the check step computed for findings (netlint/fix/report.py): a finding maps
    # to its fix, or None when it has none; reporters compute the ones not here
    fixes: dict[Finding, Any] = field(default_factory=dict)


def resolve(findings: list[Finding], suppressions: list[Suppression], plan: RulePlan
            ) -> tuple[list[Finding], list[Finding], dict[str, Rule]]:
    """(reported findings, suppressed findings, the rules they name), both lists sorted."""
    # the load step reports some rules while parsing (yaml-duplicate-key, Compose loader
    # findings): like every rule they follow --select/--ignore (always-on rules are in
    # plan.rules whatever the selection)
    findings = [f for f in findings if f.rule_id in plan.rules or f.rule_id not in plan.all_rules]
    findings = drop_same_defects(findings, plan.rules, plan.all_rules)
    findings = apply_path_ignores(findings, plan.options.per_path_ignores, plan.all_rules,
                                  plan.options.config_dir)
    kept, suppressed = suppress(findings, suppressions, plan)
    kept.sort(key=sort_key)
    suppressed.sort(key=sort_key)
    reported = dict(plan.rules)
    for f in (*kept, *suppressed):
        if f.rule_id in plan.all_rules:
            reported.setdefault(f.rule_id, plan.all_rules[f.rule_id])
    return kept, suppressed, reported


def sort_key(f: Finding) -> tuple[str, int, int, int, int, str, str]:
    """The order of :class:`Finding` (file, span, rule, message) as a plain tuple: the same
    order as ``sorted(findings)``, without a dataclass comparison per step."""
    s = f.span
    return (f.path, s.start_line, s.start_column, s.end_line, s.end_column, f.rule_id,
            f.message)


def drop_same_defects(findings: list[Finding], rules: Mapping[str, Rule],
                      all_rules: Mapping[str, Rule] | None = None) -> list[Finding]:
    """Report a defect once when two selected rules describe it at the same place.

    The finding kept is the more severe (its effective severity, after overrides, then
    the rule's security-severity), so a milder rule never hides or demotes the worst
    problem there; on a full tie the rule a ``same-defect-as`` entry names wins (the
    declaring rule is the less specific one), then the smaller id.  Suppressions naming
    either rule still silence the kept finding (see :func:`suppress`)."""
    overlapping = {r.id: r.same_defect_as for r in rules.values() if r.same_defect_as}
    if not overlapping:
        return findings
    known = all_rules if all_rules is not None else rules
    twins = same_defect_names(known)
    at: dict[tuple[str, str, int, int], list[Finding]] = {}
    for f in findings:
        if f.rule_id in twins:
            at.setdefault((f.rule_id, f.path, f.span.start_line, f.span.start_column),
                          []).append(f)

    def rank(f: Finding) -> tuple[int, float]:
        rule = known.get(f.rule_id)
        return f.severity.rank, rule.security_severity if rule else 0.0

    def outranked(f: Finding) -> bool:
        mine = rank(f)
        for other in twins.get(f.rule_id, ())[1:]:
            rivals = at.get((other, f.path, f.span.start_line, f.span.start_column))
            if not rivals:
                continue
            theirs = max(rank(r) for r in rivals)
            if theirs > mine or (theirs == mine and (
                    other in overlapping.get(f.rule_id, ())
                    or (f.rule_id not in overlapping.get(other, ()) and other < f.rule_id))):
                return True
        return False

    return [f for f in findings if f.rule_id not in twins or not outranked(f)]


def apply_path_ignores(findings: list[Finding], ignores: Mapping[str, list[str]],
                       all_rules: Mapping[str, Rule], config_dir: str = "") -> list[Finding]:
    """Drop findings that the config's ``per-path-ignores`` ignore (by id, tag, target,
    id glob or all).  The patterns are gitignore-style and relative to the config file's
    directory (netlint/pathmatch.py), so the result does not depend on the current
    directory or on how the file was named."""
    if not ignores:
        return findings
    from netlint.pathmatch import PathPatterns

    matchers = [(PathPatterns([glob], config_dir), ids) for glob, ids in ignores.items()]
    by_path: dict[str, list[list[str]]] = {}  # many findings share a file: match it once
    out = []
    for f in findings:
        names = by_path.get(f.path)
        if names is None:
            names = by_path[f.path] = [ids for matcher, ids in matchers
                                       if matcher.matches(f.path)]
        if any(f.rule_id in ids or "all" in ids or _has_tag(all_rules, f.rule_id, ids)
               for ids in names):
            continue
        out.append(f)
    return out


def same_defect_names(all_rules: Mapping[str, Rule]) -> dict[str, tuple[str, ...]]:
    """rule id -> the ids of every rule that reports the same defect (itself first)."""
    groups: dict[str, set[str]] = {}
    for rule in all_rules.values():
        for other in rule.same_defect_as:
            group = groups.get(rule.id, {rule.id}) | groups.get(other, {other})
            for member in group:
                groups[member] = group
    return {rid: (rid, *sorted(g - {rid})) for rid, g in groups.items()}


def suppress(findings: list[Finding], suppressions: list[Suppression], plan: RulePlan
             ) -> tuple[list[Finding], list[Finding]]:
    """(kept, silenced): findings a suppression covers are silenced (marked with its
    reason); unused suppressions become ``unused-suppression`` findings."""
    # findings already silenced by a rendered object's annotation (render/units.py)
    done = [f for f in findings if f.suppressed]
    if done:
        findings = [f for f in findings if not f.suppressed]
    if not suppressions:
        return findings, done
    by_path: dict[str, list[Suppression]] = {}
    for s in suppressions:
        by_path.setdefault(s.path, []).append(s)
    kept: list[Finding] = []
    silenced: list[Finding] = []
    twins = same_defect_names(plan.all_rules)
    for f in findings:
        # a suppression naming either of two rules that report the same defect (the
        # non-root rule and its PSS control) silences whichever one was reported
        names = twins.get(f.rule_id, (f.rule_id,))
        hit = next(
            (s for s in by_path.get(f.path, ())
             if any(s.covers(n, f.path, f.span.start_line) for n in names)),
            None,
        )
        # a file that was not analysed (an alias bomb, a rule crash) cannot silence
        # itself with a comment in the very file it hides
        if hit is None or f.rule_id == "unused-suppression" or f.rule_id in NOT_ANALYSED:
            kept.append(f)
            continue
        hit.used.add(next((n for n in names if n in hit.ids), "all"))
        silenced.append(replace(f, suppressed=True, suppression_reason=hit.reason))
    silenced.extend(done)
    if "unused-suppression" in plan.rules:
        make = plan.make_finding
        for s in suppressions:
            for rid in s.ids:
                if rid in s.used:
                    continue
                if rid != "all" and rid not in plan.rules:
                    if rid not in plan.all_rules:
                        kept.append(make(
                            "unused-suppression", s.path, s.span,
                            f"suppression names unknown rule '{rid}'"
                            f"{did_you_mean(rid, plan.all_rules)}", f"unknown {rid}"))
                    continue  # the rule did not run: we cannot tell whether it is needed
                kept.append(make(
                    "unused-suppression", s.path, s.span,
                    f"suppression of '{rid}' matches no finding; remove it",
                    f"unused {rid}",
                ))
    return kept, silenced


def _has_tag(rules: Mapping[str, Rule], rule_id: str, names: Iterable[str]) -> bool:
    rule = rules.get(rule_id)
    return rule is not None and any(selector_matches(rule, n) for n in names)
