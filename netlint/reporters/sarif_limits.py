"""GitHub code scanning's limits on one SARIF run, applied before the SARIF is written.

GitHub rejects a run with more than 25,000 results and shows only the 5,000 most severe of
an accepted one (docs: "SARIF support for code scanning", "Validating your SARIF file").
Rather than have the upload fail, netlint keeps the most severe 25,000 and says so, in the
run's ``invocations`` (a tool execution notification) and on stderr; above 5,000 it warns
that GitHub will not show all of them.

"Most severe" is, in this order: the level (error, warning, note); unsuppressed before
suppressed (``--include-suppressed``); the rule's ``security-severity``, highest first;
then the report's own order (file, line, column).  The kept results stay in report order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from netlint.findings import Finding
from netlint.registry import Rule

GITHUB_MAX_RESULTS = 25_000  # results per run that code scanning accepts
GITHUB_SHOWN_RESULTS = 5_000  # results per run that code scanning shows


@dataclass
class LimitedResults:
    findings: list[Finding]
    dropped: int = 0
    notices: list[str] = field(default_factory=list)  # one line each, no scanned text


def limit_results(findings: Sequence[Finding], rules: Mapping[str, Rule],
                  max_results: int = GITHUB_MAX_RESULTS,
                  shown: int = GITHUB_SHOWN_RESULTS) -> LimitedResults:
    """``findings`` (in report order) cut to ``max_results``, with the notices to give."""
    total = len(findings)
    if total <= shown:
        return LimitedResults(list(findings))
    if total <= max_results:
        return LimitedResults(list(findings), notices=[
            f"{total:,} results: GitHub code scanning shows only the {shown:,} most severe "
            "of a run (all are in this SARIF file); narrow the scan with --select, "
            "--severity overrides or a baseline to see every one"])

    def priority(i: int) -> tuple[int, int, float, int]:
        f = findings[i]
        rule = rules.get(f.rule_id)
        security = rule.security_severity if rule is not None else 0.0
        return (-f.severity.rank, int(f.suppressed), -security, i)

    keep = sorted(sorted(range(total), key=priority)[:max_results])
    kept = [findings[i] for i in keep]
    dropped = total - max_results
    lowest = min(kept, key=lambda f: f.severity.rank).severity.value
    return LimitedResults(kept, dropped, notices=[
        f"{total:,} results: over the {max_results:,} GitHub code scanning accepts in one "
        f"run; kept the {max_results:,} most severe (by level, then the rule's "
        f"security-severity) and left out {dropped:,} "
        f"(the least severe kept are {lowest}s); the JSON and text reports have all "
        "of them"])
