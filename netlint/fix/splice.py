"""Text-level edits at the positions the parser recorded.

This is the path that never reformats anything: each operation re-parses the text (with
netlint's own libyaml-backed parser, which keeps every key's and item's marks), finds
where the edit goes and splices in the few characters it needs, in the file's own style
(indentation step, indented or flush sequences, flow or block, JSON, line endings).
A case it does not know how to edit faithfully raises :class:`SpliceError`; the caller
then reports the fix as not applied.
"""

from __future__ import annotations

import functools
import itertools
import json
import re
from typing import Any

import yaml

from netlint.fix.intended import nested
from netlint.fix.plan import Op
from netlint.source import Source
from netlint.yamlnodes import Document, YList, YMap, parse_documents


class SpliceError(Exception):
    """An edit the splice cannot make faithfully."""


class Style:
    """How a file writes YAML: indentation step, sequence offset, line ending, JSON."""

    def __init__(self, text: str, is_json: bool) -> None:
        self.is_json = is_json
        self.newline = "\r\n" if "\r\n" in text else "\n"
        self.step = _indent_step(text)
        self.seq_offset, self.mixed_sequences = _sequence_offset(text, self.step)


def _indent_step(text: str) -> int:
    counts: dict[int, int] = {}
    previous = 0
    for line in text.splitlines():
        stripped = line.lstrip(" ")
        if not stripped or stripped.startswith(("#", "- ")):
            continue
        indent = len(line) - len(stripped)
        if indent > previous:
            counts[indent - previous] = counts.get(indent - previous, 0) + 1
        previous = indent
    return max(counts, key=lambda k: (counts[k], -k)) if counts else 2


_KEY_LINE = re.compile(r"^( *)[^\s#-][^#]*:\s*(#.*)?$")
_DASH_LINE = re.compile(r"^( *)- ")


def _sequence_offset(text: str, step: int) -> tuple[int, bool]:
    """How far a block sequence's dashes sit right of its key: 0 (flush) or the step;
    and whether the file uses both."""
    lines = text.splitlines()
    votes = {0: 0, step: 0}
    for above, line in itertools.pairwise(lines):
        key, dash = _KEY_LINE.match(above), _DASH_LINE.match(line)
        if key and dash:
            offset = len(dash.group(1)) - len(key.group(1))
            if offset in votes:
                votes[offset] += 1
    offset = step if votes[step] >= votes[0] else 0
    return offset, bool(votes[0] and votes[step] and step)


# --- rendering -------------------------------------------------------------------------

def scalar(value: Any, quote: str = "", is_json: bool = False) -> str:
    if is_json:
        return json.dumps(value)
    if value is True or value is False:
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, (int, float)):
        return repr(value)
    text = str(value)
    if quote == "'":
        return "'" + text.replace("'", "''") + "'"
    if quote == '"':
        return json.dumps(text)
    return text if _plain_ok(text) else json.dumps(text)


@functools.lru_cache(maxsize=4096)
def _plain_ok(text: str) -> bool:
    """Whether ``text`` can be written unquoted (it reads back as the same string)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return bool(text) and yaml.load(text, Loader=loader) == text and \
            text.strip() == text and not re.search(r"[:#]\s|[\[\]{},&*!|>%@`]|^[-?'\"]", text)
    except yaml.YAMLError:
        return False


def flow(value: Any, is_json: bool = False) -> str:
    if isinstance(value, dict):
        sep = ": "
        items = ", ".join(
            (json.dumps(str(k)) if is_json else scalar(k)) + sep + flow(v, is_json)
            for k, v in value.items())
        return "{" + items + "}"
    if isinstance(value, list):
        return "[" + ", ".join(flow(v, is_json) for v in value) + "]"
    return scalar(value, is_json=is_json)


def block_entry(key: Any, value: Any, col: int, style: Style) -> list[str]:
    """Lines of ``key: value`` at column ``col`` in block style."""
    pad = " " * col
    if isinstance(value, dict) and value:
        lines = [f"{pad}{scalar(key)}:"]
        for k, v in value.items():
            lines.extend(block_entry(k, v, col + style.step, style))
        return lines
    if isinstance(value, list) and value:
        dash = " " * (col + style.seq_offset)
        return [f"{pad}{scalar(key)}:", *(f"{dash}- {flow(v)}" for v in value)]
    return [f"{pad}{scalar(key)}: {flow(value)}"]


def json_entry(key: Any, value: Any, col: int, style: Style, multiline: bool) -> str:
    if not multiline:
        return f"{json.dumps(str(key))}: {json.dumps(value)}"
    body = json.dumps(value, indent=style.step)
    body = body.replace("\n", style.newline + " " * col)
    return f"{json.dumps(str(key))}: {body}"


# --- positions -------------------------------------------------------------------------

class _Text:
    def __init__(self, text: str) -> None:
        self.text = text
        # where each line starts (one past each "\n"), summed in C
        self.starts = list(itertools.accumulate(
            map((1).__add__, map(len, text.split("\n")[:-1])), initial=0))

    def offset(self, line0: int, col0: int) -> int:
        if line0 >= len(self.starts):
            return len(self.text)
        return min(self.starts[line0] + col0, len(self.text))

    def line(self, line0: int) -> str:
        begin = self.starts[line0] if line0 < len(self.starts) else len(self.text)
        end = self.starts[line0 + 1] if line0 + 1 < len(self.starts) else len(self.text)
        return self.text[begin:end].rstrip("\r\n")

    def after_line(self, line0: int) -> int:
        """The offset just after ``line0``'s line break (the end of text without one)."""
        return self.starts[line0 + 1] if line0 + 1 < len(self.starts) else len(self.text)


