"""Fix one file: plan the operations, edit (ruamel.yaml, else a text splice), verify the
result re-parses to the intended documents, and write it atomically.

Nothing is written that does not parse, or that parses to anything but the intended
values; such a file keeps its text and the reason is reported.
"""

from __future__ import annotations

import difflib
import os
import re
import stat
import tempfile
from dataclasses import dataclass, field, replace
from typing import Any

from netlint.findings import Finding
from netlint.fix.intended import apply_ops
from netlint.fix.plan import Op, Unfixable, ops_for, position_index
from netlint.fix.spec import FixSpec
from netlint.fix.splice import SpliceError, Style, _is_flow, _Text, _walk
from netlint.fix.splice import apply as splice_apply
from netlint.source import Source
from netlint.yamlnodes import Document, parse_documents

BOM = "\ufeff"


@dataclass
class FileFix:
    """What fixing one file did (or would do, with ``--diff``)."""

    path: str  # as reports show it
    before: str  # the file's text (with its BOM, if any)
    after: str  # the fixed text ("" when nothing changes)
    fixed: list[Finding] = field(default_factory=list)
    ops: list[Op] = field(default_factory=list)
    unfixable: list[Unfixable] = field(default_factory=list)
    method: str = ""  # "ruamel" | "splice"
    error: str = ""  # why a needed change was not made

    @property
    def changed(self) -> bool:
        return bool(self.after) and self.after != self.before

    def diff(self) -> str:
        if not self.changed:
            return ""
        return "".join(difflib.unified_diff(
            self.before.lstrip(BOM).splitlines(keepends=True),
            self.after.lstrip(BOM).splitlines(keepends=True),
            fromfile=f"a/{self.path}", tofile=f"b/{self.path}"))


def order_ops(ops: list[Op]) -> list[Op]:
    """Additions first, in finding order; then removals from the end backwards, so list
    indexes of the other operations stay valid."""
    seen: set[Op] = set()
    unique = [op for op in ops if not (op in seen or seen.add(op))]  # type: ignore[func-returns-value]
    adds = [op for op in unique if op.kind != "remove"]
    removes = sorted((op for op in unique if op.kind == "remove"),
                     key=lambda op: (op.doc, [(0, s, "") if isinstance(s, int) else (1, 0, s)
                                              for s in op.path]),
                     reverse=True)
    return adds + removes


def plan_file(path: str, text: str, work: list[tuple[Finding, FixSpec]]) -> tuple[
        list[Document] | None, list[tuple[Finding, list[Op]]], list[Unfixable]]:
    """The operations for each finding of one file (``text`` without its BOM)."""
    docs, error = parse_documents(Source(path, text))
    if error is not None:
        return None, [], [Unfixable(f, f"the file does not parse ({error.message}); "
                                       "nothing was changed") for f, _ in work]
    index = position_index(docs)
    planned: list[tuple[Finding, list[Op]]] = []
    unfixable: list[Unfixable] = []
    for finding, spec in work:
        ops = ops_for(finding, spec, docs, index)
        if isinstance(ops, str):
            unfixable.append(Unfixable(finding, ops))
        else:
            planned.append((finding, ops))
    return docs, planned, unfixable


