"""Parse YAML and JSON once into plain Python values that remember where they came from.

Speed matters (netlint runs on every commit), so the tree is built from libyaml's C
composer (``yaml.compose_all`` with ``CSafeLoader``), not from a pure-Python or round-trip
parser.  Values are ordinary ``dict``/``list``/``str``/``int``/... so rules read them like
``json.load`` output; the two container types below add one slot holding the 0-based marks
of each key and value.  A rule reports a *path* and :func:`locate` turns it into a span.

Hostile input is bounded here, once, for every caller:

* nesting deeper than :data:`MAX_DEPTH` is refused: deep flow nesting and long lines before
  libyaml's recursive composer sees them (around 100,000 levels overflow the C stack),
  block nesting with short lines (at most ~1,000 levels, harmless to libyaml) while
  building values;
* aliases are built once and shared, and a document whose alias-expanded size exceeds
  :data:`MAX_EXPANDED_NODES` is refused ("billion laughs");
* custom tags (``!Ref``, ``!!python/object``) are never constructed: their text is kept.
"""

from __future__ import annotations

import gc
import re
import sys
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from netlint.source import Source, Span

MAX_DEPTH = 400
MAX_EXPANDED_NODES = 2_000_000
# in documents with aliases, a string weighs one node per this many characters, so that a
# 1 MB string aliased 1,000 times counts as the gigabyte it expands to, not 1,000 nodes
STRING_WEIGHT_CHARS = 64

# (source, key line, key col, key end line, key end col, value line, value col,
#  value end line, value end col); all 0-based.  Compose merges keep the source of each
#  entry, so merged maps may mix files.
KeyPos = tuple[Source, int, int, int, int, int, int, int, int]
# (source, line, col, end line, end col)
ItemPos = tuple[Source, int, int, int, int]

PathStep = str | int
Path = tuple[PathStep, ...]


class YMap(dict):  # type: ignore[type-arg]
    """A mapping that records the marks of each key and its value (``pos``).

    No ``__init__`` override (it would cost a Python call per mapping); build with
    :func:`new_map`, which sets ``pos``.
    """

    __slots__ = ("pos",)
    pos: dict[Any, KeyPos]


class YList(list):  # type: ignore[type-arg]
    """A sequence that records the marks of each item (``pos``); build with :func:`new_list`."""

    __slots__ = ("pos",)
    pos: list[ItemPos]


def new_map() -> YMap:
    m = YMap()
    m.pos = {}
    return m


def new_list() -> YList:
    items = YList()
    items.pos = []
    return items


class YAMLInputError(Exception):
    """A file or document that cannot be turned into values; carries a 0-based mark."""

    def __init__(self, message: str, line0: int = 0, col0: int = 0, rule: str = "parse-error"):
        super().__init__(message)
        self.message = message
        self.line0 = line0
        self.col0 = col0
        self.rule = rule


@dataclass(frozen=True)
class DuplicateKey:
    key: Any
    first: KeyPos
    duplicate: KeyPos


@dataclass(eq=False)
class Document:
    """One YAML document (or a JSON file) of a source, as values with marks."""

    source: Source
    index: int  # 0-based position in the stream
    value: Any
    start: tuple[int, int]  # 0-based line/col of the document's root node
    end: tuple[int, int]
    duplicates: list[DuplicateKey] = field(default_factory=list)
    yaml11_booleans: bool = False  # holds a plain y/Y/n/N (booleans for Kubernetes)
    kind: str | None = None  # "kubernetes" | "compose" | "envoy" | None
    cache: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def path(self) -> str:
        return self.source.path

    def __getstate__(self) -> dict[str, Any]:
        # sent between processes without the rules' per-document caches
        state = dict(self.__dict__)
        state["cache"] = {}
        return state


_TAG = "tag:yaml.org,2002:"
_STR = _TAG + "str"
_INT = _TAG + "int"
_FLOAT = _TAG + "float"
_BOOL = _TAG + "bool"
_NULL = _TAG + "null"
_MERGE = _TAG + "merge"
_MAP = _TAG + "map"
# go-yaml v2's YAML 1.1 booleans (Kubernetes decodes manifests with it): PyYAML's resolver
# lacks the one-letter forms, which are resolved to _YN below and turned into booleans in
# Kubernetes documents only (Compose and Envoy read them as strings)
_TRUE = frozenset({"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON", "y", "Y"})
_YN = "tag:netlint:yaml11-bool"
_YN_VALUES = frozenset({"y", "Y", "n", "N"})
_YN_SEEN = [0]  # YAML11Bool values built so far (one parser per process, no threads)


