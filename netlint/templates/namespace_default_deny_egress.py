"""Namespaces with workloads but without a default-deny egress policy.

A default-deny egress policy selects every pod of the namespace and includes Egress
(Kubernetes ``podSelector: {}``, Cilium ``endpointSelector: {}``, Calico ``all()`` or a
GlobalNetworkPolicy selecting every pod of the namespace).  It may still allow some
traffic (DNS, say): it is then default deny plus allows.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from netlint.templates._netpol import COLLECT as COLLECT  # records, not documents
from netlint.templates._netpol import model
from netlint.templates.base import Project, RuleContext, Violation

SCOPE = "project"
TARGETS = ("kubernetes",)
PROJECT_KINDS = ("kubernetes",)  # the network model reads Kubernetes objects only
PARAMS_SCHEMA: dict[str, Any] = {"type": "object", "additionalProperties": False}


def check_project(project: Project, params: Mapping[str, Any], ctx: RuleContext
                  ) -> Iterator[Violation]:
    m = model(project, ctx)
    by_ns: dict[str, list[Any]] = {}
    for w in m.workloads:
        by_ns.setdefault(w.namespace, []).append(w)
    for ns, workloads in by_ns.items():
        if any(p.egress_isolating and p.selects_all_in(ns) for p in m.candidates(ns)):
            continue
        # scan order must not change the message or the place: sort by file and position
        workloads.sort(key=lambda w: (w.file, w.index, repr(w.path)))
        names = ", ".join(w.label for w in workloads[:3])
        more = f" and {len(workloads) - 3} more" if len(workloads) > 3 else ""
        message = (f"namespace '{ns}' has {len(workloads)} workload(s) ({names}{more}) but no "
                   "default-deny egress policy (one selecting every pod with Egress)")
        if ns in m.namespaces:
            yield Violation(message=message, location=m.namespaces[ns],
                            context=f"namespace {ns}")
        else:
            yield Violation(workloads[0].path, message, location=workloads[0].location,
                            context=f"namespace {ns}")
