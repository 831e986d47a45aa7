"""The incremental cache: hits, misses and invalidation for each part of its key, and a
warm scan's report identical to a cold one in every output format."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import netlint
from netlint import cache as cache_module
from netlint.engine import Engine, ScanResult
from netlint.options import ScanOptions
from netlint.reporters import github, sarif
from netlint.reporters import json as json_reporter
from netlint.reporters.text import render_to

WEB = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: app
          image: nginx:1.27
          securityContext:
            privileged: true  # netlint: disable=pss-privileged reviewed: debug sidecar
"""

API = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
  annotations:
    netlint.dev/ignore: "k8s-run-as-user-root"
spec:
  template:
    metadata:
      labels: {app: api}
    spec:
      hostNetwork: true
      containers:
        - name: app
          image: api:2
"""

POLICY = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: web-egress
  namespace: shop
spec:
  podSelector:
    matchLabels: {app: web}
  policyTypes: [Egress]
  egress:
    - to:
        - ipBlock: {cidr: 0.0.0.0/0}
"""

COMPOSE = """\
services:
  app:
    image: app:1
    privileged: true
"""


def _tree(root: Path) -> Path:
    (root / "apps").mkdir(parents=True)
    (root / "policies").mkdir()
    (root / "apps" / "web.yaml").write_text(WEB)
    (root / "apps" / "api.yaml").write_text(API)
    (root / "policies" / "web-egress.yaml").write_text(POLICY)
    (root / "compose.yaml").write_text(COMPOSE)
    (root / "broken.yaml").write_text("kind: Deployment\nmetadata: {name: x\n")
    (root / "notes.yaml").write_text("just: some yaml\n")
    return root


def _scan(paths: list[Path], cache_dir: Path | None, context: list[Path] | None = None,
          **options: object) -> tuple[ScanResult, Engine]:
    opts = ScanOptions(jobs=1, cache=cache_dir is not None,
                       cache_dir=str(cache_dir) if cache_dir else None,
                       include_suppressed=True, **options)  # type: ignore[arg-type]
    engine = Engine(opts)
    result = engine.scan([str(p) for p in paths], context=[str(c) for c in context or []])
    return result, engine


def _reports(result: ScanResult) -> dict[str, str]:
    text = io.StringIO()
    render_to(result, text, color=False, statistics=True)
    out = io.StringIO()
    json_reporter.render_to(result, out, include_suppressed=True)
    return {"text": text.getvalue(), "json": out.getvalue(),
            "sarif": sarif.render(result, include_suppressed=True),
            "github": github.render(result, include_suppressed=True)}


def _counts(engine: Engine) -> tuple[int, int]:
    cache = engine.checker.cache
    assert cache is not None
    return cache.hits, cache.misses


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # reports show paths relative to the working directory
    return _tree(tmp_path / "repo")


def test_warm_scan_reports_what_a_cold_scan_reports(tree: Path, tmp_path: Path) -> None:
    cold, _ = _scan([tree], None)
    first, engine = _scan([tree], tmp_path / "cache")
    assert _counts(engine) == (0, 6)
    warm, engine = _scan([tree], tmp_path / "cache")
    hits, misses = _counts(engine)
    assert (hits, misses) == (5, 1)  # the Compose file is assembled afresh every time
    rules = {f.rule_id for f in cold.findings}
    assert {"pss-host-namespaces", "parse-error", "workload-egress-not-isolated"} <= rules
    assert any(f.suppressed for f in cold.suppressed)
    assert cold.stats == warm.stats == first.stats
    assert _reports(warm) == _reports(cold) == _reports(first)


def test_an_edited_file_is_parsed_again(tree: Path, tmp_path: Path) -> None:
    _scan([tree], tmp_path / "cache")
    (tree / "apps" / "api.yaml").write_text(API.replace("hostNetwork: true",
                                                        "hostPID: true"))
    warm, engine = _scan([tree], tmp_path / "cache")
    assert _counts(engine) == (4, 2)
    cold, _ = _scan([tree], None)
    assert _reports(warm) == _reports(cold)
    assert any("hostPID" in f.message for f in warm.findings)


