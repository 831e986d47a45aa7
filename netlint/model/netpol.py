"""Network policies of every system parsed into one allow/deny representation.

Kubernetes ``NetworkPolicy``, Cilium ``CiliumNetworkPolicy`` /
``CiliumClusterwideNetworkPolicy`` and Calico ``NetworkPolicy`` / ``GlobalNetworkPolicy``
(``projectcalico.org/v3`` and ``crd.projectcalico.org/v1``) each become one or more
:class:`Policy` with ordered :class:`NetRule` lists.  A rule knows which *external*
addresses it matches (an :class:`IPSet`), which protocol/ports (a :class:`PortSet`), and
the path of the rule in its document, so findings point at it.

Semantics, per system (checked against the upstream API references):

* Kubernetes: a policy isolates a pod for egress when ``policyTypes`` lists Egress, or,
  without ``policyTypes``, when it has egress rules; allows are additive; a rule without
  ``to`` (or ``to: []``) reaches every destination; ``ipBlock`` is ``cidr`` minus
  ``except``; pod/namespace selectors are in-cluster peers only; ports default to TCP,
  a missing port means every port, ``endPort`` makes a range, a string is a named port.
* Cilium: a policy isolates its endpoints for egress when it has ``egress`` or
  ``egressDeny`` rules (``enableDefaultDeny.egress`` overrides); an empty rule ``{}``
  allows nothing; a rule with only ``toPorts`` reaches every destination on those ports;
  ``toEntities`` ``world``/``all`` reach every external address; ``toFQDNs`` reach named
  hosts only (``matchPattern: "*"`` reaches every name); ``egressDeny`` wins over allows.
* Calico: rules are evaluated in order, policies by ``order`` (omitted: after all
  ordered ones), then name, within tiers (``spec.tier``, ordered by the scan's Tier
  objects); ``Allow`` and ``Deny`` end evaluation, ``Pass`` goes to the next tier (after
  the last one the namespace profile allows), a tier with no matching rule denies unless
  its ``defaultAction`` is Pass, ``Log`` continues; ``types``
  defaults to Egress only when there are egress rules; ``nets`` minus ``notNets``;
  a destination ``selector``/``namespaceSelector`` matches endpoints, never external
  addresses.  Kubernetes policies sit in the same tier with order 1000.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from netlint.loaders.kubernetes import K8sObject, objects
from netlint.model.cidrs import (
    ALL_IPS,
    ALL_V4,
    ALL_V6,
    ANY_PORTS,
    EMPTY_IPS,
    MAX_PORT,
    PROTOCOLS,
    IPSet,
    PortSet,
)
from netlint.model.selectors import CalicoSelector, LabelSelector
from netlint.source import Source, Span
from netlint.yamlnodes import Document, Path

K8S_ORDER = 1000.0

CILIUM_KINDS = ("CiliumNetworkPolicy", "CiliumClusterwideNetworkPolicy")
CALICO_GROUPS = ("projectcalico.org", "crd.projectcalico.org")
CALICO_KINDS = ("NetworkPolicy", "GlobalNetworkPolicy")

# pseudo-labels a pod carries in each system's selectors
NS_KEYS = frozenset({"io.kubernetes.pod.namespace", "projectcalico.org/namespace"})

_WORLD_ENTITIES = {"world": ALL_IPS, "all": ALL_IPS,
                   "world-ipv4": IPSet(ALL_IPS.v4, ()), "world-ipv6": IPSet((), ALL_IPS.v6)}


@dataclass(eq=False)
class NetRule:
    """One rule of a policy, in one direction."""

    direction: str  # "egress" | "ingress"
    action: str  # "allow" | "deny" | "pass" | "log"
    ips: IPSet  # external addresses of the peer (destination for egress, source for ingress)
    ports: PortSet  # destination protocol/ports
    path: Path  # from the document root
    index: int
    unrestricted: bool = False  # no L3 restriction at all
    fqdns: tuple[str, ...] = ()
    peers: tuple[str, ...] = ()  # in-cluster peers, described
    # Calico egress rules may restrict the local endpoint (source.selector/notSelector)
    local: CalicoSelector | None = None
    local_not: CalicoSelector | None = None
    # where ``path`` is and the identity of a finding there (``places.place``), resolved
    # when the policy's record is collected: the record does not keep the document
    location: tuple[Source, Span] | None = None
    context: str = ""

    def matches(self, ip: str, proto: str, port: int) -> bool:
        return self.ips.contains(ip) and self.ports.contains(proto, port)

    def applies_to(self, labels: Mapping[str, str] | None) -> bool:
        """Whether the rule applies to a local pod (unknown pods: assume it does)."""
        if labels is None:
            return True
        if self.local is not None and not self.local.matches(labels):
            return False
        return not (self.local_not is not None and self.local_not.matches(labels))


@dataclass(frozen=True)
class PolicyObject:
    """What a collected policy keeps of its object (see ``model.egress.collect``)."""

    kind: str
    name: str


@dataclass(eq=False)
class Policy:
    """One policy (a Cilium ``specs`` entry is one policy each)."""

    system: str  # "kubernetes" | "cilium" | "calico"
    obj: K8sObject | PolicyObject
    namespace: str | None  # None: cluster-wide
    path: Path  # to the spec mapping
    selector: LabelSelector | CalicoSelector
    egress_isolating: bool
    ingress_isolating: bool
    egress: list[NetRule] = field(default_factory=list)
    ingress: list[NetRule] = field(default_factory=list)
    deny: list[NetRule] = field(default_factory=list)  # Cilium egressDeny
    ingress_deny: list[NetRule] = field(default_factory=list)  # Cilium ingressDeny
    order: float = K8S_ORDER
    tier: str = "default"  # Calico tier; Kubernetes and Cilium policies sit in "default"
    layer: str = "policy"  # "admin" (AdminNetworkPolicy) | "policy" | "baseline" (BANP)
    namespace_selector: LabelSelector | CalicoSelector | None = None
    selects_pods: bool = True  # False for host/node policies
    _sort_key: tuple[float, str] | None = field(default=None, repr=False, compare=False)
    file: str = ""  # the path of the policy's file

    @property
    def label(self) -> str:
        where = f"{self.namespace}/" if self.namespace else ""
        return f"{self.obj.kind} {where}{self.obj.name}"

    @property
    def selector_text(self) -> str:
        return self.selector.text

    def sort_key(self) -> tuple[float, str]:
        key = self._sort_key
        if key is None:
            key = self._sort_key = (self.order, self.obj.name)
        return key

    def selects(self, namespace: str, labels: Mapping[str, str],
                ns_labels: Mapping[str, str]) -> bool:
        if not self.selects_pods:
            return False
        if self.namespace is not None and self.namespace != namespace:
            return False
        if self.namespace_selector is not None and not self.namespace_selector.matches(
                ns_labels):
            return False
        return self.selector.matches(labels)

    def selects_all_in(self, namespace: str | None) -> bool:
        """Selects every pod of ``namespace`` (None: of every namespace)."""
        if not self.selects_pods:
            return False
        if self.namespace is not None and self.namespace != namespace:
            return False
        if self.namespace_selector is not None and not (
                self.namespace_selector.universal() if namespace is None
                else self.namespace_selector.matches(namespace_labels(namespace, {}))):
            return False
        if namespace is None:
            return self.selector.universal()
        pseudo = {k: namespace for k in NS_KEYS}
        return self.selector.universal(NS_KEYS) and self.selector.matches(pseudo)


def namespace_labels(namespace: str, declared: Mapping[str, str]) -> dict[str, str]:
    return {**declared, "kubernetes.io/metadata.name": namespace,
            "projectcalico.org/name": namespace}


# --- parsing helpers -----------------------------------------------------------------

def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _ipset(cidrs: list[Any], excepts: list[Any] = ()) -> IPSet:  # type: ignore[assignment]
    out = EMPTY_IPS
    for c in cidrs:
        try:
            out = out | IPSet.of(str(c))
        except ValueError:
            continue
    for e in excepts:
        try:
            out = out - IPSet.of(str(e))
        except ValueError:
            continue
    return out


def _order(value: Any) -> float:
    """A Calico ``order``; omitted or unreadable: after every ordered policy."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return math.inf
    return math.inf


