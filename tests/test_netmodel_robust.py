"""The network model never raises on malformed policies (the API server would reject them,
but netlint scans files before they reach it)."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from netlint.engine import Engine
from netlint.model.egress import DEFAULT_METADATA, build_model, parse_endpoint
from netlint.model.report import egress_rows
from netlint.options import ScanOptions
from netlint.source import Source
from netlint.templates.base import Project, RuleContext
from netlint.yamlnodes import Document

KEYS = ["podSelector", "policyTypes", "egress", "ingress", "to", "from", "ports", "port",
        "endPort", "protocol", "ipBlock", "cidr", "except", "toEntities", "toCIDRSet",
        "toCIDR", "toPorts", "toFQDNs", "matchPattern", "egressDeny", "endpointSelector",
        "selector", "types", "action", "destination", "source", "nets", "notNets", "order",
        "matchLabels", "matchExpressions", "key", "operator", "values", "tier", "subject",
        "namespaces", "networks", "portNumber", "priority", "enableDefaultDeny"]
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 70000),
    st.sampled_from(["0.0.0.0/0", "::/0", "10.0.0.0/33", "world", "all()", "app == 'x'",
                     "Egress", "Allow", "Pass", "Deny", "TCP", "ANY", "In", "*", "80",
                     "1:2", "has(", "http"]))
VALUES: st.SearchStrategy[Any] = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.sampled_from(KEYS), inner, max_size=4)),
    max_leaves=25)
KINDS = [("networking.k8s.io/v1", "NetworkPolicy"), ("cilium.io/v2", "CiliumNetworkPolicy"),
         ("cilium.io/v2", "CiliumClusterwideNetworkPolicy"),
         ("projectcalico.org/v3", "NetworkPolicy"),
         ("crd.projectcalico.org/v1", "GlobalNetworkPolicy"),
         ("policy.networking.k8s.io/v1alpha1", "AdminNetworkPolicy")]
POD = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "labels": {"app": "x"}},
       "spec": {"containers": [{"name": "c"}]}}


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(KINDS), VALUES)
def test_malformed_policies_never_raise(kind: tuple[str, str], spec: Any) -> None:
    policy = {"apiVersion": kind[0], "kind": kind[1], "metadata": {"name": "x"}, "spec": spec}
    src = Source("t.yaml", "")
    docs = [Document(src, i, v, (0, 0), (0, 0), kind="kubernetes")
            for i, v in enumerate((policy, POD))]
    model = build_model(docs)
    egress_rows(model, DEFAULT_METADATA)
    engine = Engine(ScanOptions())
    for rule in engine.rules.values():
        module = rule.module if rule.template != "builtin" else None
        if module is not None and getattr(module, "SCOPE", "") == "project":
            ctx = RuleContext(rule, engine.options, {})
            list(module.check_project(Project(docs), rule.params, ctx))
    assert parse_endpoint("169.254.169.254:80").port == 80
