"""Pods and pod templates whose containers may run as root (``runAsNonRoot``).

The evaluation follows the Pod Security Standards' ``runAsNonRoot`` control exactly
(``../shared/spec/pss.md``), so the PSS rule can share it: an explicit ``false`` at pod
or container level is a violation, and otherwise every container must be covered by its
own ``true`` or the pod's.
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


def check(doc: Document, params: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    for pod in pod_specs(doc):
        yield from run_as_non_root_violations(pod)
