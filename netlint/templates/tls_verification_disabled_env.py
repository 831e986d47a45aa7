"""Environment variables and command-line flags that switch TLS certificate verification
off.

Kubernetes containers (``env`` list, ``command`` and ``args``) and Compose services
(``environment`` list or mapping, ``command`` and ``entrypoint``, string or list).  Which
names, flags and values disable verification is data: the rule's ``params``.  A flag
matches as ``--flag``, ``--flag=value`` or ``--flag value`` (case-insensitive name), with
a value from its list ("" is the bare flag); a flag with a ``program`` counts only when
that program is the command (``curl -k``).
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
        "flags": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["name", "values"],
                "properties": {
                    "name": {"type": "string"},
                    "values": {"type": "array", "items": {"type": "string"}},
                    "program": {"type": "string", "description": "basename of the command"},
                    "effect": {"type": "string", "description": "what the flag does, for "
                               "the message (default: turns TLS certificate verification off)"},
                },
            },
        },
    },
}

Flag = tuple[str, frozenset[str], str | None, str]
DEFAULT_EFFECT = "turns TLS certificate verification off"


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value).strip().strip("'\"").lower()


def _matcher(params: Mapping[str, Any]) -> list[tuple[re.Pattern[str], set[str]]]:
    return [(re.compile(v["name"] + r"\Z"), {x.lower() for x in v["values"]})
            for v in params.get("variables", ())]


def _hit(name: str, value: Any, rules: list[tuple[re.Pattern[str], set[str]]]) -> bool:
    return any(p.match(name) and _text(value) in values for p, values in rules)


def _flags(params: Mapping[str, Any]) -> list[Flag]:
    return [(f["name"].lower(), frozenset(v.lower() for v in f["values"]), f.get("program"),
             f.get("effect", DEFAULT_EFFECT)) for f in params.get("flags", ())]


def _words(value: Any, path: Path) -> list[tuple[str, Path]]:
    """A command as (word, path of the value holding it): a list item by item, a string
    split on white space (all words at the string's path)."""
    if isinstance(value, str):
        return [(w, path) for w in value.split()]
    if isinstance(value, list):
        out: list[tuple[str, Path]] = []
        for i, item in enumerate(value):
            if isinstance(item, (str, int, float)) and not isinstance(item, bool):
                out.extend((w, (*path, i)) for w in str(item).split())
        return out
    return []


def flag_hits(words: list[tuple[str, Path]], flags: list[Flag]
              ) -> Iterator[tuple[str, Path, str]]:
    """(the flag as written, where, its effect) for every flag that switches verification
    off."""
    program = words[0][0].rsplit("/", 1)[-1].lower() if words else ""
    for i, (word, where) in enumerate(words):
        name, eq, inline = word.partition("=")
        name = name.lower()
        for flag, values, needs, effect in flags:
            if name != flag or (needs is not None and program != needs):
                continue
            if eq:
                value = inline.strip("'\"").lower()
            else:
                following = words[i + 1][0].lower() if i + 1 < len(words) else ""
                value = following if following in values - {""} else ""
            if value in values:
                yield (word if eq or not value else f"{word} {value}"), where, effect


def _k8s(doc: Document, rules: list[tuple[re.Pattern[str], set[str]]], flags: list[Flag]
         ) -> Iterator[Violation]:
    for pod in pod_specs(doc):
        for c in pod.containers():
            words = [*_words(c.value.get("command"), (*c.path, "command")),
                     *_words(c.value.get("args"), (*c.path, "args"))]
            for shown, where, effect in flag_hits(words, flags):
                yield Violation(where, f"{pod.obj.label}: {c.described} passes {shown}, "
                                       f"which {effect}")
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


def _compose(doc: Document, rules: list[tuple[re.Pattern[str], set[str]]], flags: list[Flag]
             ) -> Iterator[Violation]:
    services = doc.value.get("services")
    for svc_name, svc in services.items() if isinstance(services, Mapping) else ():
        if isinstance(svc, Mapping):
            words = [*_words(svc.get("entrypoint"), ("services", svc_name, "entrypoint")),
                     *_words(svc.get("command"), ("services", svc_name, "command"))]
            for shown, where, effect in flag_hits(words, flags):
                yield Violation(where, f"service '{svc_name}' passes {shown}, which {effect}")
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
    flags = _flags(params)
    if doc.kind == "kubernetes":
        yield from _k8s(doc, rules, flags)
    elif doc.kind == "compose":
        yield from _compose(doc, rules, flags)