def _parse(text: str, path: str) -> list[Document]:
    docs, error = parse_documents(Source(path, text))
    if error is not None:
        raise SpliceError(f"the text does not parse: {error.message}")
    return docs


def _end_of(node: Any, end: tuple[int, int], source: Source) -> tuple[int, int]:
    """Where the content of a value ends: a block collection's end mark lies at the next
    token (past comments and blank lines), so descend to its last scalar."""
    if isinstance(node, YMap) and node.pos:
        entries = [(p[1], p[2], k) for k, p in node.pos.items() if p[0] is source]
        if entries:
            _, _, key = max(entries)
            p = node.pos[key]
            return _end_of(node[key], (p[7], p[8]), source)
    if isinstance(node, YList) and node.pos:
        ip = node.pos[-1]
        if ip[0] is source:
            return _end_of(node[-1], (ip[3], ip[4]), source)
    return end


def _insert_after(t: _Text, end: tuple[int, int], style: Style) -> tuple[int, str]:
    """Where new lines go after content ending at ``end``, and a line break they need
    first (a file without a final line break)."""
    line0, col0 = end
    if col0 == 0 and line0 > 0:  # block scalars end at the start of the next line
        return t.offset(line0, 0), ""
    at = t.after_line(line0)
    prefix = "" if at > 0 and t.text[at - 1] == "\n" else style.newline
    return at, prefix


class _Located:
    """A node of a document with the marks of where its value starts and ends."""

    def __init__(self, value: Any, start: tuple[int, int], end: tuple[int, int],
                 key_pos: tuple[Any, ...] | None) -> None:
        self.value = value
        self.start = start
        self.end = end
        self.key_pos = key_pos  # the KeyPos when the value belongs to a mapping key


def _walk(doc: Document, path: tuple[Any, ...]) -> tuple[list[_Located], int]:
    """The located nodes along ``path`` (root first) and how many steps exist."""
    chain = [_Located(doc.value, doc.start, doc.end, None)]
    node = doc.value
    for i, step in enumerate(path):
        if isinstance(node, YMap) and step in node:
            p = node.pos[step]
            if p[0] is not doc.source:
                raise SpliceError("the value comes from a merge key or another file")
            node = node[step]
            chain.append(_Located(node, (p[5], p[6]), (p[7], p[8]), p))
        elif isinstance(node, YList) and isinstance(step, int) and 0 <= step < len(node):
            ip = node.pos[step]
            if ip[0] is not doc.source:
                raise SpliceError("the item comes from another file")
            node = node[step]
            chain.append(_Located(node, (ip[1], ip[2]), (ip[3], ip[4]), None))
        else:
            return chain, i
    return chain, len(path)


def _is_flow(t: _Text, loc: _Located) -> bool:
    at = t.offset(*loc.start)
    return t.text[at:at + 1] in ("{", "[")


# --- operations ------------------------------------------------------------------------

