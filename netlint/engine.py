"""Run rules over files: load, classify, check, locate, suppress, sort.

Data flows one way: files -> documents (with positions) -> project -> rules -> findings
-> suppressions -> reporters.  A rule that raises on one document becomes an
``internal-error`` finding naming the rule and file; the scan goes on.
"""

from __future__ import annotations

import fnmatch
import os
import traceback
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from netlint.discovery import (
    FileEntry,
    ReadProblem,
    classify,
    discover,
    read_source,
)
from netlint.findings import Finding, Severity
from netlint.options import ScanOptions
from netlint.registry import Rule, load_rules, select_rules
from netlint.source import Source, Span
from netlint.suppressions import (
    Suppression,
    annotation_suppressions,
    comment_suppressions,
)
from netlint.templates.base import Project, RuleContext, Violation
from netlint.yamlnodes import Document, Path, locate, parse_documents

KINDS = ("kubernetes", "compose", "envoy")


@dataclass
class ScanStats:
    files: int = 0
    files_skipped: int = 0  # parsed, but no Kubernetes, Compose or Envoy document in them
    files_failed: int = 0  # could not be read or parsed at all
    documents: Counter[str] = field(default_factory=Counter)
    rules_run: int = 0

    @property
    def documents_total(self) -> int:
        return sum(self.documents.values())

    def merge(self, other: ScanStats) -> None:
        self.files += other.files
        self.files_skipped += other.files_skipped
        self.files_failed += other.files_failed
        self.documents.update(other.documents)


@dataclass
class ScanResult:
    findings: list[Finding]
    stats: ScanStats
    rules: dict[str, Rule]  # the rules that ran (for SARIF metadata and summaries)
    sources: dict[str, Source]
    suppressed: list[Finding] = field(default_factory=list)
    # set when a baseline was applied (netlint/baseline.py): findings it hid, and its
    # entries that matched nothing
    baselined: int | None = None
    baseline_stale: int | None = None


@dataclass
class _Loaded:
    sources: list[Source] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # from reading and parsing
    # from document-scope rules that already ran while loading (see Engine.load)
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