def fix_text(path: str, text: str, work: list[tuple[Finding, FixSpec]], is_json: bool,
             prefer: str = "ruamel") -> FileFix:
    """Fix ``text`` (a whole file) for ``work``; ``prefer`` "splice" skips ruamel.yaml."""
    bom = BOM if text.startswith(BOM) else ""
    body = text[len(bom):]
    result = FileFix(path, text, "")
    docs, planned, result.unfixable = plan_file(path, body, work)
    if docs is None or not planned:
        return result
    ops = order_ops([op for _, ops in planned for op in ops])
    try:
        intended, effective = apply_ops([d.value for d in docs], ops)
    except (ValueError, KeyError, TypeError, IndexError) as err:
        result.unfixable.extend(Unfixable(f, f"the fix does not apply here: {err}")
                                for f, _ in planned)
        return result
    result.fixed = [f for f, _ in planned]
    result.ops = effective
    if not effective:
        return result  # already as the fixes want it (idempotent)
    style = Style(body, is_json)
    reasons = []
    # ruamel.yaml re-emits a line it edits in its own spacing (a flow collection, a
    # replaced scalar): edits inside lines go to the splice first; block edits to ruamel
    inline = _inline_edit(body, docs, effective)
    candidates: tuple[str, ...] = ("splice",)
    if not is_json and prefer == "ruamel" and not reformatted_by_ruamel(body, style):
        candidates = ("splice", "ruamel") if inline else ("ruamel", "splice")
    elif not is_json and prefer == "ruamel-only":
        candidates = ("ruamel",)
    for method in candidates:
        try:
            fixed = (_with_ruamel(body, docs, effective, style) if method == "ruamel"
                     else _with_splice(path, body, effective, style))
        except (SpliceError, _Unfaithful) as err:
            reasons.append(f"{method}: {err}")
            continue
        problem = verify(path, fixed, intended)
        if problem:
            reasons.append(f"{method}: {problem}")
            continue
        result.after = bom + fixed
        result.method = method
        return result
    result.error = "; ".join(reasons)
    result.unfixable.extend(
        Unfixable(f, "not written: the fixed text would not re-parse to the intended "
                     f"structure ({result.error})") for f in result.fixed)
    result.fixed = []
    return result


_TRAILING_SPACE = re.compile(r"[ \t]+\r?$", re.MULTILINE)


def reformatted_by_ruamel(text: str, style: Style) -> str:
    """What ruamel.yaml is known to rewrite in ``text`` (then only the splice is tried,
    saving a round trip whose output would be refused): it drops trailing whitespace
    and writes every block sequence with one indentation."""
    if _TRAILING_SPACE.search(text):
        return "trailing whitespace"
    if style.mixed_sequences:
        return "both flush and indented block sequences"
    return ""


def verify(path: str, text: str, intended: list[Any]) -> str:
    """Why ``text`` is not the intended documents ("" when it is)."""
    docs, error = parse_documents(Source(path, text))
    if error is not None:
        return f"the fixed text does not parse: {error.message}"
    values = [d.value for d in docs]
    if len(values) != len(intended):
        return "the fixed text has a different number of documents"
    if values != intended:
        return "the fixed text parses to other values than intended"
    return ""


def _with_splice(path: str, body: str, ops: list[Op], style: Style,
                 docs: list[Document] | None = None) -> str:
    """``body`` with ``ops`` spliced in; ``docs`` is ``body`` parsed (spares the first
    operation a parse: later ones see the text the earlier ones changed)."""
    for i, op in enumerate(ops):
        body = splice_apply(body, op, style, path, docs if i == 0 else None)
    return body


class _Unfaithful(Exception):
    """ruamel.yaml's output changes lines no operation touches."""


def _with_ruamel(body: str, docs: list[Document], ops: list[Op], style: Style) -> str:
    """Round-trip only the documents that change: each one's lines go through ruamel.yaml
    alone (a 50-document manifest with one fix loads one document)."""
    from netlint.fix.roundtrip import RoundTripError, apply_all

    crlf = style.newline == "\r\n"
    lf = body.replace("\r\n", "\n") if crlf else body
    lines = lf.splitlines(keepends=True)
    touched = _touched_lines(lf, docs, ops)
    by_doc: dict[int, list[Op]] = {}
    for op in ops:
        by_doc.setdefault(op.doc, []).append(op)
    regions = _document_regions(lines, docs)
    if regions is None:  # documents share lines: the whole stream at once
        parts: list[tuple[int, int, list[Op]]] = [(0, len(lines), ops)]
    else:
        parts = [(*regions[d], [replace(op, doc=0) for op in by_doc[d]])
                 for d in sorted(by_doc, reverse=True)]
    out = list(lines)
    for begin, end, part_ops in parts:
        try:
            text = apply_all("".join(lines[begin:end]), part_ops, style.step, style.seq_offset)
        except RoundTripError as err:
            raise _Unfaithful(str(err)) from err
        new = text.splitlines(keepends=True)
        _check_faithful(lines[begin:end], new, {t - begin for t in touched}, begin)
        out[begin:end] = new
    result = "".join(out)
    return result.replace("\n", "\r\n") if crlf else result


