"""Workloads that can reach a cloud metadata endpoint (ip:port, port-aware, CIDR-exact).

Each workload's egress is evaluated for each endpoint the way the dataplane would (see
:mod:`netlint.model.egress`), within its join unit (``join-scope``).  A path opened by a
policy rule is reported at that rule, naming the workloads (and their files when they are
elsewhere); a workload that passes every Calico tier selecting it is reported at the
workload.  A workload that no policy isolates (or on the host's network) is
``workload-egress-not-isolated``'s finding, whose message names the reachable endpoints:
no policy at all is a missing default (a warning), an explicit allow is this error.
A policy that selects no workload of the unit is evaluated for the pods it would select,
together with the policies that select every pod of its namespace.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from netlint.model.egress import Endpoint, evaluate, metadata_endpoints, relative_file
from netlint.model.netpol import NetRule, Policy
from netlint.templates._netpol import COLLECT as COLLECT  # records, not documents
from netlint.templates._netpol import at_rule, models, rule_name
from netlint.templates.base import Project, RuleContext, Violation

SCOPE = "project"
TARGETS = ("kubernetes",)
PROJECT_KINDS = ("kubernetes",)  # the network model reads Kubernetes objects only
PARAMS_SCHEMA: dict[str, Any] = {
    "type": "object", "additionalProperties": False,
    "properties": {"endpoints": {"type": "array", "items": {
        "type": "string", "pattern": r"^(\[[0-9A-Fa-f:.]+\]|[0-9A-Fa-f:.]+):[0-9]{1,5}$"}}},
}


def block_hint(endpoints: list[Endpoint]) -> str:
    """The remedy naming exactly the endpoints that are reachable."""
    cidrs = ", ".join(f"{e.ip}/{128 if ':' in e.ip else 32}" for e in endpoints)
    return f"exclude {cidrs} with except/notNets or a deny rule"


def check_project(project: Project, params: Mapping[str, Any], ctx: RuleContext
                  ) -> Iterator[Violation]:
    endpoints = metadata_endpoints(ctx.options, params)
    opened: dict[tuple[int, int], tuple[Policy, NetRule, list[str], list[Endpoint]]] = {}

    def note(p: Policy, r: NetRule, who: str, ep: Endpoint) -> None:
        entry = opened.setdefault((id(p), id(r)), (p, r, [], []))
        if who not in entry[2]:
            entry[2].append(who)
        if ep not in entry[3]:
            entry[3].append(ep)

    for m in models(project, ctx):
        for w in m.workloads:
            passed: list[Endpoint] = []
            for ep in endpoints:
                d = m.decide(w, ep)
                if not d.allowed or d.reason in ("not isolated", "host network"):
                    continue  # workload-egress-not-isolated reports it
                if d.policy is None or d.rule is None:
                    passed.append(ep)  # every Calico tier passes by default
                else:
                    elsewhere = ("" if d.policy.file == w.file
                                 else f" ({relative_file(w.file, d.policy.file)})")
                    note(d.policy, d.rule, w.label + elsewhere, ep)
            if passed:
                policies = [p for p in m.egress_policies(w)]
                names = ", ".join(f"{p.label} ({relative_file(p.file, w.file)})"
                                  if p.file != w.file
                                  else p.label for p in policies[:3])
                yield Violation(
                    w.path,
                    f"{w.label} in namespace '{w.namespace}' passes every Calico tier that "
                    f"selects it (defaultAction: Pass; {names}), so it can reach the "
                    f"metadata endpoint(s) {', '.join(map(str, passed))}; "
                    + block_hint(passed),
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
    for p, r, who, eps in sorted(opened.values(), key=lambda e: (e[0].file, e[1].path)):
        verb = "passes" if r.action == "pass" else "allows"
        yield at_rule(
            r,
            f"{rule_name(p, r)} {verb} {', '.join(who)} to reach the metadata endpoint(s) "
            f"{', '.join(str(e) for e in eps)}; {block_hint(eps)}")
