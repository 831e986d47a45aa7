"""Load: read each file once, parse it into positioned documents, classify them, and
collect the file's suppressions.

This step reports what reading and parsing find (``unreadable-file``, ``parse-error``,
``yaml-duplicate-key``, ...) and runs no rule; the check step (``check.py``) runs rules on
what is loaded here.  Compose documents are assembled into projects (base and override
files, includes, extends) here too, once every file is loaded.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from netlint.discovery import FileEntry, ReadProblem, classify, read_source
from netlint.findings import Finding
from netlint.options import ScanOptions
from netlint.severities import FindingMaker
from netlint.skips import SKIPPABLE_PROBLEMS, skip_unparseable, skip_unread
from netlint.source import Source, Span
from netlint.suppressions import Suppression, annotation_suppressions, comment_suppressions
from netlint.yamlnodes import Document, kubernetes_booleans, parse_documents

# a file's records by collector name, or a function that decodes them from the cache
# (a context file's, decoded only if the cross-file rules run; see check.py)
Records = dict[str, list[Any]] | Callable[[], dict[str, list[Any]]]


@dataclass
class ScanStats:
    files: int = 0
    files_skipped: int = 0  # parsed, but no Kubernetes, Compose or Envoy document in them
    files_failed: int = 0  # could not be read or parsed at all
    files_lost: int = 0  # their worker process died: not analysed, the scan exits 2
    documents: Counter[str] = field(default_factory=Counter)
    rules_run: int = 0
    # Helm charts and kustomizations (netlint/render/): rendered, wall time spent in the
    # renderers, and input files not scanned because no renderer was found
    rendered_units: int = 0
    render_seconds: float = 0.0
    files_not_scanned: int = 0
    # why each skipped file was skipped (shown by `scan --verbose`); see skips.py
    skip_reasons: dict[str, str] = field(default_factory=dict)

    @property
    def documents_total(self) -> int:
        return sum(self.documents.values())

    def merge(self, other: ScanStats) -> None:
        self.files += other.files
        self.files_skipped += other.files_skipped
        self.files_failed += other.files_failed
        self.files_lost += other.files_lost
        self.documents.update(other.documents)
        self.skip_reasons.update(other.skip_reasons)

    def skip(self, path: str, reason: str) -> None:
        self.files_skipped += 1
        self.skip_reasons[path] = reason


@dataclass
class Loaded:
    """What loading (and, with ``checked``, checking while loading) produced."""

    sources: list[Source] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # from reading and parsing
    # from document-scope rules that already ran while loading (see check.load_and_check)
    rule_findings: list[Finding] = field(default_factory=list)
    suppressions: list[Suppression] = field(default_factory=list)
    checked: bool = False  # document-scope rules already ran on non-Compose documents
    # context files (``--context``): their documents join the project for cross-file rules,
    # but nothing is reported in them
    context_documents: list[Document] = field(default_factory=list)
    context_paths: set[str] = field(default_factory=set)
    # documents of no known kind, kept only for rules that read them (declarative rules
    # with `target: any`), and the files counted as skipped when loaded
    unclassified: list[Document] = field(default_factory=list)
    skipped: set[str] = field(default_factory=set)
    # what project-scope templates collected from each document while it was loaded
    # (their ``COLLECT``), by collector name, in scan order
    records: dict[str, list[Any]] = field(default_factory=dict)
    # per file, in scan order: (file, its records or None when not at hand, its identity
    # for the cross-file cache); ``records`` is built from them (check.py)
    record_parts: list[tuple[FileEntry, Records | None, str]] = field(default_factory=list)
    # Compose variables substituted from the environment or env files: never reported
    substituted: dict[str, str] = field(default_factory=dict)
    # real directories that files referenced by Compose may come from (the scanned trees
    # and their repositories; see discovery.tree_roots); None: the working directory's
    scan_roots: list[str] | None = None
    # Helm/Kustomize rendering (netlint/render/units.py's RenderPlan), when it is on
    render: Any = None
    # fixes the check step computed (FileResult.fixes of every file)
    fixes: dict[Finding, Any] = field(default_factory=dict)


@dataclass
class FileResult:
    """What loading (and checking) one file produced, before it joins the scan's
    :class:`Loaded`: the unit the incremental cache stores and worker processes return."""

    entry: FileEntry
    stats: ScanStats
    source: Source | None = None  # None: the file could not be read
    findings: list[Finding] = field(default_factory=list)  # from reading and parsing
    rule_findings: list[Finding] = field(default_factory=list)
    suppressions: list[Suppression] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    unclassified: list[Document] = field(default_factory=list)
    skipped: bool = False
    # the collectors' records of its documents, by collector name; None when they are not
    # at hand (a cache hit whose records cannot be stored): the file is parsed again for
    # them if the cross-file rules must run
    records: Records | None = field(default_factory=dict)
    # what the file gives the cross-file rules, as a short string (see check.py)
    identity: str = ""
    cache_entry: dict[str, Any] | None = None  # to store in the cache (check.py decides)
    # the hash of the source's text: for the cache entry, and to re-read a forgotten text
    digest: str | None = None
    # every document of the file in order, as parsed: for computing the findings' fixes
    # while the parse is at hand (check.py); dropped before the result leaves the check
    parsed: list[Document] | None = None
    # the fix of each fixable finding of the document-scope rules (None: it has none),
    # when reports show fixes (ScanOptions.finding_fixes); see netlint/fix/report.py
    fixes: dict[Finding, Any] = field(default_factory=dict)


def load_file(entry: FileEntry, max_file_size: int, make: FindingMaker,
              keep_unclassified: bool, source: Source | ReadProblem | None = None,
              comments: bool = True) -> FileResult:
    """Read (unless ``source`` was read already) and parse one file.  Rendered Helm or
    Kustomize output is parsed without ``comments``: its comments are the templates',
    read as suppressions from the templates themselves (netlint/render/)."""
    result = FileResult(entry, ScanStats(files=1))
    if source is None:
        source = read_source(entry, max_file_size)
    if isinstance(source, ReadProblem):
        reason = skip_unread(entry.path, source.rule, source.message)
        if reason is not None:  # not recognisably a manifest: not ours (skips.py)
            result.stats.skip(entry.display, reason)
            result.skipped = True
            return result
        result.stats.files_failed += 1
        span = Span(source.line, source.column, source.line, source.column + 1)
        result.findings.append(make(source.rule, entry.display, span, source.message))
        return result
    result.source = source
    _parse_into(source, result, make, keep_unclassified, comments)
    return result


# What each consumer does with a mapping key given twice (the reviewer may read the first).
DUPLICATE_KEY_EFFECT = {
    # compose-go decodes with go-yaml v3, which refuses "mapping key ... already defined"
    "compose": "Docker Compose v2 refuses the file (mapping key already defined): it will "
               "not deploy, and tools that accept it keep only this last value",
    # kubectl's default server-side field validation (Strict, v1.27+) fails the request on
    # duplicate fields; with Warn or Ignore the API server keeps the last value
    "kubernetes": "the API server rejects duplicate fields under strict field validation "
                  "(kubectl's default since v1.27) and otherwise silently keeps only this "
                  "last value",
    "": "YAML parsers that accept duplicates keep only this last value",
}


def _parse_into(source: Source, result: FileResult, make: FindingMaker,
                keep_unclassified: bool, comments: bool = True) -> None:
    """Parse one file's text: its documents of a known kind (and, with
    ``keep_unclassified``, the others), its suppressions and its parse findings."""
    stats = result.stats
    docs, error = parse_documents(source)
    result.parsed = docs if error is None else None
    recognised = dropped = 0
    if comments:
        result.suppressions.extend(comment_suppressions(source))
    for doc in docs:
        doc.kind = classify(doc.value, source.path)
        if doc.kind is not None:
            recognised += 1
            stats.documents[doc.kind] += 1
            result.documents.append(doc)
            if doc.kind == "kubernetes":
                if doc.yaml11_booleans:  # plain y/Y/n/N: booleans, as go-yaml v2 reads them
                    kubernetes_booleans(doc.value)
                    result.parsed = None  # no longer the values a re-parse gives
                result.suppressions.extend(_annotation_suppressions(doc))
        elif keep_unclassified:
            result.unclassified.append(doc)
        elif doc.value is not None:
            dropped += 1
        if doc.duplicates and doc.kind is not None:
            for dup in doc.duplicates:
                src, kl, kc, kel, kec = dup.duplicate[:5]
                first_line = dup.first[1] + 1
                result.findings.append(make(
                    "yaml-duplicate-key", src.path, src.span(kl, kc, kel, kec),
                    f"key '{dup.key}' appears again (first on line {first_line}); "
                    f"{DUPLICATE_KEY_EFFECT.get(doc.kind, DUPLICATE_KEY_EFFECT[''])}",
                    context=f"duplicate {dup.key}",
                ))
    if dropped and recognised:
        # a document no rule reads, beside ones that are checked: counted and shown in the
        # summary, never silently dropped (a file of only such documents is a skipped file)
        stats.documents["skipped"] += dropped
    reason = None
    if error is not None and error.rule in SKIPPABLE_PROBLEMS and recognised == 0:
        reason = skip_unparseable(source.path, source.text,
                                  f"line {error.line0 + 1}: {error.message}")
    if error is not None and reason is None:
        stats.files_failed += 1 if not docs else 0
        result.findings.append(make(
            error.rule, source.path, _point(source, error.line0, error.col0), error.message,
        ))
    elif recognised == 0:
        stats.skip(source.path, reason or "no Kubernetes, Compose or Envoy document")
        result.skipped = True


def add_file(loaded: Loaded, stats: ScanStats, result: FileResult) -> None:
    """Join one file's result to the scan's, in file order."""
    stats.merge(result.stats)
    if result.source is not None:
        loaded.sources.append(result.source)
    loaded.findings.extend(result.findings)
    loaded.rule_findings.extend(result.rule_findings)
    loaded.suppressions.extend(result.suppressions)
    loaded.documents.extend(result.documents)
    loaded.unclassified.extend(result.unclassified)
    loaded.fixes.update(result.fixes)
    if result.skipped and result.source is not None:
        loaded.skipped.add(result.source.path)
    loaded.record_parts.append((result.entry, result.records, result.identity))


def assemble_compose(loaded: Loaded, options: ScanOptions, make: FindingMaker) -> Any:
    """Replace the Compose documents by one merged document per Compose project
    (base + override files, includes, extends, interpolation); see loaders/compose.py.
    Returns the loader's ``Assembled`` (None: nothing to assemble)."""
    if not any(d.kind == "compose" and not d.cache.get("compose_assembled")
               for d in loaded.documents):
        return None
    from netlint.loaders.compose import assemble_projects

    done = assemble_projects(loaded.documents, options.compose_ignore_env,
                             options.max_file_size, compose_roots(loaded, options))
    loaded.documents = done.documents
    add_compose_sources(loaded, done.sources)
    loaded.substituted.update(done.substituted)
    for path, message in done.errors:
        loaded.findings.append(make("internal-error", path, Span(1, 1, 1, 1),
                                    message + "; please report this"))
    return done


