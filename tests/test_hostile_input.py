"""Hostile and broken input: netlint reports it and goes on; it never crashes, hangs,
reads what it should not, or constructs anything a file asks for.

Inputs that could take the interpreter down (deep nesting) run in a subprocess, so a
segfault fails the test instead of killing the test run.
"""

from __future__ import annotations

import codecs
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers import scan

POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: app
      image: nginx
      securityContext:
        runAsNonRoot: true
        runAsUser: 1000
"""


def cli(*args: str, cwd: Path | None = None, timeout: float = 30) -> tuple[int, dict, float]:
    """Run ``netlint scan ... --format json`` in a subprocess: (exit code, report, seconds)."""
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "netlint", "scan", *args, "--format", "json",
         "--fail-on", "never", "--allow-empty"],
        capture_output=True, text=True, timeout=timeout, cwd=cwd,
    )
    elapsed = time.perf_counter() - start
    assert proc.returncode >= 0, f"netlint died from signal {-proc.returncode}: {proc.stderr}"
    assert proc.returncode in (0, 1), proc.stderr
    return proc.returncode, json.loads(proc.stdout), elapsed


def rule_ids(report: dict) -> list[str]:
    return [f["rule"] for f in report["findings"]]


# tests that expect exact findings select the reading/parsing rules and one family, so
# that new rules elsewhere do not change them; "never crashes" tests run every rule
CORE = ["core", "non-root"]


def ids_of(result) -> list[str]:  # type: ignore[no-untyped-def]
    return [f.rule_id for f in result.findings]


def assert_no_internal_error(result) -> None:  # type: ignore[no-untyped-def]
    assert "internal-error" not in ids_of(result), [f.message for f in result.findings]


# --- alias bombs and deep nesting -------------------------------------------------------

BILLION_LAUGHS = "\n".join(
    ["apiVersion: v1", "kind: ConfigMap", "metadata: {name: lol}", "data:",
     '  a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [f"  a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 10)]
) + "\n"


def test_billion_laughs_is_refused_fast_through_the_cli(tmp_path: Path) -> None:
    (tmp_path / "bomb.yaml").write_text(BILLION_LAUGHS)
    (tmp_path / "pod.yaml").write_text(POD)
    _, report, elapsed = cli(str(tmp_path))
    assert elapsed < 10
    assert "yaml-alias-bomb" in rule_ids(report)
    bomb = next(f for f in report["findings"] if f["rule"] == "yaml-alias-bomb")
    assert bomb["path"].endswith("bomb.yaml") and "alias" in bomb["message"]
    assert report["summary"]["files"] == 2  # the scan went on


def test_moderately_shared_aliases_are_not_a_bomb(tmp_path: Path) -> None:
    text = POD + "---\n" + "\n".join(
        ["apiVersion: v1", "kind: ConfigMap", "metadata: {name: ok}", "data:",
         "  base: &b {x: '1', y: '2'}", "  c1: *b", "  c2: *b"]) + "\n"
    (tmp_path / "ok.yaml").write_text(text)
    assert ids_of(scan([str(tmp_path)], select=CORE)) == []


@pytest.mark.parametrize("text", [
    "[" * 100_000 + "]" * 100_000,
    "a: " + "{b: " * 100_000 + "c" + "}" * 100_000,
    "- " * 100_000 + "x\n",  # one long line of block sequences
], ids=["flow-sequences", "flow-mappings", "dash-line"])
def test_100k_levels_of_nesting_do_not_crash(tmp_path: Path, text: str) -> None:
    (tmp_path / "deep.yaml").write_text(text)
    _, report, elapsed = cli(str(tmp_path / "deep.yaml"), "--select", "core")
    assert rule_ids(report) == ["yaml-too-deep"]
    assert elapsed < 20


def test_deep_block_nesting_with_short_lines_is_bounded(tmp_path: Path) -> None:
    # every line is short (indent one column per level), so the pre-check does not see it:
    # the value builder must bound the depth itself instead of overflowing Python's stack
    body = "\n".join(" " * (i + 1) + f"k{i}:" for i in range(900)) + " x\n"
    (tmp_path / "deep.yaml").write_text("apiVersion: v1\nkind: ConfigMap\ndata:\n" + body)
    (tmp_path / "dashes.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\ndata:\n  b:\n   " + "- " * 490 + "x\n")
    result = scan([str(tmp_path)], select=CORE)
    assert sorted(ids_of(result)) == ["yaml-too-deep", "yaml-too-deep"]


def test_deep_block_nesting_with_long_lines(tmp_path: Path) -> None:
    body = "\n".join(" " * i + f"k{i}:" for i in range(1, 3000)) + " x\n"
    (tmp_path / "deep.yaml").write_text("a:\n" + body)
    _, report, _ = cli(str(tmp_path / "deep.yaml"), "--select", "core")
    assert rule_ids(report) == ["yaml-too-deep"]


# --- size, encodings, binary ------------------------------------------------------------

def test_file_over_the_size_cap_is_reported_not_read(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    big = tmp_path / "big.yaml"
    with open(big, "wb") as fh:  # sparse: 11 MB without writing them, then a manifest
        fh.seek(11 * 1024 * 1024)
        fh.write(b"\napiVersion: v1\nkind: Pod\n")
    (tmp_path / "pod.yaml").write_text(POD)
    parsed: list[str] = []
    import netlint.load

    real_parse = netlint.load.parse_documents

    def spy(source):  # type: ignore[no-untyped-def]
        parsed.append(source.path)
        return real_parse(source)

    monkeypatch.setattr(netlint.load, "parse_documents", spy)
    result = scan([str(tmp_path)], jobs=1, select=CORE)
    # the padding does not hide the manifest at the end (skips.py reads it for markers
    # only); the file is never parsed
    assert ids_of(result) == ["file-too-large"]
    assert result.findings[0].path.endswith("big.yaml")
    assert not any(p.endswith("big.yaml") for p in parsed)
    assert result.stats.documents_total == 1


def test_size_cap_is_configurable(tmp_path: Path) -> None:
    (tmp_path / "pod.yaml").write_text(POD)
    assert ids_of(scan([str(tmp_path)], max_file_size=100, select=CORE)) == ["file-too-large"]
    (tmp_path / ".netlint.yaml").write_text("max-file-size: 50\n")
    _, report, _ = cli("pod.yaml", "--select", "core", cwd=tmp_path)
    assert rule_ids(report) == ["file-too-large"]


@pytest.mark.parametrize(("name", "data", "rule"), [
    ("binary.yaml", bytes(range(256)) * 4, "unreadable-file"),
    ("nul.yaml", POD.encode().replace(b"nginx", b"ngi\0nx"), "unreadable-file"),
    ("latin1.yaml", POD.encode().replace(b"web", b"w\xe9b"), "parse-error"),
    ("truncated-utf8.yaml", POD.encode() + b"  # caf\xc3", "parse-error"),
], ids=["binary", "nul", "latin1", "truncated-utf8"])
def test_undecodable_files_are_reported_and_scan_goes_on(tmp_path: Path, name: str,
                                                         data: bytes, rule: str) -> None:
    (tmp_path / name).write_bytes(data)
    (tmp_path / "z-pod.yaml").write_text(POD)
    result = scan([str(tmp_path)], select=CORE)
    assert ids_of(result) == [rule]
    assert result.stats.documents_total == 1


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_utf16_and_utf32_with_bom_are_read(tmp_path: Path, codec: str) -> None:
    bom = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE,
           "utf-32-le": codecs.BOM_UTF32_LE, "utf-32-be": codecs.BOM_UTF32_BE}[codec]
    root = POD.replace("runAsNonRoot: true", "runAsNonRoot: false").replace("1000", "0")
    (tmp_path / "pod.yaml").write_bytes(bom + root.encode(codec))
    assert_no_internal_error(scan([str(tmp_path)]))
    result = scan([str(tmp_path)], select=CORE)
    assert result.stats.documents_total == 1
    assert "k8s-container-runs-as-root" in ids_of(result)
    assert_no_internal_error(result)


def test_utf8_bom_crlf_and_tabs(tmp_path: Path) -> None:
    root = POD.replace("runAsNonRoot: true", "runAsNonRoot: false")
    (tmp_path / "crlf.yaml").write_bytes(codecs.BOM_UTF8 + root.replace("\n", "\r\n").encode())
    (tmp_path / "tabs.yaml").write_text("apiVersion: v1\nkind: Pod\nmetadata:\n\tname: x\n")
    (tmp_path / "tabs-in-values.json").write_text(
        '{\t"apiVersion": "v1",\t"kind": "Service",\t"metadata": {"name": "s"}}')
    result = scan([str(tmp_path)])
    assert_no_internal_error(result)
    result = scan([str(tmp_path)], select=CORE)
    by_file = {(Path(f.path).name, f.rule_id) for f in result.findings}
    assert ("crlf.yaml", "k8s-container-runs-as-root") in by_file
    assert ("tabs.yaml", "parse-error") in by_file
    finding = next(f for f in result.findings if Path(f.path).name == "crlf.yaml")
    assert finding.span.start_line == 10  # CRLF counts as one line break
    assert_no_internal_error(result)


# --- odd documents and wrong types ------------------------------------------------------

@pytest.mark.parametrize("text", [
    "", "\n\n", "# only a comment\n", "---\n---\n", "just a scalar\n", "42\n", "~\n",
    "- a\n- b\n", "[]\n", "{}\n", "--- !!str\n", "? [complex, key]\n: value\n",
    "apiVersion: v1\nkind: Pod\n---\n- a list\n---\nscalar\n",
])
def test_empty_scalar_and_list_documents(tmp_path: Path, text: str) -> None:
    (tmp_path / "odd.yaml").write_text(text)
    result = scan([str(tmp_path)])
    assert_no_internal_error(result)


WRONG = [
    "spec: null",
    "spec: ~",
    "spec: []",
    "spec: 'text'",
    "spec:\n  containers: ~",
    "spec:\n  containers: null",
    "spec:\n  containers: {}",
    "spec:\n  containers: 'nginx'",
    "spec:\n  containers: [null, 1, 'x', []]",
    "spec:\n  securityContext: ~\n  containers:\n    - name: a\n      securityContext: ~",
    "spec:\n  securityContext: []\n  containers:\n    - securityContext: 'x'",
    "spec:\n  containers:\n    - name: a\n      securityContext:\n        privileged: 'true'"
    "\n        runAsUser: '0'\n        runAsNonRoot: 'false'",
    "spec:\n  containers:\n    - name: 5\n      ports: ['80', {containerPort: '8080'}, ~]",
    "spec:\n  containers:\n    - {name: a, securityContext: {capabilities: ~, runAsUser: 1e3}}",
    "metadata: ~\nspec:\n  containers: [{name: a}]",
    "metadata: [1]\nspec:\n  containers: [{name: a}]",
]


@pytest.mark.parametrize("body", WRONG)
@pytest.mark.parametrize("kind", ["Pod", "Deployment", "CronJob", "List"])
def test_null_and_wrong_types_never_break_a_rule(tmp_path: Path, body: str, kind: str) -> None:
    indent = {"Pod": 0, "Deployment": 4, "CronJob": 8, "List": 4}[kind]
    inner = "\n".join(" " * indent + line for line in body.splitlines())
    if kind == "Pod":
        text = f"apiVersion: v1\nkind: Pod\n{body}\n"
    elif kind == "Deployment":
        text = f"apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n{inner}\n"
    elif kind == "CronJob":
        text = ("apiVersion: batch/v1\nkind: CronJob\nspec:\n  jobTemplate:\n    spec:\n"
                f"      template:\n{inner}\n")
    else:
        text = ("apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: Pod\n"
                + "\n".join("    " + line for line in body.splitlines()) + "\n  - ~\n  - 3\n")
    (tmp_path / "odd.yaml").write_text(text)
    (tmp_path / "docker-compose.yml").write_text(
        "services:\n  a: ~\n  b: []\n  c:\n    user: ~\n    ports: ~\n  d:\n    user: 0\n")
    result = scan([str(tmp_path)])
    assert_no_internal_error(result)


def test_huge_lists(tmp_path: Path) -> None:
    containers = "".join(f"    - name: c{i}\n      image: x\n" for i in range(5_000))
    (tmp_path / "pod.yaml").write_text(
        f"apiVersion: v1\nkind: Pod\nmetadata: {{name: p}}\nspec:\n  containers:\n{containers}")
    start = time.perf_counter()
    assert_no_internal_error(scan([str(tmp_path)]))
    result = scan([str(tmp_path)], select=CORE)
    assert time.perf_counter() - start < 20
    assert_no_internal_error(result)
    assert ids_of(result).count("k8s-container-runs-as-root") == 5_000


# --- file system trouble ----------------------------------------------------------------

def test_symlink_loops_and_dangling_links(tmp_path: Path) -> None:
    (tmp_path / "pod.yaml").write_text(POD)
    (tmp_path / "loop").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "self.yaml").symlink_to(tmp_path / "self.yaml")
    (tmp_path / "dangling.yaml").symlink_to(tmp_path / "missing.yaml")
    (tmp_path / "a.yaml").symlink_to(tmp_path / "b.yaml")
    (tmp_path / "b.yaml").symlink_to(tmp_path / "a.yaml")
    _, report, elapsed = cli(str(tmp_path))
    assert elapsed < 10
    unreadable = sorted(Path(f["path"]).name for f in report["findings"]
                        if f["rule"] == "unreadable-file")
    assert unreadable == ["a.yaml", "b.yaml", "dangling.yaml", "self.yaml"]
    assert report["summary"]["documents"] == {"kubernetes": 1}


def test_unreadable_files_and_folders(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root reads files whatever their mode")
    (tmp_path / "pod.yaml").write_text(POD)
    secret = tmp_path / "secret.yaml"
    secret.write_text(POD)
    secret.chmod(0)
    closed = tmp_path / "closed"
    closed.mkdir()
    (closed / "inside.yaml").write_text(POD)
    closed.chmod(0)
    try:
        result = scan([str(tmp_path)], select=CORE)
    finally:
        secret.chmod(0o644)
        closed.chmod(0o755)
    found = sorted((Path(f.path).name, f.rule_id) for f in result.findings)
    assert found == [("closed", "unreadable-file"), ("secret.yaml", "unreadable-file")]
    assert result.stats.documents_total == 1


def test_unreadable_file_reported_when_reading_fails(tmp_path: Path) -> None:
    # works as root too: a directory named like a YAML file cannot be read as one
    (tmp_path / "pod.yaml").write_text(POD)
    (tmp_path / "fifo-like.yaml").mkdir()
    (tmp_path / "fifo-like.yaml" / "x.txt").write_text("not yaml")
    result = scan([str(tmp_path / "pod.yaml"), str(tmp_path / "fifo-like.yaml" / "..")])
    assert_no_internal_error(result)
    missing = tmp_path / "gone.yaml"
    missing.symlink_to(tmp_path / "nowhere")
    result = scan([str(missing)], select=CORE)
    assert ids_of(result) == ["unreadable-file"]


# --- custom tags are never constructed --------------------------------------------------

def test_custom_tags_are_never_constructed(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    text = (
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n"
        f"  run: !!python/object/apply:os.system ['touch {marker}']\n"
        f"  run2: !!python/object/new:subprocess.Popen [['touch', '{marker}']]\n"
        "  mod: !!python/module:os\n"
        "  name2: !!python/name:os.system\n"
        "  ref: !Ref MyBucket\n"
        "  sub: !Sub '${AWS::Region}'\n"
        "  bin: !!binary aGVsbG8=\n"
        "  when: 2001-12-14t21:59:43.10-05:00\n"
        "data:\n"
        f"  cmd: !!python/object/apply:os.system\n    args: ['touch {marker}']\n"
    )
    (tmp_path / "tags.yaml").write_text(text)
    (tmp_path / "docker-compose.yml").write_text(
        f"services:\n  a:\n    image: !!python/object/apply:os.system ['touch {marker}']\n"
        "    user: !Ref Root\n")
    result = scan([str(tmp_path)])
    assert not marker.exists()
    assert_no_internal_error(result)
    _, report, _ = cli(str(tmp_path))
    assert not marker.exists()
    assert "internal-error" not in rule_ids(report)
    from netlint.source import Source
    from netlint.yamlnodes import parse_documents

    docs, error = parse_documents(Source("tags.yaml", text))
    assert error is None
    meta = docs[0].value["metadata"]
    assert meta["ref"] == "MyBucket" and meta["bin"] == "aGVsbG8="
    assert meta["when"] == "2001-12-14t21:59:43.10-05:00"
    assert all(isinstance(v, (str, list, dict)) for v in meta.values())
