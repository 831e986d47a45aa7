"""Check: run the planned rules on what was loaded and resolve each violation (a path into
a document, or an explicit place) to a finding at a span.

Per file, in the parent or in a worker process (``parallel.py``): load it, hand each of
its documents to the collectors of cross-file rules, and run the document-scope rules right
away, so that a document is kept in memory only when a cross-file rule reads it.  Once
every file is loaded: the Compose rules (on assembled projects), rules that read plain YAML
documents, and the project-scope rules.  A rule that raises becomes an ``internal-error``
finding naming the rule and file; the scan goes on.
"""

from __future__ import annotations

import functools
import json
import os
import traceback
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from netlint import check_compose
from netlint.cache import (
    BadEntry,
    Hit,
    ScanCache,
    decode_finding,
    decode_suppression,
    encode_finding,
    encode_suppression,
    file_text,
    reread,
    text_hash,
)
from netlint.discovery import STDIN, FileEntry, ReadProblem, discover, read_source
from netlint.findings import Finding
from netlint.load import (
    FileResult,
    Loaded,
    Records,
    ScanStats,
    add_file,
    assemble_compose,
    load_file,
)
from netlint.places import finding_context, span_text
from netlint.plan import RulePlan
from netlint.registry import Rule
from netlint.source import Source, Span
from netlint.templates.base import Project, RuleContext, Violation
from netlint.yamlnodes import Document, locate


def _str(value: Any) -> str:
    if type(value) is not str:
        raise BadEntry
    return str(value)


