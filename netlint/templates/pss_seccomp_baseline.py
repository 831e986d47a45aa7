"""PSS seccompProfile (baseline): seccomp must not be turned off.

Before v1.19 the policy reads the alpha annotations (pod and per container name); from
v1.19 it reads the ``seccompProfile`` fields.  Each era reads only its own source."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from netlint.loaders.kubernetes import PodSpec
from netlint.model.pss import document_check, mapping, minor, params_schema, project_check, sc_path
from netlint.model.pss import scope as scope  # the engine asks it the scope
from netlint.templates.base import Violation

TARGETS = ("kubernetes",)
SCOPE = "project"  # with --pss-level namespace; otherwise document (see scope)
PARAMS_SCHEMA = params_schema(**{
    "fields-from": {"type": "string", "pattern": "^v1\\.(0|[1-9][0-9]*)$"},
})
POD_ANNOTATION = "seccomp.security.alpha.kubernetes.io/pod"
CONTAINER_ANNOTATION = "container.seccomp.security.alpha.kubernetes.io/"
VALID_TYPES = ("RuntimeDefault", "Localhost")


def valid_annotation(value: Any) -> bool:
    return isinstance(value, str) and (
        value in ("runtime/default", "docker/default") or value.startswith("localhost/"))


def annotation_violations(pod: PodSpec) -> Iterator[Violation]:
    ann = pod.annotations
    base = (*pod.template_path, "metadata", "annotations")
    keys = [POD_ANNOTATION] + [CONTAINER_ANNOTATION + c.name for c in pod.containers()
                               if isinstance(c.value.get("name"), str)]
    for key in dict.fromkeys(keys):
        if key in ann and not valid_annotation(ann[key]):
            yield Violation((*base, key),
                            f"{pod.obj.label}: annotation {key} sets seccomp profile "
                            f"{ann[key]!r}")


def field_violations(pod: PodSpec) -> Iterator[Violation]:
    holders = [("pod", sc_path(pod), pod.security_context)]
    holders += [(c.described, sc_path(pod, c), c.security_context) for c in pod.containers()]
    for who, path, sc in holders:
        profile = sc.get("seccompProfile")
        if profile is None:
            continue
        kind = mapping(profile).get("type")
        if kind not in VALID_TYPES:
            target = ((*path, "seccompProfile", "type") if "type" in mapping(profile)
                      else (*path, "seccompProfile"))
            shown = f"type {kind!r}" if kind is not None else "without a type"
            yield Violation(target, f"{pod.obj.label}: {who} sets seccompProfile {shown}; "
                                    "use type RuntimeDefault or Localhost")


def violations(pod: PodSpec, version: int, params: Mapping[str, Any]) -> Iterator[Violation]:
    if version < minor(params.get("fields-from", "v1.19")):
        yield from annotation_violations(pod)
    else:
        yield from field_violations(pod)


check_project = project_check(violations)
check = document_check(violations)  # the engine picks one by scope(options)
