"""The same operations through ruamel.yaml's round-trip loader and dumper.

ruamel.yaml keeps comments, key order, quoting and flow/block style, but it re-emits the
whole stream with one indentation setting and its own spacing, so ``apply`` accepts its
output only when every line it changed is one the operations touch.  Imported lazily: a
scan never loads it, and ``fix`` loads only the files it changes.
"""

from __future__ import annotations

import io
from typing import Any

from netlint.fix.plan import Op


class RoundTripError(Exception):
    pass


def _yaml(step: int, seq_offset: int) -> Any:
    from ruamel.yaml import YAML

    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.width = 1 << 20  # never fold a long line
    y.indent(mapping=step, sequence=step + seq_offset if seq_offset else step,
             offset=seq_offset)
    return y


def apply_all(text: str, ops: list[Op], step: int, seq_offset: int) -> str:
    """``text`` (LF line endings, no BOM) with ``ops`` applied, as ruamel dumps it."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    y = _yaml(step, seq_offset)
    try:
        docs = list(y.load_all(text))
    except Exception as err:  # ruamel raises many types; any means "cannot round-trip"
        raise RoundTripError(f"ruamel.yaml cannot load the file: {err}") from err
    for op in ops:
        if op.doc >= len(docs):
            raise RoundTripError("document index out of range")
        docs[op.doc] = _apply(docs[op.doc], op, CommentedMap, CommentedSeq)
    out = io.StringIO()
    y.explicit_start = text.lstrip().startswith("---")
    try:
        y.dump_all(docs, out)
    except Exception as err:
        raise RoundTripError(f"ruamel.yaml cannot dump the file: {err}") from err
    return out.getvalue()


def _apply(root: Any, op: Op, cmap: Any, cseq: Any) -> Any:
    node = root
    path = op.path
    if op.kind == "remove":
        for step in path[:-1]:
            node = node[step]
        del node[path[-1]]
        return root
    for i, step in enumerate(path):
        last = i == len(path) - 1
        missing = isinstance(node, dict) and (step not in node or node[step] is None)
        if missing:
            leaf: Any
            leaf = cseq([op.value]) if op.kind == "ensure-item" else op.value
            for key in reversed(path[i + 1:]):
                wrapped = cmap()
                wrapped[key] = leaf
                leaf = wrapped
            node[step] = leaf
            return root
        if last:
            if op.kind == "set":
                node[step] = op.value
            elif op.value not in node[step]:
                node[step].append(op.value)
            return root
        node = node[step]
    return root