def _document_regions(lines: list[str], docs: list[Document]) -> dict[int, tuple[int, int]] | None:
    """Lines of each document, from its root to the next ``---`` (None when a root shares
    its line with a separator or the separators cannot be found)."""
    regions = {}
    for i, doc in enumerate(docs):
        if doc.start[1] != 0:
            return None
        begin = doc.start[0]
        if i + 1 == len(docs):
            regions[doc.index] = (begin, len(lines))
            break
        nxt = docs[i + 1].start[0]
        sep = next((k for k in range(min(nxt, len(lines) - 1), begin, -1)
                    if lines[k].startswith("---")), None)
        if sep is None or sep == nxt:
            return None
        regions[doc.index] = (begin, sep)
    return regions


def _check_faithful(before: list[str], after: list[str], touched: set[int], first: int) -> None:
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, _j1, _j2 in matcher.get_opcodes():
        if tag in ("replace", "delete") and not set(range(i1, i2)) <= touched:
            raise _Unfaithful(f"ruamel.yaml would rewrite line {first + i1 + 1}, which no "
                              "fix touches")
        if tag == "insert" and i1 > 0 and before[i1 - 1].lstrip().startswith(("#", "\n")):
            # ruamel attaches a comment (or blank line) to the value above it: new keys
            # would land between a comment and what it describes
            raise _Unfaithful("ruamel.yaml would insert after the comment or blank line "
                              f"{first + i1}")


def _inline_edit(text: str, docs: list[Document], ops: list[Op]) -> bool:
    """Whether an operation edits inside a line (a scalar, a flow collection, a null)."""
    t = _Text(text)
    for op in ops:
        if op.kind == "remove":
            continue
        chain, found = _walk(docs[op.doc], op.path)
        loc = chain[-1]
        if (found == len(op.path) and op.kind == "set") or _is_flow(t, loc) \
                or loc.value is None:
            return True
    return False


def _touched_lines(text: str, docs: list[Document], ops: list[Op]) -> set[int]:
    """0-based lines the operations may change: the scalar a set replaces, what a remove
    deletes, a flow collection that grows, a null that becomes a collection."""
    t = _Text(text)
    lines: set[int] = set()
    for op in ops:
        chain, found = _walk(docs[op.doc], op.path)
        loc = chain[-1]
        replaced = op.kind == "remove" or (found == len(op.path) and op.kind == "set")
        if replaced or _is_flow(t, loc) or loc.value is None:
            first = loc.key_pos[1] if loc.key_pos is not None else loc.start[0]
            lines.update(range(first, loc.end[0] + 1))
    return lines


# --- writing ---------------------------------------------------------------------------

def inside(path: str, roots: list[str]) -> bool:
    """``path`` resolves to a regular file inside one of ``roots`` (no symlink out)."""
    real = os.path.realpath(path)
    for root in roots:
        base = os.path.realpath(root)
        if os.path.isfile(base):
            if real == base:
                return True
            continue
        if os.path.commonpath([real, base]) == base:
            return True
    return False


def write_atomically(path: str, text: str) -> None:
    """Replace ``path`` by ``text`` (UTF-8) through a temporary file in its directory,
    keeping its permission bits; a symlink is never written through."""
    info = os.lstat(path)
    if not stat.S_ISREG(info.st_mode):
        raise OSError(f"{path} is not a regular file")
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{os.path.basename(path)}.",
                               suffix=".netlint-fix")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(text.encode("utf-8"))
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, stat.S_IMODE(info.st_mode))
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
