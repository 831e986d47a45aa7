"""PSS restrictedVolumes: only the volume types the restricted level allows.

A volume with no source at all is an ``emptyDir`` (the API server defaults it)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from netlint.loaders.kubernetes import PodSpec
from netlint.model.pss import document_check, params_schema, project_check
from netlint.model.pss import scope as scope  # the engine asks it the scope
from netlint.templates.base import Violation

TARGETS = ("kubernetes",)
SCOPE = "project"  # with --pss-level namespace; otherwise document (see scope)
PARAMS_SCHEMA = params_schema(allowed={"type": "array", "items": {"type": "string"}})


def violations(pod: PodSpec, version: int, params: Mapping[str, Any]) -> Iterator[Violation]:
    volumes = pod.spec.get("volumes")
    if not isinstance(volumes, list):
        return
    allowed = frozenset(params.get("allowed", ()))
    for i, vol in enumerate(volumes):
        if not isinstance(vol, Mapping):
            continue
        for key, value in vol.items():
            if key == "name" or value is None or (isinstance(key, str) and key in allowed):
                continue
            yield Violation((*pod.spec_path, "volumes", i, key),
                            f"{pod.obj.label}: volume '{vol.get('name', i)}' is of type "
                            f"{key}, which the restricted level does not allow")


check_project = project_check(violations)
check = document_check(violations)  # the engine picks one by scope(options)
