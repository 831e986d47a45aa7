"""Helpers shared by the tests: run a scan in-process and render findings as golden text."""

from __future__ import annotations

import shlex
from pathlib import Path

from netlint.engine import Engine, ScanResult
from netlint.findings import Finding
from netlint.options import ScanOptions


def scan(paths: list[str], **options: object) -> ScanResult:
    return Engine(ScanOptions(**options)).scan(paths)  # type: ignore[arg-type]


def golden_line(f: Finding, base: Path) -> str:
    try:
        rel = Path(f.path).resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        rel = f.path
    s = f.span
    return (f"{rel}:{s.start_line}:{s.start_column}-{s.end_line}:{s.end_column}: "
            f"{f.severity.value} [{f.rule_id}] {f.message}")


def case_options(case: Path) -> dict[str, object]:
    """Options for a fixture case from its optional ``<case>.args`` file (CLI syntax)."""
    args_file = case.with_suffix(".args") if case.is_file() else case / "netlint.args"
    if not args_file.exists():
        return {}
    words = shlex.split(args_file.read_text())
    options: dict[str, object] = {}
    i = 0
    while i < len(words):
        key = words[i].removeprefix("--").replace("-", "_")
        if i + 1 == len(words) or words[i + 1].startswith("--"):  # a flag
            options[key] = True
            i += 1
            continue
        value: object = words[i + 1]
        if key in ("rule_dirs", "exclude", "select", "clouds"):
            value = [words[i + 1]]
        elif words[i + 1].isdigit():
            value = int(words[i + 1])
        options[key] = value
        i += 2
    return options
