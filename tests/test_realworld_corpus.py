"""Scan the real-world corpus (../shared/corpus/realworld): no crash, no internal-error."""

from __future__ import annotations

import time
from pathlib import Path

from netlint.engine import Engine
from netlint.options import ScanOptions


def test_realworld_corpus_scans_without_internal_errors(shared_dir: Path) -> None:
    corpus = shared_dir / "corpus" / "realworld"
    if not corpus.is_dir():
        import pytest

        pytest.skip("no real-world corpus")
    start = time.perf_counter()
    result = Engine(ScanOptions()).scan([str(corpus)])
    elapsed = time.perf_counter() - start
    errors = [f"{f.path}: {f.message}" for f in result.findings if f.rule_id == "internal-error"]
    assert not errors, "\n".join(errors[:20])
    assert result.stats.files > 1000
    assert result.stats.documents_total > 1000
    assert elapsed < 120  # a hang, not a benchmark (about 10 s on two cores)
