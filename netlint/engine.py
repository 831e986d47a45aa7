"""One scan, start to finish: ``Engine(options).scan(paths)``.

The data goes one way, one module per step, each importing only the steps before it:

1. discover (``discovery.py``): the files under the given paths, minus excludes;
2. load (``load.py``, ``cache.py``): read and parse each file once, classify its
   documents, collect its suppressions; Compose files are assembled into projects; the
   incremental cache holds what loading and checking an unchanged file gave last time;
3. check (``plan.py``, ``check.py``, ``parallel.py``): the selected rules per document,
   in worker processes for large scans, then the cross-file rules on small records;
4. resolve (``resolve.py``): one finding per defect, path ignores, suppressions, sorting
   (a baseline, ``baseline.py``, applies afterwards);
5. report (``reporters/``): text, SARIF, JSON, GitHub.

This module only wires the steps together; what each step does is in its own module.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING

from netlint.cache import ScanCache, default_cache_dir, partition_name
from netlint.check import Checker
from netlint.discovery import FileEntry, discover, display_path
from netlint.findings import Finding
from netlint.load import Loaded, ScanStats, scan_roots
from netlint.options import ScanOptions
from netlint.parallel import PARALLEL_MIN_FILES, effective_jobs
from netlint.places import place
from netlint.plan import KINDS, RulePlan
from netlint.registry import Rule, load_rules
from netlint.resolve import ScanResult, resolve
from netlint.source import Span
from netlint.suppressions import comment_suppressions
from netlint.yamlnodes import Document

if TYPE_CHECKING:
    from netlint.render.units import RenderPlan

__all__ = [
    "KINDS", "PARALLEL_MIN_FILES", "Engine", "Loaded", "ScanResult", "ScanStats",
    "effective_jobs", "place", "scan",
]

_Loaded = Loaded  # the name before the engine was split into steps


class Engine:
    """One configured scan.  ``Engine(options).scan(paths)``."""

    def __init__(self, options: ScanOptions, rules: Mapping[str, Rule] | None = None) -> None:
        self.options = options
        self.plan = RulePlan(options, rules if rules is not None
                             else load_rules(options.rule_dirs))
        self.checker = Checker(self.plan)
        self.all_rules = self.plan.all_rules
        self.rules = self.plan.rules

    def scan(self, paths: Iterable[str], context: Iterable[str] = (),
             progress: Callable[[int, int], None] | None = None) -> ScanResult:
        """Scan ``paths``; files under ``context`` that are not among them only inform
        project-scope (cross-file) rules: a NetworkPolicy in an unchanged file still
        isolates a changed Deployment, but nothing is reported in the unchanged file."""
        # a scan builds many long-lived objects and almost no cyclic garbage (a parsed
        # document's caches, the one cycle it had, are cleared once the file is checked):
        # the collector would only walk every live object again and again, a third of a
        # scan's CPU even with raised thresholds.  It is off while scanning.
        enabled = gc.isenabled()
        gc.disable()
        try:
            return self._scan(paths, context, progress)
        finally:
            if enabled:
                gc.enable()

    def _scan(self, paths: Iterable[str], context: Iterable[str],
              progress: Callable[[int, int], None] | None) -> ScanResult:
        stats = ScanStats()
        paths, context = list(paths), list(context)
        self.options.scan_roots = [*paths, *context]  # the fallback join units
        entries, walk_problems = discover(paths, self.options.exclude, self.options.config_dir)
        render = None
        context_entries: list[FileEntry] | None = None  # discovered once, when needed
        if self.options.render:  # Helm charts and kustomizations (netlint/render/)
            from netlint.render.units import plan as plan_units

            explicit_files = any(p != "-" and os.path.isfile(p) for p in paths)
            if context and explicit_files:
                context_entries = discover(context, self.options.exclude,
                                           self.options.config_dir)[0]
            render, entries = plan_units(paths, entries, context_entries or [])
        self.checker.render = render
        cache = self.checker.cache = self._open_cache()
        # shipping every Kubernetes document back to the parent for a project-scope rule
        # (the network model) costs more than parsing in parallel saves: "auto" stays
        # in-process then; an explicit --jobs N is honoured
        jobs = effective_jobs(self.options.jobs, len(entries),
                              bulk_to_parent="kubernetes" in self.plan.project_kinds())
        if jobs > 1:
            from netlint.parallel import load_parallel

            loaded = load_parallel(self.checker, entries, stats, jobs, progress)
        else:
            loaded = self.checker.load_and_check(entries, stats, progress)
        loaded.scan_roots = scan_roots(paths)
        loaded.render = render
        if render is not None and render.units:
            self._render(render, loaded, stats)
        for path, problem in walk_problems:
            stats.files += 1  # a path that could not be read is counted, never dropped
            stats.files_failed += 1
            loaded.findings.append(self.plan.make_finding("unreadable-file", path,
                                                          Span(1, 1, 1, 2), problem))
        if context and self.plan.has_project_rules():
            scanned = {os.path.realpath(e.path) for e in entries}
            if render is not None:  # chart and kustomization inputs are not manifests
                scanned |= render.taken
            self.checker.load_context(context, scanned, loaded, context_entries)
        if cache is not None:
            cache.save()  # every file's entry is known: written before the report is built
        result = self.check(loaded, stats)
        if cache is not None:
            cache.save()
        return result

    def _render(self, render: RenderPlan, loaded: Loaded, stats: ScanStats) -> None:
        """Render the charts and kustomizations: their output is loaded and checked like
        files (never cached), located through mappers; a unit that does not render is a
        finding on its Chart.yaml or kustomization file."""
        def problem(path: str, message: str) -> None:
            loaded.findings.append(self.plan.make_finding(
                "render-error", display_path(path), Span(1, 1, 1, 2), message,
                context=f"render {display_path(path)}"))

        render.render(self.options, lambda s: self.checker.load_rendered(s, loaded, stats),
                      problem, stats)
        self.checker.complete_records(loaded, parse=False)

    def _open_cache(self) -> ScanCache | None:
        if not self.options.cache:
            return None
        directory = self.options.cache_dir or default_cache_dir()
        return ScanCache(directory, partition_name(self.plan.cache_material()))

    def load(self, entries: Iterable[FileEntry], stats: ScanStats,
             progress: Callable[[int, int], None] | None = None, check: bool = True) -> Loaded:
        """Load (and with ``check``, check) files without resolving: for ``netlint egress``,
        which reads the records cross-file rules collect."""
        return self.checker.load_and_check(list(entries), stats, progress, check)

    def check(self, loaded: Loaded, stats: ScanStats) -> ScanResult:
        """The rest of the scan once every file is loaded: the Compose, plain-YAML and
        cross-file rules, then resolution."""
        # records the compliance views read (checking frees the rest)
        if self.options.keep_records:
            self.checker.complete_records(loaded)
        records = {name: loaded.records.get(name, []) for name in self.options.keep_records}
        findings = self.checker.check_loaded(loaded, stats)
        notices: list[str] = []
        if loaded.render is not None:  # rendered findings: related places, overlays
            findings = loaded.render.finish(findings, loaded.suppressions,
                                            self.plan.make_finding)
            notices = list(loaded.render.notices)
            known = {s.path for s in loaded.sources}
            for source in loaded.render.input_sources():
                if source.path not in known:
                    known.add(source.path)
                    loaded.sources.append(source)
                    loaded.suppressions.extend(comment_suppressions(source))
        kept, suppressed, reported = resolve(findings, loaded.suppressions, self.plan)
        result = ScanResult(kept, stats, reported, {s.path: s for s in loaded.sources},
                            suppressed, notices=notices, records=records,
                            rendered_inputs=(set(loaded.render.taken) if loaded.render
                                             else set()),
                            fixes=loaded.fixes)
        if self.options.finding_fixes:  # the fixes the check step could not compute
            from netlint.fix.report import complete_fixes

            complete_fixes(result, self.checker.cache)
        return result

    def check_documents(self, documents: Iterable[Document]) -> list[Finding]:
        return self.checker.check_documents(documents)

    def project_kinds(self) -> frozenset[str]:
        return self.plan.project_kinds()


def scan(paths: Iterable[str], options: ScanOptions) -> ScanResult:
    return Engine(options).scan(paths)