class YAML11Bool(str):
    """A plain (unquoted) ``y``, ``Y``, ``n`` or ``N``: a string for Compose and Envoy, a
    boolean for Kubernetes (see :func:`kubernetes_booleans`)."""

    __slots__ = ()
_SCALAR_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_DEFAULT_TAGS = {SequenceNode: _TAG + "seq", MappingNode: _MAP}
_RESOLVED: dict[str, str] = {}  # plain scalar text -> implicit tag (bounded below)
_RESOLVED_MAX = 100_000


class _Loader(yaml.CSafeLoader):  # type: ignore[misc]
    """libyaml's composer with a cheaper implicit-tag resolver.

    The C composer calls back into Python for every node to resolve its tag; the stock
    resolver rebuilds lists and walks path resolvers (which the safe loader never has).
    Plain scalars repeat a lot (keys such as ``name``, values such as ``TCP``), so their
    tags are cached.  Results are identical to ``CSafeLoader``'s.
    """

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if kind is ScalarNode:
            if not implicit[0]:
                return _STR
            tag = _RESOLVED.get(value)
            if tag is None:
                tag = _YN if value in _YN_VALUES else _BASE_RESOLVE(self, kind, value,
                                                                       implicit)
                if len(_RESOLVED) < _RESOLVED_MAX and len(value) < 200:
                    _RESOLVED[value] = tag
            return tag
        return _DEFAULT_TAGS[kind]


_BASE_RESOLVE = yaml.resolver.BaseResolver.resolve


def _scalar(node: ScalarNode) -> Any:
    tag = node.tag
    value = node.value
    if tag == _STR:
        return value
    if tag == _NULL:
        return None
    if tag == _BOOL:
        return value in _TRUE
    if tag == _YN:
        _YN_SEEN[0] += 1  # Document.yaml11_booleans tells the engine
        return YAML11Bool(value)
    if tag == _INT:
        # YAML 1.1 base-60 ("22:22" is 1342) is never what a port mapping means; Compose
        # and Kubernetes' YAML libraries read it as a string, and so do we.
        if ":" in value:
            return value
        try:
            return _SCALAR_CONSTRUCTOR.construct_yaml_int(node)
        except (ValueError, yaml.YAMLError):
            return value
    if tag == _FLOAT:
        if ":" in value:
            return value
        try:
            return _SCALAR_CONSTRUCTOR.construct_yaml_float(node)
        except (ValueError, yaml.YAMLError):
            return value
    # timestamps, binary, custom and unknown tags: keep the text, never construct
    return value


