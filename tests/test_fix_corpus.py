"""Fix a copy of the real-world corpus (../shared/corpus/realworld) with every safe fix.

Asserts: no file becomes unparseable; changed Kubernetes documents still validate with
kubernetes-validate where they did before, changed Compose files still pass the Compose
schema, changed Envoy files are still accepted by ``envoy --mode validate`` where they
were (a sample, Envoy takes ~0.5 s per file); the rescan has no finding left of a fixed
rule except where the fixer said why; changed lines per fix are bounded; a second run
changes nothing.  The distribution of changed lines per fix is printed (``-s``).
"""

from __future__ import annotations

import difflib
import functools
import json
import re
import shutil
import statistics
import subprocess
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from netlint.fix.run import fix_paths
from netlint.options import ScanOptions
from netlint.registry import load_rules
from netlint.source import Source
from netlint.yamlnodes import parse_documents

SAFE = sorted(r.id for r in load_rules().values() if r.fix is not None and r.fix.safe)
MAX_LINES_PER_FIX = 8  # a fix inserts at most a few nested keys or one list item
ENVOY_SAMPLE = 4


def _values(text: str) -> list[Any]:
    """Documents as netlint parses them (tags such as Compose's !reset included)."""
    docs, error = parse_documents(Source("<fixed>", text.lstrip("\ufeff")))
    assert error is None, error.message if error else ""
    return [d.value for d in docs]


@functools.cache
def _k8s_validator(kind: str, api_version: str) -> Any:
    """kubernetes-validate's strict schema for one kind, as its ``validate`` builds it, but
    kept: it builds a new reference registry on every call (minutes for the corpus)."""
    import jsonschema
    from kubernetes_validate import utils
    from referencing import Registry, Resource

    version = utils.latest_version()
    folder = f"kubernetes-json-schema/v{version}-local-strict"
    api = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
    try:
        schema = utils.schema_contents(f"{folder}/{kind.lower()}-{api}.json", version)
    except (FileNotFoundError, utils.SchemaNotFoundError):
        return None
    definitions = utils.schema_contents(f"{folder}/_definitions.json", version)
    registry = Resource.from_contents(definitions) @ (Resource.from_contents(schema) @ Registry())
    return jsonschema.Draft202012Validator(schema, registry=registry)


def _k8s_valid(doc: Any) -> bool | None:
    """Whether kubernetes-validate accepts a document (None: it has no schema for it)."""
    if not isinstance(doc, dict) or not isinstance(doc.get("kind"), str) or \
            not isinstance(doc.get("apiVersion"), str):
        return None
    validator = _k8s_validator(doc["kind"], doc["apiVersion"])
    return None if validator is None else bool(validator.is_valid(doc))


def _compose_ok(text: str, validator: Any) -> bool:
    values = _values(text)
    return len(values) == 1 and validator.is_valid(values[0])


def _envoy_ok(envoy: str, path: Path, work: Path) -> bool:
    proc = subprocess.run([envoy, "--mode", "validate", "-c", str(path), "-l", "critical",
                           "--disable-hot-restart"], cwd=work, capture_output=True,
                          timeout=60, check=False)
    return proc.returncode == 0


def _changed_lines(before: str, after: str) -> int:
    return sum(1 for line in difflib.unified_diff(before.splitlines(), after.splitlines(),
                                                  lineterm="", n=0)
               if line[:1] in "+-" and not line.startswith(("+++", "---")))


@pytest.mark.integration
def test_safe_fixes_on_the_realworld_corpus(shared_dir: Path, tmp_path: Path) -> None:
    corpus = shared_dir / "corpus" / "realworld"
    if not corpus.is_dir():
        pytest.skip("no real-world corpus")
    copy = tmp_path / "realworld"
    shutil.copytree(corpus, copy)
    options = ScanOptions()
    options.select = SAFE
    started = time.perf_counter()
    run = fix_paths([str(copy)], options)
    fixing = time.perf_counter() - started
    changed = run.changed
    assert len(changed) > 100, "the corpus should have many safe fixes"
    assert not [f.error for f in run.files if f.error]

    import jsonschema

    compose_schema = jsonschema.Draft7Validator(
        json.loads((shared_dir / "schemas" / "compose-spec.json").read_text()))
    envoy_files = []
    k8s_checked = 0
    per_fix: list[float] = []
    for f in changed:
        after = Path(f.path).read_bytes().decode("utf-8")
        assert after == f.after
        # no file becomes unparseable
        _, error = parse_documents(Source(f.path, after.lstrip("\ufeff")))
        assert error is None, f"{f.path}: {error.message if error else ''}"
        per_fix.append(_changed_lines(f.before, after) / max(1, len(f.ops)))
        kinds = {r.rule_id.split("-")[0] for r in f.fixed}
        if "compose" in kinds:
            if _compose_ok(f.before, compose_schema):
                assert _compose_ok(after, compose_schema), f"{f.path} no longer valid Compose"
        elif "envoy" in kinds:
            envoy_files.append(f)
        else:
            old_docs, new_docs = _values(f.before), _values(after)
            for i, (old, new) in enumerate(zip(old_docs, new_docs, strict=True)):
                if old != new and _k8s_valid(old):
                    k8s_checked += 1
                    assert _k8s_valid(new), f"{f.path} document {i} no longer validates"

    # Envoy: the real binary, on a sample (each run takes about half a second)
    from tests.test_envoy_oracle import envoy_binary

    envoy = envoy_binary()
    if envoy is not None:
        work = tmp_path / "envoy"
        work.mkdir()
        for f in envoy_files[:ENVOY_SAMPLE]:
            old = work / ("before" + Path(f.path).suffix)
            old.write_text(f.before)
            if _envoy_ok(envoy, old, work):
                assert _envoy_ok(envoy, Path(f.path), work), f"envoy rejects fixed {f.path}"

    # no finding left of a fixed rule, except those the fixer explained
    explained = {(u.finding.path, u.finding.message) for f in run.files for u in f.unfixable}
    explained |= {(u.finding.path, u.finding.message) for u in run.skipped}
    left = [(f.path, f.message) for f in run.result.findings if f.rule_id in SAFE]
    assert [x for x in left if x not in explained] == []

    # changed lines per fix are bounded
    assert max(per_fix) <= MAX_LINES_PER_FIX
    histogram = Counter(round(n) for n in per_fix)
    print(f"\nfixed {run.fixed_count} findings in {len(changed)} files "
          f"({Counter(f.method for f in changed)}); changed lines per fix: "
          f"median {statistics.median(per_fix):.1f}, max {max(per_fix):.1f}, "
          f"histogram {dict(sorted(histogram.items()))}; "
          f"kubernetes documents validated {k8s_checked}; envoy files {len(envoy_files)} "
          f"(validated {min(len(envoy_files), ENVOY_SAMPLE)})")

    checking = time.perf_counter() - started - fixing
    # idempotent: a second run changes nothing
    again = fix_paths([str(copy)], options, write=False)
    assert again.changed == []
    print(f"fix {fixing:.1f} s, checks {checking:.1f} s, second run "
          f"{time.perf_counter() - started - fixing - checking:.1f} s")
