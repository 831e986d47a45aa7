"""Per-workload effective egress, computed once per scan from every policy and workload.

Workloads come from :func:`netlint.loaders.kubernetes.pod_specs`; policies from
:mod:`netlint.model.netpol`.  Policies are indexed by namespace (cluster-wide ones apart),
so a workload is matched only against the policies that can select it.

:meth:`NetworkModel.evaluate` decides one connection (address, protocol, port) the way
the dataplane would: Cilium ``egressDeny`` first (deny wins), then the ordered tier of
Calico policies with Kubernetes and Cilium allow policies at order 1000; a workload that
no policy isolates for egress may connect anywhere; an isolated one is denied unless a
rule allows (or passes) the connection.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from netlint.loaders.kubernetes import objects, pod_specs
from netlint.model.cidrs import EMPTY_IPS, PUBLIC_IPS, IPSet, PortSet, covers_internet
from netlint.model.metadata import (  # noqa: F401  (re-exported for the templates)
    DEFAULT_METADATA,
    Endpoint,
    metadata_endpoints,
    parse_endpoint,
    relative_file,
)
from netlint.model.netpol import (
    NetRule,
    Policy,
    PolicyObject,
    Tier,
    namespace_labels,
    policies_of,
    tier_of,
)
from netlint.model.selectors import LabelSelector
from netlint.model.units import Units
from netlint.source import Source, Span
from netlint.yamlnodes import Document, Path


@dataclass(eq=False)
class Workload:
    """A pod or pod template, as the model needs it once its document is gone: where it
    is (resolved while its file was loaded) and the labels policies select it by."""

    label: str  # "Deployment/web"
    namespace: str
    labels: dict[str, str]  # pod labels plus each system's namespace pseudo-labels
    ns_labels: dict[str, str]
    file: str  # the source's path
    index: int  # the document's index in its file
    path: Path  # the object's metadata.name (or the object)
    location: tuple[Source, Span]  # where ``path`` is
    context: str  # the finding identity the engine derives from ``path``
    # hostNetwork: true: network policies do not govern it on most network plugins (the
    # Kubernetes documentation leaves it undefined), so nothing isolates it
    host_network: bool = False


@dataclass(eq=False, slots=True)
class WorkloadRecord:
    """What one pod contributes before the scan's Namespace labels are known."""

    label: str
    namespace: str
    pod_labels: dict[str, str]
    file: str
    index: int
    path: Path
    location: tuple[Source, Span]
    context: str
    host_network: bool = False


@dataclass(eq=False, slots=True)
class NetDoc:
    """What the network model needs from one Kubernetes document, collected while it is
    loaded so the document itself need not be kept (policies keep theirs: findings point
    at their rules)."""

    policies: list[Policy]
    workloads: list[WorkloadRecord]
    namespaces: list[tuple[str, tuple[Source, Span], dict[str, str] | None]]
    tiers: list[Tier]
    file: str = ""  # the document's file (its join unit: netlint/model/units.py)


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str  # "not isolated" | "allow" | "pass" | "deny" | "default deny"
    policy: Policy | None = None
    rule: NetRule | None = None