class _Builder:
    """Turns one composed document into YMap/YList values, sharing aliased nodes."""

    def __init__(self, source: Source, weigh: bool = True) -> None:
        self.source = source
        self.memo: dict[int, tuple[Any, int]] = {}
        self.active: set[int] = set()
        self.duplicates: list[DuplicateKey] = []
        self.expanded = 0
        # strings are weighed by length only where aliases are possible (the text has an
        # anchor and an alias indicator: see _may_alias), so the hot loops stay cheap
        self.weigh = weigh

    def build(self, node: Node) -> Any:
        value, _ = self._build(node)
        return value

    def _count(self, size: int, node: Node) -> None:
        self.expanded += size
        if self.expanded > MAX_EXPANDED_NODES:
            mark = node.start_mark
            raise YAMLInputError(
                f"document expands to more than {MAX_EXPANDED_NODES:,} nodes (or "
                f"{MAX_EXPANDED_NODES * STRING_WEIGHT_CHARS // 1_000_000:,} MB of strings) "
                "through aliases (an alias bomb?); not analysed",
                mark.line,
                mark.column,
                rule="yaml-alias-bomb",
            )

    def _build(self, node: Node) -> tuple[Any, int]:
        """Return (value, expanded size).  Shared (aliased) nodes are built once."""
        cls = node.__class__
        if cls is ScalarNode:
            return _scalar(node), 1  # type: ignore[arg-type]
        key = id(node)
        hit = self.memo.get(key)
        if hit is not None:
            # an alias: counts again in the expanded size, but is not walked again
            self._count(hit[1], node)
            return hit
        if key in self.active:
            mark = node.start_mark
            raise YAMLInputError("recursive alias (a node contains itself)", mark.line, mark.column)
        if len(self.active) >= MAX_DEPTH:
            # block nesting with short lines passes the cheap pre-check of parse_documents;
            # the builder recurses, so it bounds the depth itself
            mark = node.start_mark
            raise YAMLInputError(f"nesting deeper than {MAX_DEPTH} levels; not analysed",
                                 mark.line, mark.column, rule="yaml-too-deep")
        self.active.add(key)
        result: tuple[Any, int] = (
            self._mapping(node) if cls is MappingNode else self._sequence(node)  # type: ignore[arg-type]
        )
        self.active.discard(key)
        self.memo[key] = result
        return result

    def _sequence(self, node: SequenceNode) -> tuple[YList, int]:
        # the hot loop of every scan: scalars are handled inline, containers recurse
        out = new_list()
        pos = out.pos
        append, add_pos = out.append, pos.append
        src = self.source
        size = 1
        weigh = self.weigh
        for child in node.value:
            if child.__class__ is ScalarNode:
                value = child.value if child.tag == _STR else _scalar(child)
                size += 1
                if weigh and value.__class__ is str:
                    weight = len(value) // STRING_WEIGHT_CHARS
                    size += weight
                    self.expanded += weight
            else:
                value, n = self._build(child)
                size += n
            s, e = child.start_mark, child.end_mark
            append(value)
            add_pos((src, s.line, s.column, e.line, e.column))
        self.expanded += 1
        if self.expanded > MAX_EXPANDED_NODES:
            self._count(0, node)
        return out, size

    def _mapping(self, node: MappingNode) -> tuple[YMap, int]:
        out = new_map()
        pos = out.pos
        src = self.source
        size = 1
        merges: list[Node] = []
        weigh = self.weigh
        for knode, vnode in node.value:
            if knode.__class__ is ScalarNode:
                ktag = knode.tag
                if ktag == _STR:
                    k = knode.value
                elif ktag == _MERGE:
                    merges.append(vnode)
                    continue
                else:
                    k = _scalar(knode)
            else:
                k = _flow_text(knode)
            if vnode.__class__ is ScalarNode:
                value = vnode.value if vnode.tag == _STR else _scalar(vnode)
                size += 2
                if weigh and value.__class__ is str:
                    weight = len(value) // STRING_WEIGHT_CHARS
                    size += weight
                    self.expanded += weight
            else:
                value, n = self._build(vnode)
                size += n + 1
            ks, ke, vs, ve = knode.start_mark, knode.end_mark, vnode.start_mark, vnode.end_mark
            entry = (src, ks.line, ks.column, ke.line, ke.column,
                     vs.line, vs.column, ve.line, ve.column)
            try:
                previous = pos.get(k)
            except TypeError:  # unhashable key (cannot happen for scalars; defensive)
                k = repr(k)
                previous = pos.get(k)
            if previous is not None:
                self.duplicates.append(DuplicateKey(k, previous, entry))
            out[k] = value
            pos[k] = entry
        if merges:
            size += self._merge(out, merges)
        self.expanded += 1
        if self.expanded > MAX_EXPANDED_NODES:
            self._count(0, node)
        return out, size

    def _merge(self, out: YMap, merges: list[Node]) -> int:
        """Apply ``<<`` merge keys: explicit keys win, earlier merged maps win over later."""
        sources: list[Node] = []
        for m in merges:
            if isinstance(m, SequenceNode):
                sources.extend(m.value)
            else:
                sources.append(m)
        size = 0
        for m in sources:
            if not isinstance(m, MappingNode):
                mark = m.start_mark
                raise YAMLInputError(
                    "merge key '<<' needs a mapping or a list of mappings", mark.line, mark.column
                )
            value, n = self._build(m)
            size += n
            for k, v in value.items():
                if k not in out:
                    out[k] = v
                    out.pos[k] = value.pos[k]
        return size


def _flow_text(node: Node) -> str:
    """A printable stand-in for a complex (mapping or sequence) key."""
    mark = node.start_mark
    return f"<complex key at line {mark.line + 1}>"


# Tokens that can change flow depth, with quoted strings and comments consumed whole so
# that brackets inside them do not count.  In flow context every bracket outside quotes
# and comments is a real indicator, so the running count bounds the flow depth from above.
_FLOW_TOKENS = re.compile(r""""(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|(?:(?<=\s)|^)#[^\n]*|[\[\]{}]""",
                          re.MULTILINE)
_DEEP_INDENT = re.compile(rf"^[ \t]{{{MAX_DEPTH // 2}}}", re.MULTILINE)
_COMPACT_RUN = re.compile(rf"(?:[-?][ \t]+){{{MAX_DEPTH // 4}}}")