class Engine:
    """One configured scan.  ``Engine(options).scan(paths)``."""

    def __init__(self, options: ScanOptions, rules: Mapping[str, Rule] | None = None) -> None:
        self.options = options
        all_rules = rules if rules is not None else load_rules(options.rule_dirs)
        self.all_rules = dict(all_rules)
        self.rules = select_rules(self.all_rules, options.select, options.ignore)
        self.shared: dict[str, Any] = {}
        self.unclassified_rules = [
            r for r in self.rules.values()
            if r.target == "any" and r.template != "builtin"
            and getattr(r.module, "READS_UNCLASSIFIED", False)
        ]
        self._plan: tuple[dict[str, list[Rule]], list[Rule]] | None = None
        self._contexts: dict[str, RuleContext] | None = None

    # --- loading ---------------------------------------------------------------------

    def _finding(self, rule_id: str, path: str, span: Span, message: str, context: str = ""
                 ) -> Finding:
        rule = self.all_rules.get(rule_id)
        severity = Severity(self.options.severity_overrides.get(rule_id, "")) if (
            rule_id in self.options.severity_overrides
        ) else (rule.severity if rule else Severity.ERROR)
        return Finding(path, span, rule_id, message, severity, context=context or rule_id)

    def load(self, entries: Iterable[FileEntry], stats: ScanStats,
             progress: Callable[[int, int], None] | None = None, check: bool = True) -> _Loaded:
        """Read and parse each file; with ``check``, run the document-scope rules on it
        right away (Compose documents wait: they are assembled into projects first).

        Project-scope templates that declare ``COLLECT`` get a record of each document
        right away.  Documents are then kept only when another selected project-scope rule
        reads their kind, so memory holds the sources' text, not every parsed document.
        """
        loaded = _Loaded(checked=check)
        keep = self.project_kinds() | {"compose"}
        collectors = self.collectors()
        for name in collectors:
            loaded.records.setdefault(name, [])
        entries = list(entries)
        for done, entry in enumerate(entries):
            if progress is not None:
                progress(done, len(entries))
            first = len(loaded.documents)
            self.load_entry(entry, loaded, stats)
            new = loaded.documents[first:]
            if not new:
                continue
            for name, (collect, kinds) in collectors.items():
                loaded.records[name].extend(collect(d, self.options) for d in new
                                            if d.kind in kinds)
            if check:
                loaded.rule_findings.extend(
                    self.check_documents(d for d in new if d.kind != "compose"))
                loaded.documents[first:] = [d for d in new if d.kind in keep]
        return loaded

    def load_entry(self, entry: FileEntry, loaded: _Loaded, stats: ScanStats) -> None:
        """Read and parse one file into ``loaded``."""
        stats.files += 1
        source = read_source(entry, self.options.max_file_size)
        if isinstance(source, ReadProblem):
            stats.files_failed += 1
            span = Span(source.line, source.column, source.line, source.column + 1)
            loaded.findings.append(self._finding(source.rule, entry.display, span,
                                                 source.message))
            return
        loaded.sources.append(source)
        self.load_source(source, loaded, stats)

    def load_source(self, source: Source, loaded: _Loaded, stats: ScanStats) -> None:
        docs, error = parse_documents(source)
        recognised = 0
        loaded.suppressions.extend(comment_suppressions(source))
        for doc in docs:
            doc.kind = classify(doc.value, source.path)
            if doc.kind is not None:
                recognised += 1
                stats.documents[doc.kind] += 1
                loaded.documents.append(doc)
                if doc.kind == "kubernetes":
                    loaded.suppressions.extend(_annotation_suppressions(doc))
            elif self.unclassified_rules:
                loaded.unclassified.append(doc)
            if doc.duplicates and doc.kind is not None:
                for dup in doc.duplicates:
                    src, kl, kc, kel, kec = dup.duplicate[:5]
                    first_line = dup.first[1] + 1
                    loaded.findings.append(self._finding(
                        "yaml-duplicate-key", src.path, src.span(kl, kc, kel, kec),
                        f"key '{dup.key}' appears again (first on line {first_line}); "
                        "Kubernetes and Compose silently keep only this last value",
                        context=f"duplicate {dup.key}",
                    ))
        if error is not None:
            stats.files_failed += 1 if not docs else 0
            loaded.findings.append(self._finding(
                error.rule, source.path, _point(source, error.line0, error.col0), error.message,
            ))
        elif recognised == 0:
            stats.files_skipped += 1
            loaded.skipped.add(source.path)

    # --- checking --------------------------------------------------------------------

    def scan(self, paths: Iterable[str], context: Iterable[str] = (),
             progress: Callable[[int, int], None] | None = None) -> ScanResult:
        """Scan ``paths``; files under ``context`` that are not among them only inform
        project-scope (cross-file) rules: a NetworkPolicy in an unchanged file still
        isolates a changed Deployment, but nothing is reported in the unchanged file."""
        stats = ScanStats()
        paths, context = list(paths), list(context)
        self.options.scan_roots = [*paths, *context]  # the fallback join units
        entries, walk_problems = discover(paths, self.options.exclude)
        # shipping every Kubernetes document back to the parent for a project-scope rule
        # (the network model) costs more than parsing in parallel saves: "auto" stays
        # in-process then; an explicit --jobs N is honoured
        jobs = effective_jobs(self.options.jobs, len(entries),
                              bulk_to_parent="kubernetes" in self.project_kinds())
        if jobs > 1:
            from netlint.parallel import load_parallel

            loaded = load_parallel(self, entries, stats, jobs, progress)
        else:
            loaded = self.load(entries, stats, progress)
        for path, problem in walk_problems:
            loaded.findings.append(self._finding("unreadable-file", path, Span(1, 1, 1, 2),
                                                 problem))
        if context and self._has_project_rules():
            self._load_context(context, {os.path.realpath(e.path) for e in entries}, loaded)
        return self.check(loaded, stats)

    def assemble_compose(self, loaded: _Loaded) -> None:
        """Replace the Compose documents by one merged document per Compose project
        (base + override files, includes, extends, interpolation); see loaders/compose.py."""
        if not any(d.kind == "compose" and not d.cache.get("compose_assembled")
                   for d in loaded.documents):
            return
        from netlint.loaders.compose import assemble_projects

        done = assemble_projects(loaded.documents, self.options.compose_ignore_env,
                                 self.options.max_file_size)
        loaded.documents = done.documents
        known = {s.path for s in loaded.sources}
        added = [s for s in done.sources if s.path not in known]
        loaded.sources.extend(added)
        for source in added:  # files that Compose includes or extends
            loaded.suppressions.extend(comment_suppressions(source))
        for path, message in done.errors:
            loaded.findings.append(self._finding("internal-error", path, Span(1, 1, 1, 1),
                                                 message + "; please report this"))

    def _has_project_rules(self) -> bool:
        """Context files matter only to project-scope (cross-file) rules."""
        return any(
            r.template != "builtin" and self.scope(r) == "project" for r in self.rules.values()
        )

    def scope(self, rule: Rule) -> str:
        """A template's scope: ``SCOPE``, or what its ``scope(options)`` says when it has
        one (PSS controls are cross-file only with ``--pss-level namespace``)."""
        module = rule.module
        decide = getattr(module, "scope", None)
        if callable(decide):
            return str(decide(self.options))
        return str(getattr(module, "SCOPE", "document"))

    def _load_context(self, paths: list[str], scanned: set[str], loaded: _Loaded) -> None:
        entries, _problems = discover(paths, self.options.exclude)
        extra = [e for e in entries if e.path != "-" and os.path.realpath(e.path) not in scanned]
        if not extra:
            return
        # read problems there are not ours to report, nor rule findings
        context = self.load(extra, ScanStats(), check=False)
        loaded.context_documents.extend(context.documents)
        for name, records in context.records.items():
            loaded.records.setdefault(name, []).extend(records)
        loaded.context_paths.update(s.path for s in context.sources)

    def rule_plan(self) -> tuple[dict[str, list[Rule]], list[Rule]]:
        """The document-scope rules per document kind, and the project-scope rules."""
        if self._plan is None:
            self._plan = self._make_plan()
        return self._plan

    def contexts(self) -> dict[str, RuleContext]:
        if self._contexts is None:
            self._contexts = {rid: RuleContext(r, self.options, self.shared)
                              for rid, r in self.rules.items()}
        return self._contexts

    def _make_plan(self) -> tuple[dict[str, list[Rule]], list[Rule]]:
        doc_rules: dict[str, list[Rule]] = {kind: [] for kind in KINDS}
        project_rules: list[Rule] = []
        for rule in self.rules.values():
            if rule.template == "builtin":
                continue
            module = rule.module
            if self.scope(rule) == "project":
                project_rules.append(rule)
                continue
            targets = getattr(module, "TARGETS", ("any",))
            for kind in KINDS:
                if ("any" in targets or kind in targets) and rule.target in (kind, "any"):
                    doc_rules[kind].append(rule)
        return doc_rules, project_rules

    def project_kinds(self) -> frozenset[str]:
        """Kinds of documents the selected project-scope rules read: a template's
        ``PROJECT_KINDS``, every kind when it declares none; none for a template that
        collects records of them (``COLLECT``) instead."""
        kinds: set[str] = set()
        for rule in self.rule_plan()[1]:
            if getattr(rule.module, "COLLECT", None) is None:
                kinds.update(getattr(rule.module, "PROJECT_KINDS", KINDS))
        return frozenset(kinds)

    def collectors(self) -> dict[str, tuple[Callable[[Document, ScanOptions], Any],
                                            tuple[str, ...]]]:
        """Collector name -> (function, kinds) of the selected project-scope templates
        that declare ``COLLECT = (name, function)``: ``function(doc, options)`` returns a
        small picklable record of a document of their ``PROJECT_KINDS``, and
        ``check_project`` reads ``project.records[name]`` (one record per document, in
        scan order) instead of the documents.  Templates sharing a name share records."""
        out: dict[str, tuple[Callable[[Document, ScanOptions], Any], tuple[str, ...]]] = {}
        for rule in self.rule_plan()[1]:
            declared = getattr(rule.module, "COLLECT", None)
            if declared is not None:
                name, function = declared
                out.setdefault(name, (function, tuple(getattr(rule.module, "PROJECT_KINDS",
                                                              KINDS))))
        return out

    def check_documents(self, documents: Iterable[Document]) -> list[Finding]:
        """Run the document-scope rules (in the parent, or in a worker process)."""
        doc_rules, _ = self.rule_plan()
        contexts = self.contexts()
        findings: list[Finding] = []
        for doc in documents:
            for rule in doc_rules.get(doc.kind or "", ()):
                findings.extend(self._run(rule, contexts[rule.id], doc))
        return findings

    def check(self, loaded: _Loaded, stats: ScanStats) -> ScanResult:
        self.assemble_compose(loaded)
        findings = list(loaded.findings)
        _, project_rules = self.rule_plan()
        stats.rules_run = len([r for r in self.rules.values() if r.template != "builtin"])
        contexts = self.contexts()

        if loaded.checked:  # the rest ran while loading; Compose projects are whole now
            findings.extend(loaded.rule_findings)
            findings.extend(self.check_documents(
                d for d in loaded.documents if d.kind == "compose"))
        else:
            findings.extend(self.check_documents(loaded.documents))
        if loaded.unclassified:
            self._check_unclassified(loaded, stats, contexts, findings)
        if project_rules:
            project = Project([*loaded.documents, *loaded.context_documents],
                              loaded.records)
            for rule in project_rules:
                findings.extend(self._run_project(rule, contexts[rule.id], project))
            # every rule has run: free the records, documents and per-scan models (a
            # large scan's peak memory is reached while the findings are sorted below)
            del project
            loaded.records.clear()
            loaded.documents = []
            loaded.context_documents = []
            self.shared.clear()
            if loaded.context_paths:
                findings = [f for f in findings if f.path not in loaded.context_paths]

        findings = self._drop_same_defects(findings)
        findings = self._apply_path_ignores(findings)
        kept, suppressed = self._suppress(findings, loaded)
        kept.sort()
        suppressed.sort()
        reported = dict(self.rules)
        for f in (*kept, *suppressed):
            if f.rule_id in self.all_rules:
                reported.setdefault(f.rule_id, self.all_rules[f.rule_id])
        return ScanResult(kept, stats, reported, {s.path: s for s in loaded.sources}, suppressed)

    def _check_unclassified(self, loaded: _Loaded, stats: ScanStats,
                            contexts: Mapping[str, RuleContext], findings: list[Finding]) -> None:
        """Plain YAML documents, for rules that declare READS_UNCLASSIFIED.  A rule marks a
        document it recognised with ``doc.cache["matched"]``: it then counts as a checked
        "yaml" document and its file is no longer reported as skipped."""
        matched: set[str] = set()
        for doc in loaded.unclassified:
            for rule in self.unclassified_rules:
                findings.extend(self._run(rule, contexts[rule.id], doc))
            if doc.cache.get("matched"):
                stats.documents["yaml"] += 1
                matched.add(doc.source.path)
        stats.files_skipped -= len(matched & loaded.skipped)

    def _drop_same_defects(self, findings: list[Finding]) -> list[Finding]:
        """Report a defect once when two selected rules describe it at the same place.

        The finding kept is the more severe (its effective severity, after overrides, then
        the rule's security-severity), so a milder rule never hides or demotes the worst
        problem there; on a full tie the rule a ``same-defect-as`` entry names wins (the
        declaring rule is the less specific one).  Suppressions naming either rule still
        silence the kept finding (see ``_suppress``)."""
        overlapping = {r.id: r.same_defect_as for r in self.rules.values() if r.same_defect_as}
        if not overlapping:
            return findings
        twins = self._same_defect_names()
        at: dict[tuple[str, str, int, int], list[Finding]] = {}
        for f in findings:
            if f.rule_id in twins:
                at.setdefault((f.rule_id, f.path, f.span.start_line, f.span.start_column),
                              []).append(f)

        def rank(f: Finding) -> tuple[int, float]:
            rule = self.all_rules.get(f.rule_id)
            return f.severity.rank, rule.security_severity if rule else 0.0

        def outranked(f: Finding) -> bool:
            mine = rank(f)
            for other in twins.get(f.rule_id, ())[1:]:
                rivals = at.get((other, f.path, f.span.start_line, f.span.start_column))
                if not rivals:
                    continue
                theirs = max(rank(r) for r in rivals)
                if theirs > mine or (theirs == mine and (
                        other in overlapping.get(f.rule_id, ())
                        or (f.rule_id not in overlapping.get(other, ())
                            and other < f.rule_id))):
                    return True
            return False

        return [f for f in findings if f.rule_id not in twins or not outranked(f)]

    def _params(self, rule: Rule) -> Mapping[str, Any]:
        override = self.options.rule_params.get(rule.id)
        if not override:
            return rule.params
        return {**rule.params, **override}

    def _run(self, rule: Rule, ctx: RuleContext, doc: Document) -> list[Finding]:
        try:
            return [self._resolve(rule, v, doc) for v in rule.module.check(doc, self._params(rule),
                                                                           ctx)]
        except Exception as exc:  # a rule bug must not stop the scan
            return [self._internal_error(rule, doc.source.path, exc)]

    def _run_project(self, rule: Rule, ctx: RuleContext, project: Project) -> list[Finding]:
        out = []
        try:
            for v in rule.module.check_project(project, self._params(rule), ctx):
                if v.doc is None and v.location is None:
                    raise ValueError("project-scope violation without a document or location")
                out.append(self._resolve(rule, v, v.doc))
        except Exception as exc:
            out.append(self._internal_error(rule, "<project>", exc))
        return out

    def _internal_error(self, rule: Rule, path: str, exc: Exception) -> Finding:
        frame = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
        where = f" at {frame.filename.rsplit('/', 1)[-1]}:{frame.lineno}" if frame else ""
        return self._finding(
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
        context = v.context or _context(doc, v.path, _span_text(src, span))
        return self._finding(rule.id, src.path, span, v.message, context)

    # --- suppressions ----------------------------------------------------------------

    def _apply_path_ignores(self, findings: list[Finding]) -> list[Finding]:
        ignores = self.options.per_path_ignores
        if not ignores:
            return findings
        out = []
        for f in findings:
            path = f.path.replace("\\", "/")
            if any(
                (fnmatch.fnmatch(path, glob) or fnmatch.fnmatch(path, f"*/{glob}"))
                and (f.rule_id in ids or "all" in ids or _has_tag(self.all_rules, f.rule_id, ids))
                for glob, ids in ignores.items()
            ):
                continue
            out.append(f)
        return out

    def _same_defect_names(self) -> dict[str, tuple[str, ...]]:
        """rule id -> the ids of every rule that reports the same defect (itself first)."""
        groups: dict[str, set[str]] = {}
        for rule in self.all_rules.values():
            for other in rule.same_defect_as:
                group = groups.get(rule.id, {rule.id}) | groups.get(other, {other})
                for member in group:
                    groups[member] = group
        return {rid: (rid, *sorted(g - {rid})) for rid, g in groups.items()}

    def _suppress(self, findings: list[Finding], loaded: _Loaded) -> tuple[list[Finding],
                                                                           list[Finding]]:
        suppressions = loaded.suppressions  # collected while loading each file
        if not suppressions:
            return findings, []
        by_path: dict[str, list[Suppression]] = {}
        for s in suppressions:
            by_path.setdefault(s.path, []).append(s)
        kept: list[Finding] = []
        silenced: list[Finding] = []
        twins = self._same_defect_names()
        for f in findings:
            # a suppression naming either of two rules that report the same defect (the
            # non-root rule and its PSS control) silences whichever one was reported
            names = twins.get(f.rule_id, (f.rule_id,))
            hit = next(
                (s for s in by_path.get(f.path, ())
                 if any(s.covers(n, f.path, f.span.start_line) for n in names)),
                None,
            )
            if hit is None or f.rule_id in ("unused-suppression", "parse-error"):
                kept.append(f)
                continue
            hit.used.add(next((n for n in names if n in hit.ids), "all"))
            silenced.append(_replace_suppressed(f, hit.reason))
        if "unused-suppression" in self.rules:
            for s in suppressions:
                for rid in s.ids:
                    if rid in s.used:
                        continue
                    if rid != "all" and rid not in self.rules:
                        if rid not in self.all_rules:
                            kept.append(self._finding(
                                "unused-suppression", s.path, s.span,
                                f"suppression names unknown rule '{rid}'", f"unknown {rid}"))
                        continue  # the rule did not run: we cannot tell whether it is needed
                    kept.append(self._finding(
                        "unused-suppression", s.path, s.span,
                        f"suppression of '{rid}' matches no finding; remove it",
                        f"unused {rid}",
                    ))
        return kept, silenced


PARALLEL_MIN_FILES = 50  # fewer files are scanned in-process (pre-commit latency)


def effective_jobs(jobs: int, files: int, bulk_to_parent: bool = False) -> int:
    """Worker processes for a scan of ``files`` files: 0 means one per core unless most
    documents would have to travel back to the parent; small scans and single-core
    machines stay in-process."""
    if jobs <= 0:
        jobs = 1 if bulk_to_parent else (os.cpu_count() or 1)
    if files < PARALLEL_MIN_FILES:
        return 1
    return max(1, min(jobs, files // 8 or 1))


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


def _has_tag(rules: Mapping[str, Rule], rule_id: str, names: Iterable[str]) -> bool:
    rule = rules.get(rule_id)
    return rule is not None and any(n in rule.tags for n in names)


def _replace_suppressed(f: Finding, reason: str) -> Finding:
    from dataclasses import replace

    return replace(f, suppressed=True, suppression_reason=reason)


def _context(doc: Document | None, path: Path, value_text: str = "") -> str:
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


def place(doc: Document, path: Path) -> tuple[Source, Span, str]:
    """Where a path points and the identity a finding there gets (what ``_resolve`` would
    derive), for records that outlive their document."""
    src, span = locate(doc, path)
    return src, span, _context(doc, path, _span_text(src, span))


def _span_text(src: Source, span: Span) -> str:
    """The first line of the text a span covers, with runs of whitespace collapsed."""
    line = src.line_text(span.start_line)
    end = span.end_column - 1 if span.end_line == span.start_line else len(line)
    return " ".join(line[span.start_column - 1:end].split())[:200]


def scan(paths: Iterable[str], options: ScanOptions) -> ScanResult:
    return Engine(options).scan(paths)
