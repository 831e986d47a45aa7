"""Fixes in reports: for each reported finding whose rule declares a fix, the edit that
fix makes on its own (SARIF ``fixes`` with ``artifactChanges``; the JSON report's
``fix``).  Computed with the text splice (no ruamel.yaml) and verified like ``fix``: the
edited text must re-parse to the intended documents.

Per file this costs about one parse to verify, not two per finding: every finding's edit
is spliced into the file's parse (the scan's own when the check step computes them, see
``check.py``), and the edits, which touch separate places, are verified together, applied
all at once to the text and re-parsed once.  Each edit is a local change (a scalar
replaced, whole lines inserted or removed at its own place), so the combined text parsing
to the combined intended documents shows that every edit lands where it should.  Edits
that each add the same missing parent (``securityContext:``) with one entry below it are
combined under one copy of it: their entries are siblings there, each parsed as it would
be alone.  Edits that overlap go to a later batch, and a batch whose combined text does
not verify is split in halves, down to edits verified alone.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

from netlint.cache import ScanCache, encode_finding, text_hash
from netlint.findings import Finding
from netlint.fix.apply import _document_regions, _with_splice, order_ops, verify
from netlint.fix.intended import applied
from netlint.fix.plan import Op, ops_for, position_index
from netlint.fix.spec import FixSpec, rule_fix
from netlint.fix.splice import SpliceError, Style
from netlint.source import Source
from netlint.yamlnodes import Document, parse_documents

# a report spends at most this re-parsing one file to verify its fixes (bytes x parses;
# one parse at least)
MAX_WORK_PER_FILE = 64 << 20
# and at most this splicing its fixes, each a copy of the text (bytes x fixable findings):
# a 10 MB list of thousands of pods gets no fixes rather than a scan that never ends
MAX_SPLICE_PER_FILE = 1 << 30


@dataclass(frozen=True, slots=True)
class Replacement:
    """Replace the 1-based region (end column exclusive; empty = insert) by ``text``."""

    start_line: int
    start_column: int
    end_line: int
    end_column: int
    text: str


@dataclass(frozen=True, slots=True)
class FindingFix:
    description: str
    safety: str
    replacement: Replacement

    def as_json(self) -> dict[str, Any]:
        r = self.replacement
        return {"description": self.description, "safety": self.safety,
                "replacements": [{"line": r.start_line, "column": r.start_column,
                                  "end_line": r.end_line, "end_column": r.end_column,
                                  "text": r.text}]}

    def encode(self) -> list[Any]:
        """As the incremental cache keeps it (see :func:`decode_fix`)."""
        r = self.replacement
        return [self.description, self.safety, r.start_line, r.start_column, r.end_line,
                r.end_column, r.text]

    def as_sarif(self, artifact: dict[str, Any]) -> dict[str, Any]:
        r = self.replacement
        return {
            "description": {"text": f"{self.description} ({self.safety} fix)"},
            "artifactChanges": [{
                "artifactLocation": artifact,
                "replacements": [{
                    "deletedRegion": {"startLine": r.start_line,
                                      "startColumn": r.start_column,
                                      "endLine": r.end_line, "endColumn": r.end_column},
                    "insertedContent": {"text": r.text},
                }],
            }],
        }


def decode_fix(data: Any) -> FindingFix:
    """What :meth:`FindingFix.encode` wrote (ValueError when it is not that)."""
    if type(data) is not list or len(data) != 7:
        raise ValueError("not a fix")
    description, safety, line, column, end_line, end_column, text = data
    if not all(type(v) is str for v in (description, safety, text)) or not all(
            type(v) is int for v in (line, column, end_line, end_column)):
        raise ValueError("not a fix")
    return FindingFix(description, safety, Replacement(line, column, end_line, end_column,
                                                       sys.intern(text)))


def fixable(findings: Iterable[Finding], rules: Mapping[str, Any]
            ) -> list[tuple[Finding, FixSpec]]:
    """The findings whose rule declares a fix, each with that fix."""
    out = []
    for f in findings:
        spec = rule_fix(rules.get(f.rule_id))
        if spec is not None:
            out.append((f, spec))
    return out


def finding_fixes(result: Any) -> dict[Finding, FindingFix]:
    """The fix of each reported finding that has one (the edit it makes alone).  The check
    step computed most of them (``result.fixes``, where a finding without a fix maps to
    None; the engine adds the rest when its options ask for fixes); any others are
    computed here, parsing their files again."""
    known: dict[Finding, FindingFix | None] = getattr(result, "fixes", None) or {}
    out: dict[Finding, FindingFix] = {}
    for f in result.findings:
        fix = known.get(f)
        if fix is not None:
            out[f] = fix
    for path, work in remaining_work(result).items():
        source = result.sources.get(path)
        if source is None:
            continue
        out.update((f, fix) for f, fix in file_fixes(path, source.text, work).items()
                   if fix is not None)
    return out


def complete_fixes(result: Any, cache: ScanCache | None) -> None:
    """Add to ``result.fixes`` the fixes of the reported findings the check step could not
    fix on its own parse (Compose and cross-file findings): from the cache while the
    file's text and its findings there are what they were, else computed (parsing the
    file again) and cached."""
    for path, work in remaining_work(result).items():
        source = result.sources.get(path)
        if source is None:
            continue
        text = source.text
        key = [text_hash(text), [encode_finding(f) for f, _spec in work]]
        stored = cache.report_fixes(path) if cache is not None else None
        found = None
        if (stored is not None and len(stored) == 3 and stored[:2] == key
                and isinstance(stored[2], list) and len(stored[2]) == len(work)):
            try:
                found = {f: None if data is None else decode_fix(data)
                         for (f, _spec), data in zip(work, stored[2], strict=True)}
            except ValueError:
                found = None  # malformed: computed again and rewritten
        if found is None:
            found = file_fixes(path, text, work)
            if cache is not None:
                cache.put_report_fixes(path, [*key, [
                    None if (fix := found[f]) is None else fix.encode() for f, _spec in work]])
        result.fixes.update(found)


def remaining_work(result: Any) -> dict[str, list[tuple[Finding, FixSpec]]]:
    """Per file, the reported findings with a fix that ``result.fixes`` does not know yet
    (cross-file and Compose findings: the check step fixes findings on its own parse)."""
    known: dict[Finding, FindingFix | None] = getattr(result, "fixes", None) or {}
    by_file: dict[str, list[tuple[Finding, FixSpec]]] = {}
    for f, spec in fixable((f for f in result.findings if f not in known), result.rules):
        by_file.setdefault(f.path, []).append((f, spec))
    return by_file


@dataclass
class _Edit:
    finding: Finding
    fix: FindingFix
    begin: int  # the replaced region of the original text, as offsets
    end: int
    inserted: str
    ops: list[Op]


def file_fixes(path: str, text: str, work: list[tuple[Finding, FixSpec]],
               docs: list[Document] | None = None) -> dict[Finding, FindingFix | None]:
    """Each finding's fix in one file (None: it has none here).  ``docs``: ``text``
    already parsed (every document, in order, values as parsed)."""
    out: dict[Finding, FindingFix | None] = {f: None for f, _ in work}
    if len(text) * len(work) > MAX_SPLICE_PER_FILE:
        return out
    if docs is None:
        docs, error = parse_documents(Source(path, text))
        if error is not None:
            return out
    index = position_index(docs)
    style = Style(text, path.endswith(".json"))
    values = [d.value for d in docs]
    edits: list[_Edit] = []
    for finding, spec in work:
        ops = ops_for(finding, spec, docs, index)
        if isinstance(ops, str):
            continue
        try:
            effective = applied(values, order_ops(ops))[1]
            if not effective:
                continue
            fixed = _with_splice(path, text, effective, style, docs)
        except (SpliceError, ValueError, KeyError, TypeError, IndexError):
            continue
        begin, end, inserted = _difference(text, fixed)
        edits.append(_Edit(finding, FindingFix(spec.description, spec.safety,
                                               _replacement(text, begin, end, inserted)),
                           begin, end, inserted, effective))
    # one parse of the file per batch, more when a batch has to be split
    budget = [max(1, MAX_WORK_PER_FILE // max(len(text), 1))]
    check = _Verifier(path, text, docs)
    for batch in _batches(edits):
        for e in _verified(check, batch, budget):
            out[e.finding] = e.fix
    return out


class _Verifier:
    """Whether a batch of edits re-parses to the intended documents.  In a stream of
    several documents only the documents the edits change are parsed, each from its root
    line to the next ``---`` line: an edit inside that region cannot change another
    document (the ``---`` still ends it), and a region that does not parse alone as one
    document equal to the intended one (an edit that added a separator, say) fails."""

    # characters libyaml may read as a line break where str.split("\n") does not: the
    # documents' line numbers would not match the regions
    ODD_BREAKS = ("\r", "\x85", "\u2028", "\u2029")

    def __init__(self, path: str, text: str, docs: list[Document]) -> None:
        self.path = path
        self.text = text
        self.values = [d.value for d in docs]
        self.regions = self._regions(text, docs) if len(docs) > 1 else None

    def _regions(self, text: str, docs: list[Document]) -> dict[int, tuple[int, int]] | None:
        """Each document's region as offsets (the line regions ruamel.yaml's path edits
        too, see apply.py)."""
        if any(c in text for c in self.ODD_BREAKS):
            return None
        lines = text.split("\n")
        by_line = _document_regions(lines, docs)
        if by_line is None:
            return None
        starts = [0]
        for line in lines:
            starts.append(starts[-1] + len(line) + 1)
        end = len(text)
        return {index: (min(starts[first], end), min(starts[last], end))
                for index, (first, last) in by_line.items()}

    def __call__(self, batch: list[_Edit]) -> bool:
        try:
            intended, _ = applied(self.values, order_ops([op for e in batch for op in e.ops]))
        except (ValueError, KeyError, TypeError, IndexError):
            return False
        by_doc = self._by_document(batch)
        if by_doc is None:
            return not verify(self.path, _combined(self.text, batch), intended)
        for index, edits in by_doc.items():
            begin, end = self.regions[index]  # type: ignore[index]
            piece = _combined(self.text[begin:end], [
                replace(e, begin=e.begin - begin, end=e.end - begin) for e in edits])
            docs, error = parse_documents(Source(self.path, piece))
            if error is not None or len(docs) != 1 or docs[0].value != intended[index]:
                return False
        return True

    def _by_document(self, batch: list[_Edit]) -> dict[int, list[_Edit]] | None:
        """The batch's edits by the document whose region holds each (None: not all of
        them lie in the region of the one document their operations change)."""
        if self.regions is None:
            return None
        out: dict[int, list[_Edit]] = {}
        for e in batch:
            touched = {op.doc for op in e.ops}
            if len(touched) != 1:
                return None
            index = touched.pop()
            region = self.regions.get(index)
            if region is None or not region[0] <= e.begin <= e.end <= region[1]:
                return None
            out.setdefault(index, []).append(e)
        return out


def _batches(edits: list[_Edit]) -> Iterator[list[_Edit]]:
    """The edits in batches that can be applied together: regions apart, touching (not
    two removals) or identical; insertions at one offset stack, and two that open the
    same missing parent (each adds ``securityContext:`` with one key below it) share it
    (see :func:`_combined`); other insertions with the same first line, and regions that
    overlap, go to a later batch."""
    pending = sorted(edits, key=lambda e: (e.begin, e.end))
    while pending:
        batch: list[_Edit] = []
        rest: list[_Edit] = []
        end = -1  # where the last region taken ends
        heads: dict[str, bool] = {}  # first lines of the insertions stacked at ``end``
        stacked: set[str] = set()  # and their texts
        for e in pending:
            head, opens = _head(e.inserted)
            last = batch[-1] if batch else None
            inserts = e.begin == e.end
            on_stack = last is not None and last.begin == last.end == e.begin and inserts
            # touching regions join, unless both remove or replace text: removing the
            # last two items of a list one by one leaves [], together a null
            touches = e.begin == end and not on_stack and (
                inserts or last is None or last.begin == last.end)
            if e.begin > end or touches:
                heads, stacked = ({head: opens}, {e.inserted}) if inserts else ({}, set())
            elif on_stack and e.inserted in stacked:
                pass  # the same edit for another finding
            elif on_stack and (head not in heads or (opens and heads[head])):
                heads.setdefault(head, opens)
                stacked.add(e.inserted)
            elif last is not None and (last.begin, last.end, last.inserted) == (
                    e.begin, e.end, e.inserted):
                pass  # the same edit for another finding
            else:
                rest.append(e)
                continue
            batch.append(e)
            end = e.end
        yield batch
        pending = rest


def _verified(check: Callable[[list[_Edit]], bool], batch: list[_Edit], budget: list[int]
              ) -> list[_Edit]:
    """The edits of ``batch`` that verify: all of them when the batch does, else those of
    each half, down to single edits (one verification per batch tried, within
    ``budget``)."""
    budget[0] -= 1
    if budget[0] < 0:
        return []
    if check(batch):
        return batch
    if len(batch) == 1:
        return []
    middle = len(batch) // 2
    return _verified(check, batch[:middle], budget) + _verified(check, batch[middle:], budget)


def _head(inserted: str) -> tuple[str, bool]:
    """An insertion's first line, and whether it opens a block mapping that holds every
    line after it (``  securityContext:`` with deeper lines below)."""
    head, _, body = inserted.partition("\n")
    key = head.rstrip("\r")
    indent = len(key) - len(key.lstrip(" "))
    opens = key.endswith(":") and bool(body) and all(
        len(line) - len(line.lstrip(" ")) > indent
        for line in body.split("\n") if line.strip())
    return head, opens


def _combined(text: str, batch: list[_Edit]) -> str:
    """``text`` with every edit of ``batch`` applied: insertions at one offset in batch
    order, those opening the same parent under one copy of it."""
    regions: list[tuple[int, int, dict[str, str]]] = []
    for e in batch:
        if regions and regions[-1][0] == regions[-1][1] == e.begin == e.end:
            stack = regions[-1][2]
            head, _ = _head(e.inserted)
            if head in stack:
                if stack[head] != e.inserted:  # the same parent: only the lines below it
                    stack[head] += e.inserted[len(head) + 1:]
            else:
                stack[head] = e.inserted
        elif regions and regions[-1][:2] == (e.begin, e.end) and e.begin != e.end:
            continue  # the same edit for another finding
        else:
            regions.append((e.begin, e.end, {_head(e.inserted)[0]: e.inserted}))
    for begin, end, stack in reversed(regions):
        text = text[:begin] + "".join(stack.values()) + text[end:]
    return text


def _difference(before: str, after: str) -> tuple[int, int, str]:
    """The one region of ``before`` that differs (common prefix and suffix kept), as
    (begin, end, inserted text)."""
    start = _common_prefix(before, after)
    suffix = _common_suffix(before, after, start)
    end_b, end_a = len(before) - suffix, len(after) - suffix
    # a pure insertion or deletion slides left to a line start when it can (the same
    # edit, but whole lines: "  cap_drop:\n  - ALL\n" rather than mid-line pieces)
    inserted = after[start:end_a]
    if start == end_b:
        while start > 0 and before[start - 1] != "\n" and inserted \
                and inserted[-1] == before[start - 1]:
            inserted = before[start - 1] + inserted[:-1]
            start -= 1
            end_b -= 1
    elif start == end_a:
        while start > 0 and before[start - 1] != "\n" and before[end_b - 1] == before[start - 1]:
            start -= 1
            end_b -= 1
    return start, end_b, inserted


def _common_prefix(a: str, b: str) -> int:
    """The length of the longest common prefix (by halving: slices compare in C)."""
    low, high = 0, min(len(a), len(b))
    while low < high:
        mid = (low + high + 1) // 2
        if a[low:mid] == b[low:mid]:
            low = mid
        else:
            high = mid - 1
    return low


def _common_suffix(a: str, b: str, prefix: int) -> int:
    """The length of the longest common suffix that does not reach into ``prefix``."""
    low, high = 0, min(len(a), len(b)) - prefix
    la, lb = len(a), len(b)
    while low < high:
        mid = (low + high + 1) // 2
        if a[la - mid:la - low] == b[lb - mid:lb - low]:
            low = mid
        else:
            high = mid - 1
    return low


def _replacement(before: str, begin: int, end: int, inserted: str) -> Replacement:
    line, col = _position(before, begin)
    end_line, end_col = _position(before, end)
    # many findings insert the same lines ("allowPrivilegeEscalation: false"): one string
    return Replacement(line, col, end_line, end_col, sys.intern(inserted))


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, col
