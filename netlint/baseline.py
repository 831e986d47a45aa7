"""Baselines: accept today's findings, report only new ones.

``netlint baseline PATH... --output .netlint-baseline.json`` records the current findings
by their line-independent fingerprint (rule, repository-relative file and the finding's
``context``: the object, the path inside it and the offending text; never the line
number), with a count for identical offenders.  ``netlint scan --baseline FILE`` hides
findings whose fingerprint is in the file, says how many it hid, and counts the entries
that matched nothing (stale: the finding was fixed, or its value changed).

A finding about a file that was not analysed (``parse-error``, ``file-too-large``, ...) is
never recorded nor hidden: its identity is only the rule and the path, so accepting it
would hide whatever the file contains from then on.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import replace
from typing import Any

from netlint import __version__
from netlint.errors import UsageError
from netlint.findings import NOT_ANALYSED, Finding
from netlint.fingerprints import stable_fingerprint
from netlint.resolve import ScanResult
from netlint.uris import relative_uri, repository_root

BASELINE_VERSION = 1


def fingerprint(f: Finding, root: str) -> str:
    return stable_fingerprint(f.rule_id, relative_uri(f.path, root), f.context)


def build(result: ScanResult, root: str | None = None) -> dict[str, Any]:
    """The baseline document for a scan's (unsuppressed) findings."""
    root = root or repository_root()
    entries: dict[str, dict[str, Any]] = {}
    for f in result.findings:
        if f.rule_id in NOT_ANALYSED:
            continue  # never accepted: the file must be fixed (or excluded) to pass
        fp = fingerprint(f, root)
        entry = entries.get(fp)
        if entry is None:
            entries[fp] = {
                "fingerprint": fp,
                "rule": f.rule_id,
                "path": relative_uri(f.path, root),
                "message": f.message,  # for people reading the file; not matched on
                "count": 1,
            }
        else:
            entry["count"] += 1
    return {
        "version": BASELINE_VERSION,
        "tool": {"name": "netlint", "version": __version__},
        "findings": sorted(entries.values(), key=lambda e: (e["path"], e["rule"],
                                                             e["fingerprint"])),
    }


def write(result: ScanResult, output: str) -> int:
    from netlint.output import atomic_writer

    data = build(result)
    with atomic_writer(output) as fh:
        json.dump(data, fh, indent=2, ensure_ascii=False)
        fh.write("\n")
    return sum(e["count"] for e in data["findings"])


def load(path: str) -> list[dict[str, Any]]:
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except OSError as err:
        raise UsageError(f"{path}: cannot read baseline: {err.strerror or err}") from None
    except ValueError as err:  # invalid JSON, or not UTF-8
        raise UsageError(f"{path}: not a netlint baseline (invalid JSON: {err})") from None
    except RecursionError:
        raise UsageError(f"{path}: not a netlint baseline (nested too deeply)") from None
    if not isinstance(data, dict) or data.get("version") != BASELINE_VERSION or not isinstance(
        data.get("findings"), list
    ):
        raise UsageError(f"{path}: not a netlint baseline (version {BASELINE_VERSION} with a "
                         "'findings' list); create one with `netlint baseline PATH...`")
    entries = []
    for i, e in enumerate(data["findings"]):
        if not (isinstance(e, dict) and isinstance(e.get("fingerprint"), str)
                and isinstance(e.get("count", 1), int)):
            raise UsageError(f"{path}: findings[{i}] needs a string 'fingerprint' and an "
                             "integer 'count'")
        entries.append(e)
    return entries


def apply(result: ScanResult, entries: list[dict[str, Any]], root: str | None = None
          ) -> ScanResult:
    """Hide findings recorded in the baseline; count what it hid and what went stale.

    An entry is stale when its rule ran and its file was scanned (or no longer exists)
    but fewer findings matched it than it records.  Entries for files or rules outside
    this scan are neither used nor stale.
    """
    root = root or repository_root()
    remaining: Counter[str] = Counter()
    for e in entries:
        remaining[e["fingerprint"]] += max(1, int(e.get("count", 1)))
    kept: list[Finding] = []
    hidden = 0
    for f in result.findings:
        fp = fingerprint(f, root)
        if remaining[fp] > 0 and f.rule_id not in NOT_ANALYSED:
            remaining[fp] -= 1
            hidden += 1
        else:
            kept.append(f)
    scanned = {relative_uri(p, root) for p in result.sources}
    scanned.update(relative_uri(f.path, root) for f in result.findings)
    stale = 0
    for e in entries:
        fp = e["fingerprint"]
        if remaining[fp] <= 0:
            continue
        path = str(e.get("path", ""))
        in_scope = str(e.get("rule", "")) in result.rules and (
            path in scanned or not os.path.exists(os.path.join(root, path))
        )
        if in_scope:
            stale += remaining[fp]
        remaining[fp] = 0
    return replace(result, findings=kept, baselined=hidden, baseline_stale=stale)