def _port_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _proto(value: Any, default: str) -> list[str]:
    text = str(value).upper() if value is not None else default
    return list(PROTOCOLS) if text == "ANY" else [text]


def k8s_ports(ports: Any) -> PortSet:
    """NetworkPolicyPort list: protocol defaults to TCP, no port means every port."""
    items = _list(ports)
    if not items:
        return ANY_PORTS
    ranges: list[tuple[str, int, int]] = []
    named: list[tuple[str, str]] = []
    for p in items:
        if not isinstance(p, Mapping):
            continue
        proto = str(p.get("protocol") or "TCP").upper()
        port = p.get("port")
        num = _port_int(port)
        if port is None:
            ranges.append((proto, 0, MAX_PORT))
        elif num is not None:
            end = _port_int(p.get("endPort"))
            ranges.append((proto, num, end if end is not None and end >= num else num))
        else:
            named.append((proto, str(port)))
    return PortSet.of(ranges, named)


def cilium_ports(to_ports: Any, icmps: Any = None) -> PortSet:
    entries = _list(to_ports)
    if not entries:
        return ANY_PORTS if not _list(icmps) else PortSet(other_protocols=True)
    ranges: list[tuple[str, int, int]] = []
    named: list[tuple[str, str]] = []
    for entry in entries:
        plist = _list(entry.get("ports")) if isinstance(entry, Mapping) else []
        if not plist:
            return ANY_PORTS
        for p in plist:
            if not isinstance(p, Mapping):
                continue
            protos = _proto(p.get("protocol"), "ANY")
            num = _port_int(p.get("port"))
            if p.get("port") is None or num == 0:
                ranges.extend((pr, 0, MAX_PORT) for pr in protos)
            elif num is not None:
                end = _port_int(p.get("endPort"))
                ranges.extend((pr, num, end if end and end >= num else num) for pr in protos)
            else:
                named.extend((pr, str(p.get("port"))) for pr in protos)
    return PortSet.of(ranges, named, other_protocols=bool(_list(icmps)))


