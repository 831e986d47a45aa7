"""What documents must look like after a set of operations, as plain values.

Both edit paths (ruamel.yaml and the text splice) are checked against this: a fixed file
is written only when it re-parses to exactly these values.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from netlint.fix.plan import Op


def plain(value: Any) -> Any:
    """A deep copy as plain dicts and lists (the parser's values keep positions)."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def nested(rest: tuple[Any, ...], leaf: Any) -> Any:
    """``leaf`` under the missing keys ``rest``: ({a: {b: leaf}})."""
    for key in reversed(rest):
        leaf = {key: leaf}
    return leaf


def apply_op(root: Any, op: Op) -> tuple[Any, bool]:
    """Apply ``op`` to the plain document ``root``; returns (root, changed)."""
    if op.kind == "remove":
        parent = root
        for step in op.path[:-1]:
            parent = parent[step]
        last = op.path[-1]
        if isinstance(parent, dict) and last in parent:
            del parent[last]
            return root, True
        if isinstance(parent, list) and isinstance(last, int) and last < len(parent):
            del parent[last]
            return root, True
        return root, False
    node = root
    for i, step in enumerate(op.path):
        last = i == len(op.path) - 1
        if isinstance(node, dict):
            if step not in node or (node[step] is None and not last):
                rest = op.path[i + 1:]
                leaf = [op.value] if op.kind == "ensure-item" else op.value
                node[step] = nested(tuple(rest), leaf)
                return root, True
            if last:
                if op.kind == "set":
                    if node[step] == op.value and type(node[step]) is type(op.value):
                        return root, False
                    node[step] = op.value
                    return root, True
                items = node[step]
                if items is None:
                    node[step] = [op.value]
                    return root, True
                if not isinstance(items, list):
                    raise ValueError(f"{step} is not a list")
                if op.value in items:
                    return root, False
                items.append(op.value)
                return root, True
            node = node[step]
        elif isinstance(node, list) and isinstance(step, int) and step < len(node):
            if last and op.kind == "set":
                if node[step] == op.value:
                    return root, False
                node[step] = op.value
                return root, True
            node = node[step]
        else:
            raise ValueError(f"cannot descend into {step!r}")
    return root, False


def applied(docs: list[Any], ops: Iterable[Op]) -> tuple[list[Any], list[Op]]:
    """As :func:`apply_ops`, but copying only the mappings and lists along each
    operation's path (the rest is shared with ``docs``, which stay as they are): for
    comparing with a re-parse, where a deep copy of every document per fix would cost
    more than the parse."""
    out = list(docs)
    effective = []
    for op in ops:
        out[op.doc] = _copy_path(out[op.doc], op.path)
        out[op.doc], changed = apply_op(out[op.doc], op)
        if changed:
            effective.append(op)
    return out, effective


def _copy_path(root: Any, path: tuple[Any, ...]) -> Any:
    """``root`` with every collection along ``path`` copied (shallowly)."""
    if not isinstance(root, (dict, list)):
        return root
    top = node = dict(root) if isinstance(root, dict) else list(root)
    for step in path:
        inside = step in node if isinstance(node, dict) else (
            isinstance(step, int) and 0 <= step < len(node))
        if not inside:
            break
        child = node[step]
        if not isinstance(child, (dict, list)):
            break
        child = dict(child) if isinstance(child, dict) else list(child)
        node[step] = child
        node = child
    return top


def apply_ops(docs: list[Any], ops: Iterable[Op]) -> tuple[list[Any], list[Op]]:
    """The intended documents, and the operations that change something."""
    out = [plain(d) for d in docs]
    effective = []
    for op in ops:
        out[op.doc], changed = apply_op(out[op.doc], op)
        if changed:
            effective.append(op)
    return out, effective