def _flow_depth_bound(text: str) -> int:
    depth = deepest = 0
    for token in _FLOW_TOKENS.findall(text):
        if token in ("[", "{"):
            depth += 1
            if depth > deepest:
                deepest = depth
        elif token in ("]", "}"):
            depth = depth - 1 if depth else 0
    return deepest


def _nesting_may_be_deep(text: str) -> bool:
    """Cheap test: can this text nest deeper than MAX_DEPTH?

    Block nesting needs an indentation step or a compact indicator (``- - -``) per level;
    flow nesting is bounded by counting brackets outside quotes and comments.  Only text
    that fails these bounds pays for the exact (event-stream) measurement.
    """
    if text.count("[") + text.count("{") > MAX_DEPTH // 2 and (
        _flow_depth_bound(text) > MAX_DEPTH // 2
    ):
        return True
    return _DEEP_INDENT.search(text) is not None or _COMPACT_RUN.search(text) is not None


def _check_depth(text: str) -> None:
    """Walk libyaml's (iterative) event stream to measure nesting before composing."""
    depth = 0
    start = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
    end = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
    events = yaml.parse(text, Loader=yaml.CSafeLoader)
    while True:
        try:
            event = next(events)
        except StopIteration:
            return
        except yaml.MarkedYAMLError as err:
            if not _is_libyaml_depth_refusal(err):
                raise
            where = err.problem_mark or err.context_mark
            raise YAMLInputError(
                f"nesting deeper than {MAX_DEPTH} levels; not analysed",
                where.line if where else 0, where.column if where else 0, rule="yaml-too-deep",
            ) from None
        if isinstance(event, start):
            depth += 1
            if depth > MAX_DEPTH:
                mark = event.start_mark
                raise YAMLInputError(
                    f"nesting deeper than {MAX_DEPTH} levels; not analysed",
                    mark.line if mark else 0,
                    mark.column if mark else 0,
                    rule="yaml-too-deep",
                )
        elif isinstance(event, end):
            depth -= 1


def parse_documents(source: Source) -> tuple[list[Document], YAMLInputError | None]:
    """Parse every document of ``source``.

    Returns the documents and, for broken input, the error with its position; documents
    before a syntax error are kept, so the rest of a stream is still checked.
    """
    text = source.text
    if text.startswith("\ufeff"):
        text = text[1:]  # positions are unchanged: libyaml skips a BOM as well
    # The cyclic garbage collector would walk the growing node tree again and again while
    # libyaml allocates (4x slower on a 1 MB file); nothing built here forms a cycle.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _parse(source, text)
    finally:
        if gc_was_enabled:
            gc.enable()


def _is_libyaml_depth_refusal(err: yaml.MarkedYAMLError) -> bool:
    return "maximum nesting depth" in f"{err.problem or ''} {err.context or ''}"


def _parse(source: Source, text: str) -> tuple[list[Document], YAMLInputError | None]:
    docs: list[Document] = []
    try:
        if _nesting_may_be_deep(text):
            _check_depth(text)
        weigh = _may_alias(text)
        for node in yaml.compose_all(text, Loader=_Loader):
            docs.append(_document(source, len(docs), node, weigh))
    except YAMLInputError as err:
        return docs, err
    except yaml.MarkedYAMLError as err:
        if _is_libyaml_depth_refusal(err):
            # PyYAML >= 6.0.4 bundles a libyaml that refuses deep nesting itself (before our
            # pre-check fires on some shapes): the same verdict as ours, not a syntax error.
            mark = err.problem_mark or err.context_mark
            return docs, YAMLInputError(
                f"nesting deeper than {MAX_DEPTH} levels; not analysed",
                mark.line if mark else 0, mark.column if mark else 0, rule="yaml-too-deep",
            )
        # libyaml rejects a few inputs the pure-Python parser takes (a bare IPv6 scalar in
        # a flow sequence); give the file a second chance before reporting the error.
        retry = _parse_pure_python(source, text)
        if retry is not None:
            return retry, None
        mark = err.problem_mark or err.context_mark
        problem = err.problem or str(err)
        if err.context:
            problem = f"{problem} ({err.context})"
        return docs, YAMLInputError(
            f"invalid YAML: {problem}", mark.line if mark else 0, mark.column if mark else 0
        )
    except yaml.YAMLError as err:
        return docs, YAMLInputError(f"invalid YAML: {err}")
    return docs, None


def _parse_pure_python(source: Source, text: str) -> list[Document] | None:
    try:
        nodes = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
        return [_document(source, i, node) for i, node in enumerate(nodes)]
    except (yaml.YAMLError, RecursionError, YAMLInputError):
        return None


