"""The benchmark runs end to end on a tiny corpus (no timing assertions: CI machines vary)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from benchmarks.generate import generate

ROOT = Path(__file__).resolve().parent.parent


def test_generator_is_deterministic(tmp_path: Path) -> None:
    a = generate(tmp_path / "a", 60, seed=3)
    b = generate(tmp_path / "b", 60, seed=3)
    assert a == b and a["resources"] >= 60
    files_a = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.*"))
    files_b = sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*.*"))
    assert files_a == files_b
    assert all((tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes()
               for f in files_a)


def test_benchmark_smoke(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--smoke", "--resources", "200",
         "--workdir", str(tmp_path)],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    for label in ("libyaml s", "peak MB", "fix of 200 resources", "second run would change "
                  "files: False", "linearity", "--version", "single small file",
                  "rendering: ", "internal-error findings: 0"):
        assert label in out, out