def apply(text: str, op: Op, style: Style, path: str = "<fix>",
          docs: list[Document] | None = None) -> str:
    """``text`` with ``op`` applied (raises SpliceError when it cannot be done faithfully).
    ``docs``: ``text`` already parsed (the scan's parse of an unchanged file)."""
    if docs is None:
        docs = _parse(text, path)
    if op.doc >= len(docs):
        raise SpliceError("the document is gone")
    doc = docs[op.doc]
    t = _Text(text)
    chain, found = _walk(doc, op.path)
    if op.kind == "remove":
        if found < len(op.path):
            return text
        return _remove(t, doc, chain, op.path[-1], style)
    if found == len(op.path):
        target = chain[-1]
        if op.kind == "set":
            if isinstance(target.value, (dict, list)):
                raise SpliceError("the value to set is a collection")
            return _replace_scalar(t, target, op.value, style)
        if isinstance(target.value, list):
            if op.value in target.value:
                return text
            return _append_item(t, doc, target, op.value, style)
        if target.value is None:
            return _fill_null(t, chain[-1], chain[-2] if len(chain) > 1 else None, [op.value],
                              style)
        raise SpliceError("the value to add an item to is not a list")
    container = chain[-1]
    rest = op.path[found:]
    leaf = [op.value] if op.kind == "ensure-item" else op.value
    if isinstance(container.value, YMap):
        return _add_key(t, doc, container, rest[0], nested(tuple(rest[1:]), leaf), style)
    if container.value is None and container.key_pos is not None:
        return _fill_null(t, container, None, nested(tuple(rest), leaf), style)
    raise SpliceError("the parent of the new key is not a mapping")


def _replace_scalar(t: _Text, target: _Located, value: Any, style: Style) -> str:
    begin, end = t.offset(*target.start), t.offset(*target.end)
    old = t.text[begin:end]
    quote = old[:1] if old[:1] in ("'", '"') and isinstance(value, str) else ""
    new = scalar(value, quote, style.is_json)
    if begin == end and t.text[begin - 1:begin] == ":":
        new = " " + new
    return t.text[:begin] + new + t.text[end:]


def _fill_null(t: _Text, loc: _Located, _parent: _Located | None, value: Any,
               style: Style) -> str:
    """A key whose value is null (``securityContext:``) gets ``value`` as block lines."""
    if loc.key_pos is None or style.is_json:
        if style.is_json:
            return _replace_json_value(t, loc, value, style)
        raise SpliceError("a null list item cannot be filled")
    kp = loc.key_pos
    begin, end = t.offset(kp[5], kp[6]), t.offset(kp[7], kp[8])
    text = t.text[:begin].rstrip(" ") + t.text[end:] if begin != end else t.text
    t2 = _Text(text)
    key_col = kp[2]
    at, prefix = _insert_after(t2, (kp[3], kp[4]), style)
    if isinstance(value, dict):
        lines = [ln for k, v in value.items()
                 for ln in block_entry(k, v, key_col + style.step, style)]
    elif isinstance(value, list):
        dash = " " * (key_col + style.seq_offset)
        lines = [f"{dash}- {flow(v)}" for v in value]
    else:
        raise SpliceError("a null value is replaced only by a collection")
    block = prefix + style.newline.join(lines) + style.newline
    return text[:at] + block + text[at:]


def _replace_json_value(t: _Text, loc: _Located, value: Any, style: Style) -> str:
    begin, end = t.offset(*loc.start), t.offset(*loc.end)
    return t.text[:begin] + json.dumps(value) + t.text[end:]


def _add_key(t: _Text, doc: Document, container: _Located, key: Any, value: Any,
             style: Style) -> str:
    mapping: YMap = container.value
    if _is_flow(t, container):
        return _flow_insert(t, doc, container, key, value, style)
    entries = [p for p in mapping.pos.values() if p[0] is doc.source]
    if not entries:
        raise SpliceError("an empty block mapping")
    columns = {p[2] for p in entries}
    if len(columns) != 1:
        raise SpliceError("keys at different columns")
    col = columns.pop()
    end = _end_of(mapping, container.end, doc.source)
    at, prefix = _insert_after(t, end, style)
    lines = block_entry(key, value, col, style)
    return t.text[:at] + prefix + style.newline.join(lines) + style.newline + t.text[at:]


def _flow_insert(t: _Text, doc: Document, container: _Located, key: Any, value: Any,
                 style: Style) -> str:
    begin, end = t.offset(*container.start), t.offset(*container.end)
    if t.text[end - 1:end] != "}":
        raise SpliceError("a flow mapping without its closing brace")
    mapping: YMap = container.value
    entries = [p for p in mapping.pos.values() if p[0] is doc.source]
    if not entries:
        entry = (json_entry(key, value, 0, style, False) if style.is_json
                 else f"{scalar(key)}: {flow(value)}")
        inner = t.text[begin + 1:end - 1]
        if inner.strip():
            raise SpliceError("an empty flow mapping with content")
        return t.text[:begin + 1] + entry + t.text[end - 1:]
    last = max(entries, key=lambda p: (p[1], p[2]))
    last_end = t.offset(last[7], last[8])
    multiline = last[1] != container.end[0]
    if style.is_json:
        entry = json_entry(key, value, last[2], style, multiline)
    else:
        entry = f"{scalar(key)}: {flow(value)}"
    sep = ("," + style.newline + " " * last[2]) if multiline else ", "
    return t.text[:last_end] + sep + entry + t.text[last_end:]


