"""Map a place in rendered output back to the file a user edits.

* Helm: each rendered document follows a ``# Source: <chart>/templates/x.yaml`` comment.
  The offending key is found in that template by its key path (the template read as
  indented YAML, Go actions ignored), else by the key's first occurrence, else at the
  object's ``kind:`` line.  When the template line takes its value from ``.Values.x``,
  the values file line that set it becomes a related location.
* Kustomize: the rendered object is matched to its base resource by kind and name (after
  name prefixes and suffixes); the patch that last set the offending path (strategic
  merge or JSON 6902, outermost overlay first) wins over the base.
"""

from __future__ import annotations

import bisect
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from netlint.render.kustomize import Node, Patch
from netlint.source import Source, Span
from netlint.yamlnodes import Document, Path, YMap, parse_documents

SOURCE_COMMENT = re.compile(r"^# Source: (\S[^\n]*)$", re.MULTILINE)
_KEY_LINE = re.compile(
    r"""^(?P<indent>[ ]*)(?P<dashes>(?:-[ ]+)*)"""
    r"""(?P<key>"[^"\n]*"|'[^'\n]*'|[^\s#'"{}\[\]:,-][^\s:#{}]*?)[ ]*:(?:[ ]|$)"""
)
_VALUES_REF = re.compile(r"\$?\.Values((?:\.[A-Za-z0-9_-]+)+)")
_ACTION_ONLY = re.compile(r"^\s*\{\{.*\}\}\s*$")
_KIND_LINE = re.compile(r"^\s*kind:\s*['\"]?([A-Za-z0-9]+)")
# list items are matched by these keys, as strategic merge patches do
MERGE_KEYS = ("name", "containerPort", "mountPath", "devicePath", "ip", "port", "topologyKey")


@dataclass(frozen=True)
class Related:
    path: str
    span: Span
    message: str


@dataclass
class Note:
    """What mapping learned about one mapped place: related locations and the unit."""

    unit: str
    related: list[Related] = field(default_factory=list)
    rendered: tuple[str, int] = ("", 0)  # rendered source path and 1-based line


SourceReader = Callable[[str], Source | None]


# --- Helm --------------------------------------------------------------------------------

@dataclass
class _KeyEntry:
    line: int  # 1-based
    column: int  # 1-based column of the key
    names: tuple[str, ...]
    segment: int


