"""A PodSecurityPolicy that hands over the node (privileged, host namespaces, hostPath,
host ports, capabilities beyond the baseline set) which RBAC in the scan lets every service
account or every authenticated user ``use`` through a ClusterRoleBinding: on a cluster
still running PSP, any pod may then run privileged."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from netlint.compliance.psp import PSP_GROUPS, psp_level
from netlint.loaders.kubernetes import objects
from netlint.options import ScanOptions
from netlint.source import Source, Span
from netlint.templates.base import Project, RuleContext, Violation
from netlint.yamlnodes import Document

TARGETS = ("kubernetes",)
SCOPE = "project"
PROJECT_KINDS = ("kubernetes",)
ALL_GROUPS = ("system:serviceaccounts", "system:authenticated", "system:unauthenticated")
PARAMS_SCHEMA: dict[str, Any] = {
    "type": "object", "additionalProperties": False,
    "properties": {"groups": {"type": "array", "items": {"type": "string"},
                              "description": "groups that mean 'everyone'"}},
}


@dataclass
class _Record:
    psps: list[tuple[str, str, Source, Span]] = field(default_factory=list)  # name, why
    # ClusterRole name -> PSP names it may use ("*": every PSP)
    roles: dict[str, set[str]] = field(default_factory=dict)
    bindings: list[tuple[str, str, tuple[str, ...]]] = field(default_factory=list)


# the record of every document without PSPs or RBAC for them (almost all): one shared
# empty record, never changed, instead of three empty containers per document
_NOTHING = _Record()


def _grants_use(rule: Any) -> set[str]:
    if not isinstance(rule, Mapping):
        return set()
    groups = rule.get("apiGroups") or []
    resources = rule.get("resources") or []
    verbs = rule.get("verbs") or []
    if not (isinstance(groups, list) and isinstance(resources, list)
            and isinstance(verbs, list)):
        return set()
    if not ({"policy", "extensions", "*"} & set(map(str, groups))
            and {"podsecuritypolicies", "*"} & set(map(str, resources))
            and {"use", "*"} & set(map(str, verbs))):
        return set()
    names = rule.get("resourceNames")
    return {str(n) for n in names} if isinstance(names, list) and names else {"*"}


def _collect(doc: Document, options: ScanOptions) -> _Record:
    from netlint.yamlnodes import locate

    record = _Record()
    for obj in objects(doc):
        if obj.kind == "PodSecurityPolicy" and obj.group in PSP_GROUPS:
            mapped = psp_level(obj.value)
            if mapped.hands_over_host:
                src, span = locate(doc, (*obj.path, "metadata", "name"))
                why = "; ".join(g.reason for g in mapped.not_baseline[:3])
                record.psps.append((obj.name, why, src, span))
        elif obj.kind == "ClusterRole" and obj.group == "rbac.authorization.k8s.io":
            rules = obj.value.get("rules")
            names: set[str] = set()
            for r in rules if isinstance(rules, list) else []:
                names |= _grants_use(r)
            if names:
                record.roles.setdefault(obj.name, set()).update(names)
        elif obj.kind == "ClusterRoleBinding" and obj.group == "rbac.authorization.k8s.io":
            ref = obj.value.get("roleRef")
            subjects = obj.value.get("subjects")
            if not isinstance(ref, Mapping) or ref.get("kind") != "ClusterRole":
                continue
            groups = tuple(str(s.get("name")) for s in (subjects if isinstance(subjects, list)
                                                          else [])
                           if isinstance(s, Mapping) and s.get("kind") == "Group")
            record.bindings.append((obj.name, str(ref.get("name")), groups))
    return record if (record.psps or record.roles or record.bindings) else _NOTHING


def _encode(record: _Record, source: Source) -> Any:
    if any(src is not source for *_, src, _span in record.psps):
        return None
    return {"psps": [[name, why, [s.start_line, s.start_column, s.end_line, s.end_column]]
                     for name, why, _src, s in record.psps],
            "roles": {k: sorted(v) for k, v in record.roles.items()},
            "bindings": [[b, r, list(g)] for b, r, g in record.bindings]}


def _decode(data: Any, source: Source) -> _Record:
    from netlint.cache import BadEntry

    if data == {"psps": [], "roles": {}, "bindings": []}:
        return _NOTHING
    try:
        record = _Record()
        for name, why, span in data["psps"]:
            if not (isinstance(span, list) and len(span) == 4
                    and all(type(x) is int for x in span)):
                raise BadEntry
            record.psps.append((str(name), str(why), source, Span(*span)))
        record.roles = {str(k): {str(x) for x in v} for k, v in data["roles"].items()}
        record.bindings = [(str(b), str(r), tuple(map(str, g))) for b, r, g in data["bindings"]]
        return record
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        raise BadEntry from err


COLLECT = ("psp-rbac", _collect, (_encode, _decode))


def check_project(project: Project, params: Mapping[str, Any],
                  ctx: RuleContext) -> Iterator[Violation]:
    everyone = set(params.get("groups") or ALL_GROUPS)
    records: list[_Record] = project.records.get("psp-rbac") or []
    roles: dict[str, set[str]] = {}
    for r in records:
        for name, psps in r.roles.items():
            roles.setdefault(name, set()).update(psps)
    grants: dict[str, list[str]] = {}  # PSP name (or "*") -> "binding -> group"
    for r in records:
        for binding, role, groups in r.bindings:
            for group in groups:
                if group in everyone:
                    for psp in roles.get(role, ()):
                        grants.setdefault(psp, []).append(
                            f"ClusterRoleBinding/{binding} grants {group}")
    for r in records:
        for name, why, src, span in r.psps:
            via = grants.get(name, []) + grants.get("*", [])
            if not via:
                continue
            yield Violation(
                location=(src, span),
                message=(f"PodSecurityPolicy '{name}' is as permissive as privileged ({why}) "
                         f"and every pod may use it: {'; '.join(sorted(set(via)))}"),
                context=f"PodSecurityPolicy/{name} granted to all",
            )
