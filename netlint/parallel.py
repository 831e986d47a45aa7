"""Scan files in worker processes, with output identical to an in-process scan.

Per-file work runs in the workers: read, parse, classify, collect suppressions, run the
document-scope rules and resolve their paths to spans.  A worker returns small picklable
values: findings (frozen dataclasses), sources (the text, for reporters' snippets and
fingerprints), suppressions and statistics.  Documents travel back to the parent only when
a selected project-scope rule reads their kind (a template's ``PROJECT_KINDS``, every kind
when it declares none), because pickling a document costs about half of parsing it;
templates that collect records instead (``COLLECT``) get those records back.
Compose documents always travel back: the parent assembles them into projects (base and
override files, includes) before the Compose rules run; so do plain YAML documents when a
rule reads them (``READS_UNCLASSIFIED``).

The parent reassembles the results in file order, so findings are gathered in the same
order as in-process, and then sorted as always: ``--jobs 2`` and ``--jobs 1`` print the same
report.  Workers are started with the platform's default method; everything they need is
passed explicitly (options and rules), so ``fork``, ``spawn`` and ``forkserver`` behave alike.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from netlint.check import Checker
from netlint.discovery import STDIN, FileEntry
from netlint.findings import Finding
from netlint.load import Loaded, ScanStats
from netlint.options import ScanOptions
from netlint.plan import RulePlan
from netlint.registry import Rule
from netlint.source import Source
from netlint.suppressions import Suppression
from netlint.yamlnodes import Document

_CHECKER: Checker | None = None  # the worker's checker, built once per process


@dataclass
class _ChunkResult:
    findings: list[Finding] = field(default_factory=list)
    rule_findings: list[Finding] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    suppressions: list[Suppression] = field(default_factory=list)
    unclassified: list[Document] = field(default_factory=list)
    skipped: set[str] = field(default_factory=set)
    stats: Any = None
    records: dict[str, list[Any]] = field(default_factory=dict)


def _init_worker(options: ScanOptions, rules: Mapping[str, Rule]) -> None:
    global _CHECKER
    _CHECKER = Checker(RulePlan(options, rules))


def _scan_chunk(entries: Sequence[FileEntry]) -> _ChunkResult:
    checker = _CHECKER
    assert checker is not None, "worker not initialised"
    stats = ScanStats()
    loaded = checker.load_and_check(entries, stats)  # keeps only what project rules read
    return _ChunkResult(loaded.findings, loaded.rule_findings, loaded.sources,
                        loaded.documents, loaded.suppressions, loaded.unclassified,
                        loaded.skipped, stats, loaded.records)


def _chunks(entries: Sequence[FileEntry], jobs: int) -> list[Sequence[FileEntry]]:
    # small enough to balance the load, large enough that each task is worth sending
    size = max(4, min(64, len(entries) // (jobs * 8) or 1))
    return [entries[i:i + size] for i in range(0, len(entries), size)]


def load_parallel(checker: Checker, entries: Sequence[FileEntry], stats: ScanStats,
                  jobs: int, progress: Callable[[int, int], None] | None = None) -> Loaded:
    """Load and check ``entries`` in ``jobs`` processes (stdin stays in the parent)."""
    import multiprocessing

    if any(e.path == STDIN for e in entries):
        return checker.load_and_check(entries, stats, progress)  # a worker cannot read stdin
    loaded = Loaded(checked=True)
    ctx = multiprocessing.get_context()
    with ctx.Pool(jobs, initializer=_init_worker,
                  initargs=(checker.options, checker.plan.all_rules)) as pool:
        chunks = _chunks(entries, jobs)
        results = []
        done = 0
        for chunk, result in zip(chunks, pool.imap(_scan_chunk, chunks), strict=True):
            if progress is not None:
                progress(done, len(entries))
            done += len(chunk)
            results.append(result)
    # file order, as the in-process scan gathers them
    rule_findings: list[Finding] = []
    for r in results:
        loaded.findings.extend(r.findings)
        rule_findings.extend(r.rule_findings)
        loaded.sources.extend(r.sources)
        loaded.documents.extend(r.documents)
        loaded.suppressions.extend(r.suppressions)
        loaded.unclassified.extend(r.unclassified)
        loaded.skipped.update(r.skipped)
        for name, records in r.records.items():
            loaded.records.setdefault(name, []).extend(records)
        stats.merge(r.stats)
    loaded.rule_findings = rule_findings
    return loaded


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
