"""A checked file whose findings are all made does not keep its text to the end of the
scan (netlint/source.py ``forget_text``): a report that shows a line reads the file again,
and only gets the text the findings were made on."""

from __future__ import annotations

import io
import json
import os
import pickle
from functools import partial
from pathlib import Path

import pytest

from netlint import cache as cache_module
from netlint.cache import reread, text_hash
from netlint.discovery import FileEntry
from netlint.engine import Engine, ScanResult
from netlint.fingerprints import line_hashes
from netlint.options import ScanOptions
from netlint.reporters import json as json_reporter
from netlint.reporters import sarif
from netlint.reporters.text import render_to
from netlint.source import Source

POD = """\
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  hostNetwork: true
  containers: [{name: c, image: nginx}]
"""


def _entry(path: Path) -> FileEntry:
    return FileEntry(str(path), str(path))


def test_a_forgotten_source_reads_its_text_again(tmp_path: Path) -> None:
    path = tmp_path / "pod.yaml"
    path.write_text(POD)
    source = Source(str(path), POD)
    assert source.line_text(5) == "  hostNetwork: true"
    source.forget_text(partial(reread, _entry(path), 1 << 20, text_hash(POD)))
    assert "text" not in source.__dict__
    # a worker process sends it back to the parent without its text
    copy = pickle.loads(pickle.dumps(source))
    assert "text" not in copy.__dict__
    assert copy.text == POD
    assert copy.line_text(5) == "  hostNetwork: true"
    assert source.line_count == copy.line_count


def test_a_file_changed_since_it_was_checked_reads_as_empty(tmp_path: Path) -> None:
    path = tmp_path / "pod.yaml"
    path.write_text(POD)
    entry = _entry(path)
    assert reread(entry, 1 << 20, text_hash(POD)) == POD
    path.write_text(POD.replace("web", "other"))
    assert reread(entry, 1 << 20, text_hash(POD)) == ""


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files read again after they were checked."""
    seen: list[str] = []
    real = cache_module.read_source

    def counting(entry: FileEntry, max_size: int) -> object:
        seen.append(entry.path)
        return real(entry, max_size)

    monkeypatch.setattr(cache_module, "read_source", counting)
    return seen


def _tree(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    (root / "pod.yaml").write_text(POD)
    (root / "clean.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: b}\n")
    return root


def _scan(root: Path) -> ScanResult:
    # as `netlint scan --format json`: the fixes are made while each file is parsed
    return Engine(ScanOptions(jobs=1, cache=False, finding_fixes=True)).scan([str(root)])


def test_json_reads_no_file_twice_and_text_reads_only_files_with_findings(
        tmp_path: Path, reads: list[str]) -> None:
    result = _scan(_tree(tmp_path))
    assert {f.rule_id for f in result.findings} >= {"pss-host-namespaces"}
    json_reporter.render_to(result, io.StringIO())
    assert reads == []
    out = io.StringIO()
    render_to(result, out, color=False)
    assert "hostNetwork: true" in out.getvalue()
    assert sorted(set(reads)) == [str(tmp_path / "repo" / "pod.yaml")]


def test_reports_never_show_a_text_the_findings_were_not_made_on(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    result = _scan(root)
    # SARIF's line hashes (GitHub's primaryLocationLineHash) are made of the lines' text
    checked = line_hashes(POD)[5]
    assert checked in sarif.render(result)
    result = _scan(root)
    later = POD.replace("hostNetwork: true", "hostNetwork: LATER")
    (root / "pod.yaml").write_text(later)
    report = sarif.render(result)
    assert "pss-host-namespaces" in report
    assert line_hashes(later)[5] not in report
    assert checked not in report  # that text is gone: no line hash rather than a wrong one


def test_a_cache_entry_whose_hash_is_not_text_is_ignored(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    for path in root.iterdir():  # not modified an instant ago: the signature alone tells
        os.utime(path, (1_600_000_000, 1_600_000_000))
    cache = tmp_path / "cache"

    def scan() -> ScanResult:
        return Engine(ScanOptions(jobs=1, cache=True, cache_dir=str(cache),
                                  finding_fixes=True)).scan(
            [str(root)])

    cold = sarif.render(scan())
    partitions = [p for p in cache.rglob("*.json")
                  if isinstance(json.loads(p.read_text()).get("files"), dict)]
    assert partitions
    for partition in partitions:
        data = json.loads(partition.read_text())
        for entry in data["files"].values():
            entry["hash"] = 123
        partition.write_text(json.dumps(data))
    assert sarif.render(scan()) == cold  # read again, not trusted
    for partition in partitions:
        files = json.loads(partition.read_text())["files"].values()
        assert files and all(type(e["hash"]) is str for e in files)
