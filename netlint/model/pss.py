"""Pod Security Standards: which level and policy version a pod is checked at.

Every PSS control is one rule (``rules/kubernetes/pss-*.yaml``) whose template yields the
violations of one pod at one policy version.  This module decides, once for all of them,
*whether* a control runs for a pod and at which version:

* the **level** (baseline or restricted) is ``--pss-level`` / config ``pss-level`` when
  set; ``namespace`` takes it from the pod's Namespace labels
  (``pod-security.kubernetes.io/enforce`` and ``enforce-version``) found anywhere in the
  scan; otherwise ("auto") it is derived from the selection: ``--select`` naming
  ``pss-baseline`` but not ``pss-restricted`` means baseline, anything else restricted.
  A rule named by its id in ``--select`` (with no explicit level) runs at its own level.
* a control runs at a version when its ``since`` version is reached, and not at
  restricted when the restricted level replaces it (``replaced-at-restricted``).

The version windows live in the rule files' params (``since``,
``replaced-at-restricted``), so the README's PSS table is generated from them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from netlint.loaders.kubernetes import PodSpec, objects, pod_specs
from netlint.options import LATEST_PSS_VERSION, ScanOptions, parse_pss_version
from netlint.templates.base import Project, RuleContext, Violation
from netlint.yamlnodes import Document

ENFORCE_LABEL = "pod-security.kubernetes.io/enforce"
ENFORCE_VERSION_LABEL = "pod-security.kubernetes.io/enforce-version"
LATEST = LATEST_PSS_VERSION[1]

_VERSION = re.compile(r"^v1\.(0|[1-9][0-9]*)$")
# Document.cache key: (rule id, policy version) -> that control's violations of every pod
# of the document, for the rule's own params (filled by the readiness collector)
SHARED_VIOLATIONS = "pss.violations"

# params every PSS control's rule file may carry (templates extend this schema)
VERSION_PATTERN = "^v1\\.(0|[1-9][0-9]*)$"
BASE_PROPERTIES: dict[str, Any] = {
    "control": {"type": "string", "description": "the upstream check's id"},
    "since": {"type": "string", "pattern": VERSION_PATTERN},
    "replaced-at-restricted": {"type": "string", "pattern": VERSION_PATTERN},
    "variants": {"type": "array", "items": {"type": "string"},
                 "description": "what changes at which version (documentation)"},
}


def params_schema(**extra: Any) -> dict[str, Any]:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["control", "since"],
        "properties": {**BASE_PROPERTIES, **extra},
    }


@cache
def minor(text: str) -> int:
    """``v1.N`` -> N (rule params are validated, so the text is well formed)."""
    return parse_pss_version(text)[1]


def parse_label_version(value: Any) -> int:
    """A namespace's ``enforce-version`` label: a bad value means latest."""
    if isinstance(value, str) and _VERSION.match(value):
        return min(int(value[3:]), LATEST)
    return LATEST


@dataclass(frozen=True)
class Setting:
    """The level and policy version one pod is checked at."""

    level: str  # "baseline" | "restricted"
    version: int  # the N of v1.N


def auto_level(ctx: RuleContext) -> str:
    """The level the selection asks for when no explicit level is given."""
    select = ctx.options.select
    if "pss-baseline" in select and "pss-restricted" not in select:
        return "baseline"
    return "restricted"


def _rule_level(ctx: RuleContext) -> str:
    return "baseline" if "pss-baseline" in ctx.rule.tags else "restricted"


def default_setting(ctx: RuleContext) -> Setting:
    version = parse_pss_version(ctx.options.pss_version)[1]
    level = ctx.options.pss_level
    if level not in ("baseline", "restricted"):
        level = _rule_level(ctx) if ctx.rule.id in ctx.options.select else auto_level(ctx)
    return Setting(level, version)


def namespace_settings(project: Project, ctx: RuleContext) -> dict[str, Setting | None]:
    """Namespace name -> its enforce level and version (None: privileged), for the
    Namespace objects of the scan that carry an enforce or enforce-version label."""
    key = "pss.namespaces"
    cached = ctx.shared.get(key)
    if cached is not None and cached[0] is project:
        return cached[1]  # type: ignore[no-any-return]
    default_version = parse_pss_version(ctx.options.pss_version)[1]
    out: dict[str, Setting | None] = {}
    for doc in project.of_kind("kubernetes"):
        for obj in objects(doc):
            if obj.kind != "Namespace" or obj.group != "":
                continue
            name = obj.metadata.get("name")
            labels = obj.metadata.get("labels")
            if not isinstance(name, str) or not isinstance(labels, Mapping) or name in out:
                continue
            if ENFORCE_LABEL not in labels and ENFORCE_VERSION_LABEL not in labels:
                continue
            level = labels.get(ENFORCE_LABEL, auto_level(ctx))
            version = (parse_label_version(labels[ENFORCE_VERSION_LABEL])
                       if ENFORCE_VERSION_LABEL in labels else default_version)
            if level == "privileged":
                out[name] = None
            else:
                # a bad enforce level means restricted (the admission controller fails closed)
                out[name] = Setting(level if level == "baseline" else "restricted", version)
    ctx.shared[key] = (project, out)
    return out