def _stack_depth() -> int:
    frame, depth = sys._getframe(), 0
    while frame is not None:
        frame, depth = frame.f_back, depth + 1  # type: ignore[assignment]
    return depth


def _may_alias(text: str) -> bool:
    return "&" in text and "*" in text


def _document(source: Source, index: int, node: Node, weigh: bool = True) -> Document:
    builder = _Builder(source, weigh)
    # the builder uses two Python frames per nesting level, up to MAX_DEPTH levels
    need = _stack_depth() + 2 * MAX_DEPTH + 100
    if sys.getrecursionlimit() < need:
        sys.setrecursionlimit(need)
    seen = _YN_SEEN[0]
    value = builder.build(node)
    s, e = node.start_mark, node.end_mark
    return Document(
        source=source,
        index=index,
        value=value,
        start=(s.line, s.column),
        end=(e.line, e.column),
        duplicates=builder.duplicates,
        yaml11_booleans=_YN_SEEN[0] != seen,
    )


def kubernetes_booleans(value: Any) -> Any:
    """Turn plain ``y``/``Y``/``n``/``N`` into booleans in place, as go-yaml v2 (what
    Kubernetes decodes YAML with) resolves them: ``privileged: Y`` is ``true``."""
    if isinstance(value, dict):
        for k, v in value.items():
            if v.__class__ is YAML11Bool:
                value[k] = v in _TRUE
            elif isinstance(v, (dict, list)):
                kubernetes_booleans(v)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            if v.__class__ is YAML11Bool:
                value[i] = v in _TRUE
            elif isinstance(v, (dict, list)):
                kubernetes_booleans(v)
    return value


# --- positions -------------------------------------------------------------------------


def locate(doc: Document, path: Path) -> tuple[Source, Span]:
    """Where ``path`` points, as :func:`locate_unmapped`, moved to the file a user edits
    when the document was rendered by Helm or Kustomize (its source carries a mapper)."""
    src, span = locate_unmapped(doc, path)
    mapper = doc.source.mapper
    if mapper is not None:
        return mapper(doc, path, src, span)  # type: ignore[no-any-return]
    return src, span


def locate_unmapped(doc: Document, path: Path) -> tuple[Source, Span]:
    """The span a path points at: the key and value, or the deepest part that exists.

    * a key whose value is a scalar (or a one-line flow collection): ``key: value``;
    * a key whose value is a block collection: the key alone;
    * a list item: the item, or its first line when it spans several;
    * a path that leaves the document: the deepest existing key or item on it (so a
      finding about a missing field points at the mapping that should hold it).
    """
    node: Any = doc.value
    last_map_entry: KeyPos | None = None
    last_item: ItemPos | None = None
    for step in path:
        if isinstance(node, YMap):
            entry = node.pos.get(step)
            if entry is None:
                break
            last_map_entry, last_item = entry, None
            node = node[step]
        elif isinstance(node, YList) and isinstance(step, int) and 0 <= step < len(node):
            last_item, last_map_entry = node.pos[step], None
            node = node[step]
        else:
            break
    if last_map_entry is not None:
        src, kl, kc, kel, kec, _vl, _vc, vel, vec = last_map_entry
        if (vel > kl and not (vel == kl + 1 and vec == 0)) or (vel, vec) < (kel, kec):
            # a block collection or a multi-line scalar: the key names it best; so it does
            # for an alias (*name), whose value marks are those of the anchored node
            return src, src.span(kl, kc, kel, kec)
        return src, src.span(kl, kc, vel, vec)
    if last_item is not None:
        src, sl, sc, el, ec = last_item
        if el > sl and not (el == sl + 1 and ec == 0):
            text = src.line_text(sl + 1)
            return src, src.span(sl, sc, sl, max(len(text.rstrip()), sc))
        return src, src.span(sl, sc, el, ec)
    return doc.source, _document_head(doc)


def _document_head(doc: Document) -> Span:
    """The first line of a document's root value."""
    line0, col0 = doc.start
    text = doc.source.line_text(line0 + 1)
    return doc.source.span(line0, col0, line0, max(len(text.rstrip()), col0))


def key_span(doc_value: YMap, key: Any) -> tuple[Source, Span] | None:
    """Just the key of ``key`` in ``doc_value`` (for rules that point at a name)."""
    entry = doc_value.pos.get(key) if isinstance(doc_value, YMap) else None
    if entry is None:
        return None
    src, kl, kc, kel, kec = entry[:5]
    return src, src.span(kl, kc, kel, kec)
