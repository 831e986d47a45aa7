"""Where a path into a document points, and the identity a finding there gets.

A finding's ``context`` is a line-independent identity of its offender (fingerprints and
baselines use it).  The check step derives it when it resolves a rule's violation; records
that outlive their document (the network model's) derive the same one with :func:`place`.
"""

from __future__ import annotations

from typing import Any

from netlint.source import Source, Span
from netlint.yamlnodes import Document, Path, locate


def finding_context(doc: Document | None, path: Path, value_text: str = "") -> str:
    """A line-independent identity of an offender: the object, the path inside it (list
    items by their ``name`` when they have one, so reordering containers keeps it) and
    the offending text itself (so editing the value makes it a new finding)."""
    suffix = f" = {value_text}" if value_text else ""
    if doc is None:
        return "/".join(map(str, path)) + suffix
    ident = ""
    value = doc.value
    if isinstance(value, dict):
        kind, meta = value.get("kind"), value.get("metadata")
        name = meta.get("name") if isinstance(meta, dict) else None
        if kind or name:
            ident = f"{kind}/{name}:"
    steps = []
    node: Any = value
    for step in path:
        if isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
            node = node[step]
            item_name = node.get("name") if isinstance(node, dict) else None
            steps.append(f"[{item_name}]" if isinstance(item_name, str) else str(step))
            continue
        node = node.get(step) if isinstance(node, dict) else None
        steps.append(str(step))
    return ident + "/".join(steps) + suffix


def span_text(src: Source, span: Span) -> str:
    """The first line of the text a span covers, with runs of whitespace collapsed."""
    line = src.line_text(span.start_line)
    end = span.end_column - 1 if span.end_line == span.start_line else len(line)
    return " ".join(line[span.start_column - 1:end].split())[:200]


def place(doc: Document, path: Path) -> tuple[Source, Span, str]:
    """Where a path points and the identity a finding there gets (what the check step
    derives for a violation), for records that outlive their document."""
    src, span = locate(doc, path)
    return src, span, finding_context(doc, path, span_text(src, span))