_CALICO_PROTOCOLS = {"6": "TCP", "17": "UDP", "132": "SCTP", "TCP": "TCP", "UDP": "UDP",
                     "SCTP": "SCTP"}


def calico_ports(rule: Mapping[str, Any], side: Mapping[str, Any]) -> PortSet:
    proto_val = rule.get("protocol")
    if proto_val is None:
        protos = list(PROTOCOLS)
        base = ANY_PORTS
    else:
        p = _CALICO_PROTOCOLS.get(str(proto_val).upper())
        protos = [p] if p else []
        base = PortSet.of([(p, 0, MAX_PORT)]) if p else PortSet(other_protocols=True)
    not_proto = rule.get("notProtocol")
    if not_proto is not None:
        np = _CALICO_PROTOCOLS.get(str(not_proto).upper())
        base = base - PortSet.of([(np, 0, MAX_PORT)]) if np else base
        protos = [p for p in protos if p != np]
    ports = _list(side.get("ports"))
    if ports:
        ranges: list[tuple[str, int, int]] = []
        named: list[tuple[str, str]] = []
        for item in ports:
            lo_hi = _calico_range(item)
            for pr in protos:
                if lo_hi is not None:
                    ranges.append((pr, *lo_hi))
                else:
                    named.append((pr, str(item)))
        base = base & PortSet.of(ranges, named) | PortSet(named=frozenset(named))
    not_ports = _list(side.get("notPorts"))
    if not_ports:
        excl = [(pr, *r) for item in not_ports if (r := _calico_range(item)) for pr in protos]
        base = base - PortSet.of(excl)
    return base


def _calico_range(item: Any) -> tuple[int, int] | None:
    num = _port_int(item)
    if num is not None:
        return (num, num)
    if isinstance(item, str) and ":" in item:
        lo, _, hi = item.partition(":")
        a, b = _port_int(lo), _port_int(hi)
        if a is not None and b is not None:
            return (a, b)
    return None


