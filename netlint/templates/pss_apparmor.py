"""PSS appArmorProfile: AppArmor must not be turned off or overridden with a profile
other than the runtime default or a localhost one, in the fields or the beta annotations."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from netlint.loaders.kubernetes import PodSpec
from netlint.model.pss import document_check, mapping, params_schema, project_check, sc_path
from netlint.model.pss import scope as scope  # the engine asks it the scope
from netlint.templates.base import Violation

TARGETS = ("kubernetes",)
SCOPE = "project"  # with --pss-level namespace; otherwise document (see scope)
PARAMS_SCHEMA = params_schema()
ANNOTATION_PREFIX = "container.apparmor.security.beta.kubernetes.io/"
ALLOWED_TYPES = ("RuntimeDefault", "Localhost")


def _allowed_annotation(value: Any) -> bool:
    text = "" if value is None else str(value)
    return text in ("", "runtime/default") or text.startswith("localhost/")


def violations(pod: PodSpec, version: int, params: Mapping[str, Any]) -> Iterator[Violation]:
    where = pod.obj.label
    holders = [("pod", sc_path(pod), pod.security_context)]
    holders += [(c.described, sc_path(pod, c), c.security_context) for c in pod.containers()]
    for who, path, sc in holders:
        profile = sc.get("appArmorProfile")
        if profile is None:
            continue
        kind = mapping(profile).get("type")
        if kind not in ALLOWED_TYPES:
            yield Violation((*path, "appArmorProfile", "type") if "type" in mapping(profile)
                            else (*path, "appArmorProfile"),
                            f"{where}: {who} sets appArmorProfile type {kind!r}; only "
                            "RuntimeDefault or Localhost are allowed")
    for key, value in pod.annotations.items():
        if str(key).startswith(ANNOTATION_PREFIX) and not _allowed_annotation(value):
            yield Violation((*pod.template_path, "metadata", "annotations", key),
                            f"{where}: annotation {key} sets AppArmor profile {value!r}")


check_project = project_check(violations)
check = document_check(violations)  # the engine picks one by scope(options)
