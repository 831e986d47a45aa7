"""The network policy model: selectors, port parsing, per-workload evaluation."""

from __future__ import annotations

import pytest

from netlint.model.cidrs import ANY_PORTS
from netlint.model.egress import Endpoint, build_model, parse_endpoint
from netlint.model.netpol import calico_ports, cilium_ports, k8s_ports
from netlint.model.selectors import CalicoSelector, LabelSelector
from netlint.source import Source
from netlint.yamlnodes import parse_documents


@pytest.mark.parametrize(("expr", "labels", "expected"), [
    ("all()", {}, True),
    ("", {"a": "b"}, True),
    ("app == 'web'", {"app": "web"}, True),
    ("app != 'web'", {}, True),
    ("app in {'a', 'b'} && has(tier)", {"app": "b", "tier": "x"}, True),
    ("app not in {'a'} || !has(x)", {"app": "a", "x": "1"}, False),
    ("!(role == \"db\") && env starts with 'pr'", {"env": "prod"}, True),
    ("name contains 'ach'", {"name": "cache"}, True),
    ("has(a) && (b == '1' || c == '2')", {"a": "", "c": "2"}, True),
])
def test_calico_selector(expr: str, labels: dict[str, str], expected: bool) -> None:
    sel = CalicoSelector.parse(expr)
    assert sel.valid
    assert sel.matches(labels) is expected


def test_invalid_calico_selector_matches_nothing() -> None:
    sel = CalicoSelector.parse("app === web")
    assert not sel.valid and not sel.matches({"app": "web"})


def test_label_selector_expressions_and_cilium_prefix() -> None:
    sel = LabelSelector.parse({"matchLabels": {"k8s:app": "web"}, "matchExpressions": [
        {"key": "tier", "operator": "NotIn", "values": ["db"]},
        {"key": "debug", "operator": "DoesNotExist"}]}, cilium=True)
    assert sel.matches({"app": "web", "tier": "fe"})
    assert not sel.matches({"app": "web", "debug": "1"})
    assert LabelSelector.parse({}).universal()


def test_port_parsing() -> None:
    assert k8s_ports(None) is ANY_PORTS
    p = k8s_ports([{"port": 8000, "endPort": 8010}, {"protocol": "UDP", "port": 53},
                   {"port": "http"}])
    assert p.contains("TCP", 8005) and not p.contains("UDP", 8005) and p.contains("UDP", 53)
    assert ("TCP", "http") in p.named
    c = cilium_ports([{"ports": [{"port": "443"}]}])
    assert c.contains("UDP", 443) and c.contains("TCP", 443)  # protocol ANY by default
    cal = calico_ports({"protocol": "TCP"}, {"ports": [22, "100:200"], "notPorts": [150]})
    assert cal.contains("TCP", 22) and cal.contains("TCP", 199) and not cal.contains("TCP", 150)


def test_parse_endpoint() -> None:
    assert parse_endpoint("fd00:ec2::254:80") == Endpoint("fd00:ec2::254", 80)
    assert parse_endpoint("[::1]:8080") == Endpoint("::1", 8080)
    with pytest.raises(ValueError):
        parse_endpoint("metadata:80")


def _model(text: str):  # type: ignore[no-untyped-def]
    docs, _ = parse_documents(Source("t.yaml", text))
    for d in docs:
        d.kind = "kubernetes"
    return build_model(docs)


POD = """
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: ns, labels: {app: web}}
spec: {containers: [{name: c, image: i}]}
"""


def test_calico_deny_before_allow_and_pass() -> None:
    m = _model(POD + """---
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: b-allow, namespace: ns}
spec:
  selector: app == 'web'
  egress: [{action: Allow}]
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: a-deny}
spec:
  order: 1
  selector: all()
  types: [Egress]
  egress:
    - {action: Deny, destination: {nets: [169.254.0.0/16]}}
    - {action: Pass, destination: {nets: [8.8.8.8/32]}}
""")
    w = m.workloads[0]
    assert not m.decide(w, Endpoint("169.254.169.254", 80)).allowed
    d = m.decide(w, Endpoint("8.8.8.8", 53, "UDP"))
    assert d.allowed and d.reason == "pass"
    assert m.decide(w, Endpoint("1.1.1.1", 443)).reason == "allow"


def test_k8s_isolation_without_matching_rule_denies() -> None:
    m = _model(POD + """---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: e, namespace: ns}
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress:
    - to: [{ipBlock: {cidr: 0.0.0.0/0, except: [169.254.169.254/32]}}]
      ports: [{port: 80}]
""")
    w = m.workloads[0]
    assert m.decide(w, Endpoint("169.254.169.254", 80)).reason == "default deny"
    assert m.decide(w, Endpoint("169.254.169.253", 80)).allowed
    assert not m.decide(w, Endpoint("169.254.169.253", 80, "UDP")).allowed


def test_calico_egress_source_selector_limits_the_rule() -> None:
    m = _model(POD + """---
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: out, namespace: ns}
spec:
  selector: all()
  types: [Egress]
  egress:
    - {action: Allow, source: {selector: app == 'batch'}}
    - {action: Allow, source: {notSelector: app == 'web'}, protocol: TCP}
    - {action: Allow, protocol: UDP, destination: {ports: [53]}}
""")
    w = m.workloads[0]
    assert m.decide(w, Endpoint("169.254.169.254", 80)).reason == "default deny"
    assert m.decide(w, Endpoint("8.8.8.8", 53, "UDP")).allowed


