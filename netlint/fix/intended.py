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


def apply_ops(docs: list[Any], ops: Iterable[Op]) -> tuple[list[Any], list[Op]]:
    """The intended documents, and the operations that change something."""
    out = [plain(d) for d in docs]
    effective = []
    for op in ops:
        out[op.doc], changed = apply_op(out[op.doc], op)
        if changed:
            effective.append(op)
    return out, effective
