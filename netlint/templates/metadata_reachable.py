"""Workloads that can reach a cloud metadata endpoint (ip:port, port-aware, CIDR-exact).

Each workload's egress is evaluated for each endpoint the way the dataplane would (see
:mod:`netlint.model.egress`).  A path opened by a policy rule is reported at that rule,
naming the workloads; a workload that no policy isolates is reported at the workload.
A policy that selects no workload of the scan is evaluated for the pods it would select,
together with the policies that select every pod of its namespace.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from netlint.model.egress import DEFAULT_METADATA, Endpoint, evaluate, parse_endpoint
from netlint.model.netpol import NetRule, Policy
from netlint.templates._netpol import COLLECT as COLLECT  # records, not documents
from netlint.templates._netpol import model, rule_name
from netlint.templates.base import Project, RuleContext, Violation

SCOPE = "project"
TARGETS = ("kubernetes",)
PROJECT_KINDS = ("kubernetes",)  # the network model reads Kubernetes objects only
PARAMS_SCHEMA: dict[str, Any] = {
    "type": "object", "additionalProperties": False,
    "properties": {"endpoints": {"type": "array", "items": {
        "type": "string", "pattern": r"^(\[[0-9A-Fa-f:.]+\]|[0-9A-Fa-f:.]+):[0-9]{1,5}$"}}},
}


def check_project(project: Project, params: Mapping[str, Any], ctx: RuleContext
                  ) -> Iterator[Violation]:
    endpoints = [parse_endpoint(e) for e in params.get("endpoints", DEFAULT_METADATA)]
    m = model(project, ctx)
    opened: dict[tuple[int, int], tuple[Policy, NetRule, list[str], list[Endpoint]]] = {}

    def note(p: Policy, r: NetRule, who: str, ep: Endpoint) -> None:
        entry = opened.setdefault((id(p), id(r)), (p, r, [], []))
        if who not in entry[2]:
            entry[2].append(who)
        if ep not in entry[3]:
            entry[3].append(ep)

    for w in m.workloads:
        unisolated = []
        for ep in endpoints:
            d = m.decide(w, ep)
            if not d.allowed:
                continue
            if d.policy is None or d.rule is None:
                unisolated.append(str(ep))  # not isolated, or every tier passes by default
            else:
                note(d.policy, d.rule, w.label, ep)
        if unisolated:
            why = ("is not isolated for egress" if not m.egress_policies(w) else
                   "passes every Calico tier that selects it (defaultAction: Pass)")
            yield Violation(
                w.path,
                f"{w.label} in namespace '{w.namespace}' {why}, so it can reach the "
                f"metadata endpoint(s) {', '.join(unisolated)}",
                location=w.location, context=w.context)
    for p in m.policies:
        evaluated = p.egress_isolating or p.layer != "policy"  # ANP/BANP isolate nothing
        if not evaluated or not p.selects_pods or m.selects_some_workload(p):
            continue
        for ep in endpoints:
            if not any(r.action in ("allow", "pass") and r.matches(ep.ip, ep.proto, ep.port)
                       for r in p.egress):
                continue  # no rule of p could be the one that opens the path
            d = evaluate(m.hypothetical(p), ep, None, m.tiers)
            if d.allowed and d.policy is p and d.rule is not None:
                note(p, d.rule, "the pods it selects", ep)
    for p, r, who, eps in sorted(opened.values(), key=lambda e: (e[0].doc.path, e[1].path)):
        verb = "passes" if r.action == "pass" else "allows"
        yield Violation(
            r.path,
            f"{rule_name(p, r)} {verb} {', '.join(who)} to reach the metadata endpoint(s) "
            f"{', '.join(str(e) for e in eps)}; exclude 169.254.169.254/32 (and the "
            "others) with except/notNets or a deny rule",
            doc=p.doc)