# --- Kubernetes ----------------------------------------------------------------------

def _k8s_rule(direction: str, rule: Any, path: Path, index: int) -> NetRule:
    peers_key = "to" if direction == "egress" else "from"
    if not isinstance(rule, Mapping):
        return NetRule(direction, "allow", EMPTY_IPS, ANY_PORTS, path, index)
    peers = rule.get(peers_key)
    ports = k8s_ports(rule.get("ports"))
    if not _list(peers):
        return NetRule(direction, "allow", ALL_IPS, ports, path, index, unrestricted=True,
                       peers=("all pods",))
    ips = EMPTY_IPS
    described: list[str] = []
    for peer in _list(peers):
        if not isinstance(peer, Mapping):
            continue
        block = peer.get("ipBlock")
        if isinstance(block, Mapping):
            ips = ips | _ipset([block.get("cidr")] if block.get("cidr") else [],
                               _list(block.get("except")))
        if "podSelector" in peer or "namespaceSelector" in peer:
            parts = []
            if "namespaceSelector" in peer:
                parts.append("namespaces " + LabelSelector.parse(peer["namespaceSelector"]).text)
            if "podSelector" in peer:
                parts.append("pods " + LabelSelector.parse(peer["podSelector"]).text)
            described.append(" and ".join(parts))
    return NetRule(direction, "allow", ips, ports, path, index, peers=tuple(described))


def _k8s_policy(obj: K8sObject, default_ns: str) -> Policy:
    spec = obj.value.get("spec")
    spec = spec if isinstance(spec, Mapping) else {}
    spec_path = (*obj.path, "spec")
    types = spec.get("policyTypes")
    egress_rules = _list(spec.get("egress"))
    if isinstance(types, list):
        names = {str(t) for t in types}
        egress_iso, ingress_iso = "Egress" in names, "Ingress" in names
    else:
        egress_iso, ingress_iso = bool(egress_rules), True
    pol = Policy("kubernetes", obj, obj.namespace(default_ns), spec_path,
                 LabelSelector.parse(spec.get("podSelector")), egress_iso, ingress_iso)
    if egress_iso:
        pol.egress = [_k8s_rule("egress", r, (*spec_path, "egress", i), i)
                      for i, r in enumerate(egress_rules)]
    if ingress_iso:
        pol.ingress = [_k8s_rule("ingress", r, (*spec_path, "ingress", i), i)
                       for i, r in enumerate(_list(spec.get("ingress")))]
    return pol


# --- Cilium --------------------------------------------------------------------------

_CILIUM_L3 = {
    "egress": ("toEndpoints", "toEntities", "toCIDR", "toCIDRSet", "toFQDNs", "toServices",
               "toGroups", "toNodes"),
    "ingress": ("fromEndpoints", "fromEntities", "fromCIDR", "fromCIDRSet", "fromGroups",
                "fromNodes"),
}


def _cilium_rule(direction: str, action: str, rule: Any, path: Path, index: int) -> NetRule:
    if not isinstance(rule, Mapping) or not rule:
        return NetRule(direction, action, EMPTY_IPS, PortSet(), path, index)
    prefix = "to" if direction == "egress" else "from"
    ports = cilium_ports(rule.get("toPorts"), rule.get("icmps"))
    if not any(k in rule for k in _CILIUM_L3[direction]):
        return NetRule(direction, action, ALL_IPS, ports, path, index, unrestricted=True)
    ips = EMPTY_IPS
    peers: list[str] = []
    fqdns: list[str] = []
    for entity in _list(rule.get(prefix + "Entities")):
        name = str(entity)
        if name in _WORLD_ENTITIES:
            ips = ips | _WORLD_ENTITIES[name]
        peers.append(f"entity {name}")
    ips = ips | _ipset(_list(rule.get(prefix + "CIDR")))
    for item in _list(rule.get(prefix + "CIDRSet")):
        if isinstance(item, Mapping) and item.get("cidr"):
            ips = ips | _ipset([item["cidr"]], _list(item.get("except")))
    for item in _list(rule.get("toFQDNs")) if direction == "egress" else []:
        if isinstance(item, Mapping):
            fqdn = item.get("matchName") or item.get("matchPattern")
            if item.get("matchPattern") == "*":
                ips = ips | ALL_IPS
            if fqdn:
                fqdns.append(str(fqdn))
    for key in (prefix + "Endpoints", "toServices", prefix + "Nodes"):
        if key in rule:
            peers.append(key)
    return NetRule(direction, action, ips, ports, path, index, fqdns=tuple(fqdns),
                   peers=tuple(peers))


