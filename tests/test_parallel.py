"""``--jobs N`` gives the same report as ``--jobs 1``; Rule, Document and Source pickle."""

from __future__ import annotations

import io
import pickle
import sys
from pathlib import Path

import pytest

import netlint.parallel
from benchmarks.generate import generate
from netlint.engine import Engine, ScanResult, effective_jobs
from netlint.findings import Severity
from netlint.options import ScanOptions
from netlint.registry import Rule, load_rules
from netlint.source import Source
from netlint.yamlnodes import YList, YMap, parse_documents
from tests import project_count_template

EXTRA = {
    "z/suppressed.yaml": (
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: quiet\n  annotations:\n"
        "    netlint.dev/ignore: k8s-container-runs-as-root\nspec:\n  containers:\n"
        "    - name: a\n      image: x\n"
    ),
    "z/comment.yaml": (
        "apiVersion: v1\nkind: Pod\nmetadata: {name: c}\nspec:\n  containers:\n"
        "    - name: a  # netlint: disable=all legacy\n      image: x\n"
        "# netlint: disable=k8s-run-as-user-root nothing to silence\n"
    ),
    "z/broken.yaml": "apiVersion: v1\nkind: Pod\nspec: [\n",
    "z/dup.yaml": "apiVersion: v1\nkind: Pod\nkind: Pod\nmetadata: {name: d}\n",
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("corpus")
    generate(root, 200, seed=7)
    for name, text in EXTRA.items():
        (root / name).parent.mkdir(exist_ok=True)
        (root / name).write_text(text)
    return root


def _rules() -> dict[str, Rule]:
    rules = dict(load_rules())
    # a project-scope rule, so documents travel from the workers to the parent
    sys.modules["netlint.templates.test_project_count"] = project_count_template
    rules["test-project-count"] = Rule(
        id="test-project-count", title="t", severity=Severity.NOTE, security_severity=0.0,
        tags=(), target="kubernetes", template="test-project-count", params={}, docs={},
        file="<test>")
    return rules


def _scan(path: Path, jobs: int, monkeypatch: pytest.MonkeyPatch) -> tuple[ScanResult, int]:
    calls = []
    real = netlint.parallel.load_parallel

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(args[-1])
        return real(*args, **kwargs)

    monkeypatch.setattr(netlint.parallel, "load_parallel", spy)
    options = ScanOptions(jobs=jobs, select=[], ignore=[], include_suppressed=True)
    return Engine(options, _rules()).scan([str(path)]), len(calls)


def _render(result: ScanResult) -> str:
    from netlint.reporters import json as json_reporter
    from netlint.reporters import sarif
    from netlint.reporters.text import render_to

    out = io.StringIO()
    render_to(result, out, color=False)
    return (out.getvalue() + json_reporter.render(result, include_suppressed=True)
            + sarif.render(result, include_suppressed=True))


def test_jobs_2_gives_the_same_report_as_jobs_1(corpus: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    serial, serial_calls = _scan(corpus, 1, monkeypatch)
    parallel, parallel_calls = _scan(corpus, 2, monkeypatch)
    assert (serial_calls, parallel_calls) == (0, 1)  # the workers really ran
    assert serial.findings == parallel.findings
    # fields that do not take part in ordering too
    assert [(f.severity, f.context) for f in serial.findings] == [
        (f.severity, f.context) for f in parallel.findings]
    assert serial.suppressed == parallel.suppressed and serial.suppressed
    assert serial.stats == parallel.stats
    ids = {f.rule_id for f in serial.findings}
    assert {"test-project-count", "parse-error", "yaml-duplicate-key",
            "unused-suppression"} <= ids
    assert _render(serial) == _render(parallel)


def test_small_scans_stay_in_process() -> None:
    assert effective_jobs(4, 10) == 1
    assert effective_jobs(1, 10_000) == 1
    assert effective_jobs(2, 10_000) == 2
    assert effective_jobs(0, 10_000) >= 1
    assert effective_jobs(0, 10_000, bulk_to_parent=True) == 1  # auto: not worth it
    assert effective_jobs(2, 10_000, bulk_to_parent=True) == 2  # explicit: honoured


def test_documents_pickle_with_shared_sources() -> None:
    source = Source("a.yaml", "a: &x [1, {b: c}]\nd: *x\n---\n- e\n")
    docs, error = parse_documents(source)
    assert error is None
    docs[0].cache["anything"] = lambda: None  # rule caches are not sent
    copy = pickle.loads(pickle.dumps(docs, protocol=pickle.HIGHEST_PROTOCOL))
    assert [d.value for d in copy] == [d.value for d in docs]
    value = copy[0].value
    assert isinstance(value, YMap) and isinstance(value["a"], YList)
    assert value.pos["d"][1:] == docs[0].value.pos["d"][1:]
    assert value["a"].pos[1][1:] == docs[0].value["a"].pos[1][1:]
    # one Source object per file after the round trip (pickle memoizes it)
    assert value.pos["a"][0] is copy[0].source is copy[1].source
    assert copy[0].cache == {}


def test_rules_pickle_without_their_modules() -> None:
    rules = load_rules()
    rule = next(r for r in rules.values() if r.template != "builtin")
    assert rule.module is not None
    copy = pickle.loads(pickle.dumps(rule))
    assert copy == rule and copy.module is rule.module


def test_cli_jobs_option_and_config(corpus: Path, tmp_path: Path) -> None:
    import subprocess

    outputs = []
    for args in (["--jobs", "1"], ["--jobs", "2"], ["-j", "0"]):
        proc = subprocess.run(
            [sys.executable, "-m", "netlint", "scan", str(corpus), "--format", "sarif",
             "--fail-on", "never", *args],
            capture_output=True, text=True, timeout=120, cwd=tmp_path,
        )
        assert proc.returncode == 0, proc.stderr
        outputs.append(proc.stdout)
    assert outputs[0] == outputs[1] == outputs[2]
    from netlint.config import apply_config, load_config

    (tmp_path / ".netlint.yaml").write_text("jobs: 0\n")
    data, base = load_config(str(tmp_path / ".netlint.yaml"))
    assert apply_config(ScanOptions(jobs=5), data, base).jobs == 0
