"""Namespaces with workloads but without a default-deny egress policy.

A default-deny egress policy selects every pod of the namespace and includes Egress
(Kubernetes ``podSelector: {}``, Cilium ``endpointSelector: {}``, Calico ``all()`` or a
GlobalNetworkPolicy selecting every pod of the namespace).  It may still allow some
traffic (DNS, say): it is then default deny plus allows; one that allows every address
on every port (``egress: [{}]``) is not a default deny.  Namespaces, policies and
workloads join within one unit (``join-scope``); the finding points at the Namespace
object of that unit, else at the unit's first workload of the namespace.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from netlint.model.cidrs import ALL_IPS
from netlint.model.netpol import Policy
from netlint.templates._netpol import COLLECT as COLLECT  # records, not documents
from netlint.templates._netpol import models
from netlint.templates.base import Project, RuleContext, Violation

SCOPE = "project"
TARGETS = ("kubernetes",)
PROJECT_KINDS = ("kubernetes",)  # the network model reads Kubernetes objects only
PARAMS_SCHEMA: dict[str, Any] = {"type": "object", "additionalProperties": False}


def allows_everything(p: Policy) -> bool:
    """An egress allow rule that matches every address on every port (``egress: [{}]``,
    a Calico Allow with no destination): the policy isolates nothing in effect."""
    return any(r.action == "allow" and r.ips.covers(ALL_IPS) and r.ports.is_all()
               for r in p.egress)


def check_project(project: Project, params: Mapping[str, Any], ctx: RuleContext
                  ) -> Iterator[Violation]:
    for m in models(project, ctx):
        by_ns: dict[str, list[Any]] = {}
        for w in m.workloads:
            by_ns.setdefault(w.namespace, []).append(w)
        for ns, workloads in by_ns.items():
            whole = [p for p in m.candidates(ns) if p.egress_isolating and p.selects_all_in(ns)]
            if any(not allows_everything(p) for p in whole):
                continue
            # scan order must not change the message or the place: sort by file and position
            workloads.sort(key=lambda w: (w.file, w.index, repr(w.path)))
            labels = list(dict.fromkeys(w.label for w in workloads))  # each workload once
            names = ", ".join(labels[:3])
            more = f" and {len(labels) - 3} more" if len(labels) > 3 else ""
            allow_all = (f"; {whole[0].label} selects every pod but allows all egress, "
                         "so it is not a default deny") if whole else ""
            lower_to = ""
            if all(any(not allows_everything(p) for p in m.egress_policies(w))
                   for w in workloads):
                state = ("; every current workload is isolated by other policies, so this "
                         "is about workloads added later")
                lower_to = "note"  # no current workload is exposed: best practice
            else:
                state = ""
            message = (f"namespace '{ns}' has {len(labels)} workload(s) ({names}{more}) but "
                       "no default-deny egress policy (one selecting every pod with Egress)"
                       f"{allow_all}{state}")
            if ns in m.namespaces:
                yield Violation(message=message, location=m.namespaces[ns],
                                context=f"namespace {ns}", lower_to=lower_to)
            else:
                yield Violation(workloads[0].path, message, location=workloads[0].location,
                                context=f"namespace {ns}", lower_to=lower_to)
