"""PSS hostPathVolumes: no ``hostPath`` volume."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from netlint.loaders.kubernetes import PodSpec
from netlint.model.pss import document_check, params_schema, project_check
from netlint.model.pss import scope as scope  # the engine asks it the scope
from netlint.templates.base import Violation

TARGETS = ("kubernetes",)
SCOPE = "project"  # with --pss-level namespace; otherwise document (see scope)
PARAMS_SCHEMA = params_schema()


def violations(pod: PodSpec, version: int, params: Mapping[str, Any]) -> Iterator[Violation]:
    volumes = pod.spec.get("volumes")
    if not isinstance(volumes, list):
        return
    for i, vol in enumerate(volumes):
        if isinstance(vol, Mapping) and vol.get("hostPath") is not None:
            path = vol["hostPath"].get("path") if isinstance(vol["hostPath"], Mapping) else None
            shown = f" ({path})" if isinstance(path, str) else ""
            yield Violation((*pod.spec_path, "volumes", i, "hostPath"),
                            f"{pod.obj.label}: volume '{vol.get('name', i)}' mounts a host "
                            f"path{shown}")


check_project = project_check(violations)
check = document_check(violations)  # the engine picks one by scope(options)
