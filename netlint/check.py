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

import os
import traceback
from collections.abc import Callable, Iterable, Sequence

from netlint.discovery import FileEntry, discover
from netlint.findings import Finding
from netlint.load import Loaded, ScanStats, assemble_compose, load_entry
from netlint.places import finding_context, span_text
from netlint.plan import RulePlan
from netlint.registry import Rule
from netlint.source import Span
from netlint.templates.base import Project, RuleContext, Violation
from netlint.yamlnodes import Document, locate


class Checker:
    """Runs one scan's planned rules."""

    def __init__(self, plan: RulePlan) -> None:
        self.plan = plan
        self.options = plan.options
        self.make_finding = plan.make_finding

    # --- per file --------------------------------------------------------------------

    def load_and_check(self, entries: Sequence[FileEntry], stats: ScanStats,
                       progress: Callable[[int, int], None] | None = None, check: bool = True
                       ) -> Loaded:
        """Read and parse each file; with ``check``, run the document-scope rules on it
        right away (Compose documents wait: they are assembled into projects first).

        Project-scope templates that declare ``COLLECT`` get a record of each document
        right away.  Documents are then kept only when another selected project-scope rule
        reads their kind, so memory holds the sources' text, not every parsed document.
        """
        loaded = Loaded(checked=check)
        keep = self.plan.project_kinds() | {"compose"}
        collectors = self.plan.collectors()
        for name in collectors:
            loaded.records.setdefault(name, [])
        keep_unclassified = bool(self.plan.unclassified_rules)
        entries = list(entries)
        for done, entry in enumerate(entries):
            if progress is not None:
                progress(done, len(entries))
            first = len(loaded.documents)
            load_entry(entry, loaded, stats, self.options.max_file_size, self.make_finding,
                       keep_unclassified)
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

    def load_context(self, paths: list[str], scanned: set[str], loaded: Loaded) -> None:
        """Files under ``--context`` that are not scanned: their documents and records join
        the project for cross-file rules; nothing in them is reported."""
        entries, _problems = discover(paths, self.options.exclude, self.options.config_dir)
        extra = [e for e in entries if e.path != "-" and os.path.realpath(e.path) not in scanned]
        if not extra:
            return
        # read problems there are not ours to report, nor rule findings
        context = self.load_and_check(extra, ScanStats(), check=False)
        loaded.context_documents.extend(context.documents)
        for name, records in context.records.items():
            loaded.records.setdefault(name, []).extend(records)
        loaded.context_paths.update(s.path for s in context.sources)

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
        assemble_compose(loaded, self.options, self.make_finding)
        findings = list(loaded.findings)
        plan = self.plan
        project_rules = plan.project_rules
        stats.rules_run = len([r for r in plan.rules.values() if r.template != "builtin"])
        contexts = plan.contexts

        if loaded.checked:  # the rest ran while loading; Compose projects are whole now
            findings.extend(loaded.rule_findings)
            findings.extend(self.check_documents(
                d for d in loaded.documents if d.kind == "compose"))
        else:
            findings.extend(self.check_documents(loaded.documents))
        if loaded.unclassified:
            self._check_unclassified(loaded, stats, findings)
        if project_rules:
            project = Project([*loaded.documents, *loaded.context_documents],
                              loaded.records)
            for rule in project_rules:
                findings.extend(self._run_project(rule, contexts[rule.id], project))
            # every rule has run: free the records, documents and per-scan models (a
            # large scan's peak memory is reached while the findings are sorted later)
            del project
            loaded.records.clear()
            loaded.documents = []
            loaded.context_documents = []
            plan.shared.clear()
            if loaded.context_paths:
                findings = [f for f in findings if f.path not in loaded.context_paths]
        if loaded.substituted:  # environment and env-file values never reach a report
            from netlint.redaction import redact

            findings = redact(findings, loaded.substituted)
        return findings

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
        return self.make_finding(rule.id, src.path, span, v.message, context)