@dataclass(eq=False)
class NetworkModel:
    policies: list[Policy]
    workloads: list[Workload]
    # Namespace objects: where their name is
    namespaces: dict[str, tuple[Source, Span]] = field(default_factory=dict)
    by_namespace: dict[str, list[Policy]] = field(default_factory=dict)
    cluster_wide: list[Policy] = field(default_factory=list)
    tiers: dict[str, Tier] = field(default_factory=dict)  # Calico Tier objects of the scan
    unit: str = ""  # the join unit (netlint/model/units.py); "" for the whole scan
    # per namespace: the candidate policies split by how they select (see _Space); per
    # workload: the policies that select it apart from those selecting the whole namespace
    _spaces: dict[str, _Space] = field(default_factory=dict)
    _varying: dict[int, list[tuple[int, Policy]]] = field(default_factory=dict)
    _by_labels: dict[tuple[str, tuple[tuple[str, str], ...]], list[tuple[int, Policy]]] = (
        field(default_factory=dict))
    _selecting: dict[int, list[Policy]] = field(default_factory=dict)
    # workloads selected by the same policies get the same decision unless a rule
    # restricts the local pod (Calico source selector)
    _decisions: dict[tuple[str, tuple[int, ...], Endpoint], Decision] = field(
        default_factory=dict)
    _hypothetical: dict[str | None, list[Policy]] = field(default_factory=dict)
    _selecting_some: set[int] | None = None

    def __post_init__(self) -> None:
        for p in self.policies:
            if p.namespace is None:
                self.cluster_wide.append(p)
            else:
                self.by_namespace.setdefault(p.namespace, []).append(p)

    def candidates(self, namespace: str) -> list[Policy]:
        return [*self.by_namespace.get(namespace, ()), *self.cluster_wide]

    def _space(self, w: Workload) -> _Space:
        space = self._spaces.get(w.namespace)
        if space is None:
            space = self._spaces[w.namespace] = _Space.of(
                self.candidates(w.namespace), w.namespace, w.ns_labels)
        return space

    def _varying_of(self, w: Workload) -> list[tuple[int, Policy]]:
        """(candidate index, policy) of the policies that select ``w`` by its labels."""
        got = self._varying.get(id(w))
        if got is None:
            key = (w.namespace, tuple(sorted(w.labels.items())))
            got = self._by_labels.get(key)
            if got is None:
                space = self._space(w)
                pool = list(space.always)
                for item in w.labels.items():
                    pool.extend(space.by_label.get(item, ()))
                pool.sort(key=_first)
                got = self._by_labels[key] = [
                    e for e in pool if e[1].selects(w.namespace, w.labels, w.ns_labels)]
            self._varying[id(w)] = got
        return got

    def selecting(self, w: Workload) -> list[Policy]:
        """The policies that select ``w``, in candidate order."""
        got = self._selecting.get(id(w))
        if got is None:
            varying = self._varying_of(w)
            whole = self._space(w).whole
            got = ([p for _, p in sorted([*whole, *varying], key=_first)] if varying
                   else [p for _, p in whole])
            self._selecting[id(w)] = got
        return got

    def egress_policies(self, w: Workload) -> list[Policy]:
        if w.host_network:
            return []
        return [p for p in self.selecting(w) if p.egress_isolating]

    def isolated(self, w: Workload) -> bool:
        """Whether some policy isolates ``w`` for egress (``egress_policies`` is not
        empty), without listing them; a host-network pod never is."""
        if w.host_network:
            return False
        return self._space(w).whole_isolating or any(
            p.egress_isolating for _, p in self._varying_of(w))

    def almost(self, w: Workload) -> list[str]:
        """Policies that nearly isolate ``w``: select it without Egress, or have Egress
        but a selector that misses it."""
        out = []
        chosen = {id(q) for q in self.selecting(w)}
        for p in self.candidates(w.namespace):
            # a policy in another file of the unit is named with its file
            label = (p.label if p.file == w.file
                     else f"{p.label} ({relative_file(p.file, w.file)})")
            if id(p) in chosen:
                if not p.egress_isolating:
                    out.append(f"{label} selects it but does not isolate it for egress")
            elif p.egress_isolating and p.selects_pods:
                out.append(f"{label} has Egress but its selector ({p.selector_text}) "
                           "does not match it")
        return out

    def decide(self, w: Workload, ep: Endpoint) -> Decision:
        if w.host_network:
            return Decision(True, "host network")
        space = self._space(w)
        varying = [e for e in self._varying_of(w) if _relevant(e[1])]
        if space.whole_local or any(_local(p) for _, p in varying):
            return evaluate(_merge(space.whole_relevant, varying), ep, w.labels, self.tiers)
        key = (w.namespace, tuple(id(p) for _, p in varying), ep)
        decision = self._decisions.get(key)
        if decision is None:
            decision = self._decisions[key] = evaluate(
                _merge(space.whole_relevant, varying), ep, w.labels, self.tiers)
        return decision

    def hypothetical(self, p: Policy) -> list[Policy]:
        """The policies that certainly select the pods ``p`` selects: ``p`` and the
        policies selecting every pod of its namespace."""
        every = self._hypothetical.get(p.namespace)
        if every is None:
            pool = self.candidates(p.namespace) if p.namespace else self.cluster_wide
            every = self._hypothetical[p.namespace] = [
                q for q in pool if _relevant(q) and q.selects_all_in(p.namespace)]
        return [p, *(q for q in every if q is not p)]

    def selects_some_workload(self, p: Policy) -> bool:
        """Whether ``p`` selects a workload of the scan (``selected_workloads`` not empty)."""
        if self._selecting_some is None:
            some: set[int] = set()
            spaces: set[int] = set()
            for w in self.workloads:
                space = self._space(w)
                if id(space) not in spaces:
                    spaces.add(id(space))
                    some.update(id(q) for _, q in space.whole)
                some.update(id(q) for _, q in self._varying_of(w))
            self._selecting_some = some
        return id(p) in self._selecting_some

    def selected_workloads(self, p: Policy) -> list[Workload]:
        return [w for w in self.workloads if any(p is q for q in self.selecting(w))]


