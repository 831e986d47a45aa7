"""Pods and pod templates whose ``hostPath`` volumes mount a sensitive host path (the same
list as Compose bind mounts: ``netlint/model/hostpaths.py``).

This is not a Pod Security Standards level check: it runs at every level, so a hostPath of
``/`` or of the container runtime's socket is an error naming the path whether the PSS
control that also reports it (hostPathVolumes, restrictedVolumes) runs or not; the
engine's same-defect resolution keeps this, the more severe finding, at that place."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from netlint.loaders.kubernetes import PodSpec, pod_specs
from netlint.model.hostpaths import SENSITIVE_PATHS, describe, sensitive
from netlint.templates.base import RuleContext, Violation
from netlint.yamlnodes import Document

TARGETS = ("kubernetes",)
PARAMS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {"paths": {"type": "array", "items": {"type": "string"}}},
}


def _read_only(pod: PodSpec, volume: str) -> bool:
    """Every container that mounts the volume mounts it read-only (and one does)."""
    mounts = [m for c in pod.containers() for m in (c.value.get("volumeMounts") or ())
              if isinstance(m, Mapping) and m.get("name") == volume]
    return bool(mounts) and all(m.get("readOnly") is True for m in mounts)


def check(doc: Document, params: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    paths = params.get("paths", SENSITIVE_PATHS)
    for pod in pod_specs(doc):
        volumes = pod.spec.get("volumes")
        if not isinstance(volumes, list):
            continue
        for i, vol in enumerate(volumes):
            host = vol.get("hostPath") if isinstance(vol, Mapping) else None
            source = host.get("path") if isinstance(host, Mapping) else None
            if not isinstance(source, str):
                continue
            name = vol.get("name", i)
            read_only = _read_only(pod, name) if isinstance(name, str) else False
            hit = sensitive(source, paths, read_only)
            if hit is None:
                continue
            mode = "read-only" if read_only else "read-write"
            yield Violation((*pod.spec_path, "volumes", i, "hostPath"),
                            f"{pod.obj.label}: volume '{name}' mounts the host path "
                            f"{describe(source, hit)} ({mode})")
