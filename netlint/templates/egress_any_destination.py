"""Egress allow rules whose destination is every address of the internet.

Computed, not text-matched: the rule's destination set (``to`` peers, ``ipBlock`` minus
``except``, Cilium entities and CIDR sets, Calico ``nets`` minus ``notNets``, or no
destination at all) covers every public IPv4 or every public IPv6 address.  With
``dns_only`` the template reports rules that open DNS (port 53) to any destination.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from netlint.model.cidrs import PortSet, covers_internet
from netlint.templates._netpol import COLLECT as COLLECT  # records, not documents
from netlint.templates._netpol import at_rule, models, rule_name
from netlint.templates.base import Project, RuleContext, Violation

SCOPE = "project"
TARGETS = ("kubernetes",)
PROJECT_KINDS = ("kubernetes",)  # the network model reads Kubernetes objects only
PARAMS_SCHEMA: dict[str, Any] = {
    "type": "object", "additionalProperties": False,
    "properties": {"dns_only": {"type": "boolean"}},
}
DNS = PortSet.of([("TCP", 53, 53), ("UDP", 53, 53)])


def check_project(project: Project, params: Mapping[str, Any], ctx: RuleContext
                  ) -> Iterator[Violation]:
    dns_only = bool(params.get("dns_only"))
    for p in (p for m in models(project, ctx) for p in m.policies):
        for r in p.egress:
            if r.action != "allow" or not covers_internet(r.ips):  # Pass delegates
                continue
            dns = r.ports & DNS
            if dns_only:
                if not dns or r.ports.is_all():
                    continue
                yield at_rule(
                    r,
                    f"{rule_name(p, r)} allows DNS ({dns.describe()}) to any destination: "
                    "a DNS-tunnelling path out of the cluster; allow port 53 only to the "
                    "cluster DNS (kube-dns pods or its service CIDR)")
                continue
            rest = r.ports if r.ports.is_all() else r.ports - DNS
            if not rest:
                continue  # DNS only: the DNS rule reports it
            yield at_rule(
                r,
                f"{rule_name(p, r)} allows egress to any destination on "
                f"{rest.describe()}; list the destination CIDRs, or use FQDN policies "
                "(Cilium toFQDNs, Calico domains) to allow-list API hosts")
