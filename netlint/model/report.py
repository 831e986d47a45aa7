"""The human view of the network model: one row per workload (``netlint egress``)."""

from __future__ import annotations

from typing import Any

from netlint.model.egress import DEFAULT_METADATA, NetworkModel, internet_access, parse_endpoint


def egress_rows(model: NetworkModel, endpoints: list[str] | None = None) -> list[dict[str, Any]]:
    eps = [parse_endpoint(e) for e in (endpoints or DEFAULT_METADATA)]
    rows = []

    def named(p: Any, w: Any) -> str:  # a policy in another file is named with its file
        return p.label if p.file == w.file else f"{p.label} ({p.file})"

    for w in model.workloads:
        policies = model.egress_policies(w)
        access = internet_access(policies)
        if access is None:
            internet: dict[str, Any] = {"reachable": False}
        else:
            internet = {
                "reachable": True,
                "ports": access.ports.describe(),
                "any_address": access.any_address,
                "via": sorted({f"{named(p, w)} {r.direction} rule {r.index}"
                               for p, r in access.rules}),
            }
        metadata = []
        for ep in eps:
            d = model.decide(w, ep)
            if d.allowed:
                via = (f"{named(d.policy, w)} egress rule {d.rule.index}"
                       if d.policy is not None and d.rule is not None else
                       "host network" if w.host_network else "not isolated")
                metadata.append({"endpoint": str(ep), "via": via})
        rows.append({
            "workload": w.label,
            "namespace": w.namespace,
            "file": w.file,
            "isolated": bool(policies),
            "host_network": w.host_network,
            "unit": model.unit,
            "policies": [named(p, w) for p in policies],
            "internet": internet,
            "metadata": metadata,
        })
    return rows
