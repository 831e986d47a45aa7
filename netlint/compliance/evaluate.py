"""Control status from one scan: pass, fail, manual, not-applicable, not-run.

* **manual**: the framework marks the control as not decidable from files.
* **not-applicable**: no document of the kinds the control is about was scanned, or (PSS
  controls) the control is not part of the framework's level at the configured policy
  version (a baseline check the restricted profile replaced).
* **not-run**: none of the rules behind it ran (deselected with --select/--ignore); such a
  control is never counted as passed.
* **fail**: a rule behind it reported a finding (suppressed findings do not count);
  **pass** otherwise.

Rules that are PSS controls are evaluated from the readiness records at the framework's
level (``pss-level``), whatever level the scan itself ran at, so `pss-baseline` and
`pss-restricted` can be reported from one scan.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from netlint.compliance.frameworks import Control, Framework
from netlint.compliance.readiness import RECORDS, _pss_controls, levels_at, records_of
from netlint.findings import Finding, Severity
from netlint.options import ScanOptions, parse_pss_version
from netlint.registry import Rule

STATUSES = ("fail", "pass", "manual", "not-applicable", "not-run")
ALL_KINDS = ("kubernetes", "compose", "envoy")
_KIND_NAMES = {"kubernetes": "Kubernetes", "compose": "Compose", "envoy": "Envoy"}


@dataclass
class ControlResult:
    framework: str
    control: Control
    status: str
    reason: str = ""
    rules: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    failing_resources: int = 0
    resources: int = 0  # resources of the control's kind that were checked

    @property
    def passing_resources(self) -> int:
        return max(self.resources - self.failing_resources, 0)

    def as_dict(self, root: str = "") -> dict[str, Any]:
        c = self.control
        return {
            "id": c.id, "title": c.title, "severity": c.severity, "status": self.status,
            "reason": self.reason, "rules": self.rules, "manual": c.manual or None,
            "failing_resources": self.failing_resources, "resources": self.resources,
            "passing_resources": self.passing_resources,
            "findings": [
                {"rule": f.rule_id, "severity": f.severity.value, "file": f.path,
                 "line": f.span.start_line, "column": f.span.start_column,
                 "message": f.message, "resource": resource_of(f)}
                for f in self.findings
            ],
        }


@dataclass
class FrameworkResult:
    framework: Framework
    pss_version: str
    controls: list[ControlResult]

    def count(self, status: str) -> int:
        return sum(1 for c in self.controls if c.status == status)

    @property
    def checked(self) -> int:
        return self.count("pass") + self.count("fail")

    @property
    def score(self) -> float | None:
        """Controls passed / controls checked (None when nothing could be checked)."""
        return None if not self.checked else self.count("pass") / self.checked

    def findings(self) -> list[Finding]:
        return [f for c in self.controls if c.status == "fail" for f in c.findings]

    def as_dict(self) -> dict[str, Any]:
        fw = self.framework
        score = self.score
        return {
            "id": fw.id, "title": fw.title, "version": fw.version, "url": fw.url,
            "pss_level": fw.pss_level, "pss_version": self.pss_version,
            "score": {"passed": self.count("pass"), "checked": self.checked,
                      "percent": None if score is None else round(score * 100, 1)},
            "summary": {s: self.count(s) for s in STATUSES},
            "controls": [c.as_dict() for c in self.controls],
        }


def resource_of(f: Finding) -> str:
    """The resource a finding is about: ``Kind/name`` (Kubernetes), ``services/name``
    (Compose), else the first two steps of its identity, in its file."""
    ctx = f.context or ""
    head = ctx.split(":", 1)[0] if ":" in ctx.split(" ", 1)[0] else ctx.split(" ", 1)[0]
    if "/" in head and not head.startswith(("services/", "static_resources/")):
        return f"{f.path}#{head}"
    return f"{f.path}#{'/'.join(head.split('/')[:2])}"


def _severity(rule: Rule, options: ScanOptions) -> Severity:
    override = options.severity_overrides.get(rule.id)
    return Severity(override) if override else rule.severity


def _kinds(control: Control, rules: Mapping[str, Rule], rule_ids: list[str]) -> tuple[str, ...]:
    if control.applies_to:
        return control.applies_to
    kinds: set[str] = set()
    for rid in rule_ids:
        target = rules[rid].target
        kinds.update(ALL_KINDS if target in ("any", "core") else (target,))
    return tuple(k for k in ALL_KINDS if k in kinds)


class Evaluator:
    """Evaluates frameworks against one scan result."""

    def __init__(self, result: Any, all_rules: Mapping[str, Rule], options: ScanOptions) -> None:
        self.result = result
        self.rules = all_rules
        self.options = options
        self.version = parse_pss_version(options.pss_version)[1]
        self.pss_rules = {rid: (params, tags) for rid, _m, params, tags in _pss_controls()}
        raw = result.records.get(RECORDS) if RECORDS in result.records else None
        self.pods = records_of(raw)[0] if raw is not None else None
        self.suppressed = {(f.rule_id, f.path, f.span.start_line) for f in result.suppressed}
        self.by_rule: dict[str, list[Finding]] = {}
        for f in result.findings:
            self.by_rule.setdefault(f.rule_id, []).append(f)

    def _pss_findings(self, rid: str, level: str) -> tuple[list[Finding], set[str]]:
        """Findings of a PSS control at a level (from the readiness records), and the
        resources (pods) they are in."""
        rule = self.rules[rid]
        findings: list[Finding] = []
        for pod in self.pods or ():
            for v in pod.violations:
                if v.rule_id != rid or level not in v.levels:
                    continue
                if v.source is None or v.span is None:  # records collected without places
                    continue
                if (rid, v.source.path, v.span.start_line) in self.suppressed:
                    continue
                findings.append(Finding(v.source.path, v.span,
                                        rid, v.message, _severity(rule, self.options),
                                        context=f"{pod.workload}:{v.context}"))
        return findings, {resource_of(f) for f in findings}

    def control(self, fw: Framework, control: Control) -> ControlResult:
        out = ControlResult(fw.id, control, "pass")
        if control.manual:
            out.status, out.reason = "manual", control.manual
            return out
        rule_ids = control.rule_ids(self.rules)
        out.rules = rule_ids
        kinds = _kinds(control, self.rules, rule_ids)
        scanned = self.result.stats.documents
        if not any(scanned.get(k, 0) for k in kinds):
            out.status = "not-applicable"
            out.reason = "no " + " or ".join(_KIND_NAMES[k] for k in kinds) + \
                " document was scanned"
            return out
        in_force = 0
        ran = 0
        failing: set[str] = set()
        resources = 0
        for rid in rule_ids:
            if rid in self.pss_rules and self.pods is not None:
                params, tags = self.pss_rules[rid]
                params = {**params, **self.options.rule_params.get(rid, {})}
                if fw.pss_level not in levels_at(params, tags, self.version):
                    continue
                in_force += 1
                ran += 1
                found, hit = self._pss_findings(rid, fw.pss_level)
                resources = max(resources, len(self.pods))
            else:
                in_force += 1
                if rid not in self.result.rules:
                    continue
                ran += 1
                found = list(self.by_rule.get(rid, ()))
                hit = {resource_of(f) for f in found}
                resources = max(resources, sum(scanned.get(k, 0) for k in kinds))
            if control.where:
                found = [f for f in found
                         if control.where in f.context or control.where in f.message]
                hit = {resource_of(f) for f in found}
            out.findings.extend(found)
            failing |= hit
        if in_force == 0:
            out.status = "not-applicable"
            out.reason = (f"not part of PSS {fw.pss_level} at policy v1.{self.version} "
                          "(--pss-version)")
            return out
        if ran == 0:
            out.status = "not-run"
            out.reason = "none of its rules ran (--select / --ignore): " + ", ".join(rule_ids)
            return out
        out.findings.sort()
        out.failing_resources = len(failing)
        out.resources = max(resources, len(failing))
        out.status = "fail" if out.findings else "pass"
        return out

    def framework(self, fw: Framework) -> FrameworkResult:
        return FrameworkResult(fw, f"v1.{self.version}",
                               [self.control(fw, c) for c in fw.controls])


def evaluate(result: Any, frameworks: Iterable[Framework], all_rules: Mapping[str, Rule],
             options: ScanOptions) -> list[FrameworkResult]:
    ev = Evaluator(result, all_rules, options)
    return [ev.framework(fw) for fw in frameworks]


def failing_findings(results: Iterable[FrameworkResult]) -> list[Finding]:
    """The findings behind every failing control, once each (for the exit code)."""
    seen: dict[tuple[str, str, int, int, str], Finding] = {}
    for r in results:
        for f in r.findings():
            seen.setdefault((f.rule_id, f.path, f.span.start_line, f.span.start_column,
                             f.message), f)
    return sorted(seen.values())
