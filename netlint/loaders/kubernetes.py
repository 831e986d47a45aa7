"""Kubernetes objects of a document, and the pod specs inside workload objects.

A document may hold one object or a ``kind: List`` (``v1`` ``List`` or any ``*List``) whose
``items`` are objects; every object is returned with the path that leads to it, so that
findings inside a List item point at that item.  Results are cached on the document: many
rules read the same pod specs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from netlint.yamlnodes import Document, Path

# kind -> path from the object to its pod template (the mapping holding metadata + spec);
# () means the object itself is the pod.
POD_TEMPLATE_PATHS: dict[str, Path] = {
    "Pod": (),
    "PodTemplate": ("template",),
    "ReplicationController": ("spec", "template"),
    "ReplicaSet": ("spec", "template"),
    "Deployment": ("spec", "template"),
    "StatefulSet": ("spec", "template"),
    "DaemonSet": ("spec", "template"),
    "Job": ("spec", "template"),
    "CronJob": ("spec", "jobTemplate", "spec", "template"),
}

# API groups that define the kinds above; a CRD elsewhere may reuse a kind name.
_WORKLOAD_GROUPS = frozenset({"", "apps", "batch", "extensions"})

# workload kinds of well-known extensions, by (API group, kind): their pod template runs
# pods like a Deployment's (OpenShift's DeploymentConfig, also served as ``v1`` by
# OpenShift 3; Argo Rollouts' Rollout, whose template may instead come from a
# ``workloadRef``, which then holds no pod spec here)
EXTENSION_WORKLOADS: dict[tuple[str, str], Path] = {
    ("apps.openshift.io", "DeploymentConfig"): ("spec", "template"),
    ("", "DeploymentConfig"): ("spec", "template"),
    ("argoproj.io", "Rollout"): ("spec", "template"),
}

CONTAINER_FIELDS = ("initContainers", "containers", "ephemeralContainers")


@dataclass(frozen=True)
class K8sObject:
    """One Kubernetes object: its values, path from the document root, identity."""

    doc: Document
    path: Path
    value: Mapping[str, Any]
    api_version: str
    kind: str

    @property
    def metadata(self) -> Mapping[str, Any]:
        meta = self.value.get("metadata")
        return meta if isinstance(meta, Mapping) else {}

    @property
    def name(self) -> str:
        name = self.metadata.get("name")
        if isinstance(name, str):
            return name
        generate = self.metadata.get("generateName")
        return f"{generate}*" if isinstance(generate, str) else "<unnamed>"

    def namespace(self, default: str = "default") -> str:
        ns = self.metadata.get("namespace")
        return ns if isinstance(ns, str) and ns else default

    @property
    def group(self) -> str:
        return self.api_version.rpartition("/")[0] if "/" in self.api_version else ""

    @property
    def label(self) -> str:
        """Human name used in messages: ``Deployment/web``."""
        return f"{self.kind}/{self.name}"


@dataclass(frozen=True)
class Container:
    """One container of a pod spec, with the path to it."""

    field: str  # "containers" | "initContainers" | "ephemeralContainers"
    index: int
    value: Mapping[str, Any]
    path: Path  # from the document root

    @property
    def name(self) -> str:
        name = self.value.get("name")
        return name if isinstance(name, str) else f"{self.field}[{self.index}]"

    @property
    def security_context(self) -> Mapping[str, Any]:
        sc = self.value.get("securityContext")
        return sc if isinstance(sc, Mapping) else {}

    @property
    def described(self) -> str:
        noun = {"containers": "container", "initContainers": "init container"}.get(
            self.field, "ephemeral container"
        )
        return f"{noun} '{self.name}'"


@dataclass(frozen=True)
class PodSpec:
    """The pod (or pod template) inside a workload object."""

    obj: K8sObject
    template_path: Path  # from the document root to the mapping holding metadata/spec
    spec: Mapping[str, Any]

    @property
    def spec_path(self) -> Path:
        return (*self.template_path, "spec")

    @property
    def metadata(self) -> Mapping[str, Any]:
        holder = _get(self.obj.doc.value, self.template_path)
        meta = holder.get("metadata") if isinstance(holder, Mapping) else None
        return meta if isinstance(meta, Mapping) else {}

    @property
    def annotations(self) -> Mapping[str, Any]:
        ann = self.metadata.get("annotations")
        return ann if isinstance(ann, Mapping) else {}

    @property
    def labels(self) -> Mapping[str, Any]:
        labels = self.metadata.get("labels")
        return labels if isinstance(labels, Mapping) else {}

    @property
    def security_context(self) -> Mapping[str, Any]:
        sc = self.spec.get("securityContext")
        return sc if isinstance(sc, Mapping) else {}

    @property
    def is_template(self) -> bool:
        return self.obj.kind != "Pod"

    def containers(self) -> list[Container]:
        out: list[Container] = []
        for fld in CONTAINER_FIELDS:
            items = self.spec.get(fld)
            if not isinstance(items, list):
                continue
            for i, c in enumerate(items):
                if isinstance(c, Mapping):
                    out.append(Container(fld, i, c, (*self.spec_path, fld, i)))
        return out


def _get(value: Any, path: Path) -> Any:
    for step in path:
        if isinstance(value, Mapping):
            value = value.get(step)
        elif isinstance(value, list) and isinstance(step, int) and 0 <= step < len(value):
            value = value[step]
        else:
            return None
    return value


def get(value: Any, path: Path) -> Any:
    """The value at ``path`` or None when any step is missing or of the wrong type."""
    return _get(value, path)


def is_kubernetes_object(value: Any) -> bool:
    return (
        isinstance(value, Mapping)
        and isinstance(value.get("apiVersion"), str)
        and isinstance(value.get("kind"), str)
        and bool(value.get("kind"))
    )


def objects(doc: Document) -> list[K8sObject]:
    """Every object in the document, List items expanded (nested Lists too)."""
    cached = doc.cache.get("k8s.objects")
    if cached is None:
        cached = []
        _collect(doc, doc.value, (), cached, depth=0)
        doc.cache["k8s.objects"] = cached
    return cached  # type: ignore[no-any-return]


def _collect(doc: Document, value: Any, path: Path, out: list[K8sObject], depth: int) -> None:
    if not is_kubernetes_object(value):
        return
    kind = value["kind"]
    items = value.get("items")
    if kind.endswith("List") and isinstance(items, list) and depth < 8:
        for i, item in enumerate(items):
            _collect(doc, item, (*path, "items", i), out, depth + 1)
        return
    out.append(K8sObject(doc, path, value, value["apiVersion"], kind))


def pod_specs(doc: Document) -> list[PodSpec]:
    """Pod specs of every Pod and workload template in the document."""
    cached = doc.cache.get("k8s.pod_specs")
    if cached is None:
        cached = []
        for obj in objects(doc):
            rel = POD_TEMPLATE_PATHS.get(obj.kind) if obj.group in _WORKLOAD_GROUPS else None
            if rel is None:
                rel = EXTENSION_WORKLOADS.get((obj.group, obj.kind))
            if rel is None:
                continue
            holder = _get(obj.value, rel)
            if not isinstance(holder, Mapping):
                continue
            spec = holder.get("spec")
            if not isinstance(spec, Mapping):
                continue  # `spec: null` or missing: nothing a pod would run
            cached.append(PodSpec(obj, (*obj.path, *rel), spec))
        doc.cache["k8s.pod_specs"] = cached
    return cached  # type: ignore[no-any-return]
