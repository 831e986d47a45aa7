"""Suppressions: inline comments and Kubernetes annotations, and the unused ones.

* ``# netlint: disable=<id>[,<id>] <reason>`` at the end of the offending line, or alone
  on the line above it;
* ``# netlint: disable-file=<id>[,<id>] <reason>`` on a line of its own: the whole file;
* ``metadata.annotations["netlint.dev/ignore"]: "<id>,<id>"`` on a Kubernetes object:
  every finding inside that object.

``all`` stands for every rule.  A suppression that silenced nothing is reported as
``unused-suppression`` so stale ones do not pile up.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from netlint.source import Source, Span
from netlint.yamlnodes import Document, locate

ANNOTATION = "netlint.dev/ignore"
_DIRECTIVE = re.compile(
    r"(?:^|\s)#\s*netlint:\s*(disable|disable-file)\s*=\s*([A-Za-z0-9_,\s-]*?[A-Za-z0-9_-])"
    r"(?:\s+(.*))?$"
)


@dataclass
class Suppression:
    path: str
    ids: tuple[str, ...]
    span: Span  # where the directive is, for unused-suppression findings
    scope: str  # "line" | "file" | "object"
    lines: tuple[int, int] = (0, 0)  # inclusive 1-based line range it covers
    reason: str = ""
    used: set[str] = field(default_factory=set)
    # where the directive is written when that is another file than ``path`` (an
    # annotation in a Helm template, read from the rendered object: netlint/render/)
    written_in: str = ""

    def covers(self, rule_id: str, path: str, line: int) -> bool:
        if path != self.path or (rule_id not in self.ids and "all" not in self.ids):
            return False
        return self.scope == "file" or self.lines[0] <= line <= self.lines[1]


def comment_suppressions(source: Source) -> list[Suppression]:
    if "netlint:" not in source.text:
        return []
    out: list[Suppression] = []
    for number, line in enumerate(source.lines, start=1):  # the parser's line model
        if "netlint:" not in line:
            continue
        match = _DIRECTIVE.search(line)
        if match is None:
            continue
        kind, ids_text, reason = match.groups()
        ids = tuple(i.strip() for i in re.split(r"[,\s]+", ids_text) if i.strip())
        start = match.start() + (1 if line[match.start()].isspace() else 0)
        span = Span(number, start + 1, number, len(line.rstrip()) + 1)
        own_line = line[:start].strip() == ""
        if kind == "disable-file":
            out.append(Suppression(source.path, ids, span, "file", reason=reason or ""))
        elif own_line:
            # alone on its line: covers the next line (and itself, harmlessly)
            out.append(Suppression(source.path, ids, span, "line", (number, number + 1),
                                   reason or ""))
        else:
            out.append(Suppression(source.path, ids, span, "line", (number, number), reason or ""))
    return out


def annotation_suppressions(
    doc: Document, objects: Iterable[tuple[tuple[Any, ...], Mapping[str, Any]]]
) -> list[Suppression]:
    """Suppressions from ``netlint.dev/ignore`` on the given (path, object) pairs."""
    out: list[Suppression] = []
    for path, obj in objects:
        meta = obj.get("metadata")
        annotations = meta.get("annotations") if isinstance(meta, Mapping) else None
        value = annotations.get(ANNOTATION) if isinstance(annotations, Mapping) else None
        if not isinstance(value, str):
            continue
        ids = tuple(i.strip() for i in value.split(",") if i.strip())
        if not ids:
            continue
        src, span = locate(doc, (*path, "metadata", "annotations", ANNOTATION))
        first, last = _object_lines(doc, path)
        out.append(Suppression(doc.source.path, ids, span, "object", (first, last),
                               written_in=src.path if src.path != doc.source.path else ""))
    return out


def _object_lines(doc: Document, path: tuple[Any, ...]) -> tuple[int, int]:
    if not path:
        return doc.start[0] + 1, doc.end[0] + 1
    parent = doc.value
    for step in path[:-1]:
        parent = parent[step]
    pos = parent.pos[path[-1]]
    return pos[1] + 1, pos[3] + 1
