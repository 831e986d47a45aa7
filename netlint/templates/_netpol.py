"""Helpers shared by the network-policy templates (not a template: no TARGETS)."""

from __future__ import annotations

from netlint.model.egress import NetworkModel, shared_model
from netlint.model.netpol import NetRule, Policy
from netlint.templates.base import Project, RuleContext


def model(project: Project, ctx: RuleContext) -> NetworkModel:
    return shared_model(project.documents, ctx.shared, ctx.options.namespace)


def rule_name(policy: Policy, rule: NetRule) -> str:
    where = "egressDeny" if rule.action == "deny" and policy.system == "cilium" else (
        rule.direction)
    return f"{policy.label} {where} rule {rule.index}"


def parse_port_specs(specs: list[str]) -> list[tuple[str, int, int]]:
    """``22``, ``2379-2380``, ``UDP/53`` -> (protocol, lo, hi); TCP when none is given."""
    out = []
    for spec in specs:
        proto, _, ports = str(spec).rpartition("/")
        lo, _, hi = ports.partition("-")
        out.append(((proto or "TCP").upper(), int(lo), int(hi or lo)))
    return out