@dataclass(eq=False)
class _Space:
    """The candidate policies of one namespace (in order, with their index), by how they
    select its pods: every pod (``whole``: an empty pod selector whose namespace part
    matches), by a label a pod must carry (``by_label``, checked in full), or otherwise
    (``always`` checked)."""

    whole: list[tuple[int, Policy]]
    by_label: dict[tuple[str, str], list[tuple[int, Policy]]]
    always: list[tuple[int, Policy]]
    whole_relevant: list[tuple[int, Policy]]
    whole_local: bool
    whole_isolating: bool

    @staticmethod
    def of(candidates: list[Policy], namespace: str, ns_labels: dict[str, str]) -> _Space:
        whole: list[tuple[int, Policy]] = []
        by_label: dict[tuple[str, str], list[tuple[int, Policy]]] = {}
        always: list[tuple[int, Policy]] = []
        for i, p in enumerate(candidates):
            sel = p.selector
            if p.selects_pods and isinstance(sel, LabelSelector) and sel.valid and not sel.terms:
                if p.selects(namespace, {}, ns_labels):  # the pod's labels do not matter
                    whole.append((i, p))
                continue
            label = _required_label(p)
            if label is None:
                always.append((i, p))
            else:
                by_label.setdefault(label, []).append((i, p))
        relevant = [e for e in whole if _relevant(e[1])]
        return _Space(whole, by_label, always, relevant,
                      any(_local(p) for _, p in relevant),
                      any(p.egress_isolating for _, p in whole))


def _merge(a: list[tuple[int, Policy]], b: list[tuple[int, Policy]]) -> list[Policy]:
    if not b:
        return [p for _, p in a]
    return [p for _, p in sorted([*a, *b], key=_first)]


def _relevant(p: Policy) -> bool:
    """Whether ``p`` takes part in egress decisions of the pods it selects."""
    return p.egress_isolating or p.layer != "policy"


def _first(entry: tuple[int, Policy]) -> int:
    return entry[0]


def _required_label(p: Policy) -> tuple[str, str] | None:
    """A label every pod ``p`` selects carries (its first ``matchLabels`` pair), if any."""
    sel = p.selector
    if not p.selects_pods or not isinstance(sel, LabelSelector) or not sel.valid:
        return None
    for key, op, vals in sel.terms:
        if op == "In" and len(vals) == 1:
            return (key, vals[0])
    return None


def _local(p: Policy) -> bool:
    """Whether a rule of ``p`` applies only to some local pods (its decision then depends
    on the pod's labels, not only on the policies that select it)."""
    return any(r.local is not None or r.local_not is not None for r in p.egress)


def _tier_key(name: str, tiers: Mapping[str, Tier]) -> tuple[int, float, str]:
    """Declared tiers by order; undeclared ones before the default tier; default last."""
    if name in tiers:
        return (0, tiers[name].order, name)
    return (1 if name == "default" else 0, math.inf, name)