def runs(setting: Setting, params: Mapping[str, Any], ctx: RuleContext) -> bool:
    """Does this control apply at this level and version?"""
    if setting.version < minor(params["since"]):
        return False
    if setting.level == "baseline":
        return "pss-baseline" in ctx.rule.tags
    replaced = params.get("replaced-at-restricted")
    return replaced is None or setting.version < minor(replaced)


PodCheck = Callable[[PodSpec, int, Mapping[str, Any]], Iterator[Violation]]


def scope(options: ScanOptions) -> str:
    """The engine's scope for a PSS control: only ``--pss-level namespace`` needs the
    scan's Namespace objects (from other files); otherwise every pod is checked at the
    same level and version, document by document, as each file is loaded."""
    return "project" if options.pss_level == "namespace" else "document"


def document_check(check: PodCheck) -> Callable[[Document, Mapping[str, Any], RuleContext],
                                                Iterator[Violation]]:
    """Turn a per-pod control into a document-scope ``check`` at the default setting
    (the same violations as :func:`project_check` when no level comes from namespaces)."""

    last: list[tuple[RuleContext, Mapping[str, Any], Setting, bool] | None] = [None]

    def check_document(doc: Document, params: Mapping[str, Any],
                       ctx: RuleContext) -> Iterator[Violation]:
        cached = last[0]  # one context per rule and scan: computed once
        if cached is None or cached[0] is not ctx or cached[1] is not params:
            setting = default_setting(ctx)
            cached = last[0] = (ctx, params, setting, runs(setting, params, ctx))
        _, _, setting, applies = cached
        if not applies:
            return
        # the PSS readiness records (netlint/compliance/readiness.py) already checked
        # this document's pods with this control at this version while loading
        shared = doc.cache.get(SHARED_VIOLATIONS)
        if shared is not None and params is ctx.rule.params:
            found = shared.get((ctx.rule.id, setting.version))
            if found is not None:
                yield from found
                return
        for pod in pod_specs(doc):
            yield from check(pod, setting.version, params)

    return check_document


def project_check(check: PodCheck) -> Callable[[Project, Mapping[str, Any], RuleContext],
                                                Iterator[Violation]]:
    """Turn a per-pod control into a project-scope ``check_project``: every pod and pod
    template of the scan, at the level and version that apply to it."""

    def check_project(project: Project, params: Mapping[str, Any],
                      ctx: RuleContext) -> Iterator[Violation]:
        default = default_setting(ctx)
        by_namespace = (namespace_settings(project, ctx)
                        if ctx.options.pss_level == "namespace" else {})
        for doc in project.of_kind("kubernetes"):
            for pod in pod_specs(doc):
                setting: Setting | None = default
                if by_namespace:
                    ns = pod.obj.namespace(ctx.options.namespace)
                    setting = by_namespace.get(ns, default)
                if setting is None or not runs(setting, params, ctx):
                    continue
                for v in check(pod, setting.version, params):
                    yield Violation(v.path, v.message, doc=doc, context=v.context)

    return check_project


# --- helpers the controls share ------------------------------------------------------


_EMPTY: Mapping[str, Any] = {}


def mapping(value: Any) -> Mapping[str, Any]:
    # parsed documents hold dicts (YMap); the dict test is much cheaper than the ABC's
    return value if isinstance(value, dict) else _EMPTY


def sc_path(pod: PodSpec, container: Any = None) -> tuple[Any, ...]:
    """Path of the pod's (or a container's) securityContext."""
    if container is None:
        return (*pod.spec_path, "securityContext")
    return (*container.path, "securityContext")


def is_true(value: Any) -> bool:
    return value is True


def is_windows(pod: PodSpec) -> bool:
    return mapping(pod.spec.get("os")).get("name") == "windows"


def host_users_false(pod: PodSpec) -> bool:
    return pod.spec.get("hostUsers") is False
