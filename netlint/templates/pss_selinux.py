"""PSS seLinuxOptions: no custom SELinux user or role, and only the container types."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from netlint.loaders.kubernetes import PodSpec
from netlint.model.pss import document_check, minor, params_schema, project_check, sc_path
from netlint.model.pss import scope as scope  # the engine asks it the scope
from netlint.templates.base import Violation

TARGETS = ("kubernetes",)
SCOPE = "project"  # with --pss-level namespace; otherwise document (see scope)
PARAMS_SCHEMA = params_schema(
    types={"type": "object", "description": "policy version -> SELinux types it adds",
           "additionalProperties": {"type": "array", "items": {"type": "string"}}},
)


def allowed_types(params: Mapping[str, Any], version: int) -> frozenset[str]:
    out = {""}
    for since, names in params.get("types", {}).items():
        if minor(since) <= version:
            out.update(names)
    return frozenset(out)


def violations(pod: PodSpec, version: int, params: Mapping[str, Any]) -> Iterator[Violation]:
    types = allowed_types(params, version)
    holders = [("pod", sc_path(pod), pod.security_context)]
    holders += [(c.described, sc_path(pod, c), c.security_context) for c in pod.containers()]
    for who, path, sc in holders:
        opts = sc.get("seLinuxOptions")
        if not isinstance(opts, Mapping):
            continue
        kind = opts.get("type")
        if kind is not None and not (isinstance(kind, str) and kind in types):
            yield Violation((*path, "seLinuxOptions", "type"),
                            f"{pod.obj.label}: {who} sets SELinux type {kind!r}")
        for field in ("user", "role"):
            value = opts.get(field)
            if value is not None and value != "":
                yield Violation((*path, "seLinuxOptions", field),
                                f"{pod.obj.label}: {who} sets a custom SELinux {field} "
                                f"{value!r}")


check_project = project_check(violations)
check = document_check(violations)  # the engine picks one by scope(options)
