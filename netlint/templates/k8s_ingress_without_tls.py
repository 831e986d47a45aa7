"""Ingresses that serve some of their hosts without TLS."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from netlint.loaders.kubernetes import objects
from netlint.templates.base import RuleContext, Violation
from netlint.yamlnodes import Document

TARGETS = ("kubernetes",)
PARAMS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        # annotations with which a controller terminates TLS without spec.tls (cloud LBs)
        "tls_annotations": {"type": "array", "items": {"type": "string"}},
    },
}
GROUPS = frozenset({"networking.k8s.io", "extensions"})


def _covered(host: str, tls_hosts: set[str]) -> bool:
    if host in tls_hosts or "*" in tls_hosts:
        return True
    # a wildcard certificate entry covers one label
    _head, _, rest = host.partition(".")
    return bool(rest) and f"*.{rest}" in tls_hosts


def check(doc: Document, params: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    tls_annotations = set(params.get("tls_annotations", ()))
    for obj in objects(doc):
        if obj.kind != "Ingress" or obj.group not in GROUPS:
            continue
        annotations = obj.metadata.get("annotations")
        if isinstance(annotations, Mapping) and tls_annotations & set(annotations):
            continue
        spec = obj.value.get("spec")
        if not isinstance(spec, Mapping):
            continue
        tls = spec.get("tls")
        tls_hosts: set[str] = set()
        any_tls = isinstance(tls, list) and bool(tls)
        for entry in tls if isinstance(tls, list) else []:
            hosts = entry.get("hosts") if isinstance(entry, Mapping) else None
            if not hosts:
                # no hosts: the controller's default (wildcard) certificate covers them all
                tls_hosts.add("*")
            elif isinstance(hosts, list):
                tls_hosts.update(str(h) for h in hosts)
        rules = spec.get("rules")
        rules = rules if isinstance(rules, list) else []
        reported = False
        for i, rule in enumerate(rules):
            host = rule.get("host") if isinstance(rule, Mapping) else None
            if not isinstance(host, str) or not host:
                continue
            if not _covered(host, tls_hosts):
                reported = True
                yield Violation((*obj.path, "spec", "rules", i, "host"),
                                f"{obj.label}: host '{host}' is served over plain HTTP: no "
                                "spec.tls entry lists it")
        if not any_tls and not reported:
            yield Violation((*obj.path, "spec"),
                            f"{obj.label}: no spec.tls; the Ingress serves plain HTTP")
