"""Kustomizations: their file graph (for discovery, safety checks and mapping) and
rendering with the real ``kustomize build`` / ``kubectl kustomize``.

The graph is read from the kustomization files themselves (``resources``, ``bases``,
``components``, ``patches``, ``patchesStrategicMerge``, ``patchesJson6902``,
``namePrefix``/``nameSuffix``); it never replaces the tool's output, it only says which
file each rendered value can have come from.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml

from netlint.render.tools import RenderError, Tool, run_tool

KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")


def kustomization_file(directory: str) -> str | None:
    for name in KUSTOMIZATION_FILES:
        path = os.path.join(directory, name)
        if os.path.isfile(path):
            return path
    return None


@dataclass
class Patch:
    file: str  # the file holding the patch (kustomization.yaml for an inline patch)
    kind: str  # "strategic" | "json6902"
    target: dict[str, Any] = field(default_factory=dict)  # kind/name/namespace selector
    inline_key: tuple[Any, ...] = ()  # path to the inline text inside the kustomization


@dataclass
class Node:
    """One kustomization (or Component) directory."""

    directory: str
    file: str
    kind: str = "Kustomization"
    resource_files: list[str] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)  # resources/bases that are dirs
    components: list[Node] = field(default_factory=list)
    patches: list[Patch] = field(default_factory=list)
    name_prefix: str = ""
    name_suffix: str = ""
    problems: list[str] = field(default_factory=list)  # remote or escaping references

    def walk(self) -> Iterator[Node]:
        yield self
        for child in (*self.children, *self.components):
            yield from child.walk()

    def input_files(self) -> set[str]:
        """Every file this kustomization reads (absolute, real paths)."""
        out: set[str] = set()
        for node in self.walk():
            out.add(os.path.realpath(node.file))
            out.update(os.path.realpath(f) for f in node.resource_files)
            out.update(os.path.realpath(p.file) for p in node.patches)
        return out

    def used_directories(self) -> set[str]:
        """Kustomization directories this one uses as a resource or component."""
        return {os.path.realpath(n.directory) for n in self.walk() if n is not self}


def _is_remote(ref: str) -> bool:
    return "://" in ref or ref.startswith(("github.com/", "git@", "gitlab.com/",
                                           "bitbucket.org/")) or "?ref=" in ref


def read_tree(directory: str, root: str, _seen: frozenset[str] = frozenset()) -> Node:
    """The kustomization in ``directory`` and everything it uses.  ``root`` is the scanned
    tree: a reference that leaves it, or a remote one, is recorded as a problem (the
    kustomization is then not rendered)."""
    file = kustomization_file(directory)
    if file is None:
        raise RenderError(f"{directory}: no kustomization file")
    node = Node(directory, file)
    real = os.path.realpath(directory)
    if real in _seen:
        node.problems.append(f"{file}: kustomizations use each other in a cycle")
        return node
    seen = _seen | {real}
    try:
        with open(file, encoding="utf-8") as fh:
            data = yaml.safe_load(fh)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:
        node.problems.append(f"{file}: cannot be read: {' '.join(str(err).split())[:300]}")
        return node
    if not isinstance(data, dict):
        return node
    node.kind = str(data.get("kind") or "Kustomization")
    prefix, suffix = data.get("namePrefix"), data.get("nameSuffix")
    node.name_prefix = prefix if isinstance(prefix, str) else ""
    node.name_suffix = suffix if isinstance(suffix, str) else ""

    def local(ref: Any, what: str) -> str | None:
        if not isinstance(ref, str) or not ref.strip():
            return None
        if _is_remote(ref):
            node.problems.append(f"{file}: {what} '{ref}' is remote; netlint renders "
                                 "offline and does not fetch it")
            return None
        path = os.path.normpath(os.path.join(directory, ref))
        if not os.path.exists(path):
            node.problems.append(f"{file}: {what} '{ref}' does not exist")
            return None
        if not _inside(path, root):
            node.problems.append(f"{file}: {what} '{ref}' is outside the scanned tree; "
                                 "not rendered")
            return None
        return path

    for key in ("resources", "bases", "components"):
        refs = data.get(key)
        for ref in refs if isinstance(refs, list) else ():
            path = local(ref, key[:-1])
            if path is None:
                continue
            if os.path.isdir(path):
                child = read_tree(path, root, seen)
                (node.components if key == "components" else node.children).append(child)
            else:
                node.resource_files.append(path)
    for ref in _list(data.get("patchesStrategicMerge")):
        if isinstance(ref, str) and "\n" in ref:
            continue  # an inline patch in the old field: too rare to map
        path = local(ref, "patch")
        if path:
            node.patches.append(Patch(path, _patch_kind(path)))
    for i, entry in enumerate(_list(data.get("patchesJson6902"))):
        if isinstance(entry, dict):
            target = _mapping(entry.get("target"))
            if isinstance(entry.get("path"), str):
                path = local(entry["path"], "patch")
                if path:
                    node.patches.append(Patch(path, "json6902", target))
            elif isinstance(entry.get("patch"), str):
                node.patches.append(Patch(file, "json6902", target,
                                          ("patchesJson6902", i, "patch")))
    for i, entry in enumerate(_list(data.get("patches"))):
        if not isinstance(entry, dict):
            continue
        target = _mapping(entry.get("target"))
        if isinstance(entry.get("path"), str):
            path = local(entry["path"], "patch")
            if path:
                node.patches.append(Patch(path, _patch_kind(path), target))
        elif isinstance(entry.get("patch"), str):
            kind = "json6902" if _looks_like_ops(entry["patch"]) else "strategic"
            node.patches.append(Patch(file, kind, target, ("patches", i, "patch")))
    return node


def _mapping(value: Any) -> dict[str, Any]:
    return dict(value) if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _patch_kind(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read(1 << 20)
    except (OSError, UnicodeDecodeError):
        return "strategic"
    return "json6902" if _looks_like_ops(text) else "strategic"


def _looks_like_ops(text: str) -> bool:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return False
    return isinstance(data, list) and all(isinstance(op, dict) and "op" in op for op in data)


def _inside(path: str, root: str) -> bool:
    real, base = os.path.realpath(path), os.path.realpath(root)
    return real == base or real.startswith(base.rstrip(os.sep) + os.sep)


def render_kustomization(tool: Tool, node: Node, timeout: float) -> str:
    if node.problems:
        raise RenderError("; ".join(node.problems))
    # LoadRestrictionsRootOnly is the default: files outside the kustomization's own
    # directory tree are refused by the tool itself (besides our own check above)
    return run_tool([*tool.command, os.path.abspath(node.directory)], timeout)
