"""Environment variables that switch TLS certificate verification off.

Kubernetes containers (``env`` list) and Compose services (``environment`` list or
mapping).  Which names and values disable verification is data: the rule's ``params``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from netlint.loaders.kubernetes import pod_specs
from netlint.templates.base import RuleContext, Violation
from netlint.yamlnodes import Document, Path

TARGETS = ("kubernetes", "compose")
PARAMS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["variables"],
    "properties": {
        "variables": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["name", "values"],
                "properties": {
                    "name": {"type": "string", "description": "regex on the full name"},
                    "values": {"type": "array", "items": {"type": "string"}},
                },
            },
        },
    },
}


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value).strip().strip("'\"").lower()


def _matcher(params: Mapping[str, Any]) -> list[tuple[re.Pattern[str], set[str]]]:
    return [(re.compile(v["name"] + r"\Z"), {x.lower() for x in v["values"]})
            for v in params.get("variables", ())]


def _hit(name: str, value: Any, rules: list[tuple[re.Pattern[str], set[str]]]) -> bool:
    return any(p.match(name) and _text(value) in values for p, values in rules)


def _k8s(doc: Document, rules: list[tuple[re.Pattern[str], set[str]]]
         ) -> Iterator[Violation]:
    for pod in pod_specs(doc):
        for c in pod.containers():
            env = c.value.get("env")
            for i, item in enumerate(env if isinstance(env, list) else []):
                if not isinstance(item, Mapping) or "value" not in item:
                    continue
                name = str(item.get("name", ""))
                if _hit(name, item["value"], rules):
                    yield Violation((*c.path, "env", i),
                                    f"{pod.obj.label}: {c.described} sets {name}="
                                    f"{_text(item['value'])!r}, which turns TLS or its "
                                    "certificate verification off")


def _compose(doc: Document, rules: list[tuple[re.Pattern[str], set[str]]]
             ) -> Iterator[Violation]:
    services = doc.value.get("services")
    for svc_name, svc in services.items() if isinstance(services, Mapping) else ():
        env = svc.get("environment") if isinstance(svc, Mapping) else None
        entries: list[tuple[Path, str, Any]] = []
        base: Path = ("services", svc_name, "environment")
        if isinstance(env, Mapping):
            entries = [((*base, k), str(k), v) for k, v in env.items()]
        elif isinstance(env, list):
            for i, item in enumerate(env):
                if isinstance(item, str) and "=" in item:
                    k, _, v = item.partition("=")
                    entries.append(((*base, i), k.strip(), v))
        for path, name, value in entries:
            if _hit(name, value, rules):
                yield Violation(path, f"service '{svc_name}' sets {name}={_text(value)!r}, "
                                      "which turns TLS or its certificate verification off")


def check(doc: Document, params: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    rules = _matcher(params)
    if doc.kind == "kubernetes":
        yield from _k8s(doc, rules)
    elif doc.kind == "compose":
        yield from _compose(doc, rules)
