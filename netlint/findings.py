"""Findings: small frozen values with a deterministic order."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from netlint.source import Span


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"

    @property
    def rank(self) -> int:
        return _RANK[self]

    @classmethod
    def parse(cls, text: str) -> Severity:
        return cls(text.lower())


_RANK = {Severity.ERROR: 3, Severity.WARNING: 2, Severity.NOTE: 1}


@dataclass(frozen=True, order=True, slots=True)
class Finding:
    """One reported problem at an exact place.

    Field order is the sort order: file, position, rule, message.
    """

    path: str
    span: Span
    rule_id: str
    message: str
    severity: Severity = field(compare=False)
    # the text that identifies the offending value independent of its line (for
    # fingerprints and baselines): e.g. "Deployment/web > containers[app] > privileged"
    context: str = field(default="", compare=False)
    suppressed: bool = field(default=False, compare=False)
    suppression_reason: str = field(default="", compare=False)
    # other places that explain the finding: (path, span, message), e.g. the values file
    # line that set a value a Helm template used (SARIF relatedLocations)
    related: tuple[tuple[str, Span, str], ...] = field(default=(), compare=False)


# Rules that report a file (or a rule on a file) that was not analysed.  Such a finding is
# never hidden by a baseline: its fingerprint (rule + path) would hide whatever the file
# later contains.
NOT_ANALYSED = frozenset({"parse-error", "unreadable-file", "file-too-large",
                          "yaml-alias-bomb", "yaml-too-deep", "internal-error",
                          "render-error"})