def compose_roots(loaded: Loaded, options: ScanOptions) -> list[str] | None:
    """Where files that Compose references may be read from (None: anywhere)."""
    if options.compose_allow_outside:
        return None
    return loaded.scan_roots if loaded.scan_roots is not None else scan_roots(["."])


def add_compose_sources(loaded: Loaded, sources: Iterable[Source]) -> None:
    """Files that Compose includes or extends join the scan's sources (reports show
    them) with their suppression comments."""
    known = {s.path for s in loaded.sources}
    added = [s for s in sources if s.path not in known]
    loaded.sources.extend(added)
    for source in added:
        loaded.suppressions.extend(comment_suppressions(source))


def scan_roots(paths: Iterable[str]) -> list[str]:
    """The scanned trees and their repositories (stdin: the working directory's)."""
    from netlint.discovery import tree_roots

    roots: list[str] = []
    for p in paths:
        for root in tree_roots("." if p == "-" else p):
            if root not in roots:
                roots.append(root)
    return roots


def _annotation_suppressions(doc: Document) -> list[Suppression]:
    from netlint.loaders.kubernetes import objects

    return annotation_suppressions(doc, ((o.path, o.value) for o in objects(doc)))


def _point(source: Source, line0: int, col0: int) -> Span:
    """A one-character span at a parser mark, kept inside the text (an error at the end of
    the file points at the end of its last line, not at a line that does not exist)."""
    line = line0 + 1
    while line > 1 and not source.line_text(line).strip():
        line -= 1
        col0 = len(source.line_text(line))
    col = min(col0, len(source.line_text(line))) + 1
    return Span(line, col, line, col + 1)