def evaluate(policies: list[Policy], ep: Endpoint, labels: Mapping[str, str] | None = None,
             tiers: Mapping[str, Tier] | None = None) -> Decision:
    """Whether a pod (with ``labels``; None: unknown) selected by ``policies`` may connect.

    AdminNetworkPolicies come first, by priority (Allow/Deny decide, Pass skips to the
    next layer); then the egress-isolating policies (see :func:`evaluate_isolating`); a
    pod that none isolates falls to the BaselineAdminNetworkPolicy, then is allowed."""
    admin = sorted((p for p in policies if p.layer == "admin"), key=Policy.sort_key)
    for p in admin:
        decided = _first_match(p, ep, labels)
        if decided is not None:
            if decided.reason == "pass":
                break
            return decided
    isolating = [p for p in policies if p.layer == "policy" and p.egress_isolating]
    if isolating:
        return evaluate_isolating(isolating, ep, labels, tiers)
    for p in (p for p in policies if p.layer == "baseline"):
        decided = _first_match(p, ep, labels)
        if decided is not None and decided.reason != "pass":
            return decided
    return Decision(True, "not isolated")


def _first_match(p: Policy, ep: Endpoint, labels: Mapping[str, str] | None) -> Decision | None:
    for r in p.egress:
        if r.action in ("allow", "deny", "pass") and r.matches(ep.ip, ep.proto, ep.port) \
                and r.applies_to(labels):
            return Decision(r.action != "deny", r.action, p, r)
    return None


def evaluate_isolating(policies: list[Policy], ep: Endpoint,
                       labels: Mapping[str, str] | None = None,
                       tiers: Mapping[str, Tier] | None = None) -> Decision:
    """Cilium deny rules win; then each Calico tier holding a selecting policy is
    evaluated in order: Allow/Deny decide, Pass goes to the next tier, and a tier without
    a matching rule denies (unless its defaultAction is Pass).  Passing every tier
    reaches the namespace profile, which allows."""
    for p in policies:
        for r in p.deny:
            if r.matches(ep.ip, ep.proto, ep.port):
                return Decision(False, "deny", p, r)
    tiers = tiers or {}
    by_tier: dict[str, list[Policy]] = {}
    for p in policies:
        by_tier.setdefault(p.tier, []).append(p)
    passed: Decision = Decision(True, "tier default pass")
    for name in sorted(by_tier, key=lambda t: _tier_key(t, tiers)):
        outcome: Decision | None = None
        for p in sorted(by_tier[name], key=Policy.sort_key):
            for r in p.egress:
                if not r.matches(ep.ip, ep.proto, ep.port) or not r.applies_to(labels):
                    continue
                if r.action == "allow":
                    return Decision(True, "allow", p, r)
                if r.action == "deny":
                    return Decision(False, "deny", p, r)
                if r.action == "pass":
                    outcome = Decision(True, "pass", p, r)
                    break
            if outcome is not None:
                break
        if outcome is not None:
            passed = outcome
            continue
        tier = tiers.get(name)
        if tier is None or tier.default_action != "pass":
            return Decision(False, "default deny")
    return passed


@dataclass(frozen=True)
class InternetAccess:
    ports: PortSet
    ips: IPSet
    rules: tuple[tuple[Policy, NetRule], ...]

    @property
    def any_address(self) -> bool:
        return covers_internet(self.ips)


def internet_access(policies: list[Policy]) -> InternetAccess | None:
    """Public addresses and ports the allow rules open (deny rules not subtracted)."""
    if not policies:
        return InternetAccess(PortSet.any(), PUBLIC_IPS, ())
    ports, ips = PortSet(), EMPTY_IPS
    rules: list[tuple[Policy, NetRule]] = []
    for p in policies:
        for r in p.egress:
            if r.action == "allow" and (r.ips & PUBLIC_IPS):
                ports, ips = ports | r.ports, ips | (r.ips & PUBLIC_IPS)
                rules.append((p, r))
    return InternetAccess(ports, ips, tuple(rules)) if rules else None