class TemplateIndex:
    """A Go template read as indented YAML: the key path of every ``key:`` line."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.entries: list[_KeyEntry] = []
        self.kinds: dict[int, set[str]] = {}  # segment -> literal kinds in it
        self.kind_lines: dict[int, int] = {}
        stack: list[tuple[int, str]] = []
        segment = 0
        in_block: int | None = None  # indentation of a block scalar's key
        for number, line in enumerate(source.text.splitlines(), start=1):
            stripped = line.strip()
            if line.startswith("---"):
                segment += 1
                stack = []
                in_block = None
                continue
            if not stripped or stripped.startswith("#") or _ACTION_ONLY.match(line):
                continue
            indent = len(line) - len(line.lstrip(" "))
            if in_block is not None:
                if indent > in_block:
                    continue  # inside a | or > scalar: text, not keys
                in_block = None
            match = _KEY_LINE.match(line)
            if match is None:
                continue
            dash_col = len(match["indent"])
            key_col = dash_col + len(match["dashes"])
            while stack and stack[-1][0] >= (dash_col if match["dashes"] else key_col):
                stack.pop()
            key = match["key"].strip("'\"")
            stack.append((key_col, key))
            names = tuple(k for _, k in stack)
            self.entries.append(_KeyEntry(number, key_col + 1, names, segment))
            if len(names) == 1 and key == "kind":
                kind = _KIND_LINE.match(line)
                if kind:
                    self.kinds.setdefault(segment, set()).add(kind.group(1))
                    self.kind_lines.setdefault(segment, number)
            rest = line[match.end():].strip()
            if rest.startswith(("|", ">")):
                in_block = key_col

    def segments_for(self, kind: str) -> list[int]:
        """Segments that literally declare ``kind`` first (a template with a Deployment
        and a Service), then the others."""
        preferred = [s for s, kinds in self.kinds.items() if kind in kinds]
        return preferred

    def find(self, names: Sequence[str], kind: str) -> tuple[_KeyEntry | None, int]:
        """The entry for ``names`` and how many of them it matched (all: exact)."""
        preferred = set(self.segments_for(kind))

        def ordered(entries: Iterable[_KeyEntry]) -> list[_KeyEntry]:
            items = list(entries)
            return [e for e in items if e.segment in preferred] + [
                e for e in items if e.segment not in preferred]

        target = tuple(names)
        exact = ordered(e for e in self.entries if e.names == target)
        if exact:
            return exact[0], len(target)
        if target:
            # the key under another path (a template whose indentation our reading of it
            # got wrong): its first occurrence, when it is distinctive enough
            suffix_len = min(2, len(target))
            tail = target[-suffix_len:]
            near = ordered(e for e in self.entries if e.names[-suffix_len:] == tail)
            if near:
                return near[0], len(target)
            last = ordered(e for e in self.entries if e.names[-1:] == target[-1:])
            if last and target[-1] not in ("name", "value", "key", "spec", "metadata"):
                return last[0], len(target)
        for k in range(len(target) - 1, 0, -1):
            found = ordered(e for e in self.entries if e.names == target[:k])
            if found:
                return found[0], k
        return None, 0

    def item_line(self, key_line: int, index: int) -> int | None:
        """The line of item ``index`` of the block list under the key on ``key_line`` (the
        first item when the list is written by a loop with fewer literal items)."""
        text = self.source.line_text(key_line)
        key_indent = len(text) - len(text.lstrip(" "))
        items: list[int] = []
        item_indent: int | None = None
        for number in range(key_line + 1, self.source.line_count + 1):
            line = self.source.line_text(number)
            stripped = line.strip()
            if not stripped or stripped.startswith("#") or _ACTION_ONLY.match(line):
                continue
            indent = len(line) - len(line.lstrip(" "))
            is_item = stripped.startswith("- ") or stripped == "-"
            if indent < key_indent or (indent == key_indent and not is_item):
                break
            if is_item and (item_indent is None or indent == item_indent):
                item_indent = indent
                items.append(number)
        if not items:
            return None
        return items[index] if index < len(items) else items[0]

    def kind_line(self, kind: str) -> int | None:
        for segment in self.segments_for(kind):
            return self.kind_lines.get(segment)
        return next(iter(self.kind_lines.values()), None)

    def values_ref(self, line: int, whole_block: bool) -> tuple[str, ...] | None:
        """The ``.Values.a.b`` a template line (or, for a key whose content is inserted
        by an action such as ``toYaml``, the action lines below it) reads."""
        text = self.source.line_text(line)
        match = _VALUES_REF.search(text)
        if match is None and whole_block:
            indent = len(text) - len(text.lstrip(" "))
            for number in range(line + 1, min(line + 8, self.source.line_count) + 1):
                below = self.source.line_text(number)
                if not below.strip():
                    continue
                if not _ACTION_ONLY.match(below):
                    if (len(below) - len(below.lstrip(" "))) <= indent:
                        break
                    continue  # a key written out: not what inserted the missing one
                match = _VALUES_REF.search(below)
                if match:
                    break
        if match is None:
            return None
        return tuple(match.group(1).strip(".").split("."))


class HelmMapper:
    """Maps documents of a rendered Helm stream (``# Source:`` comments) to templates."""

    def __init__(self, unit: str, rendered: Source, resolve: Callable[[str], str | None],
                 read: SourceReader, values_files: Sequence[str]) -> None:
        self.unit = unit
        self.rendered = rendered
        self.resolve = resolve  # `# Source:` path -> template file path (or None)
        self.read = read
        self.values_files = list(values_files)
        self.notes: dict[tuple[str, Span], Note] = {}
        self._marks: list[int] = []
        self._paths: list[str] = []
        for m in SOURCE_COMMENT.finditer(rendered.text):
            self._marks.append(rendered.text.count("\n", 0, m.start()) + 1)
            self._paths.append(m.group(1).rstrip())
        self._indexes: dict[str, TemplateIndex | None] = {}
        self._values: dict[str, list[Document]] = {}

    def template_for(self, line: int) -> str | None:
        i = bisect.bisect_right(self._marks, line) - 1
        return self._paths[i] if i >= 0 else None

    def _template_file(self, line: int) -> str | None:
        """The template of the document starting at ``line``: the nearest ``# Source:``
        above it that names a file of the chart (a comment the template printed itself
        and that names nothing is passed over)."""
        i = bisect.bisect_right(self._marks, line) - 1
        while i >= 0:
            file = self.resolve(self._paths[i])
            if file is not None:
                return file
            i -= 1
        return None

    def _index(self, path: str) -> TemplateIndex | None:
        if path not in self._indexes:
            source = self.read(path)
            self._indexes[path] = TemplateIndex(source) if source is not None else None
        return self._indexes[path]

    def __call__(self, doc: Document, path: Path, src: Source, span: Span
                 ) -> tuple[Source, Span]:
        rendered_line = span.start_line
        file = self._template_file(doc.start[0] + 1)
        index = self._index(file) if file else None
        if file is None or index is None:
            return src, span
        kind = _kind(doc)
        names = [s for s in path if isinstance(s, str)]
        entry, matched = index.find(names, kind)
        line = entry.line if entry else (index.kind_line(kind) or 1)
        column = entry.column if entry else None
        item = _item_after(path, matched) if entry is not None else None
        if item is not None and entry is not None:
            # the finding is about one item of the list the key holds (a container):
            # its `- name: ...` line names it better than the list's key
            found = index.item_line(entry.line, item)
            if found is not None:
                line, column = found, None
        out_span = _line_span(index.source, line, column)
        note = Note(self.unit, rendered=(src.path, rendered_line))
        if entry is not None:
            ref = index.values_ref(line, whole_block=matched < len(names))
            if ref is not None:
                rel = self._values_location((*ref, *names[matched:]), ref, file)
                if rel is not None:
                    note.related.append(rel)
        self.notes.setdefault((index.source.path, out_span), note)
        return index.source, out_span

    def _values_location(self, full: tuple[str, ...], ref: tuple[str, ...], template: str
                         ) -> Related | None:
        """The values line that set ``full`` (else ``ref``): the user's and the chart's
        values files; for a template of a vendored subchart (``charts/<name>/``), their
        ``<name>:`` section first, then the subchart's own values.yaml."""
        searches: list[tuple[str, tuple[str, ...]]] = [(f, ()) for f in self.values_files]
        parts = template.replace(os.sep, "/").split("/")
        if "charts" in parts[:-2]:
            at = len(parts) - 1 - parts[::-1].index("charts")
            if at + 2 < len(parts):
                sub = parts[at + 1]
                own = os.path.join(*parts[:at + 2], "values.yaml") if parts[0] else \
                    "/" + os.path.join(*parts[1:at + 2], "values.yaml")
                searches = [(f, (sub,)) for f in self.values_files]
                if os.path.isfile(own):
                    searches.append((own, ()))
        for candidate in (full, ref):
            for file, prefix in searches:
                for d in self._values_docs(file):
                    found = _locate_exact(d, (*prefix, *candidate))
                    if found is not None:
                        return Related(d.source.path, found,
                                       f"value set here: {'.'.join((*prefix, *candidate))}")
        return None

    def _values_docs(self, file: str) -> list[Document]:
        if file not in self._values:
            source = self.read(file)
            self._values[file] = parse_documents(source)[0] if source is not None else []
        return self._values[file]


def _item_after(path: Path, matched: int) -> int | None:
    """The list index that follows the ``matched``-th key of ``path``, when the path
    goes into a list item there."""
    seen = 0
    for i, step in enumerate(path):
        if isinstance(step, str):
            seen += 1
            if seen == matched:
                following = path[i + 1] if i + 1 < len(path) else None
                return following if isinstance(following, int) else None
    return None


def _kind(doc: Document) -> str:
    value = doc.value
    kind = value.get("kind") if isinstance(value, dict) else None
    return kind if isinstance(kind, str) else ""


def _line_span(source: Source, line: int, column: int | None) -> Span:
    text = source.line_text(line)
    if column is None:
        column = len(text) - len(text.lstrip()) + 1
    end = len(text.rstrip()) + 1
    return Span(line, column, line, max(end, column + 1))


def _locate_exact(doc: Document, path: Sequence[str]) -> Span | None:
    """The span of ``key: value`` at exactly ``path`` in a values file, or None."""
    node: Any = doc.value
    entry = None
    for step in path:
        if not isinstance(node, YMap) or step not in node:
            return None
        entry = node.pos.get(step)
        node = node[step]
    if entry is None:
        return None
    src, kl, kc, kel, kec, _vl, _vc, vel, vec = entry
    if vel > kl:
        return src.span(kl, kc, kel, kec)
    return src.span(kl, kc, vel, vec)


def helm_source_resolver(chart_dir: str, chart_name: str) -> Callable[[str], str | None]:
    """``<chart name>/templates/x.yaml`` -> the file in ``chart_dir``."""

    base = os.path.realpath(chart_dir)

    def resolve(origin: str) -> str | None:
        # the comment is in the rendered text, which a template can forge: only a file
        # inside the chart, never through `..` or a link out of it
        first, _, rest = origin.partition("/")
        parts = rest.split("/")
        if first != chart_name or not rest or ".." in parts:
            return None
        path = os.path.join(chart_dir, *parts)
        if not os.path.isfile(path) or not os.path.realpath(path).startswith(base + os.sep):
            return None
        return path

    return resolve


def stdin_source_resolver(cwd: str) -> Callable[[str], str | None]:
    """For ``helm template . | netlint scan -``: a ``# Source:`` path that exists relative
    to the working directory, or relative to it without the chart's name (run in the
    chart's own directory).  Only files inside the working directory."""
    base = os.path.realpath(cwd)

    def resolve(origin: str) -> str | None:
        parts = origin.split("/")
        for candidate in (parts, parts[1:]):
            if not candidate or ".." in candidate:
                continue
            path = os.path.join(cwd, *candidate)
            real = os.path.realpath(path)
            if os.path.isfile(path) and real.startswith(base + os.sep):
                return os.path.relpath(path, cwd)
        return None

    return resolve


# --- Kustomize ---------------------------------------------------------------------------

@dataclass
class _Resource:
    file: str
    doc: Document
    kind: str
    name: str
    names: tuple[str, ...]  # its name at each level, innermost first (last: rendered)
    chain: tuple[int, ...]  # ids of the nodes it passes through


@dataclass
class _PatchDocs:
    patch: Patch
    node_id: int
    docs: list[Document]


class KustomizeMapper:
    def __init__(self, unit: str, root: Node, read: SourceReader) -> None:
        self.unit = unit
        self.root = root
        self.read = read
        self.notes: dict[tuple[str, Span], Note] = {}
        self.resources: list[_Resource] = []
        self.patches: list[_PatchDocs] = []  # highest precedence first
        self._collect(root, (), ())

    def _collect(self, node: Node, chain: tuple[int, ...], outer: tuple[Node, ...]) -> None:
        chain = (*chain, id(node))
        outer = (node, *outer)
        # precedence: this node's patches (last first), then its components, then what
        # it builds on
        for patch in reversed(node.patches):
            self.patches.append(_PatchDocs(patch, id(node), self._patch_docs(patch)))
        for comp in reversed(node.components):
            self._collect(comp, chain, outer)
        for file in node.resource_files:
            source = self.read(file)
            if source is None:
                continue
            for doc in parse_documents(source)[0]:
                value = doc.value
                if not isinstance(value, dict):
                    continue
                meta = value.get("metadata")
                name = meta.get("name") if isinstance(meta, dict) else None
                kind = value.get("kind")
                if not isinstance(name, str) or not isinstance(kind, str):
                    continue
                names = [name]
                for level in outer:
                    if level.kind == "Component":
                        continue
                    names.append(level.name_prefix + names[-1] + level.name_suffix)
                self.resources.append(_Resource(file, doc, kind, name, tuple(names), chain))
        for child in reversed(node.children):
            self._collect(child, chain, outer)

    def _patch_docs(self, patch: Patch) -> list[Document]:
        source = self.read(patch.file)
        if source is None:
            return []
        if not patch.inline_key:
            return parse_documents(source)[0]
        # an inline patch: its lines, at their own line numbers and indentation in the
        # kustomization file, parsed on their own (positions are the file's positions)
        docs, _ = parse_documents(source)
        node: Any = docs[0].value if docs else None
        entry = None
        for step in patch.inline_key:
            if isinstance(node, YMap) and step in node:
                entry = node.pos.get(step)
                node = node[step]
            elif isinstance(node, list) and isinstance(step, int) and step < len(node):
                node = node[step]
            else:
                return []
        if entry is None:
            return []
        vl, vel = entry[5], entry[7]
        lines = source.text.splitlines()
        text = "\n" * (vl + 1) + "\n".join(lines[vl + 1:vel + 1]) + "\n"
        return parse_documents(Source(source.path, text))[0]

    def __call__(self, doc: Document, path: Path, src: Source, span: Span
                 ) -> tuple[Source, Span]:
        value = doc.value
        meta = value.get("metadata") if isinstance(value, dict) else None
        name = meta.get("name") if isinstance(meta, dict) else None
        kind = _kind(doc)
        resource = next((r for r in self.resources
                         if r.kind == kind and r.names[-1] == name), None)
        resource = resource or next((r for r in self.resources
                                     if r.kind == kind and name in r.names), None)
        note = Note(self.unit, rendered=(src.path, span.start_line))
        out: tuple[Source, Span] | None = None
        if resource is not None:
            out = self._from_patches(resource, value, path)
            if out is None:
                base_path = _follow(value, path, resource.doc.value)
                out = _locate_in(resource.doc, base_path or ())
        if out is None:
            kfile = self.read(self.root.file)
            if kfile is None:
                return src, span
            out = (kfile, _line_span(kfile, 1, None))
        self.notes.setdefault((out[0].path, out[1]), note)
        return out

    def _from_patches(self, resource: _Resource, rendered: Any, path: Path
                      ) -> tuple[Source, Span] | None:
        for entry in self.patches:
            if entry.node_id not in resource.chain:
                continue
            if entry.patch.kind == "strategic":
                for pdoc in entry.docs:
                    if not _targets(entry.patch, pdoc.value, resource, rendered):
                        continue
                    ppath = _follow(rendered, path, pdoc.value, complete=True)
                    if ppath is not None:
                        return _locate_in(pdoc, ppath)
            else:
                if not _targets(entry.patch, None, resource, rendered):
                    continue
                for pdoc in entry.docs:
                    found = _json6902(pdoc, rendered, path)
                    if found is not None:
                        return found
        return None


def _targets(patch: Patch, body: Any, resource: _Resource, rendered: Any) -> bool:
    """Whether a patch applies to a resource: its ``target`` (kind, name as a regular
    expression, labelSelector), else the kind and name the patch itself names."""
    target = patch.target
    if target:
        kind = target.get("kind")
        if isinstance(kind, str) and kind != resource.kind:
            return False
        name = target.get("name")
        if isinstance(name, str) and not _name_matches(name, resource.names):
            return False
        selector = target.get("labelSelector")
        return not isinstance(selector, str) or _labels_match(selector, rendered)
    if not isinstance(body, dict):
        return False
    meta = body.get("metadata")
    name = meta.get("name") if isinstance(meta, dict) else None
    return body.get("kind") == resource.kind and name in resource.names


_SIMPLE_REGEX = re.compile(r"^[A-Za-z0-9_.\-^$\[\]]*(?:\*[A-Za-z0-9_.\-^$\[\]]*){0,2}$")


def _name_matches(pattern: str, names: Sequence[str]) -> bool:
    """Kustomize reads a target name as a (RE2) regular expression.  Python's engine can
    take exponential time on a hostile one, so only literals and patterns with at most two
    ``*`` and no groups are evaluated; any other pattern is taken to match (this only
    decides which file a finding is mapped to, never whether it is reported)."""
    if pattern in names:
        return True
    if len(pattern) > 200 or not _SIMPLE_REGEX.match(pattern):
        return True
    try:
        compiled = re.compile(pattern)
    except re.error:
        return False
    return any(compiled.fullmatch(n) for n in names)


def _labels_match(selector: str, rendered: Any) -> bool:
    """A label selector in its string form (``a=b,c!=d,e``) against the rendered
    object's labels; set-based terms (``in``, ``notin``) are taken to match."""
    meta = rendered.get("metadata") if isinstance(rendered, dict) else None
    labels = meta.get("labels") if isinstance(meta, dict) else None
    labels = labels if isinstance(labels, dict) else {}
    for term in (t.strip() for t in re.split(r",(?![^()]*\))", selector)):
        if not term or " in " in term or " notin " in term or "(" in term:
            continue
        if "!=" in term:
            key, value = (x.strip() for x in term.split("!=", 1))
            if str(labels.get(key, "")) == value and key in labels:
                return False
        elif "=" in term:
            key, value = (x.strip() for x in term.replace("==", "=").split("=", 1))
            if str(labels.get(key)) != value:
                return False
        elif term.startswith("!"):
            if term[1:].strip() in labels:
                return False
        elif term not in labels:
            return False
    return True


def _follow(rendered: Any, path: Path, other: Any, complete: bool = False) -> Path | None:
    """``path`` (into the rendered object) as a path into ``other`` (a base resource or a
    patch): list items matched by their merge key (a container's name), else by index.
    With ``complete``, None unless the whole path exists in ``other`` and ends on a value
    that is not a collection (a patch that merely names a container does not set its
    missing fields)."""
    out: list[Any] = []
    node_r, node_o = rendered, other
    for step in path:
        if isinstance(step, int):
            item = node_r[step] if isinstance(node_r, list) and step < len(node_r) else None
            if not isinstance(node_o, list):
                return None if complete else tuple(out)
            idx = _match_item(item, node_o, step)
            if idx is None:
                return None if complete else tuple(out)
            out.append(idx)
            node_r, node_o = item, node_o[idx]
        else:
            if not isinstance(node_o, dict) or step not in node_o:
                return None if complete else tuple(out)
            out.append(step)
            node_r = node_r.get(step) if isinstance(node_r, dict) else None
            node_o = node_o[step]
    if complete and isinstance(node_o, (dict, list)) and isinstance(node_r, (dict, list)):
        return None
    return tuple(out)


def _match_item(item: Any, items: list[Any], index: int) -> int | None:
    if isinstance(item, dict):
        for key in MERGE_KEYS:
            if key in item:
                for i, candidate in enumerate(items):
                    if isinstance(candidate, dict) and candidate.get(key) == item[key]:
                        return i
                return None
    return index if index < len(items) else None


def _locate_in(doc: Document, path: Path) -> tuple[Source, Span]:
    from netlint.yamlnodes import locate_unmapped

    return locate_unmapped(doc, path)


def _pointer(text: str) -> list[str]:
    return [p.replace("~1", "/").replace("~0", "~") for p in text.split("/")[1:]]


def _json6902(pdoc: Document, rendered: Any, path: Path) -> tuple[Source, Span] | None:
    ops = pdoc.value
    if not isinstance(ops, list):
        return None
    for i in range(len(ops) - 1, -1, -1):
        op = ops[i]
        if not isinstance(op, dict) or op.get("op") not in ("add", "replace"):
            continue
        pointer = op.get("path")
        if not isinstance(pointer, str):
            continue
        steps = _pointer(pointer)
        if len(steps) > len(path):
            continue
        if not all(_step_equal(s, p, rendered, path[:n])
                   for n, (s, p) in enumerate(zip(steps, path, strict=False))):
            continue
        rest = path[len(steps):]
        value_path = _follow(_walk(rendered, path[:len(steps)]), rest, op.get("value"))
        if value_path is None or len(value_path) < len(rest):
            continue
        return _locate_in(pdoc, (i, "value", *value_path))
    return None


def _step_equal(pointer_step: str, step: Any, rendered: Any, before: Path) -> bool:
    if isinstance(step, int):
        if pointer_step == "-":
            parent = _walk(rendered, before)
            return isinstance(parent, list) and step == len(parent) - 1
        return pointer_step == str(step)
    return pointer_step == step


def _walk(value: Any, path: Path) -> Any:
    for step in path:
        if isinstance(value, dict):
            value = value.get(step)
        elif isinstance(value, list) and isinstance(step, int) and step < len(value):
            value = value[step]
        else:
            return None
    return value
