"""A Namespace labelled ``pod-security.kubernetes.io/enforce`` whose workloads in the scan
the pod-security-admission controller would reject: the deploy fails.

Reads the readiness records (``netlint.compliance.readiness``) collected while loading:
every pod checked once by the PSS controls.  One finding per namespace, at its enforce
label (the line to edit when the workloads cannot be fixed), naming the rejected workloads
and the controls they fail; each workload's own defects are the ``pss-*`` findings.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from netlint.compliance.readiness import (
    LABEL_PREFIX,
    RECORDS,
    collect,
    decode,
    encode,
    records_of,
)
from netlint.options import parse_pss_version
from netlint.templates.base import Project, RuleContext, Violation

TARGETS = ("kubernetes",)
SCOPE = "project"
PROJECT_KINDS = ("kubernetes",)
COLLECT = (RECORDS, collect, (encode, decode))
PARAMS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "max-listed": {"type": "integer", "minimum": 1,
                       "description": "workloads named in the message before '... and N more'"},
    },
}


def check_project(project: Project, params: Mapping[str, Any],
                  ctx: RuleContext) -> Iterator[Violation]:
    pods, namespaces = records_of(project.records.get(RECORDS))
    version = parse_pss_version(ctx.options.pss_version)[1]
    max_listed = int(params.get("max-listed", 5))
    seen: set[str] = set()
    for ns in namespaces:
        labels = dict(ns.labels)
        enforce = labels.get(LABEL_PREFIX + "enforce")
        if enforce is None or enforce == "privileged" or ns.name in seen:
            continue
        seen.add(ns.name)
        # the admission controller fails closed: an unknown level is enforced as restricted
        level = "baseline" if enforce == "baseline" else "restricted"
        rejected = [(p, sorted({v.control for v in p.blockers(level)}))
                    for p in pods if p.namespace == ns.name]
        rejected = [(p, controls) for p, controls in rejected if controls]
        if not rejected:
            continue
        listed = "; ".join(f"{p.workload} ({', '.join(c)})"
                           for p, c in rejected[:max_listed])
        more = len(rejected) - max_listed
        if more > 0:
            listed += f"; ... and {more} more"
        pinned = labels.get(LABEL_PREFIX + "enforce-version")
        note = ""
        if pinned not in (None, "latest", f"v1.{version}"):
            note = (f" (checked at policy v1.{version}, the scan's --pss-version; the "
                    f"namespace pins {pinned}: scan with --pss-version {pinned} for its "
                    "exact answer)")
        span = dict(ns.label_spans).get(LABEL_PREFIX + "enforce", ns.span)
        count = len(rejected)
        yield Violation(
            location=(ns.source, span),
            message=(f"namespace '{ns.name}' enforces {enforce} but the admission "
                     f"controller would reject {count} workload{'' if count == 1 else 's'} "
                     f"of this scan: {listed}{note}"),
            context=f"Namespace/{ns.name} enforce {level}",
        )