def collect(doc: Document, default_ns: str = "default") -> NetDoc:
    """The network model's record of one document (see :class:`NetDoc`)."""
    from netlint.places import place

    if doc.kind != "kubernetes":
        return _NOTHING
    policies = [_detached(p, doc) for p in policies_of(doc, default_ns)]
    namespaces: list[tuple[str, tuple[Source, Span], dict[str, str] | None]] = []
    tiers: list[Tier] = []
    for obj in objects(doc):
        tier = tier_of(obj)
        if tier is not None:
            tiers.append(tier)
        if obj.kind == "Namespace" and obj.group == "":
            src, span, _ = place(doc, (*obj.path, "metadata", "name"))
            labels = obj.metadata.get("labels")
            declared = ({str(k): str(v) for k, v in labels.items()}
                        if isinstance(labels, Mapping) else None)
            namespaces.append((obj.name, (src, span), declared))
    workloads = []
    for pod in pod_specs(doc):
        obj = pod.obj
        meta = obj.value.get("metadata")
        path = ((*obj.path, "metadata", "name") if isinstance(meta, Mapping) and "name" in meta
                else obj.path)
        src, span, context = place(doc, path)
        labels = {str(k): ("" if v is None else str(v)) for k, v in pod.labels.items()}
        workloads.append(WorkloadRecord(obj.label, obj.namespace(default_ns), labels,
                                        doc.path, doc.index, path, (src, span), context,
                                        pod.spec.get("hostNetwork") is True))
    if not (policies or workloads or namespaces or tiers):
        return _NOTHING  # most documents (one shared record: nothing to keep per document)
    return NetDoc(policies, workloads, namespaces, tiers, doc.path)


_NOTHING = NetDoc([], [], [], [])  # read only


def _detached(policy: Policy, doc: Document) -> Policy:
    """A copy of ``policy`` that does not keep its document: the places findings about its
    rules point at are resolved now (a large scan held every policy's parse tree until
    the cross-file rules had run)."""
    from netlint.places import place

    def placed(rules: list[NetRule]) -> list[NetRule]:
        out = []
        for r in rules:
            src, span, context = place(doc, r.path)
            out.append(replace(r, location=(src, span), context=context))
        return out

    return replace(policy, obj=PolicyObject(policy.obj.kind, policy.obj.name),
                   egress=placed(policy.egress), ingress=placed(policy.ingress),
                   deny=placed(policy.deny), ingress_deny=placed(policy.ingress_deny),
                   file=doc.path, _sort_key=None)


# --- records as plain data, for the incremental cache (netlint/cache.py) -----------------
# A record whose document holds a policy is not stored (policies, their selectors and
# address sets have no plain-data form yet); its file is parsed again when the cross-file
# rules run.

def _plain_path(path: Path) -> list[Any] | None:
    if all(type(step) in (str, int) for step in path):
        return list(path)
    return None


def _span_list(span: Span) -> list[int]:
    return [span.start_line, span.start_column, span.end_line, span.end_column]


def encode_netdoc(rec: NetDoc, source: Source) -> Any:
    """``rec`` as JSON-able data, or None when it cannot be (policies, other files)."""
    if rec is _NOTHING:
        return 0
    if rec.policies:
        return None
    workloads = []
    for w in rec.workloads:
        path = _plain_path(w.path)
        src, span = w.location
        if path is None or src is not source or w.file != source.path:
            return None
        workloads.append([w.label, w.namespace, w.pod_labels, w.index, path,
                          _span_list(span), w.context, w.host_network])
    namespaces = []
    for name, (src, span), declared in rec.namespaces:
        if src is not source:
            return None
        namespaces.append([name, _span_list(span), declared])
    tiers = [[t.name, t.order, t.default_action] for t in rec.tiers]
    return [workloads, namespaces, tiers]


def _labels(value: Any) -> dict[str, str]:
    if not isinstance(value, dict) or not all(
            type(k) is str and type(v) is str for k, v in value.items()):
        raise ValueError("labels")
    return dict(value)


def _span_of(value: Any) -> Span:
    if not (isinstance(value, list) and len(value) == 4
            and all(type(n) is int for n in value)):
        raise ValueError("span")
    return Span(*value)