class Checker:
    """Runs one scan's planned rules; with a cache, reuses what it holds for unchanged
    files and stores what it computes for the others."""

    def __init__(self, plan: RulePlan, cache: ScanCache | None = None,
                 build_entries: bool | None = None) -> None:
        self.plan = plan
        self.options = plan.options
        self.make_finding = plan.make_finding
        self.cache = cache
        self._build_entries = build_entries
        # Helm/Kustomize rendering (netlint/render/units.py), set by the engine: maps
        # standard input's `# Source:` comments
        self.render: Any = None

    @property
    def build_entries(self) -> bool:
        """Cache entries are built where files are checked: here when this checker has a
        cache, or in a worker process for the parent's cache."""
        return self.cache is not None if self._build_entries is None else self._build_entries

    # --- per file --------------------------------------------------------------------

    def load_and_check(self, entries: Sequence[FileEntry], stats: ScanStats,
                       progress: Callable[[int, int], None] | None = None, check: bool = True,
                       context: bool = False) -> Loaded:
        """Read and parse each file; with ``check``, run the document-scope rules on it
        right away (Compose documents wait: they are assembled into projects first).

        Project-scope templates that declare ``COLLECT`` get a record of each document
        right away.  Documents are then kept only when another selected project-scope rule
        reads their kind, so memory holds the sources' text, not every parsed document.
        Files the cache holds are not parsed at all.
        """
        entries = list(entries)
        cached = self.cached(entries, check, context)

        def results() -> Iterator[FileResult]:
            for done, (entry, hit) in enumerate(zip(entries, cached, strict=True)):
                if progress is not None:
                    progress(done, len(entries))
                if isinstance(hit, FileResult):
                    yield hit
                else:
                    yield self.check_file(entry, check, hit)

        return self.finish(results(), stats, check)

    def cached(self, entries: Sequence[FileEntry], check: bool, context: bool = False
               ) -> list[FileResult | Source | ReadProblem | None]:
        """Per file: its result from the cache, or else the text read while looking (so
        a miss does not read the file twice), or None.  ``context``: only what context
        files give the cross-file rules (records), not their findings or suppressions."""
        cache = self.cache
        if cache is None:
            return [None] * len(entries)
        out: list[FileResult | Source | ReadProblem | None] = []
        max_size = self.options.max_file_size
        for entry in entries:
            if entry.path == STDIN:
                out.append(None)
                continue
            read: list[Source | ReadProblem] = []

            def read_text(entry: FileEntry = entry, read: list[Source | ReadProblem] = read
                          ) -> str | None:
                read.append(read_source(entry, max_size))
                return read[0].text if isinstance(read[0], Source) else None

            hit = cache.lookup(os.path.abspath(entry.path), entry.display, read_text)
            result = None
            if hit is not None and (hit.entry.get("checked") or not check) and (
                    context or not hit.entry.get("context_only")):
                try:
                    result = self._from_cache(entry, hit, check, context)
                except (BadEntry, ValueError, TypeError, KeyError, AttributeError):
                    result = None  # malformed: parsed again, and the entry rewritten
            if result is not None:
                cache.hits += 1
            else:
                cache.misses += 1
            out.append(result if result is not None else (read[0] if read else None))
        return out

    def check_file(self, entry: FileEntry, check: bool,
                   source: Source | ReadProblem | None = None, rendered: bool = False
                   ) -> FileResult:
        """Load one file (or, ``rendered``, a chart's or kustomization's rendered output:
        never cached), collect its records and, with ``check``, run the document-scope
        rules on it."""
        collectors = self.plan.collectors()
        result = load_file(entry, self.options.max_file_size, self.make_finding,
                           bool(self.plan.unclassified_rules), source, comments=not rendered)
        if entry.path == STDIN and self.render is not None and result.source is not None:
            self.render.stdin_mapper(result.source)  # `helm template . | netlint scan -`
        records: dict[str, list[Any]] = {name: [] for name in collectors}
        new = result.documents
        if new:
            for name, (collect, kinds, _codec) in collectors.items():
                records[name].extend(collect(d, self.options) for d in new if d.kind in kinds)
            if check:
                result.rule_findings = self.check_documents(
                    d for d in new if d.kind != "compose")
                if self.options.finding_fixes and not rendered:
                    result.fixes = self._fixes(result)
                keep = self.plan.project_kinds() | {"compose"}
                result.documents = [d for d in new if d.kind in keep]
                for d in new:
                    if d.kind not in keep:
                        # the rules' per-document caches point back at the document (a
                        # K8sObject holds its doc): a cycle that only the garbage collector
                        # would free, keeping the whole parse alive until it runs
                        d.cache.clear()
        result.parsed = None
        result.records = records
        stored = self.build_entries and entry.path != STDIN and not rendered
        if stored:
            result.cache_entry = self._cache_entry(result, check)
            result.identity = (result.cache_entry["identity"] if result.cache_entry is not None
                               else self._identity(result, None))
        source = result.source
        if source is not None and not result.documents:
            if not result.unclassified and entry.path != STDIN and not rendered \
                    and source.mapper is None:
                # nothing of it is located any more: its text is read again if a report
                # shows it (and only while it is still the text checked), not held to the
                # end of the scan
                result.digest = text_hash(source.text)
                source.forget_text(functools.partial(
                    reread, entry, self.options.max_file_size, result.digest))
            else:
                source.forget_lines()  # the line index is rebuilt if a report needs it
        if stored and source is not None and result.digest is None:
            result.digest = text_hash(source.text)
        return result

    def _fixes(self, result: FileResult) -> dict[Finding, Any]:
        """The fix of each fixable finding of the document-scope rules, computed on the
        parse at hand (a report would otherwise parse the file again for them)."""
        from netlint.fix.report import file_fixes, fixable

        source, docs = result.source, result.parsed
        if source is None or docs is None:
            return {}
        work = [(f, spec) for f, spec in fixable(result.rule_findings, self.plan.all_rules)
                if f.path == source.path]
        return file_fixes(source.path, source.text, work, docs) if work else {}

    def finish(self, results: Iterable[FileResult], stats: ScanStats, check: bool) -> Loaded:
        """Join the files' results in file order (storing new ones in the cache)."""
        loaded = Loaded(checked=check)
        cache = self.cache
        for result in results:
            if cache is not None and result.cache_entry is not None:
                cache.put(os.path.abspath(result.entry.path), result.cache_entry,
                          result.digest)
                result.cache_entry = None
            add_file(loaded, stats, result)
        self.complete_records(loaded, parse=False)
        return loaded

    def load_rendered(self, source: Source, loaded: Loaded, stats: ScanStats) -> None:
        """A chart's or kustomization's rendered output (netlint/render/): checked like a
        file, located through the source's mapper; not a file of the scan's sources, and
        without an identity, so the cross-file results are not taken from the cache."""
        result = self.check_file(FileEntry(source.path, source.path), loaded.checked, source,
                                 rendered=True)
        result.source = None
        # the unit's input files are what is counted (render/units.py), not its output;
        # a chart rendering to nothing (everything switched off) is not a skipped file
        result.stats.files = result.stats.files_skipped = 0
        result.skipped = False
        add_file(loaded, stats, result)

    def load_context(self, paths: list[str], scanned: set[str], loaded: Loaded,
                     entries: list[FileEntry] | None = None) -> None:
        """Files under ``--context`` that are not scanned: their documents and records join
        the project for cross-file rules; nothing in them is reported.  ``entries``: the
        files under ``paths``, when they were discovered already."""
        if entries is None:
            entries = discover(paths, self.options.exclude, self.options.config_dir)[0]
        # compared by file identity: one stat per context file (a real path costs one per
        # directory level, and pre-commit runs this over the whole repository)
        ids = {i for i in map(_file_id, scanned) if i is not None}
        extra = [e for e in entries if e.path != "-" and _file_id(e.path) not in ids]
        if not extra:
            return
        # read problems there are not ours to report, nor rule findings
        context = self.load_and_check(extra, ScanStats(), check=False, context=True)
        loaded.context_documents.extend(context.documents)
        loaded.record_parts.extend(context.record_parts)
        # the records are merged from record_parts when the cross-file rules run (their
        # findings may come from the cache, and a context file's records stay encoded)
        loaded.records.clear()
        loaded.context_paths.update(s.path for s in context.sources)

    def complete_records(self, loaded: Loaded, parse: bool = True) -> bool:
        """Build ``loaded.records`` from the files' parts once every part is at hand; with
        ``parse``, parse again the files whose records the cache could not keep.  False
        when some are still missing."""
        parts = loaded.record_parts
        # None: not at hand; a function: a context file's records, still encoded
        missing = [i for i, (_, records, _) in enumerate(parts)
                   if records is None or callable(records)]
        if missing and not parse:
            return False
        for i in missing:
            entry, pending, identity = parts[i]
            decoded: Records | None = None
            if callable(pending):
                try:
                    decoded = pending()
                except (BadEntry, ValueError, TypeError, KeyError, AttributeError):
                    decoded = None  # malformed: the file is parsed again
            if decoded is None:
                decoded = self.check_file(entry, check=False).records
            parts[i] = (entry, decoded, identity)
        merged: dict[str, list[Any]] = {name: [] for name in self.plan.collectors()}
        for _, records, _ in parts:
            assert not callable(records)  # decoded above
            for name, items in (records or {}).items():
                merged.setdefault(name, []).extend(items)
        loaded.records = merged
        return True

    # --- the incremental cache -------------------------------------------------------

    def _cache_entry(self, result: FileResult, check: bool) -> dict[str, Any] | None:
        """``result`` as a cache entry, or None when it cannot be reused alone: documents
        that cross-file rules or plain-YAML rules read, or findings in other files.  A
        Compose file's entry serves only as a context file (``--context``), where its
        documents are not read: a scanned one is assembled with others every time."""
        project_kinds = self.plan.project_kinds()
        if result.unclassified or any(d.kind in project_kinds for d in result.documents):
            return None
        display = result.entry.display
        if any(f.path != display for f in (*result.findings, *result.rule_findings)) or any(
                s.path != display for s in result.suppressions):
            return None
        stats = result.stats
        entry: dict[str, Any] = {
            "display": display,
            "checked": check,
            "failed": stats.files_failed,
            "skipped": stats.files_skipped,
            "skip_reason": stats.skip_reasons.get(display, ""),  # skips.py, for --verbose
            "docs": dict(stats.documents),
            "findings": [encode_finding(f) for f in result.findings],
            "rule_findings": [encode_finding(f) for f in result.rule_findings],
            "suppressions": [encode_suppression(s) for s in result.suppressions],
            "records": self._encode_records(result),
            "fixes": _encode_fixes(result),
        }
        if any(d.kind == "compose" for d in result.documents):
            entry["context_only"] = True
        entry["identity"] = self._identity(result, entry)
        return entry

    def _encode_records(self, result: FileResult) -> dict[str, list[Any]] | None:
        source = result.source
        out: dict[str, list[Any]] = {}
        collectors = self.plan.collectors()
        assert not callable(result.records)  # a file just checked has its records
        for name, records in (result.records or {}).items():
            codec = collectors[name][2] if name in collectors else None
            if records and (codec is None or source is None):
                return None
            encoded = []
            for record in records:
                data = codec[0](record, source) if codec is not None and source else None
                if data is None:
                    return None
                encoded.append(data)
            out[name] = encoded
        return out

    def _identity(self, result: FileResult, entry: dict[str, Any] | None) -> str:
        """What the file gives the cross-file rules, in a short string: its records when
        they can be stored (an edit that leaves them alone keeps the cross-file findings),
        else its text."""
        if entry is not None and entry["records"] is not None:
            payload = json.dumps(entry["records"], sort_keys=True, separators=(",", ":"))
        elif result.source is not None:
            payload = "text:" + text_hash(result.source.text)
        else:
            payload = "unread"
        return text_hash(f"{result.entry.display}\0{payload}")

    def _from_cache(self, entry: FileEntry, hit: Hit, check: bool, context: bool = False
                    ) -> FileResult:
        data = hit.entry
        display = entry.display
        documents = data["docs"]
        if not isinstance(documents, dict) or not all(
                type(k) is str and type(v) is int for k, v in documents.items()):
            raise BadEntry
        failed, skipped = data["failed"], data["skipped"]
        if type(failed) is not int or type(skipped) is not int:
            raise BadEntry
        stats = ScanStats(files=1, files_skipped=skipped, files_failed=failed,
                          documents=Counter(documents))
        reason = data.get("skip_reason", "")
        if type(reason) is not str:
            raise BadEntry
        if skipped and reason:
            stats.skip_reasons[display] = reason
        source: Source | None = None
        if hit.text is not None:
            source = Source(display, hit.text)
        elif hit.readable:
            # the entry's hash is a string: the cache's lookup checked it
            source = file_text(display, entry, self.options.max_file_size, data["hash"])
        result = FileResult(entry, stats, source)
        if not context:  # a context file's findings and suppressions are never reported
            result.findings = [decode_finding(f, display) for f in data["findings"]]
            result.suppressions = [decode_suppression(s, display) for s in data["suppressions"]]
        if check:
            result.rule_findings = [decode_finding(f, display) for f in data["rule_findings"]]
            if self.options.finding_fixes:
                result.fixes = _decode_fixes(data["fixes"], result.rule_findings)
        result.skipped = bool(skipped)
        stored = data["records"]
        collectors = self.plan.collectors()
        if stored is None or source is None:
            result.records = None if stored is None else {name: [] for name in collectors}
        else:
            if not isinstance(stored, dict) or set(stored) != set(collectors):
                raise BadEntry
            if context:  # decoded only if the cross-file rules run (see complete_records)
                result.records = functools.partial(self._decode_records, stored, source)
            else:
                result.records = self._decode_records(stored, source)
        identity = data["identity"]
        if type(identity) is not str:
            raise BadEntry
        result.identity = identity
        return result

    def _decode_records(self, stored: dict[str, Any], source: Source) -> dict[str, list[Any]]:
        collectors = self.plan.collectors()
        records: dict[str, list[Any]] = {}
        for name, items in stored.items():
            codec = collectors[name][2]
            if codec is None or not isinstance(items, list):
                raise BadEntry
            records[name] = [codec[1](item, source) for item in items]
        return records

    def check_documents(self, documents: Iterable[Document]) -> list[Finding]:
        """Run the document-scope rules (in the parent, or in a worker process)."""
        doc_rules = self.plan.document_rules
        contexts = self.plan.contexts
        findings: list[Finding] = []
        for doc in documents:
            for rule in doc_rules.get(doc.kind or "", ()):
                findings.extend(self._run(rule, contexts[rule.id], doc))
        return findings

    # --- once every file is loaded ---------------------------------------------------

    def check_loaded(self, loaded: Loaded, stats: ScanStats) -> list[Finding]:
        """Every finding of the scan, before same-defect resolution and suppressions."""
        plan = self.plan
        # the scan's Compose findings, from the cache while every input answers the same
        # (netlint/check_compose.py): only when nothing but the Compose rules reads them
        compose_key = (check_compose.compose_key(self.cache, loaded, self.options)
                       if loaded.checked and "compose" not in plan.project_kinds() else None)
        replayed = None
        if compose_key is not None:
            assert self.cache is not None
            replayed = check_compose.replay(self.cache, compose_key, loaded, self.options)
        assembled = None
        before = len(loaded.findings)
        if replayed is None:
            assembled = assemble_compose(loaded, self.options, self.make_finding)
        findings = list(loaded.findings)
        project_rules = plan.project_rules
        stats.rules_run = len([r for r in plan.rules.values() if r.template != "builtin"])
        contexts = plan.contexts

        if loaded.checked:  # the rest ran while loading; Compose projects are whole now
            findings.extend(loaded.rule_findings)
            if replayed is not None:
                findings.extend(replayed)
            else:
                composed = self.check_documents(
                    d for d in loaded.documents if d.kind == "compose")
                findings.extend(composed)
                if compose_key is not None:
                    assert self.cache is not None
                    check_compose.store(self.cache, compose_key, assembled,
                                        loaded.findings[before:], composed, self.options)
        else:
            findings.extend(self.check_documents(loaded.documents))
        if loaded.unclassified:
            self._check_unclassified(loaded, stats, findings)
        kinds = plan.project_kinds()
        if any(d.kind not in kinds for d in loaded.documents):
            # Compose projects are checked: no cross-file rule reads them, and the network
            # model the cross-file rules build next is the scan's peak of memory
            loaded.documents = [d for d in loaded.documents if d.kind in kinds]
        if project_rules:
            findings.extend(self._project_findings(loaded, project_rules, contexts))
            # every rule has run: free the records, documents and per-scan models (a
            # large scan's peak memory is reached while the findings are sorted later)
            loaded.records.clear()
            loaded.record_parts = []  # the records' other holder
            loaded.documents = []
            loaded.context_documents = []
            plan.shared.clear()
            if loaded.context_paths:
                findings = [f for f in findings if f.path not in loaded.context_paths]
        if loaded.substituted:  # environment and env-file values never reach a report
            from netlint.redaction import redact

            findings = redact(findings, loaded.substituted)
        return findings

    def _project_findings(self, loaded: Loaded, project_rules: list[Rule],
                          contexts: dict[str, RuleContext]) -> list[Finding]:
        """The cross-file rules' findings: from the cache when every input (each file's
        identity, in order) is what it was when they were computed, else by running them
        on the records (parsing again the files whose records the cache could not keep)."""
        key = self._project_key(loaded)
        cache = self.cache
        if cache is not None and key is not None:
            stored = cache.project(key)
            if stored is not None:
                try:
                    return [decode_finding(f[1:], _str(f[0])) for f in stored]
                except (BadEntry, ValueError, TypeError, IndexError):
                    pass  # malformed: computed again and rewritten
        self.complete_records(loaded)
        project = Project([*loaded.documents, *loaded.context_documents], loaded.records)
        findings: list[Finding] = []
        for rule in project_rules:
            findings.extend(self._run_project(rule, contexts[rule.id], project))
        if cache is not None and key is not None:
            cache.put_project(key, [[f.path, *encode_finding(f)] for f in findings])
        return findings

    def _project_key(self, loaded: Loaded) -> str | None:
        """The identity of the cross-file rules' inputs, or None when they cannot be told
        by the files alone (assembled Compose projects, files read from stdin)."""
        if self.cache is None or "compose" in self.plan.project_kinds():
            return None
        identities = []
        for entry, _records, identity in loaded.record_parts:
            if not identity or entry.path == STDIN:
                return None
            identities.append(identity)
        return text_hash("\n".join([self.cache.name, *identities]))

    def _check_unclassified(self, loaded: Loaded, stats: ScanStats,
                            findings: list[Finding]) -> None:
        """Plain YAML documents, for rules that declare READS_UNCLASSIFIED.  A rule marks a
        document it recognised with ``doc.cache["matched"]``: it then counts as a checked
        "yaml" document and its file is no longer reported as skipped."""
        matched: set[str] = set()
        contexts = self.plan.contexts
        for doc in loaded.unclassified:
            for rule in self.plan.unclassified_rules:
                findings.extend(self._run(rule, contexts[rule.id], doc))
            if doc.cache.get("matched"):
                stats.documents["yaml"] += 1
                matched.add(doc.source.path)
        stats.files_skipped -= len(matched & loaded.skipped)
        for path in matched & loaded.skipped:
            stats.skip_reasons.pop(path, None)

    # --- one rule --------------------------------------------------------------------

    def _run(self, rule: Rule, ctx: RuleContext, doc: Document) -> list[Finding]:
        try:
            return [self._resolve(rule, v, doc)
                    for v in rule.module.check(doc, self.plan.params(rule), ctx)]
        except Exception as exc:  # a rule bug must not stop the scan
            return [self._internal_error(rule, doc.source.path, exc)]

    def _run_project(self, rule: Rule, ctx: RuleContext, project: Project) -> list[Finding]:
        out = []
        try:
            for v in rule.module.check_project(project, self.plan.params(rule), ctx):
                if v.doc is None and v.location is None:
                    raise ValueError("project-scope violation without a document or location")
                out.append(self._resolve(rule, v, v.doc))
        except Exception as exc:
            out.append(self._internal_error(rule, "<project>", exc))
        return out

    def _internal_error(self, rule: Rule, path: str, exc: Exception) -> Finding:
        frame = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
        where = f" at {frame.filename.rsplit('/', 1)[-1]}:{frame.lineno}" if frame else ""
        return self.make_finding(
            "internal-error", path, Span(1, 1, 1, 1),
            f"rule '{rule.id}' failed on this file: {type(exc).__name__}: {exc}{where}; "
            "please report this",
            context=f"{rule.id} {type(exc).__name__}",
        )

    def _resolve(self, rule: Rule, v: Violation, doc: Document | None) -> Finding:
        if v.location is not None:
            src, span = v.location
        else:
            assert doc is not None
            src, span = locate(doc, v.path)
        context = v.context or finding_context(doc, v.path, span_text(src, span))
        return self.make_finding(rule.id, src.path, span, v.message, context, v.lower_to)


def _file_id(path: str) -> tuple[int, int] | None:
    """The file's device and inode (None when it cannot be read): the same file whatever
    the path (symbolic or hard links) names it."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _encode_fixes(result: FileResult) -> list[Any]:
    """The file's computed fixes by the index of their finding in ``rule_findings``:
    ``[i]`` (no fix) or ``[i, *FindingFix.encode()]``."""
    if not result.fixes:
        return []
    out: list[Any] = []
    for i, finding in enumerate(result.rule_findings):
        if finding not in result.fixes:
            continue
        fix = result.fixes[finding]
        out.append([i] if fix is None else [i, *fix.encode()])
    return out


def _decode_fixes(data: Any, findings: list[Finding]) -> dict[Finding, Any]:
    from netlint.fix.report import decode_fix

    if type(data) is not list:
        raise BadEntry
    out: dict[Finding, Any] = {}
    for item in data:
        if type(item) is not list or not item or type(item[0]) is not int \
                or not 0 <= item[0] < len(findings):
            raise BadEntry
        out[findings[item[0]]] = decode_fix(item[1:]) if len(item) > 1 else None
    return out
