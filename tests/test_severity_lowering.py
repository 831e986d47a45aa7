"""A rule may report one finding at a milder severity than its own (``Violation.lower_to``,
e.g. a missing default deny when every current workload is already isolated); it can never
raise it, and a configured severity override still decides."""

from __future__ import annotations

from netlint.findings import Severity
from netlint.registry import load_rules
from netlint.severities import FindingMaker
from netlint.source import Span

RULES = load_rules()
RULE = "namespace-missing-default-deny-egress"  # a warning
SPAN = Span(1, 1, 1, 2)


def test_a_rule_can_lower_one_finding() -> None:
    make = FindingMaker(RULES, {})
    assert make(RULE, "a.yaml", SPAN, "m", lower_to="note").severity is Severity.NOTE
    assert make(RULE, "a.yaml", SPAN, "m").severity is Severity.WARNING


def test_a_rule_can_never_raise_its_own_severity() -> None:
    make = FindingMaker(RULES, {})
    assert make(RULE, "a.yaml", SPAN, "m", lower_to="error").severity is Severity.WARNING


def test_a_configured_override_wins() -> None:
    make = FindingMaker(RULES, {RULE: "error"})
    assert make(RULE, "a.yaml", SPAN, "m", lower_to="note").severity is Severity.ERROR