def decode_netdoc(data: Any, source: Source) -> NetDoc:
    """The record :func:`encode_netdoc` stored; ValueError when ``data`` is malformed."""
    if data == 0 and type(data) is int:
        return _NOTHING
    workloads_data, namespaces_data, tiers_data = data
    workloads = []
    for label, namespace, labels, index, path, span, context, host_net in workloads_data:
        if not (type(label) is str and type(namespace) is str and type(index) is int
                and isinstance(path, list) and type(context) is str
                and type(host_net) is bool
                and all(type(step) in (str, int) for step in path)):
            raise ValueError("workload")
        workloads.append(WorkloadRecord(label, namespace, _labels(labels), source.path, index,
                                        tuple(path), (source, _span_of(span)), context,
                                        host_net))
    namespaces: list[tuple[str, tuple[Source, Span], dict[str, str] | None]] = []
    for name, span, declared in namespaces_data:
        if type(name) is not str:
            raise ValueError("namespace")
        namespaces.append((name, (source, _span_of(span)),
                           None if declared is None else _labels(declared)))
    tiers = []
    for name, order, action in tiers_data:
        if type(name) is not str or type(action) is not str or type(order) not in (int, float):
            raise ValueError("tier")
        tiers.append(Tier(name, order, action))
    if not (workloads or namespaces or tiers):
        return _NOTHING
    return NetDoc([], workloads, namespaces, tiers, source.path)


def _workload(r: WorkloadRecord, ns_declared: Mapping[str, dict[str, str]]) -> Workload:
    ns = r.namespace
    ns_labels = namespace_labels(ns, ns_declared.get(ns, {}))
    labels = dict(r.pod_labels)
    labels["io.kubernetes.pod.namespace"] = ns
    labels["projectcalico.org/namespace"] = ns
    for k, v in ns_labels.items():
        labels[f"io.cilium.k8s.namespace.labels.{k}"] = v
    return Workload(r.label, ns, labels, ns_labels, r.file, r.index, r.path, r.location,
                    r.context, r.host_network)


def build_model(documents: Iterable[Document], default_ns: str = "default") -> NetworkModel:
    return model_of([collect(d, default_ns) for d in documents if d.kind == "kubernetes"])


def model_of(records: Iterable[NetDoc]) -> NetworkModel:
    """The scan's model from its documents' records, in scan order."""
    records = list(records)
    policies: list[Policy] = []
    namespaces: dict[str, tuple[Source, Span]] = {}
    ns_declared: dict[str, dict[str, str]] = {}
    tiers: dict[str, Tier] = {}
    for rec in records:
        policies.extend(rec.policies)
        for tier in rec.tiers:
            tiers.setdefault(tier.name, tier)
        for name, where, declared in rec.namespaces:
            namespaces.setdefault(name, where)
            if declared is not None:
                ns_declared[name] = declared
    workloads = [_workload(w, ns_declared) for rec in records for w in rec.workloads]
    return NetworkModel(policies, workloads, namespaces, tiers=tiers)


def models_of(records: Iterable[NetDoc], units: Units | None = None) -> list[NetworkModel]:
    """One model per join unit (see :mod:`netlint.model.units`), in scan order of each
    unit's first file; Calico Tier objects order tiers wherever they are."""
    records = list(records)
    if units is None:
        return [model_of(records)]
    by_unit: dict[str, list[NetDoc]] = {}
    for rec in records:
        if rec is not _NOTHING:
            by_unit.setdefault(units.unit_of(rec.file), []).append(rec)
    tiers = [t for rec in records for t in rec.tiers]
    out = []
    for unit, recs in by_unit.items():
        m = model_of(recs)
        m.unit = unit
        for tier in tiers:
            m.tiers.setdefault(tier.name, tier)
        out.append(m)
    return out


def shared_models(documents: list[Document], shared: dict[str, Any], default_ns: str,
                  records: list[NetDoc] | None = None, units: Units | None = None
                  ) -> list[NetworkModel]:
    """The scan's models (one per join unit), built once and shared by every network
    rule: from the records collected while loading, or else from the documents."""
    key = f"netpol.models.{default_ns}"
    models = shared.get(key)
    if models is None:
        if records is None:
            records = [collect(d, default_ns) for d in documents if d.kind == "kubernetes"]
        models = shared[key] = models_of(records, units)
    return models  # type: ignore[no-any-return]