def _cilium_policies(obj: K8sObject, default_ns: str) -> list[Policy]:
    clusterwide = obj.kind == "CiliumClusterwideNetworkPolicy"
    out: list[Policy] = []
    specs: list[tuple[Path, Any]] = []
    if isinstance(obj.value.get("spec"), Mapping):
        specs.append(((*obj.path, "spec"), obj.value["spec"]))
    for i, s in enumerate(_list(obj.value.get("specs"))):
        if isinstance(s, Mapping):
            specs.append(((*obj.path, "specs", i), s))
    for spec_path, spec in specs:
        egress, deny = _list(spec.get("egress")), _list(spec.get("egressDeny"))
        ingress = [*_list(spec.get("ingress")), *_list(spec.get("ingressDeny"))]
        default_deny = spec.get("enableDefaultDeny")
        default_deny = default_deny if isinstance(default_deny, Mapping) else {}
        egress_iso = default_deny.get("egress", bool(egress or deny)) is True
        ingress_iso = default_deny.get("ingress", bool(ingress)) is True
        host_policy = "nodeSelector" in spec and "endpointSelector" not in spec
        pol = Policy("cilium", obj, None if clusterwide else obj.namespace(default_ns),
                     spec_path, LabelSelector.parse(spec.get("endpointSelector"), cilium=True),
                     egress_iso, ingress_iso, selects_pods=not host_policy)
        pol.egress = [_cilium_rule("egress", "allow", r, (*spec_path, "egress", i), i)
                      for i, r in enumerate(egress)]
        pol.deny = [_cilium_rule("egress", "deny", r, (*spec_path, "egressDeny", i), i)
                    for i, r in enumerate(deny)]
        pol.ingress = [_cilium_rule("ingress", "allow", r, (*spec_path, "ingress", i), i)
                       for i, r in enumerate(_list(spec.get("ingress")))]
        pol.ingress_deny = [
            _cilium_rule("ingress", "deny", r, (*spec_path, "ingressDeny", i), i)
            for i, r in enumerate(_list(spec.get("ingressDeny")))]
        out.append(pol)
    return out


# --- Calico --------------------------------------------------------------------------

_CALICO_ENDPOINT_KEYS = ("selector", "namespaceSelector", "serviceAccounts", "services",
                         "domains")


def _calico_rule(direction: str, rule: Any, path: Path, index: int) -> NetRule:
    if not isinstance(rule, Mapping):
        return NetRule(direction, "log", EMPTY_IPS, PortSet(), path, index)
    action = str(rule.get("action", "")).lower()
    if action not in ("allow", "deny", "pass", "log"):
        action = "log"  # invalid: the API server rejects it; it matches nothing here
    peer_key = "destination" if direction == "egress" else "source"
    peer = rule.get(peer_key)
    peer = peer if isinstance(peer, Mapping) else {}
    dest = rule.get("destination")
    dest = dest if isinstance(dest, Mapping) else {}
    ports = calico_ports(rule, dest)
    nets = _list(peer.get("nets")) or ([peer["net"]] if peer.get("net") else [])
    not_nets = _list(peer.get("notNets")) or ([peer["notNet"]] if peer.get("notNet") else [])
    endpoint_only = any(k in peer for k in _CALICO_ENDPOINT_KEYS)
    ips = ALL_IPS if not nets else _ipset(nets)
    ips = ips - _ipset(not_nets)
    if endpoint_only:
        ips = EMPTY_IPS
    # ``ipVersion: 4`` (or 6) matches only traffic of that family: an IPv4-only Allow does
    # not open the IPv6 metadata address
    version = rule.get("ipVersion")
    if version in (4, 6):
        ips = ips & (ALL_V4 if version == 4 else ALL_V6)
    unrestricted = not nets and not not_nets and not endpoint_only and version not in (4, 6)
    domains = tuple(str(d) for d in _list(peer.get("domains")))
    peers = tuple(f"{k} {peer[k]}" for k in ("selector", "namespaceSelector") if k in peer)
    rule_out = NetRule(direction, action, ips, ports, path, index, unrestricted=unrestricted,
                       fqdns=domains, peers=peers)
    src = rule.get("source")
    if direction == "egress" and isinstance(src, Mapping):
        if src.get("selector") is not None:
            rule_out.local = CalicoSelector.parse(src["selector"])
        if src.get("notSelector") is not None:
            rule_out.local_not = CalicoSelector.parse(src["notSelector"])
    return rule_out


