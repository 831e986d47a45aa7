"""Envoy documents of one scan, grouped into deployments.

A bootstrap whose ``dynamic_resources`` load listeners or clusters from files
(``lds_config``/``cds_config`` with ``path_config_source.path`` or the older ``path``) and
those LDS/CDS files form one deployment: a rule that reads a cluster in ``cds.yaml`` may
need the listeners of ``lds.yaml`` that use it.  The referenced path is the deployed one
(``/etc/envoy/lds.yaml``), so a file of the scan matches when it is that path relative to
the bootstrap, or has its name and sits in the bootstrap's directory or (failing both) is
the only file of the scan with that name.

Rules that collect records while loading group the records with :func:`deployments`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from netlint.model.envoy import dynamic_resource_paths
from netlint.yamlnodes import Document, Path

T = TypeVar("T")


@dataclass
class EnvoyIndex:
    """Which Envoy documents belong together, and the file references that resolved."""

    groups: dict[int, list[Document]] = field(default_factory=dict)  # id(doc) -> group
    # (bootstrap, path in it, "lds"|"cds", referenced file, resolved document or None)
    references: list[tuple[Document, Path, str, str, Document | None]] = field(
        default_factory=list)

    def related(self, doc: Document) -> list[Document]:
        """The documents deployed with ``doc`` (itself included)."""
        return self.groups.get(id(doc), [doc])


def _norm(path: str) -> str:
    return os.path.normcase(os.path.normpath(path))


def build_index(documents: Iterable[Document]) -> EnvoyIndex:
    docs = [d for d in documents if d.kind == "envoy"]
    index = EnvoyIndex()
    index.groups, index.references = deployments(
        docs, lambda d: d.source.path, dynamic_resource_paths)
    return index


def deployments(items: Sequence[T], path_of: Callable[[T], str],
                references_of: Callable[[T], Sequence[tuple[str, str, Path]]]
                ) -> tuple[dict[int, list[T]], list[tuple[T, Path, str, str, T | None]]]:
    """The deployments of Envoy documents or of records that stand for them (rules that
    collect records while loading group those): ``id(item)`` -> the items deployed with
    it, and each file reference (bootstrap, path in it, kind, referenced file, the item it
    resolved to or None).  ``path_of``: the item's file; ``references_of``: its
    ``dynamic_resource_paths``."""
    by_path: dict[str, list[T]] = {}
    by_name: dict[str, list[T]] = {}
    for d in items:
        by_path.setdefault(_norm(path_of(d)), []).append(d)
        by_name.setdefault(os.path.basename(path_of(d)), []).append(d)
    groups: dict[int, list[T]] = {}
    references: list[tuple[T, Path, str, str, T | None]] = []
    for boot in items:
        refs = references_of(boot)
        if not refs:
            continue
        group = [boot]
        base = os.path.dirname(path_of(boot))
        for kind, ref, path in refs:
            name = os.path.basename(ref)
            candidates = (
                by_path.get(_norm(os.path.join(base, ref)))
                or [d for d in by_name.get(name, ()) if _norm(os.path.dirname(path_of(d)))
                    == _norm(base)]
                or (by_name[name] if len(by_name.get(name, ())) == 1 else [])
            )
            candidates = [d for d in candidates if d is not boot]
            references.append((boot, path, kind, ref, candidates[0] if candidates else None))
            group.extend(d for d in candidates if d not in group)
        for d in group:
            merged = groups.setdefault(id(d), [])
            merged.extend(x for x in group if x not in merged)
    return groups, references
