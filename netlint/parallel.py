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
from collections.abc import Callable, Iterator, Mapping, Sequence

from netlint.check import Checker
from netlint.discovery import STDIN, FileEntry, ReadProblem
from netlint.load import FileResult, Loaded, ScanStats
from netlint.options import ScanOptions
from netlint.plan import RulePlan
from netlint.registry import Rule
from netlint.source import Source

_CHECKER: Checker | None = None  # the worker's checker, built once per process


def _init_worker(options: ScanOptions, rules: Mapping[str, Rule], build_entries: bool) -> None:
    global _CHECKER
    _CHECKER = Checker(RulePlan(options, rules), build_entries=build_entries)


def _check_chunk(entries: Sequence[FileEntry]) -> list[FileResult]:
    checker = _CHECKER
    assert checker is not None, "worker not initialised"
    # keeps only the documents project rules read
    return [checker.check_file(entry, check=True) for entry in entries]


def _chunks(entries: Sequence[FileEntry], jobs: int) -> list[Sequence[FileEntry]]:
    # small enough to balance the load, large enough that each task is worth sending
    size = max(4, min(64, len(entries) // (jobs * 8) or 1))
    return [entries[i:i + size] for i in range(0, len(entries), size)]


def load_parallel(checker: Checker, entries: Sequence[FileEntry], stats: ScanStats,
                  jobs: int, progress: Callable[[int, int], None] | None = None) -> Loaded:
    """Load and check ``entries`` in ``jobs`` processes (stdin stays in the parent); files
    the cache holds are taken from it in the parent."""
    import multiprocessing

    if any(e.path == STDIN for e in entries):
        return checker.load_and_check(entries, stats, progress)  # a worker cannot read stdin
    cached = checker.cached(entries, check=True)
    misses = [e for e, c in zip(entries, cached, strict=True) if not isinstance(c, FileResult)]
    if len(misses) < PARALLEL_MIN_FILES:  # a warm re-scan: not worth starting workers
        return checker.finish(_in_order(checker, entries, cached, iter(()), progress), stats,
                              check=True)
    ctx = multiprocessing.get_context()
    with ctx.Pool(jobs, initializer=_init_worker,
                  initargs=(checker.options, checker.plan.all_rules,
                            checker.build_entries)) as pool:
        chunks = _chunks(misses, jobs)
        checked = (r for chunk in pool.imap(_check_chunk, chunks) for r in chunk)
        return checker.finish(_in_order(checker, entries, cached, checked, progress), stats,
                              check=True)


def _in_order(checker: Checker, entries: Sequence[FileEntry],
              cached: Sequence[FileResult | Source | ReadProblem | None],
              checked: Iterator[FileResult], progress: Callable[[int, int], None] | None
              ) -> Iterator[FileResult]:
    """Every file's result in file order: from the cache, from the workers (``checked``,
    in the order of the misses), or checked here when no worker has it."""
    for done, (entry, hit) in enumerate(zip(entries, cached, strict=True)):
        if progress is not None:
            progress(done, len(entries))
        if isinstance(hit, FileResult):
            yield hit
            continue
        result = next(checked, None)
        if result is None:
            result = checker.check_file(entry, True, hit)
        yield result


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