HOST_ENDPOINT_LABELS = ("kubernetes-host",)


def selects_hosts(selector: CalicoSelector) -> bool:
    """Whether a Calico selector can only match host endpoints: it requires a label that
    Calico sets on automatic host endpoints (``kubernetes-host``), which pods never carry
    (``has(kubernetes-host)``, ``kubernetes-host == 'true'``, ...)."""
    return any(selector.requires(key) for key in HOST_ENDPOINT_LABELS)


def _calico_policy(obj: K8sObject, default_ns: str) -> Policy:
    spec = obj.value.get("spec")
    spec = spec if isinstance(spec, Mapping) else {}
    spec_path = (*obj.path, "spec")
    egress, ingress = _list(spec.get("egress")), _list(spec.get("ingress"))
    types = spec.get("types")
    if isinstance(types, list):
        names = {str(t) for t in types}
        egress_iso, ingress_iso = "Egress" in names, "Ingress" in names
    else:
        egress_iso, ingress_iso = bool(egress), bool(ingress) or not egress
    order_f = _order(spec.get("order"))
    is_global = obj.kind == "GlobalNetworkPolicy"
    ns_sel = CalicoSelector.parse(spec["namespaceSelector"]) if (
        is_global and spec.get("namespaceSelector")) else None
    selector = CalicoSelector.parse(spec.get("selector"))
    # host endpoints, not pods: doNotTrack/preDNAT policies, and selectors that need the
    # label Calico puts on automatic host endpoints (``has(kubernetes-host)``) or a
    # HostEndpoint label (``host-endpoint``, ``node``) that pods do not carry
    host_only = bool(spec.get("doNotTrack") or spec.get("preDNAT")) or selects_hosts(selector)
    pol = Policy("calico", obj, None if is_global else obj.namespace(default_ns), spec_path,
                 selector, egress_iso, ingress_iso,
                 order=order_f, namespace_selector=ns_sel, selects_pods=not host_only,
                 tier=str(spec.get("tier") or "default"))
    pol.egress = [_calico_rule("egress", r, (*spec_path, "egress", i), i)
                  for i, r in enumerate(egress)] if egress_iso else []
    pol.ingress = [_calico_rule("ingress", r, (*spec_path, "ingress", i), i)
                   for i, r in enumerate(ingress)] if ingress_iso else []
    return pol


# --- AdminNetworkPolicy / BaselineAdminNetworkPolicy (policy.networking.k8s.io) ---------

ANP_GROUP = "policy.networking.k8s.io"
ANP_KINDS = {"AdminNetworkPolicy": "admin", "BaselineAdminNetworkPolicy": "baseline"}


def anp_ports(ports: Any) -> PortSet:
    items = _list(ports)
    if not items:
        return ANY_PORTS
    ranges: list[tuple[str, int, int]] = []
    named: list[tuple[str, str]] = []
    for item in items:
        if not isinstance(item, Mapping):
            continue
        number, rng = item.get("portNumber"), item.get("portRange")
        if isinstance(number, Mapping) and (n := _port_int(number.get("port"))) is not None:
            ranges.append((str(number.get("protocol") or "TCP").upper(), n, n))
        elif isinstance(rng, Mapping):
            lo, hi = _port_int(rng.get("start")), _port_int(rng.get("end"))
            if lo is not None and hi is not None:
                ranges.append((str(rng.get("protocol") or "TCP").upper(), lo, hi))
        elif item.get("namedPort"):
            named.extend((p, str(item["namedPort"])) for p in PROTOCOLS)
    return PortSet.of(ranges, named)