def _append_item(t: _Text, doc: Document, target: _Located, value: Any, style: Style) -> str:
    items: YList = target.value
    if _is_flow(t, target):
        begin, end = t.offset(*target.start), t.offset(*target.end)
        if t.text[end - 1:end] != "]":
            raise SpliceError("a flow sequence without its closing bracket")
        rendered = flow(value, style.is_json)
        if not items:
            return t.text[:begin + 1] + rendered + t.text[end - 1:]
        last = items.pos[-1]
        last_end = t.offset(last[3], last[4])
        multiline = last[1] != target.end[0]
        sep = ("," + style.newline + " " * last[2]) if multiline else ", "
        return t.text[:last_end] + sep + rendered + t.text[last_end:]
    last = items.pos[-1]
    if last[0] is not doc.source:
        raise SpliceError("the list's items come from another file")
    line = t.line(last[1])
    before = line[:last[2]].rstrip()
    if not before.endswith("-") or before[:-1].strip():
        raise SpliceError("a compact or nested sequence")
    dash = len(before) - 1
    content_end = _end_of(items, target.end, doc.source)
    at, prefix = _insert_after(t, content_end, style)
    return t.text[:at] + prefix + " " * dash + "- " + flow(value) + style.newline + t.text[at:]


def _remove(t: _Text, doc: Document, chain: list[_Located], last: Any, style: Style) -> str:
    parent, target = chain[-2], chain[-1]
    if _is_flow(t, parent):
        return _flow_remove(t, doc, parent, last)
    source = doc.source
    if isinstance(parent.value, YMap):
        kp = target.key_pos
        assert kp is not None
        line0, col0 = kp[1], kp[2]
        others = sorted((p[1], p[2]) for k, p in parent.value.pos.items()
                        if k != last and p[0] is source)
    else:
        p = parent.value.pos[last]
        line0, col0 = p[1], p[2]
        others = sorted((q[1], q[2]) for i, q in enumerate(parent.value.pos)
                        if i != last and q[0] is source)
        before = t.line(line0)[:col0].rstrip()
        if not before.endswith("-") or before[:-1].strip():
            raise SpliceError("a compact or nested sequence item")
        col0 = len(before) - 1  # the item's line starts at its dash
    end = _end_of(target.value, target.end, source)
    lead = t.line(line0)[:col0]
    at_end, _ = _insert_after(t, end, style)
    if not lead.strip():
        begin = t.offset(line0, 0)
        if not others:
            empty = "{}" if isinstance(parent.value, YMap) else "[]"
            kp = parent.key_pos
            if kp is not None:
                # "key:\n  - item" becomes "key: []" when nothing after the colon
                colon = t.offset(kp[3], kp[4])
                rest = t.text[colon:t.after_line(kp[3])]
                if rest.strip() == ":" and kp[3] < line0:
                    return (t.text[:colon] + ": " + empty + style.newline + t.text[at_end:])
            return t.text[:begin] + lead + empty + style.newline + t.text[at_end:]
        return t.text[:begin] + t.text[at_end:]
    # the first key of a list item ("- key: value"): the next key moves up after the dash
    later = [o for o in others if o > (line0, col0)]
    if not later or not isinstance(parent.value, YMap):
        raise SpliceError("the only key of a list item")
    nxt = t.offset(*later[0])
    return t.text[:t.offset(line0, col0)] + t.text[nxt:]


def _flow_remove(t: _Text, doc: Document, parent: _Located, last: Any) -> str:
    source = doc.source
    if isinstance(parent.value, YMap):
        spans = sorted(((p[1], p[2]), (p[7], p[8])) for p in parent.value.pos.values()
                       if p[0] is source)
        p = parent.value.pos[last]
        mine = ((p[1], p[2]), (p[7], p[8]))
    else:
        spans = sorted(((q[1], q[2]), (q[3], q[4])) for q in parent.value.pos if q[0] is source)
        q = parent.value.pos[last]
        mine = ((q[1], q[2]), (q[3], q[4]))
    i = spans.index(mine)
    if len(spans) == 1:
        begin, end = t.offset(*parent.start), t.offset(*parent.end)
        return t.text[:begin + 1] + t.text[end - 1:]
    if i + 1 < len(spans):  # up to the next entry
        return t.text[:t.offset(*mine[0])] + t.text[t.offset(*spans[i + 1][0]):]
    # the last entry: from the end of the previous one
    return t.text[:t.offset(*spans[i - 1][1])] + t.text[t.offset(*mine[1]):]
