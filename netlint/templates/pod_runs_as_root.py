"""Pods and pod templates whose containers may run as root (``runAsNonRoot``).

Two evaluations live here:

* :func:`run_as_non_root_violations` follows the Pod Security Standards' ``runAsNonRoot``
  control exactly (``../shared/spec/pss.md``) for the PSS rule: an explicit ``false`` at
  pod level is a violation even when every container overrides it;
* :func:`runtime_violations` (this template's ``check``) follows what the kubelet does:
  a container's own ``runAsNonRoot`` or ``runAsUser`` overrides the pod's, and a
  non-zero ``runAsUser`` runs the container as that UID.  A container (init and
  ephemeral ones too) may run as root when its effective ``runAsNonRoot`` is not true and
  its effective ``runAsUser`` is not a positive UID.  A pod-level ``false`` that some
  container inherits is reported once, at the pod, naming those containers.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from netlint.loaders.kubernetes import PodSpec, pod_specs
from netlint.templates.base import RuleContext, Violation
from netlint.yamlnodes import Document

TARGETS = ("kubernetes",)
PARAMS_SCHEMA: dict[str, Any] = {"type": "object", "additionalProperties": False}


def run_as_non_root_violations(pod: PodSpec) -> Iterator[Violation]:
    where = pod.obj.label
    psc = pod.security_context
    pod_setting = psc.get("runAsNonRoot")
    sc_path = (*pod.spec_path, "securityContext")
    if pod_setting is False:
        yield Violation((*sc_path, "runAsNonRoot"), f"{where}: pod sets runAsNonRoot: false")
    elif pod_setting is not None and pod_setting is not True:
        # "true" as a string is rejected by the API server's schema; either way it does
        # not protect the containers
        yield Violation(
            (*sc_path, "runAsNonRoot"),
            f"{where}: runAsNonRoot must be the boolean true, found {pod_setting!r}",
        )
    for c in pod.containers():
        setting = c.security_context.get("runAsNonRoot")
        if setting is False:
            yield Violation(
                (*c.path, "securityContext", "runAsNonRoot"),
                f"{where}: {c.described} sets runAsNonRoot: false",
            )
        elif setting is not True and pod_setting is None:
            target = (*c.path, "securityContext") if "securityContext" in c.value else c.path
            yield Violation(
                target,
                f"{where}: {c.described} may run as root: add runAsNonRoot: true to its "
                "securityContext or to the pod's securityContext",
            )


def _positive_uid(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def runtime_violations(pod: PodSpec) -> Iterator[Violation]:
    where = pod.obj.label
    psc = pod.security_context
    pod_flag, pod_uid = psc.get("runAsNonRoot"), psc.get("runAsUser")
    inheriting_false: list[str] = []
    for c in pod.containers():
        sc = c.security_context
        flag = sc.get("runAsNonRoot", pod_flag) if "runAsNonRoot" in sc else pod_flag
        uid = sc.get("runAsUser") if "runAsUser" in sc else pod_uid
        if flag is True or _positive_uid(uid):
            continue
        if "runAsNonRoot" in sc and sc["runAsNonRoot"] is not None:
            shown = "false" if sc["runAsNonRoot"] is False else repr(sc["runAsNonRoot"])
            yield Violation((*c.path, "securityContext", "runAsNonRoot"),
                            f"{where}: {c.described} sets runAsNonRoot: {shown}")
        elif pod_flag is not None:
            inheriting_false.append(c.described)
        else:
            target = (*c.path, "securityContext") if "securityContext" in c.value else c.path
            yield Violation(
                target,
                f"{where}: {c.described} may run as root: add runAsNonRoot: true (or a "
                "non-zero runAsUser) to its securityContext or to the pod's securityContext",
            )
    if inheriting_false:
        shown = "false" if pod_flag is False else repr(pod_flag)
        yield Violation((*pod.spec_path, "securityContext", "runAsNonRoot"),
                        f"{where}: pod sets runAsNonRoot: {shown}, which "
                        f"{', '.join(inheriting_false)} inherit(s)")


def check(doc: Document, params: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    for pod in pod_specs(doc):
        yield from runtime_violations(pod)
