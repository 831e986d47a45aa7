"""PSS hostNamespaces: ``hostNetwork``, ``hostPID`` and ``hostIPC`` must be unset or false."""

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
FIELDS = ("hostNetwork", "hostPID", "hostIPC")


def violations(pod: PodSpec, version: int, params: Mapping[str, Any]) -> Iterator[Violation]:
    for name in FIELDS:
        if pod.spec.get(name) is True:
            yield Violation((*pod.spec_path, name),
                            f"{pod.obj.label}: pod sets {name}: true")


check_project = project_check(violations)
check = document_check(violations)  # the engine picks one by scope(options)
