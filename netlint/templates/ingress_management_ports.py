"""Ingress allow rules that open management ports (SSH, etcd, kubelet) to anywhere."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from netlint.model.cidrs import PortSet, covers_internet
from netlint.templates._netpol import COLLECT as COLLECT  # records, not documents
from netlint.templates._netpol import at_rule, models, parse_port_specs, rule_name
from netlint.templates.base import Project, RuleContext, Violation

SCOPE = "project"
TARGETS = ("kubernetes",)
PROJECT_KINDS = ("kubernetes",)  # the network model reads Kubernetes objects only
PARAMS_SCHEMA: dict[str, Any] = {
    "type": "object", "additionalProperties": False,
    "properties": {"ports": {"type": "array", "items": {
        "type": "string", "pattern": "^((?i:tcp|udp|sctp)/)?[0-9]{1,5}(-[0-9]{1,5})?$"}}},
}
DEFAULT_PORTS = ["22", "2379-2380", "10250"]


def check_project(project: Project, params: Mapping[str, Any], ctx: RuleContext
                  ) -> Iterator[Violation]:
    mgmt = PortSet.of(parse_port_specs(list(params.get("ports", DEFAULT_PORTS))))
    for p in (p for m in models(project, ctx) for p in m.policies):
        for r in p.ingress:
            if r.action != "allow":  # Pass delegates to the next tier or layer
                continue
            opened = r.ports & mgmt
            # Cilium ingressDeny wins: drop the sources denied on every opened port
            ips = r.ips
            for d in p.ingress_deny:
                if opened and not (opened - d.ports):
                    ips = ips - d.ips
            if not covers_internet(ips):
                continue
            if not opened or (r.unrestricted and r.ports.is_all()):  # allow-all, not a
                continue                                            # port opening
            source = "any source" if r.unrestricted else "any address"
            if r.ports.is_all():
                # an all-ports rule opens every port, the management ones among them
                what = (f"every port (including the management port(s) "
                        f"{opened.describe()})")
            else:
                what = f"management port(s) {opened.describe()}"
            yield at_rule(
                r,
                f"{rule_name(p, r)} allows ingress from {source} to {what}; restrict the "
                "source to an admin network or bastion")
