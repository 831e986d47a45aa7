"""The ``fix`` command's work (and ``scan --fix``): kept out of cli.py, which stays thin."""

from __future__ import annotations

from collections import Counter
from typing import IO, Any

from netlint.fix.run import FixRun, failure_findings, fix_files, plan_work


def fix_and_rescan(paths: tuple[str, ...], context: tuple[str, ...], options: Any,
                   before: Any, unsafe: bool, diff_only: bool, out: IO[str], err: IO[str],
                   add_default_deny: str | None = None) -> tuple[Any, FixRun]:
    """Fix what ``before`` (a ScanResult) found; print diffs (``diff_only``) or a summary,
    and return the result of a rescan (``before`` when nothing was written)."""
    from netlint.engine import Engine

    work, skipped = plan_work(before.findings, before.rules, unsafe)
    run = fix_files(work, list(paths), before.sources, write=not diff_only,
                    rendered=getattr(before, "rendered_inputs", set()))
    run.skipped.extend(skipped)
    run.before = before
    generated = []
    if add_default_deny is not None:
        from netlint.fix.default_deny import default_deny_files

        generated = default_deny_files(before, list(paths), add_default_deny)
        run.generated = generated
    if diff_only:
        for f in run.changed:
            out.write(_escape(f.diff()))
        for g in generated:
            out.write(_escape(g.diff()))
    else:
        for g in generated:
            g.write()
    _summary(run, generated, diff_only, err)
    result = before
    if (run.written or (generated and not diff_only)):
        result = Engine(options).scan(paths, context=context)
    failures = failure_findings(run)
    if failures:
        result.findings.extend(failures)
        result.findings.sort()
        for rid in {f.rule_id for f in failures}:
            from netlint.registry import load_rules

            result.rules.setdefault(rid, load_rules()[rid])
    run.result = result
    return result, run


def _escape(text: str) -> str:
    """Scanned text reaches a terminal: keep it printable (control characters escaped)."""
    return "".join(c if c in "\n\t" or (c.isprintable() and c != "\x1b") else
                   f"\\x{ord(c):02x}" for c in text)


def _summary(run: FixRun, generated: list[Any], diff_only: bool, err: IO[str]) -> None:
    verb = "would fix" if diff_only else "fixed"
    files = len(run.changed)
    methods = Counter(f.method for f in run.changed)
    how = ", ".join(f"{n} by {m}" for m, n in sorted(methods.items()))
    err.write(f"netlint: {verb} {run.fixed_count} finding(s) in {files} file(s)"
              + (f" ({how})" if how else "") + "\n")
    if generated:
        verb = "would write" if diff_only else "wrote"
        err.write(f"netlint: {verb} {len(generated)} default-deny egress policy file(s)\n")
    reasons = Counter(u.reason for f in run.files for u in f.unfixable)
    reasons.update(u.reason for u in run.skipped)
    for reason, count in sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0])):
        err.write(f"netlint: not fixed ({count}): {_escape(reason)}\n")
