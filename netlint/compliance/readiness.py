"""Pod Security Standards readiness: for each namespace, the highest PSS level
(privileged < baseline < restricted) that every workload in it satisfies at the configured
policy version, what blocks the levels above, and the namespace's current
``pod-security.kubernetes.io/*`` labels when the Namespace object is in the scan.

Every pod (and pod template) is checked once, as its document is loaded (a ``COLLECT``
record, see ``netlint/templates/base.py``), by the same per-pod checks the ``pss-*`` rules
use, at both levels: a control counts at a level when the pod-security-admission
controller would run it there at that version (``model.pss.runs``).  The records are
small: the violations with their places, never the documents.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from netlint.loaders.kubernetes import objects, pod_specs
from netlint.model.pss import SHARED_VIOLATIONS
from netlint.options import ScanOptions, parse_pss_version
from netlint.source import Source, Span
from netlint.yamlnodes import Document

RECORDS = "pss-readiness"
LEVELS = ("privileged", "baseline", "restricted")
LABEL_PREFIX = "pod-security.kubernetes.io/"


@dataclass(frozen=True, slots=True)
class PodViolation:
    rule_id: str
    control: str  # the upstream check id (rule params.control)
    levels: tuple[str, ...]  # the levels at which it counts at the configured version
    message: str  # "" in plain scans (as ``context``): only the compliance views show it
    # where, for the compliance views; None in plain scans, where only the enforce rule
    # reads the records (placing every violation would cost a tenth of a scan)
    source: Source | None
    span: Span | None
    context: str


@dataclass(frozen=True, slots=True)
class PodRecord:
    namespace: str
    workload: str  # Kind/name
    source: Source
    span: Span  # the object's kind line: where a namespace-level finding can point
    violations: tuple[PodViolation, ...]

    def blockers(self, level: str) -> list[PodViolation]:
        return [v for v in self.violations if level in v.levels]


@dataclass(frozen=True, slots=True)
class NamespaceRecord:
    name: str
    labels: tuple[tuple[str, str], ...]  # the pod-security.kubernetes.io/* labels
    source: Source
    span: Span  # metadata.labels (or the object) for findings about the labels
    label_spans: tuple[tuple[str, Span], ...] = ()


@dataclass
class DocRecord:
    pods: list[PodRecord] = field(default_factory=list)
    namespaces: list[NamespaceRecord] = field(default_factory=list)


# the record of every document without pods or Namespaces: one shared empty record, never
# changed (a large scan holds a record per document until the cross-file rules have run)
_EMPTY = DocRecord()


@cache
def _pss_controls() -> tuple[tuple[str, Any, Mapping[str, Any], tuple[str, ...]], ...]:
    """(rule id, template module, params, tags) of every built-in PSS control."""
    from netlint.registry import load_rules

    out = []
    for rule in load_rules().values():
        if rule.target != "kubernetes" or not ({"pss-baseline", "pss-restricted"}
                                               & set(rule.tags)):
            continue
        if not hasattr(rule.module, "violations") or "since" not in rule.params:
            continue
        out.append((rule.id, rule.module, rule.params, rule.tags))
    return tuple(out)


def levels_at(params: Mapping[str, Any], tags: Iterable[str], version: int) -> tuple[str, ...]:
    """The levels at which a control runs at a policy version (as ``model.pss.runs``)."""
    from netlint.model.pss import minor

    if version < minor(params["since"]):
        return ()
    out = []
    if "pss-baseline" in tags:
        out.append("baseline")
    replaced = params.get("replaced-at-restricted")
    if replaced is None or version < minor(replaced):
        out.append("restricted")
    return tuple(out)


@cache
def _controls_at(version: int, overrides: tuple[tuple[str, str], ...]
                 ) -> tuple[tuple[str, Any, Mapping[str, Any], tuple[str, ...]], ...]:
    """(rule id, module, params, levels) of the controls that run at a version."""
    import json

    params_of = {rid: json.loads(p) for rid, p in overrides}
    out = []
    for rule_id, module, params, tags in _pss_controls():
        merged = {**params, **params_of.get(rule_id, {})}
        levels = levels_at(merged, tags, version)
        if levels:
            out.append((rule_id, module, merged, levels))
    return tuple(out)


def collect(doc: Document, options: ScanOptions) -> DocRecord:
    """The readiness record of one Kubernetes document."""
    import json

    from netlint.places import place
    from netlint.yamlnodes import locate

    record = DocRecord()
    version = parse_pss_version(options.pss_version)[1]
    placed = RECORDS in options.keep_records
    for obj in objects(doc):
        if obj.kind == "Namespace" and obj.group == "":
            name = obj.metadata.get("name")
            labels = obj.metadata.get("labels")
            if not isinstance(name, str):
                continue
            pss_labels = tuple(sorted(
                (str(k), str(v)) for k, v in (labels.items() if isinstance(labels, Mapping)
                                              else ())
                if str(k).startswith(LABEL_PREFIX)))
            where = ("metadata", "labels") if isinstance(labels, Mapping) else ("metadata",)
            src, span = locate(doc, (*obj.path, *where))
            label_spans = tuple((k, locate(doc, (*obj.path, "metadata", "labels", k))[1])
                                for k, _ in pss_labels)
            record.namespaces.append(NamespaceRecord(name, pss_labels, src, span, label_spans))
    overrides = tuple(sorted((rid, json.dumps(p, sort_keys=True, default=str))
                             for rid, p in options.rule_params.items()))
    controls = _controls_at(version, overrides)
    # the pss-* rules run on this document right after loading: they reuse these results
    fresh = SHARED_VIOLATIONS not in doc.cache
    shared: dict[tuple[str, int], list[Any]] = doc.cache.setdefault(SHARED_VIOLATIONS, {})
    # rules with params overridden in the config compute their own
    overridden = set(options.rule_params) if fresh else {rid for rid, *_ in controls}
    for rule_id, *_ in controls:
        if rule_id not in overridden:
            shared.setdefault((rule_id, version), [])
    for pod in pod_specs(doc):
        found: list[PodViolation] = []
        for rule_id, module, params, levels in controls:
            violations = list(module.violations(pod, version, params))
            if rule_id not in overridden:
                shared[(rule_id, version)].extend(violations)
            for v in violations:
                if placed:
                    src, span, context = place(doc, v.path)
                    found.append(PodViolation(rule_id, str(params.get("control", rule_id)),
                                              levels, v.message, src, span,
                                              v.context or context))
                else:
                    # only the enforce rule reads the records then, and only which controls
                    # a pod fails at which levels: no message, and each control once
                    found.append(PodViolation(rule_id, str(params.get("control", rule_id)),
                                              levels, "", None, None, ""))
        src, span = locate(doc, (*pod.obj.path, "kind"))
        record.pods.append(PodRecord(pod.obj.namespace(options.namespace), pod.obj.label,
                                     src, span, tuple(found) if placed
                                     else tuple(dict.fromkeys(found))))
    return record if record.pods or record.namespaces else _EMPTY


# --- the incremental cache stores records as JSON (netlint/cache.py) ------------------


def _span_out(span: Span | None) -> list[int] | None:
    return None if span is None else [span.start_line, span.start_column, span.end_line,
                                      span.end_column]


def _span_in(data: Any) -> Span | None:
    if data is None:
        return None
    if not (isinstance(data, list) and len(data) == 4 and all(type(x) is int for x in data)):
        raise ValueError("bad span")
    return Span(*data)


def encode(record: DocRecord, source: Source) -> Any:
    """A record as JSON, or None (not cacheable) when it refers to another file."""
    for pod in record.pods:
        if pod.source is not source or any(v.source not in (None, source)
                                           for v in pod.violations):
            return None
    if any(ns.source is not source for ns in record.namespaces):
        return None
    return {
        "pods": [[p.namespace, p.workload, _span_out(p.span),
                  [[v.rule_id, v.control, list(v.levels), v.message, v.source is not None,
                    _span_out(v.span), v.context] for v in p.violations]]
                 for p in record.pods],
        "namespaces": [[n.name, [list(kv) for kv in n.labels], _span_out(n.span),
                        [[k, _span_out(s)] for k, s in n.label_spans]]
                       for n in record.namespaces],
    }


def decode(data: Any, source: Source) -> DocRecord:
    """The inverse of :func:`encode`; a malformed entry raises (the cache treats it as a
    miss)."""
    from netlint.cache import BadEntry

    try:
        if not data["pods"] and not data["namespaces"]:
            return _EMPTY
        out = DocRecord()
        for ns_name, workload, span, violations in data["pods"]:
            # rule ids, controls and levels repeat in every pod: one string each
            found = tuple(
                PodViolation(sys.intern(str(rid)), sys.intern(str(control)),
                             tuple(sys.intern(str(level)) for level in levels), str(message),
                             source if placed else None, _span_in(vspan), str(context))
                for rid, control, levels, message, placed, vspan, context in violations)
            pod_span = _span_in(span)
            assert pod_span is not None
            out.pods.append(PodRecord(str(ns_name), str(workload), source, pod_span, found))
        for name, labels, span, label_spans in data["namespaces"]:
            ns_span = _span_in(span)
            assert ns_span is not None
            out.namespaces.append(NamespaceRecord(
                str(name), tuple((str(k), str(v)) for k, v in labels), source, ns_span,
                tuple((str(k), s) for k, raw in label_spans
                      if (s := _span_in(raw)) is not None)))
        return out
    except (KeyError, TypeError, ValueError, AssertionError) as err:
        raise BadEntry from err


# --- the per-namespace view ----------------------------------------------------------


@dataclass
class Blocker:
    workload: str
    file: str
    line: int
    controls: list[str]


@dataclass
class NamespaceReadiness:
    name: str
    workloads: int
    level: str  # the highest level every workload satisfies
    labels: dict[str, str] | None  # None: the Namespace object is not in the scan
    blockers: dict[str, list[Blocker]]  # level above ``level`` -> what blocks it

    @property
    def enforce(self) -> str | None:
        return (self.labels or {}).get(LABEL_PREFIX + "enforce")

    def as_dict(self) -> dict[str, Any]:
        return {
            "namespace": self.name,
            "workloads": self.workloads,
            "ready": self.level,
            "labels": self.labels,
            "blockers": {
                level: [{"workload": b.workload, "file": b.file, "line": b.line,
                         "controls": b.controls} for b in blockers]
                for level, blockers in self.blockers.items()
            },
        }


def records_of(raw: Iterable[DocRecord] | None) -> tuple[list[PodRecord], list[NamespaceRecord]]:
    pods: list[PodRecord] = []
    namespaces: list[NamespaceRecord] = []
    for r in raw or ():
        pods.extend(r.pods)
        namespaces.extend(r.namespaces)
    return pods, namespaces


def readiness(raw: Iterable[DocRecord] | None) -> list[NamespaceReadiness]:
    """One row per namespace that has workloads or a Namespace object in the scan."""
    pods, namespaces = records_of(raw)
    labels: dict[str, dict[str, str]] = {}
    for ns in namespaces:
        labels.setdefault(ns.name, dict(ns.labels))
    by_ns: dict[str, list[PodRecord]] = {}
    for pod in pods:
        by_ns.setdefault(pod.namespace, []).append(pod)
    out = []
    for name in sorted(set(by_ns) | set(labels)):
        members = by_ns.get(name, [])
        blockers: dict[str, list[Blocker]] = {}
        for level in ("baseline", "restricted"):
            rows = []
            for pod in members:
                hits = pod.blockers(level)
                if hits:
                    rows.append(Blocker(pod.workload, pod.source.path, pod.span.start_line,
                                        sorted({v.control for v in hits})))
            if rows:
                blockers[level] = rows
        level = ("privileged" if "baseline" in blockers
                 else "baseline" if "restricted" in blockers else "restricted")
        above = LEVELS[LEVELS.index(level) + 1:]
        out.append(NamespaceReadiness(name, len(members), level, labels.get(name),
                                      {lv: blockers[lv] for lv in above if lv in blockers}))
    return out
