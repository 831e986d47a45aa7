"""Helpers shared by the network-policy templates (not a template: no TARGETS)."""

from __future__ import annotations

from netlint.model.egress import (
    NetDoc,
    NetworkModel,
    collect,
    decode_netdoc,
    encode_netdoc,
    shared_models,
)
from netlint.model.netpol import NetRule, Policy
from netlint.model.units import Units
from netlint.options import ScanOptions
from netlint.templates.base import Project, RuleContext, Violation
from netlint.yamlnodes import Document

RECORDS = "netpol"


def _collect(doc: Document, options: ScanOptions) -> NetDoc:
    return collect(doc, options.namespace)


# the network templates' COLLECT: one record per Kubernetes document, built while loading,
# and how the incremental cache stores a record and reads it back (plain JSON-able data)
COLLECT = (RECORDS, _collect, (encode_netdoc, decode_netdoc))


def units(options: ScanOptions) -> Units:
    return Units(options.join_scope, options.scan_roots)


def models(project: Project, ctx: RuleContext) -> list[NetworkModel]:
    """The scan's network models, one per join unit (``join-scope``)."""
    return shared_models(project.documents, ctx.shared, ctx.options.namespace,
                         project.records.get(RECORDS), units(ctx.options))


def at_rule(rule: NetRule, message: str) -> Violation:
    """A finding at a policy's rule (placed when the policy's record was collected)."""
    if rule.location is None:
        raise ValueError("a policy rule without a place")
    return Violation(message=message, location=rule.location, context=rule.context)


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
