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

import itertools
import os
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

from netlint.check import Checker
from netlint.discovery import STDIN, FileEntry, ReadProblem
from netlint.load import FileResult, Loaded, ScanStats
from netlint.options import ScanOptions
from netlint.plan import RulePlan
from netlint.registry import Rule
from netlint.source import Source, Span

if TYPE_CHECKING:
    from concurrent.futures import Future

_CHECKER: Checker | None = None  # the worker's checker, built once per process


def _init_worker(options: ScanOptions, rules: Mapping[str, Rule], build_entries: bool) -> None:
    global _CHECKER
    import gc

    gc.disable()  # as in the parent's scan (engine.py): checking leaves no cyclic garbage
    _CHECKER = Checker(RulePlan(options, rules), build_entries=build_entries)


def _check_chunk(entries: Sequence[FileEntry]) -> list[FileResult]:
    checker = _CHECKER
    assert checker is not None, "worker not initialised"
    # keeps only the documents project rules read
    results = [checker.check_file(entry, check=True) for entry in entries]
    for result in results:
        for doc in (*result.documents, *result.unclassified):
            # a document travels without its caches (Document.__getstate__), and here they
            # would be a cycle that nothing collects (the collector is off)
            doc.cache.clear()
    return results


def _chunks(entries: Sequence[FileEntry], jobs: int) -> list[Sequence[FileEntry]]:
    # small enough to balance the load, large enough that each task is worth sending
    size = max(4, min(64, len(entries) // (jobs * 8) or 1))
    return [entries[i:i + size] for i in range(0, len(entries), size)]


def _run_chunks(checker: Checker, chunks: list[Sequence[FileEntry]], jobs: int
                ) -> Iterator[list[FileResult] | str]:
    """Each chunk's results in order, or why it was lost (its worker died).  A process
    pool from ``concurrent.futures`` notices a dead worker (``BrokenProcessPool``) where
    ``multiprocessing.Pool`` would wait for it forever."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context(),
                             initializer=_init_worker,
                             initargs=(checker.options, checker.plan.all_rules,
                                       checker.build_entries)) as pool:
        # a few chunks per worker in flight, each let go once consumed: submitted all at
        # once, the futures held every file's result until the end of the scan
        pending: deque[Future[list[FileResult]]] = deque()
        upcoming = iter(chunks)
        for chunk in itertools.islice(upcoming, jobs * 4):
            pending.append(pool.submit(_check_chunk, chunk))
        while pending:
            future = pending.popleft()
            try:
                outcome: list[FileResult] | str = future.result()
            except BrokenProcessPool:
                outcome = "a worker process died while scanning it (killed or out of memory?)"
            del future
            for chunk in itertools.islice(upcoming, 1):
                try:
                    pending.append(pool.submit(_check_chunk, chunk))
                except BrokenProcessPool:  # the pool is broken: its futures say so
                    pending.append(_broken())
            yield outcome


def _broken() -> Future[list[FileResult]]:
    """A future that failed as a broken pool's do."""
    from concurrent.futures import Future
    from concurrent.futures.process import BrokenProcessPool

    future: Future[list[FileResult]] = Future()
    future.set_exception(BrokenProcessPool("the process pool is broken"))
    return future


def _lost(checker: Checker, entry: FileEntry, why: str) -> FileResult:
    """A file whose worker died: reported, never silently dropped, and the scan exits 2;
    it has no records (cross-file findings of such a scan are not cached)."""
    result = FileResult(entry, ScanStats(files=1, files_failed=1, files_lost=1))
    result.findings.append(checker.plan.make_finding(
        "internal-error", entry.display, Span(1, 1, 1, 2), f"not analysed: {why}",
        context="worker lost"))
    return result


def load_parallel(checker: Checker, entries: Sequence[FileEntry], stats: ScanStats,
                  jobs: int, progress: Callable[[int, int], None] | None = None) -> Loaded:
    """Load and check ``entries`` in ``jobs`` processes (stdin stays in the parent); files
    the cache holds are taken from it in the parent."""
    if any(e.path == STDIN for e in entries):
        return checker.load_and_check(entries, stats, progress)  # a worker cannot read stdin
    cached = checker.cached(entries, check=True)
    misses = [e for e, c in zip(entries, cached, strict=True) if not isinstance(c, FileResult)]
    if len(misses) < PARALLEL_MIN_FILES:  # a warm re-scan: not worth starting workers
        return checker.finish(_in_order(checker, entries, cached, iter(()), progress), stats,
                              check=True)
    chunks = _chunks(misses, jobs)

    def checked() -> Iterator[FileResult]:
        for chunk, outcome in zip(chunks, _run_chunks(checker, chunks, jobs), strict=True):
            if isinstance(outcome, str):
                yield from (_lost(checker, entry, outcome) for entry in chunk)
            else:
                yield from outcome

    return checker.finish(_in_order(checker, entries, cached, checked(), progress), stats,
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


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity where the OS tells)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def effective_jobs(jobs: int, files: int, bulk_to_parent: bool = False) -> int:
    """Worker processes for a scan of ``files`` files: 0 means one per core unless most
    documents would have to travel back to the parent; small scans and single-core
    machines stay in-process."""
    cores = available_cores()
    if jobs <= 0:
        jobs = 1 if bulk_to_parent else cores
    jobs = min(jobs, cores)  # more workers than cores only cost memory
    if files < PARALLEL_MIN_FILES:
        return 1
    return max(1, min(jobs, files // 8 or 1))
