"""``netlint fix``: scan, fix the findings of rules that declare a fix, rescan.

Only findings that are reported (not suppressed, not baselined) are fixed; unsafe fixes
need ``unsafe=True``.  Files are written only inside the scanned paths, never through a
symlink, never when they are Helm templates.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from netlint.findings import Finding, Severity
from netlint.fix.apply import FileFix, fix_text, inside, write_atomically
from netlint.fix.plan import Unfixable
from netlint.fix.spec import FixSpec, rule_fix
from netlint.source import Span


@dataclass
class FixRun:
    files: list[FileFix] = field(default_factory=list)
    skipped: list[Unfixable] = field(default_factory=list)  # not attempted, and why
    written: int = 0
    result: Any = None  # the ScanResult after fixing (a rescan when anything was written)
    before: Any = None  # the ScanResult before fixing
    generated: list[Any] = field(default_factory=list)  # new policy files (default_deny)

    @property
    def changed(self) -> list[FileFix]:
        return [f for f in self.files if f.changed]

    @property
    def fixed_count(self) -> int:
        return sum(len(f.fixed) for f in self.changed)


def helm_template(path: str) -> bool:
    """A file in a Helm chart's templates/ directory (text templates, not YAML)."""
    parts = os.path.abspath(path).split(os.sep)
    for i in range(len(parts) - 1, 0, -1):
        if parts[i] == "templates":
            chart = os.sep.join(parts[:i])
            return os.path.isfile(os.path.join(chart or os.sep, "Chart.yaml"))
    return False


def plan_work(findings: Iterable[Finding], rules: dict[str, Any], unsafe: bool
              ) -> tuple[dict[str, list[tuple[Finding, FixSpec]]], list[Unfixable]]:
    work: dict[str, list[tuple[Finding, FixSpec]]] = {}
    skipped: list[Unfixable] = []
    for f in findings:
        spec = rule_fix(rules.get(f.rule_id))
        if spec is None or f.suppressed:
            continue
        if not spec.safe and not unsafe:
            skipped.append(Unfixable(f, "unsafe fix (may change behaviour): use "
                                        "--unsafe-fixes to apply it"))
            continue
        work.setdefault(f.path, []).append((f, spec))
    return work, skipped


def fix_files(work: dict[str, list[tuple[Finding, FixSpec]]], roots: list[str],
              sources: dict[str, Any], write: bool, prefer: str = "ruamel",
              rendered: set[str] | frozenset[str] = frozenset()) -> FixRun:
    """Fix each file of ``work``; ``rendered`` are the real paths of Helm chart and
    kustomization inputs (their findings come from rendered output: never edited)."""
    run = FixRun()
    for display, items in sorted(work.items()):
        reason = _not_writable(display, roots)
        if not reason and os.path.realpath(display) in rendered:
            reason = ("the file is an input of a Helm chart or kustomization: the finding was "
                      "mapped from rendered output; fix the template, values or patch line "
                      "it names by hand")
        if reason:
            run.skipped.extend(Unfixable(f, reason) for f, _ in items)
            continue
        try:
            with open(display, "rb") as fh:
                data = fh.read()
            text = data.decode("utf-8")
        except (OSError, UnicodeDecodeError) as err:
            run.skipped.extend(Unfixable(f, f"cannot read the file as UTF-8: {err}")
                               for f, _ in items)
            continue
        scanned = sources.get(display)
        if scanned is not None and scanned.text.lstrip("\ufeff") != text.lstrip("\ufeff"):
            run.skipped.extend(Unfixable(f, "the file changed since it was scanned")
                               for f, _ in items)
            continue
        is_json = display.endswith(".json")
        fixed = fix_text(display, text, items, is_json, prefer)
        run.files.append(fixed)
        if fixed.changed and write:
            try:
                write_atomically(display, fixed.after)
                run.written += 1
            except OSError as err:
                fixed.error = f"cannot write the file: {err}"
                fixed.unfixable.extend(Unfixable(f, fixed.error) for f in fixed.fixed)
                fixed.fixed = []
    return run


def _not_writable(display: str, roots: list[str]) -> str:
    if display in ("<stdin>", "-"):
        return "standard input cannot be fixed in place"
    if not os.path.isfile(display):
        return "the file is not where the scan found it"
    if os.path.islink(display):
        return "the file is a symbolic link; netlint does not write through links"
    if not inside(display, roots):
        return "the file is outside the scanned paths"
    if helm_template(display):
        return ("the file is a Helm template: fix the chart's values or template by hand "
                "(netlint does not edit templates)")
    return ""


def failure_findings(run: FixRun) -> list[Finding]:
    """One ``fix-failed`` finding per file a needed fix was not written to."""
    out = []
    for f in run.files:
        if not f.error:
            continue
        first = min(u.finding for u in f.unfixable) if f.unfixable else None
        span = first.span if first else Span(1, 1, 1, 2)
        out.append(Finding(f.path, span, "fix-failed",
                           f"fixes not written: {f.error}", Severity.WARNING,
                           context="fix-failed"))
    return out


def fix_paths(paths: list[str], options: Any, unsafe: bool = False, write: bool = True,
              prefer: str = "ruamel") -> FixRun:
    """Scan ``paths`` with ``options`` and fix what the rules found (the API the CLI,
    tests and the benchmark share); ``run.result`` is the rescan after writing."""
    from netlint.engine import Engine

    before = Engine(options).scan(paths)
    work, skipped = plan_work(before.findings, before.rules, unsafe)
    run = fix_files(work, paths, before.sources, write=write, prefer=prefer,
                    rendered=before.rendered_inputs)
    run.skipped.extend(skipped)
    run.before = before
    run.result = Engine(options).scan(paths) if run.written else before
    return run
