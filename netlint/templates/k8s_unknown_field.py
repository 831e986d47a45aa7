"""Unknown or mistyped fields in pod specs, checked against Kubernetes' strict schemas.

The API server silently drops a field it does not know (``runAsNonroot``), so a typo turns
a security control off without any error.  The schemas are the strict (no additional
properties) OpenAPI-derived JSON schemas bundled with the ``kubernetes-validate`` package
(``kubernetes-json-schema/v<version>-local-strict/_definitions.json``).  One validator for
``io.k8s.api.core.v1.PodSpec`` is built per schema version and reused for every pod and pod
template of every workload kind; ``kubernetes_validate``, ``jsonschema`` and
``referencing`` are imported only when this rule runs.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterator, Mapping
from functools import cache
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
POD_SPEC_REF = "https://kubernetes.io/api/_definitions.json#/$defs/io.k8s.api.core.v1.PodSpec"
_DIR = re.compile(r"^v1\.(\d+)\.\d+-local-strict$")


def _schema_root() -> Any:
    from importlib import resources

    return resources.files("kubernetes_validate").joinpath("kubernetes-json-schema")


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
def pod_spec_validator(schema_dir: str) -> Any:
    """One Draft 2020-12 validator for PodSpec per schema version (cached for the process)."""
    import jsonschema
    from referencing import Registry, Resource

    text = _schema_root().joinpath(schema_dir, "_definitions.json").read_text(encoding="utf-8")
    definitions = Resource.from_contents(json.loads(text))
    registry: Registry[Any] = definitions @ Registry()
    return jsonschema.Draft202012Validator({"$ref": POD_SPEC_REF}, registry=registry)


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


def _errors(error: Any) -> Iterator[Any]:
    """The leaf errors: a failed ``$ref``/``allOf`` keeps its causes in ``context``."""
    if error.context and error.validator not in ("oneOf", "anyOf"):
        for sub in error.context:
            yield from _errors(sub)
    else:
        yield error


def check(doc: Document, params: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    pods = pod_specs(doc)
    if not pods:
        return
    validator = pod_spec_validator(pick_version(params.get("kubernetes-version", "latest")))
    for pod in pods:
        spec_in_object = pod.spec_path[len(pod.obj.path):]  # spec.template.spec, ...
        for top in validator.iter_errors(pod.spec):
            for err in _errors(top):
                rel = tuple(err.absolute_path)
                where = _dotted((*spec_in_object, *rel))
                if err.validator == "additionalProperties" and isinstance(err.instance, Mapping):
                    known = list(err.schema.get("properties", {}))
                    for key in err.instance:
                        if key in known:
                            continue
                        close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.75)
                        hint = f"; did you mean '{close[0]}'?" if close else ""
                        yield Violation((*pod.spec_path, *rel, key),
                                        f"{pod.obj.label}: unknown field '{key}' in {where}"
                                        f"{hint} (the API server drops it)")
                elif err.validator == "type":
                    wanted = err.validator_value
                    names = wanted if isinstance(wanted, list) else [wanted]
                    expected = " or ".join(_TYPE_NAMES.get(str(t), str(t)) for t in names
                                           if t != "null")
                    yield Violation((*pod.spec_path, *rel),
                                    f"{pod.obj.label}: {where} should be {expected}, found "
                                    f"{_found(err.instance)}")