def _anp_rule(direction: str, rule: Any, path: Path, index: int, baseline: bool) -> NetRule:
    if not isinstance(rule, Mapping):
        return NetRule(direction, "log", EMPTY_IPS, PortSet(), path, index)
    action = str(rule.get("action", "")).lower()
    if action not in ("allow", "deny", "pass") or (baseline and action == "pass"):
        action = "log"
    peers_key = "to" if direction == "egress" else "from"
    ips = EMPTY_IPS
    described: list[str] = []
    for peer in _list(rule.get(peers_key)):
        if not isinstance(peer, Mapping):
            continue
        ips = ips | _ipset(_list(peer.get("networks")))
        described.extend(k for k in ("namespaces", "pods", "nodes") if k in peer)
    return NetRule(direction, action, ips, anp_ports(rule.get("ports")), path, index,
                   peers=tuple(described))


def _anp_policy(obj: K8sObject) -> Policy:
    spec = obj.value.get("spec")
    spec = spec if isinstance(spec, Mapping) else {}
    spec_path = (*obj.path, "spec")
    subject = spec.get("subject")
    subject = subject if isinstance(subject, Mapping) else {}
    layer = ANP_KINDS[obj.kind]
    if "namespaces" in subject:
        pods, nss = LabelSelector(), LabelSelector.parse(subject.get("namespaces"))
    elif isinstance(subject.get("pods"), Mapping):
        pods = LabelSelector.parse(subject["pods"].get("podSelector"))
        nss = LabelSelector.parse(subject["pods"].get("namespaceSelector"))
    else:  # no subject: the API server rejects it; it selects nothing here
        pods, nss = LabelSelector(valid=False), LabelSelector()
    priority = _port_int(spec.get("priority"))
    pol = Policy("kubernetes", obj, None, spec_path, pods, False, False,
                 order=float(priority) if priority is not None else 0.0,
                 namespace_selector=nss, layer=layer)
    baseline = layer == "baseline"
    pol.egress = [_anp_rule("egress", r, (*spec_path, "egress", i), i, baseline)
                  for i, r in enumerate(_list(spec.get("egress")))]
    pol.ingress = [_anp_rule("ingress", r, (*spec_path, "ingress", i), i, baseline)
                   for i, r in enumerate(_list(spec.get("ingress")))]
    return pol


@dataclass(frozen=True)
class Tier:
    """A Calico tier: its order (lower first) and what happens when no rule matches."""

    name: str
    order: float
    default_action: str = "deny"  # "deny" | "pass"


def tier_of(obj: K8sObject) -> Tier | None:
    if obj.kind != "Tier" or obj.group not in CALICO_GROUPS:
        return None
    spec = obj.value.get("spec")
    spec = spec if isinstance(spec, Mapping) else {}
    order_f = _order(spec.get("order"))
    action = str(spec.get("defaultAction") or "Deny").lower()
    return Tier(obj.name, order_f, "pass" if action == "pass" else "deny")


def policies_of(doc: Document, default_ns: str) -> list[Policy]:
    """Every network policy in a document (cached on it)."""
    key = f"netpol.policies.{default_ns}"
    cached = doc.cache.get(key)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    out: list[Policy] = []
    for obj in objects(doc):
        if obj.kind == "NetworkPolicy" and obj.group in ("networking.k8s.io", "extensions"):
            out.append(_k8s_policy(obj, default_ns))
        elif obj.kind in CILIUM_KINDS and obj.group == "cilium.io":
            out.extend(_cilium_policies(obj, default_ns))
        elif obj.kind in CALICO_KINDS and obj.group in CALICO_GROUPS:
            out.append(_calico_policy(obj, default_ns))
        elif obj.kind in ANP_KINDS and obj.group == ANP_GROUP:
            out.append(_anp_policy(obj))
    doc.cache[key] = out
    return out
