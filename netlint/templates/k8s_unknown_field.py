"""Unknown or mistyped fields in pod specs, checked against Kubernetes' strict schemas.

The API server silently drops a field it does not know (``runAsNonroot``), so a typo turns
a security control off without any error.  The schemas are the strict (no additional
properties) OpenAPI-derived JSON schemas bundled with the ``kubernetes-validate`` package
(``kubernetes-json-schema/v<version>-local-strict/_definitions.json``).

Only two questions are asked (is this key known, has this value the right JSON type), and
the schemas reachable from ``io.k8s.api.core.v1.PodSpec`` use only ``$ref``, ``type``,
``properties``, ``additionalProperties``, ``items`` and ``oneOf``, so a small walker over
the definitions answers them; it is much faster to start than a general JSON Schema
validator (no ``jsonschema``/``referencing`` import, no registry).  The definitions are
loaded once per schema version (cached for the process) and shared by every pod and pod
template of every workload kind; the package itself is never imported, only located.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from netlint.loaders.kubernetes import pod_specs
from netlint.templates.base import RuleContext, Violation
from netlint.yamlnodes import Document

TARGETS = ("kubernetes",)
PARAMS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "kubernetes-version": {
            "type": "string", "pattern": "^(latest|v?1\\.[0-9]+)$",
            "description": "schema version (the newest bundled one not newer than this)",
        },
    },
}
POD_SPEC = "io.k8s.api.core.v1.PodSpec"
_DIR = re.compile(r"^v1\.(\d+)\.\d+-local-strict$")


@cache
def _schema_root() -> Path:
    from importlib.util import find_spec

    spec = find_spec("kubernetes_validate")  # locates the package without importing it
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the kubernetes-validate package is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "kubernetes-json-schema"


@cache
def schema_versions() -> dict[int, str]:
    """Minor version -> bundled strict schema directory."""
    out = {}
    for entry in _schema_root().iterdir():
        m = _DIR.match(entry.name)
        if m:
            out[int(m[1])] = entry.name
    return out


def pick_version(wanted: str) -> str:
    versions = schema_versions()
    if not versions:
        raise RuntimeError("kubernetes-validate ships no strict schemas")
    if wanted == "latest":
        return versions[max(versions)]
    minor = int(wanted.removeprefix("v").split(".")[1])
    older = [v for v in versions if v <= minor]
    return versions[max(older) if older else min(versions)]


@cache
def definitions(schema_dir: str) -> dict[str, Any]:
    """The ``$defs`` of one schema version (read once per process)."""
    text = (_schema_root() / schema_dir / "_definitions.json").read_text(encoding="utf-8")
    return json.loads(text)["$defs"]  # type: ignore[no-any-return]


_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,), "array": (list,), "string": (str,), "boolean": (bool,),
    "integer": (int,), "number": (int, float), "null": (type(None),),
}


def _is(value: Any, kind: str) -> bool:
    if kind in ("integer", "number") and isinstance(value, bool):
        return False
    if kind == "integer" and isinstance(value, float):
        return value.is_integer()
    return isinstance(value, _JSON_TYPES.get(kind, (object,)))


class Problem:
    """An unknown key (``expected`` is None) or a value of the wrong type."""

    __slots__ = ("expected", "key", "known", "path", "value")

    def __init__(self, path: tuple[Any, ...], key: Any = None, known: list[str] | None = None,
                 expected: list[str] | None = None, value: Any = None) -> None:
        self.path, self.key, self.known = path, key, known or []
        self.expected, self.value = expected, value


def walk(defs: Mapping[str, Any], schema: Mapping[str, Any], value: Any,
         path: tuple[Any, ...]) -> Iterator[Problem]:
    ref = schema.get("$ref")
    if isinstance(ref, str):
        schema = defs.get(ref.rsplit("/", 1)[-1], {})
    branches = schema.get("oneOf")
    if isinstance(branches, list):
        kinds = [t for b in branches for t in _types(b)]
        if kinds and not any(_is(value, t) for t in kinds):
            yield Problem(path, expected=kinds, value=value)
        return
    kinds = _types(schema)
    if kinds and not any(_is(value, t) for t in kinds):
        yield Problem(path, expected=kinds, value=value)
        return
    if isinstance(value, dict):
        props = schema.get("properties") or {}
        extra = schema.get("additionalProperties", True)
        for key, sub in value.items():
            if key in props:
                yield from walk(defs, props[key], sub, (*path, key))
            elif extra is False:
                yield Problem((*path, key), key=key, known=list(props))
            elif isinstance(extra, dict):
                yield from walk(defs, extra, sub, (*path, key))
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for i, item in enumerate(value):
            yield from walk(defs, schema["items"], item, (*path, i))


def _types(schema: Mapping[str, Any]) -> list[str]:
    kinds = schema.get("type")
    if isinstance(kinds, str):
        return [kinds]
    return [k for k in kinds if isinstance(k, str)] if isinstance(kinds, list) else []


def _dotted(path: tuple[Any, ...]) -> str:
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else str(step))
    return out


_TYPE_NAMES = {"array": "a list", "object": "a mapping", "string": "a string",
               "integer": "an integer", "number": "a number", "boolean": "a boolean"}


def _found(value: Any) -> str:
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "null"
    kind = {bool: "boolean", int: "integer", float: "number"}.get(type(value), "string")
    shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:37] + "..."
    return f"{kind} {shown}"


def check(doc: Document, params: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    pods = pod_specs(doc)
    if not pods:
        return
    defs = definitions(pick_version(params.get("kubernetes-version", "latest")))
    pod_spec = defs[POD_SPEC]
    for pod in pods:
        spec_in_object = pod.spec_path[len(pod.obj.path):]  # spec.template.spec, ...
        for problem in walk(defs, pod_spec, pod.spec, ()):
            if problem.expected is None:
                where = _dotted((*spec_in_object, *problem.path[:-1]))
                key = problem.key
                close = difflib.get_close_matches(str(key), problem.known, n=1, cutoff=0.75)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                yield Violation((*pod.spec_path, *problem.path),
                                f"{pod.obj.label}: unknown field '{key}' in {where}{hint} "
                                "(the API server drops it)")
            else:
                where = _dotted((*spec_in_object, *problem.path))
                expected = " or ".join(_TYPE_NAMES.get(t, t) for t in problem.expected
                                       if t != "null")
                yield Violation((*pod.spec_path, *problem.path),
                                f"{pod.obj.label}: {where} should be {expected}, found "
                                f"{_found(problem.value)}")
