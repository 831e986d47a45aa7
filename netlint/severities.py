"""Findings with the severity the configuration gives their rule.

Every step that reports something (reading, parsing, rules, suppressions) makes its
findings here, so a ``severity:`` override in the config applies to all of them alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from netlint.findings import Finding, Severity
from netlint.source import Span


class _Rated(Protocol):
    @property
    def severity(self) -> Severity: ...


class FindingMaker:
    """``make(rule_id, path, span, message, context)``: a finding of ``rule_id`` with the
    configured severity (the rule's own, an override, or error for an unknown rule)."""

    def __init__(self, rules: Mapping[str, _Rated], overrides: Mapping[str, str]) -> None:
        self.rules = rules
        self.overrides = overrides

    def __call__(self, rule_id: str, path: str, span: Span, message: str, context: str = "",
                 lower_to: str = "") -> Finding:
        """``lower_to``: a milder severity the rule itself chose for this one finding (a
        configured override still decides; a rule can never raise its own severity)."""
        rule = self.rules.get(rule_id)
        severity = Severity(self.overrides.get(rule_id, "")) if (
            rule_id in self.overrides
        ) else (rule.severity if rule else Severity.ERROR)
        if lower_to and rule_id not in self.overrides and Severity(lower_to).rank < severity.rank:
            severity = Severity(lower_to)
        return Finding(path, span, rule_id, message, severity, context=context or rule_id)