def test_cilium_deny_wins_and_named_ports_never_match_addresses() -> None:
    m = _model(POD + """---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: c, namespace: ns}
spec:
  endpointSelector: {matchLabels: {"any:app": web}}
  egress:
    - toEntities: [all]
    - toCIDR: [10.0.0.0/8]
      toPorts: [{ports: [{port: http-alt, protocol: TCP}]}]
  egressDeny:
    - toCIDRSet: [{cidr: 169.254.0.0/16, except: [169.254.1.0/24]}]
      toPorts: [{ports: [{port: "80", protocol: TCP}]}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: k, namespace: ns}
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress:
    - ports: [{protocol: SCTP, port: 9000, endPort: 9010}]
""")
    w = m.workloads[0]
    d = m.decide(w, Endpoint("169.254.169.254", 80))
    assert not d.allowed and d.reason == "deny"
    assert m.decide(w, Endpoint("169.254.1.5", 80)).allowed  # excepted from the deny
    assert m.decide(w, Endpoint("169.254.169.254", 81)).allowed  # deny is port 80 only
    assert m.decide(w, Endpoint("1.2.3.4", 9005, "SCTP")).allowed


def test_calico_tiers_pass_and_end_of_tier_deny() -> None:
    m = _model(POD + """---
apiVersion: projectcalico.org/v3
kind: Tier
metadata: {name: security}
spec: {order: 100}
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: security.guard}
spec:
  tier: security
  selector: all()
  types: [Egress]
  egress:
    - {action: Deny, destination: {nets: [169.254.169.254/32]}}
    - {action: Pass, destination: {nets: [8.8.8.0/24]}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-all, namespace: ns}
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress: [{}]
""")
    w = m.workloads[0]
    assert m.decide(w, Endpoint("169.254.169.254", 80)).reason == "deny"
    d = m.decide(w, Endpoint("8.8.8.8", 443))
    assert d.allowed and d.reason == "allow" and d.policy is not None
    assert d.policy.obj.name == "allow-all"
    assert m.decide(w, Endpoint("1.1.1.1", 443)).reason == "default deny"  # end of tier


ANP = """---
apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: guard}
spec:
  priority: 10
  subject: {namespaces: {}}
  egress:
    - {name: metadata, action: Deny, to: [{networks: [169.254.169.254/32]}]}
    - name: dns
      action: Pass
      to: [{networks: [0.0.0.0/0]}]
      ports: [{portNumber: {protocol: UDP, port: 53}}]
---
apiVersion: policy.networking.k8s.io/v1alpha1
kind: BaselineAdminNetworkPolicy
metadata: {name: default}
spec:
  subject: {namespaces: {}}
  egress:
    - name: no-dns
      action: Deny
      to: [{networks: [0.0.0.0/0]}]
      ports: [{portRange: {protocol: UDP, start: 50, end: 60}}]
"""


def test_admin_network_policies_wrap_network_policies() -> None:
    m = _model(POD + ANP)
    w = m.workloads[0]
    assert not m.egress_policies(w)  # ANP and BANP do not isolate
    d = m.decide(w, Endpoint("169.254.169.254", 80))
    assert not d.allowed and d.policy is not None and d.policy.obj.name == "guard"
    # Pass goes on to NetworkPolicy; none isolates the pod, so the baseline denies
    assert m.decide(w, Endpoint("8.8.8.8", 53, "UDP")).reason == "deny"
    assert m.decide(w, Endpoint("8.8.8.8", 443)).reason == "not isolated"


def test_network_policy_layer_overrides_baseline() -> None:
    m = _model(POD + ANP + """---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: dns, namespace: ns}
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress: [{ports: [{protocol: UDP, port: 53}]}]
""")
    w = m.workloads[0]
    assert m.decide(w, Endpoint("8.8.8.8", 53, "UDP")).reason == "allow"
    assert m.decide(w, Endpoint("8.8.8.8", 443)).reason == "default deny"


def test_calico_global_selector_never_selects_pods() -> None:
    sel = CalicoSelector.parse("global()")
    assert sel.valid and not sel.matches({"app": "web"}) and not sel.universal()


def test_a_network_record_keeps_its_rules_places_not_its_document() -> None:
    """Cross-file rules read records long after a file is checked: a policy's record
    holds where each of its rules is (what a finding there needs), not the parse tree."""
    import gc
    import weakref

    from netlint.model.egress import collect
    from netlint.places import place

    text = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: open, namespace: web}
spec:
  podSelector: {}
  policyTypes: [Egress, Ingress]
  egress:
  - to:
    - ipBlock: {cidr: 0.0.0.0/0}
  ingress:
  - {}
"""
    docs, error = parse_documents(Source("policy.yaml", text))
    assert error is None
    docs[0].kind = "kubernetes"
    record = collect(docs[0])
    (policy,) = record.policies
    rules = [*policy.egress, *policy.ingress]
    assert len(rules) == 2 and policy.file == "policy.yaml"
    for rule in rules:
        src, span, context = place(docs[0], rule.path)
        assert rule.location == (src, span) and rule.context == context
    document = weakref.ref(docs[0])
    del docs
    gc.collect()
    assert document() is None
    assert policy.label == "NetworkPolicy web/open"