def test_touch_without_change_is_a_hit(tree: Path, tmp_path: Path) -> None:
    _scan([tree], tmp_path / "cache")
    web = tree / "apps" / "web.yaml"
    st = web.stat()
    os.utime(web, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
    warm, engine = _scan([tree], tmp_path / "cache")
    assert _counts(engine) == (5, 1)  # compared by the hash of its text
    cold, _ = _scan([tree], None)
    assert _reports(warm) == _reports(cold)


def test_same_size_edit_with_the_old_mtime_is_seen(tree: Path, tmp_path: Path) -> None:
    _scan([tree], tmp_path / "cache")
    api = tree / "apps" / "api.yaml"
    st = api.stat()
    api.write_text(API.replace("api:2", "api:3"))  # same size
    os.utime(api, ns=(st.st_atime_ns, st.st_mtime_ns))
    _, engine = _scan([tree], tmp_path / "cache")
    assert _counts(engine) == (4, 2)


@pytest.mark.parametrize("change", [
    {"pss_version": "v1.25"},
    {"severity_overrides": {"pss-host-namespaces": "note"}},
    {"select": ["pss-baseline"]},
    {"namespace": "other"},
    {"rule_params": {"k8s-unknown-field": {"kubernetes-version": "v1.30"}}},
])
def test_a_changed_option_never_reuses_the_cache(tree: Path, tmp_path: Path,
                                                 change: dict[str, object]) -> None:
    _scan([tree], tmp_path / "cache")
    warm, engine = _scan([tree], tmp_path / "cache", **change)
    assert _counts(engine)[0] == 0
    cold, _ = _scan([tree], None, **change)
    assert _reports(warm) == _reports(cold)


def test_options_that_do_not_change_findings_share_the_cache(tree: Path,
                                                             tmp_path: Path) -> None:
    _scan([tree], tmp_path / "cache")
    _, engine = _scan([tree], tmp_path / "cache", fail_on="never", exclude=["nothing"])
    assert _counts(engine) == (5, 1)


RULE = """\
id: no-image-api-2
title: Image api:2 is withdrawn
severity: {severity}
security-severity: 3.0
tags: [security]
target: kubernetes
template: declarative
params:
  match:
    kind: Deployment
  for-each: spec.template.spec.containers[*]
  assert:
    not:
      path: image
      equals: "api:2"
  message: "{{kind}}/{{name}}: image {{value}} is withdrawn"
docs:
  what: The image api:2 was withdrawn by its publisher.
  why: It has a known remote code execution flaw that lets anyone take over the pod.
  example: |
    image: api:2
  use_instead: |
    image: api:3
  references:
    - https://example.com/withdrawn
"""


def test_a_changed_user_rule_file_never_reuses_the_cache(tree: Path, tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    rule = rules / "no-image-api-2.yaml"
    rule.write_text(RULE.format(severity="warning"))
    first, _ = _scan([tree], tmp_path / "cache", rule_dirs=[str(rules)])
    assert any(f.rule_id == "no-image-api-2" for f in first.findings)
    rule.write_text(RULE.format(severity="note"))
    warm, engine = _scan([tree], tmp_path / "cache", rule_dirs=[str(rules)])
    assert _counts(engine)[0] == 0
    assert {f.severity.value for f in warm.findings if f.rule_id == "no-image-api-2"} == {
        "note"}


def test_a_new_netlint_version_never_reuses_the_cache(tree: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    _scan([tree], tmp_path / "cache")
    monkeypatch.setattr(netlint, "__version__", "999.0")
    _, engine = _scan([tree], tmp_path / "cache")
    assert _counts(engine)[0] == 0


def test_deleted_and_renamed_files(tree: Path, tmp_path: Path) -> None:
    _scan([tree], tmp_path / "cache")
    (tree / "broken.yaml").unlink()
    (tree / "apps" / "api.yaml").rename(tree / "apps" / "backend.yaml")
    warm, engine = _scan([tree], tmp_path / "cache")
    assert _counts(engine) == (3, 2)  # web, policy, notes; backend and Compose parsed
    cold, _ = _scan([tree], None)
    assert _reports(warm) == _reports(cold)
    assert not any("broken" in f.path or "api.yaml" in f.path for f in warm.findings)
    assert any("backend.yaml" in f.path for f in warm.findings)


def test_cross_file_findings_follow_a_changed_policy(tree: Path, tmp_path: Path) -> None:
    _scan([tree], tmp_path / "cache")
    (tree / "policies" / "web-egress.yaml").write_text(
        POLICY.replace("matchLabels: {app: web}", "matchLabels: {}"))
    warm, _ = _scan([tree], tmp_path / "cache")
    cold, _ = _scan([tree], None)
    assert _reports(warm) == _reports(cold)
    first, _ = _scan([tree], None)
    assert [f for f in warm.findings if f.rule_id == "workload-egress-not-isolated"] == [
        f for f in first.findings if f.rule_id == "workload-egress-not-isolated"]


def test_cross_file_findings_follow_changed_labels(tree: Path, tmp_path: Path) -> None:
    before, _ = _scan([tree], tmp_path / "cache")
    # (a host-network pod is never isolated by policies: drop it with the relabel)
    (tree / "apps" / "api.yaml").write_text(API.replace("{app: api}", "{app: web}").replace(
        "      hostNetwork: true\n", ""))
    warm, _ = _scan([tree], tmp_path / "cache")
    cold, _ = _scan([tree], None)
    assert _reports(warm) == _reports(cold)
    rule = "workload-egress-not-isolated"
    isolated = {f.path for f in before.findings if f.rule_id == rule}
    assert isolated != {f.path for f in warm.findings if f.rule_id == rule}


def test_context_scan_uses_the_cache(tree: Path, tmp_path: Path) -> None:
    """The pre-commit hook: one changed file, the repository as context."""
    changed = tree / "apps" / "api.yaml"
    cold, _ = _scan([changed], None, context=[tree])
    _scan([tree], tmp_path / "cache")  # e.g. the last full scan
    warm, engine = _scan([changed], tmp_path / "cache", context=[tree])
    hits, misses = _counts(engine)
    # the scanned file plus the 5 context files: a Compose file's entry serves as context
    # (its documents are not read there), the broken file's too
    assert hits == 6 and misses == 0
    assert _reports(warm) == _reports(cold)
    # a scanned Compose file is still assembled afresh (its entry is for context only)
    compose = tree / "compose.yaml"
    cold, _ = _scan([compose], None, context=[tree])
    warm, engine = _scan([compose], tmp_path / "cache", context=[tree])
    assert _counts(engine) == (5, 1)
    assert _reports(warm) == _reports(cold)
    assert any(f.path.endswith("compose.yaml") for f in warm.findings)


def _cache_file(directory: Path) -> Path:
    files = [p for p in directory.iterdir()
             if p.suffix == ".json" and not p.name.endswith(
                 (".project.json", ".fixes.json", ".compose.json"))]
    assert len(files) == 1
    return files[0]


@pytest.mark.parametrize("garbage", [
    b"\x00\xffnot json at all",
    b'{"magic": "netlint-cache", "format": 1, "partition": "x", "files": {}}',
    b"[1, 2, 3]",
    b'{"magic": "pickle", "files": {}}',
])
def test_a_corrupt_or_foreign_cache_is_ignored_and_rewritten(tree: Path, tmp_path: Path,
                                                             garbage: bytes) -> None:
    _scan([tree], tmp_path / "cache")
    path = _cache_file(tmp_path / "cache")
    path.write_bytes(garbage)
    warm, engine = _scan([tree], tmp_path / "cache")
    assert _counts(engine)[0] == 0
    cold, _ = _scan([tree], None)
    assert _reports(warm) == _reports(cold)
    data = json.loads(path.read_text())
    assert data["magic"] == "netlint-cache" and len(data["files"]) == 6  # Compose: context only


def test_malformed_entries_are_misses(tree: Path, tmp_path: Path) -> None:
    _scan([tree], tmp_path / "cache")
    path = _cache_file(tmp_path / "cache")
    data = json.loads(path.read_text())
    for i, entry in enumerate(data["files"].values()):
        if i % 3 == 0:
            entry["rule_findings"] = [["x", "one", 1, 1, 2, "m", "error", "c"]]
        elif i % 3 == 1:
            entry["records"] = {"netpol": [[["w", "ns", {"a": 1}, 0, [], [1, 1, 1, 2], ""]],
                                           [], []]}
        else:
            entry["docs"] = {"kubernetes": "many"}
    path.write_text(json.dumps(data))
    warm, engine = _scan([tree], tmp_path / "cache")
    assert _counts(engine)[0] == 0
    cold, _ = _scan([tree], None)
    assert _reports(warm) == _reports(cold)


def test_concurrent_writers(tree: Path, tmp_path: Path) -> None:
    env = {**os.environ, "NETLINT_CACHE_DIR": str(tmp_path / "cache")}
    command = [sys.executable, "-m", "netlint", "scan", str(tree), "--format", "json",
               "--fail-on", "never", "--jobs", "1"]
    procs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                              env=env, cwd=tmp_path) for _ in range(3)]
    outputs = [p.communicate(timeout=120)[0] for p in procs]
    assert all(p.returncode == 0 for p in procs)
    assert outputs[0] == outputs[1] == outputs[2]
    again = subprocess.run(command, stdout=subprocess.PIPE, env=env, cwd=tmp_path,
                           check=True).stdout
    assert again == outputs[0]
    data = json.loads(_cache_file(tmp_path / "cache").read_text())
    assert len(data["files"]) == 6  # with the Compose file's context-only entry
    assert not [p for p in (tmp_path / "cache").iterdir() if p.name.startswith(".tmp-")]


def test_no_cache_writes_nothing(tree: Path, tmp_path: Path) -> None:
    env = {**os.environ, "NETLINT_CACHE_DIR": str(tmp_path / "cache")}
    subprocess.run([sys.executable, "-m", "netlint", "scan", str(tree), "--no-cache",
                    "--fail-on", "never", "-q"], env=env, cwd=tmp_path, check=True,
                   stdout=subprocess.DEVNULL)
    assert not (tmp_path / "cache").exists()
    subprocess.run([sys.executable, "-m", "netlint", "scan", str(tree), "--fail-on", "never",
                    "-q", "--cache-dir", str(tmp_path / "elsewhere")], env=env, cwd=tmp_path,
                   check=True, stdout=subprocess.DEVNULL)
    assert not (tmp_path / "cache").exists()
    assert _cache_file(tmp_path / "elsewhere")


def test_config_cache_dir_and_switch(tree: Path, tmp_path: Path) -> None:
    from netlint.cli import build_options

    (tree / ".netlint.yaml").write_text("cache-dir: .cache/netlint\n")
    options = build_options((str(tree),), None, (), (), ())
    assert options.cache and options.cache_dir == str(tree / ".cache" / "netlint")
    (tree / ".netlint.yaml").write_text("cache: false\n")
    assert not build_options((str(tree),), None, (), (), ()).cache
    assert build_options((str(tree),), None, (), (), (), no_cache=False).cache is False


def test_the_default_cache_lives_outside_the_scanned_tree(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("NETLINT_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setattr(sys, "platform", "linux")
    assert cache_module.default_cache_dir() == str(tmp_path / "xdg" / "netlint")
    monkeypatch.setenv("NETLINT_CACHE_DIR", str(tmp_path / "mine"))
    assert cache_module.default_cache_dir() == str(tmp_path / "mine")


def test_the_cache_is_bounded(tree: Path, tmp_path: Path,
                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache_module, "MAX_PARTITIONS", 2)
    monkeypatch.setattr(cache_module, "MAX_ENTRIES", 3)
    for version in ("v1.25", "v1.26", "v1.27", "v1.28"):
        _scan([tree], tmp_path / "cache", pss_version=version, finding_fixes=True)
    files = [p for p in (tmp_path / "cache").iterdir()
             if p.suffix == ".json" and not p.name.endswith(
                 (".project.json", ".fixes.json", ".compose.json"))]
    assert len(files) == 2
    assert len([p for p in (tmp_path / "cache").iterdir()
                if p.name.endswith(".project.json")]) <= 2
    fixes = [p for p in (tmp_path / "cache").iterdir() if p.name.endswith(".fixes.json")]
    assert 1 <= len(fixes) <= 2
    composed = [p for p in (tmp_path / "cache").iterdir() if p.name.endswith(".compose.json")]
    assert 1 <= len(composed) <= 2
    for path in [*files, *fixes]:
        assert len(json.loads(path.read_text())["files"]) <= 3


def test_parallel_scan_fills_and_reads_the_cache(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    root = tmp_path / "many"
    root.mkdir()
    for i in range(60):
        (root / f"app{i}.yaml").write_text(WEB.replace("name: web", f"name: web{i}")
                                           .replace("privileged: true  #", "privileged: false  #"
                                                    if i % 2 else "privileged: true  #"))
    cold, _ = _scan([root], None)
    opts = {"jobs": 2}
    first = Engine(ScanOptions(cache=True, cache_dir=str(tmp_path / "cache"),
                               include_suppressed=True, **opts)).scan([str(root)])  # type: ignore[arg-type]
    engine = Engine(ScanOptions(cache=True, cache_dir=str(tmp_path / "cache"),
                                include_suppressed=True, **opts))  # type: ignore[arg-type]
    warm = engine.scan([str(root)])
    assert _counts(engine) == (60, 0)
    assert _reports(first) == _reports(warm) == _reports(cold)


def test_shared_corpus_cold_and_warm_reports_are_identical(shared_dir: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    corpus = shared_dir / "corpus" / "realworld"
    if not corpus.is_dir():
        pytest.skip("../shared/corpus/realworld is not here")
    # a sample of each part (the whole corpus is compared in the benchmark's check)
    parts = [p for part in ("netpol", "k8s", "compose", "envoy")
             for p in sorted((corpus / part).rglob("*.y*ml"))[::10]]
    cold, _ = _scan(parts, None)
    _scan(parts, tmp_path / "cache")
    warm, engine = _scan(parts, tmp_path / "cache")
    assert _counts(engine)[0] > 0
    assert _reports(warm) == _reports(cold)


def test_walk_display_paths_match_relpath(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Discovery computes one relpath per walked root; each file's display path is still
    exactly ``display_path`` of it (findings and cache entries carry it)."""
    from netlint.discovery import discover, display_path

    _tree(tmp_path / "a" / "repo")
    monkeypatch.chdir(tmp_path / "a")
    for root in ("repo", "./repo/", "repo/../repo/apps", str(tmp_path / "a" / "repo"), "."):
        entries, _ = discover([root])
        assert entries and all(e.display == display_path(e.path) for e in entries)
    monkeypatch.chdir(tmp_path / "a" / "repo" / "apps")
    entries, _ = discover(["../policies"])
    assert [e.display for e in entries] == [display_path(e.path) for e in entries]


def test_a_corrupt_cross_file_entry_is_computed_again(tree: Path, tmp_path: Path) -> None:
    _scan([tree], tmp_path / "cache")
    project = next((tmp_path / "cache").glob("*.project.json"))
    data = json.loads(project.read_text())
    assert data["findings"]  # the cross-file findings of the first scan
    data["findings"] = [["repo/apps/api.yaml", "workload-egress-not-isolated", "x"]]
    project.write_text(json.dumps(data))
    warm, _ = _scan([tree], tmp_path / "cache")
    cold, _ = _scan([tree], None)
    assert _reports(warm) == _reports(cold)
    assert json.loads(project.read_text())["findings"] != data["findings"]


def test_fixes_computed_while_checking_are_cached_and_match_the_reports(
        tree: Path, tmp_path: Path) -> None:
    """JSON and SARIF reports carry each finding's fix: a scan for them computes the fixes
    while each file is parsed, the cache keeps them, and the reports are those of a scan
    that computes every fix at report time."""
    reference, _ = _scan([tree], None)  # fixes computed by the reporters
    cold, _ = _scan([tree], None, finding_fixes=True)
    assert cold.fixes and any(fix is not None for fix in cold.fixes.values())
    first, _ = _scan([tree], tmp_path / "cache", finding_fixes=True)
    warm, engine = _scan([tree], tmp_path / "cache", finding_fixes=True)
    assert _counts(engine) == (5, 1)
    assert warm.fixes.keys() == cold.fixes.keys()
    assert _reports(reference) == _reports(cold) == _reports(first) == _reports(warm)
    assert '"fix"' in _reports(warm)["json"]


def test_context_records_stay_encoded_until_the_cross_file_rules_run(
        tree: Path, tmp_path: Path) -> None:
    """The pre-commit hook after an edit that changes what the cross-file rules read: the
    context files' records, kept encoded while the cross-file findings could come from
    the cache, are decoded then, and the report is a cold scan's."""
    _scan([tree], tmp_path / "cache")
    web = tree / "apps" / "web.yaml"
    web.write_text(WEB.replace("labels: {app: web}", "labels: {app: web-v2}"))
    cold, _ = _scan([web], None, context=[tree])
    warm, engine = _scan([web], tmp_path / "cache", context=[tree])
    assert _counts(engine) == (5, 1)  # every context file from the cache
    assert _reports(warm) == _reports(cold)
    # the policy no longer selects web: its egress is not isolated now
    assert any(f.rule_id == "workload-egress-not-isolated" and "web" in f.message
               for f in warm.findings)


def test_a_scan_with_nothing_changed_leaves_the_cache_file_alone(tree: Path,
                                                                tmp_path: Path) -> None:
    """A Compose file is assembled afresh every scan and its entry put again: an entry the
    same as the stored one must not make the whole partition be written again."""
    past = os.stat(tree).st_mtime - 3600  # not racy: older than the cache's racy window
    for path in tree.rglob("*"):
        os.utime(path, (past, past))
    _scan([tree], tmp_path / "cache")
    before = os.stat(_cache_file(tmp_path / "cache"))
    warm, _ = _scan([tree], tmp_path / "cache")
    after = os.stat(_cache_file(tmp_path / "cache"))
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert any(f.path.endswith("compose.yaml") for f in warm.findings)
    # a changed Compose file is written again
    compose = tree / "compose.yaml"
    compose.write_text(compose.read_text().replace("services:", "services:\n  extra:\n"
                                                   "    image: busybox", 1))
    os.utime(compose, (past, past))
    _scan([tree], tmp_path / "cache")
    assert os.stat(_cache_file(tmp_path / "cache")).st_ino != before.st_ino


def test_envoy_files_are_not_parsed_again_on_a_warm_scan(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    """The cross-file Envoy rule (LDS listeners tunnelling to CDS clusters) reads records
    the cache keeps, so a warm scan parses no Envoy file; its findings are a cold scan's,
    and they follow an edit of the listener file."""
    import shutil

    from netlint import load

    fixtures = Path(__file__).parent / "fixtures" / "envoy-cluster-plaintext-external"
    tree = tmp_path / "envoy"
    shutil.copytree(fixtures, tree)
    monkeypatch.chdir(tmp_path)
    options: dict[str, object] = {"select": ["envoy-cluster-plaintext-external"]}
    cold, _ = _scan([tree], None, **options)
    assert any("terminating-lds-cds" in f.path for f in cold.findings)
    _scan([tree], tmp_path / "cache", **options)
    parsed: list[str] = []
    real = load.parse_documents
    monkeypatch.setattr(load, "parse_documents",
                        lambda source: parsed.append(source.path) or real(source))
    warm, engine = _scan([tree], tmp_path / "cache", **options)
    assert parsed == [] and _counts(engine)[1] == 0
    assert _reports(warm) == _reports(cold)
    # the passthrough deployment's listeners no longer tunnel: its cluster is reported
    lds = tree / "pass" / "passthrough-lds-cds" / "lds.yaml"
    lds.write_text(lds.read_text().replace("cluster: api", "cluster: elsewhere"))
    edited, _ = _scan([tree], tmp_path / "cache", **options)
    assert parsed == [str(lds.relative_to(tmp_path))]
    assert _reports(edited) == _reports(_scan([tree], None, **options)[0])
    assert any("passthrough-lds-cds" in f.path for f in edited.findings)


def test_fixes_of_compose_findings_are_cached_with_the_files_text(
        tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A Compose finding's fix (computed after the project is assembled, not on the
    check step's parse) is kept in the cache with its file's text hash and findings: a
    warm scan computes no fix at all, and an edit of the file computes its fixes again."""
    from netlint.fix import report

    computed: list[str] = []
    real = report.file_fixes
    monkeypatch.setattr(report, "file_fixes", lambda path, *args, **kwargs: (
        computed.append(Path(path).name) or real(path, *args, **kwargs)))
    expected = _reports(_scan([tree], None)[0])  # fixes computed by the reporters
    assert "compose.yaml" in computed
    _scan([tree], tmp_path / "cache", finding_fixes=True)
    computed.clear()
    warm, _ = _scan([tree], tmp_path / "cache", finding_fixes=True)
    assert computed == []
    assert _reports(warm) == expected
    compose_fixes = [fix for f, fix in warm.fixes.items() if f.path.endswith("compose.yaml")]
    assert any(fix is not None for fix in compose_fixes)
    compose = tree / "compose.yaml"
    compose.write_text(compose.read_text() + "    read_only: false\n")
    edited, _ = _scan([tree], tmp_path / "cache", finding_fixes=True)
    assert computed == ["compose.yaml"]
    assert _reports(edited) == _reports(_scan([tree], None)[0])
    # a corrupt store of such fixes is ignored and rewritten
    fixes_file = next((tmp_path / "cache").glob("*.fixes.json"))
    fixes_file.write_text('{"magic": "netlint-cache", "files": {"x": [1]}}')
    computed.clear()
    again, _ = _scan([tree], tmp_path / "cache", finding_fixes=True)
    assert sorted(computed) == ["compose.yaml", "web-egress.yaml"]  # the cross-file finding
    assert _reports(again) == _reports(edited)
