"""The skip rule for JSON/YAML that is not netlint's business (netlint/skips.py): what
pre-commit passes must not block a commit unless it is, or may be, a manifest."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from netlint.skips import helm_chart_template, looks_like_a_manifest
from tests.helpers import scan

JSONC = """{
  // comments are allowed in tsconfig.json
  "compilerOptions": {"strict": true, "target": "es2022",},  /* trailing commas too */
}
"""
HELM_TEMPLATE = """{{- if .Values.enabled }}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "chart.fullname" . }}
spec:
  template:
    spec:
      containers:
        - name: app
          image: {{ .Values.image }}
{{- end }}
"""
BROKEN_POD = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers: [\n"


def _netlint(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "netlint", "scan", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def _package_lock(path: Path, size: int) -> None:
    """An npm lockfile of about ``size`` bytes (npm package names include kind-of)."""
    packages = {}
    i = 0
    per_entry = 190
    while len(packages) * per_entry < size:
        packages[f"node_modules/kind-of-{i}"] = {
            "version": "6.0.3", "resolved": "https://registry.npmjs.org/kind-of/-/k.tgz",
            "integrity": "sha512-" + "a" * 86}
        i += 1
    path.write_text(json.dumps({"name": "web", "lockfileVersion": 3,
                                "packages": packages}, indent=2))


def test_commit_of_non_manifest_json_and_yaml_passes(tmp_path: Path) -> None:
    (tmp_path / "tsconfig.json").write_text(JSONC)
    _package_lock(tmp_path / "package-lock.json", 14 * 1024 * 1024)  # over the 10 MB cap
    chart = tmp_path / "charts" / "web"
    (chart / "templates" / "sub").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: web\nversion: 0.1.0\n")
    (chart / "templates" / "deployment.yaml").write_text(HELM_TEMPLATE)
    (chart / "templates" / "sub" / "job.yaml").write_text(HELM_TEMPLATE)
    files = ["tsconfig.json", "package-lock.json", "charts/web/templates/deployment.yaml",
             "charts/web/templates/sub/job.yaml"]
    # rendering off: the templates are read as files, and skipped as template source
    proc = _netlint(tmp_path, "--allow-empty", "--context", ".", "--verbose", "--no-render",
                    *files)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "4 skipped: not Kubernetes, Compose or Envoy (--verbose says why)" in proc.stdout
    skipped = [line for line in proc.stderr.splitlines() if line.startswith("netlint: skipped")]
    assert len(skipped) == 4, proc.stderr
    assert any(line.startswith("netlint: skipped tsconfig.json: does not parse (line ")
               and line.endswith("and is not recognisably a Kubernetes, Compose or Envoy "
                                 "file") for line in skipped)
    assert any(line.startswith("netlint: skipped package-lock.json: file is ") for line in skipped)
    assert sum("Helm chart template (under templates/ beside Chart.yaml)" in line
               for line in skipped) == 2
    # rendering on (the default): the changed templates re-render their chart instead
    proc = _netlint(tmp_path, "--allow-empty", "--context", ".", *files)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "1 chart/kustomization rendered" in proc.stdout, proc.stdout
    # without --allow-empty nothing was checked: never a silent success
    proc = _netlint(tmp_path, "tsconfig.json")
    assert proc.returncode == 2 and "nothing was checked" in proc.stderr


def test_broken_files_that_are_recognisably_manifests_still_fail(tmp_path: Path) -> None:
    cases = {
        "web/pod.yaml": BROKEN_POD,  # by content: apiVersion + kind
        "docker-compose.yml": "services: [\n",  # by content and name
        "compose.override.yaml": "{ x\n",  # by name only
        "envoy.yaml": "static_resources: {listeners: [\n",
        # escapes do not hide the keys
        "escaped.json": '{"\\u0061piVersion": "v1", "\\x6bind": "Pod", ]',
        # a Helm-looking template outside a chart (no Chart.yaml beside templates/)
        "templates/deployment.yaml": HELM_TEMPLATE,
    }
    for name, text in cases.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
        proc = _netlint(tmp_path, "--allow-empty", name)
        assert proc.returncode == 1, (name, proc.stdout, proc.stderr)
        assert "parse-error" in proc.stdout, name


def test_an_oversize_manifest_cannot_hide_behind_padding(tmp_path: Path) -> None:
    (tmp_path / ".netlint.yaml").write_text("max-file-size: 4096\n")
    padded = "# " + "x" * 20_000 + "\n" + BROKEN_POD.replace("[\n", "[]\n")
    (tmp_path / "padded.yaml").write_text(padded)
    proc = _netlint(tmp_path, "--allow-empty", "padded.yaml")
    assert proc.returncode == 1 and "file-too-large" in proc.stdout, proc.stdout
    (tmp_path / "lock.json").write_text(json.dumps({"packages": ["x" * 100] * 100}))
    proc = _netlint(tmp_path, "--allow-empty", "--verbose", "lock.json")
    assert proc.returncode == 0 and "netlint: skipped lock.json: file is" in proc.stderr


def test_markers_on_raw_text() -> None:
    assert looks_like_a_manifest("x.yaml", "apiVersion: v1\nkind: Pod\n")
    assert looks_like_a_manifest("x.json", '{"apiVersion":"v1","kind":"List", ]')
    assert looks_like_a_manifest("x.yaml", '? "\\x61piversion"\n: v1\nKIND: Pod\n')
    assert looks_like_a_manifest("compose.yaml", "garbage {")
    assert looks_like_a_manifest("x.yaml", "services:\n  web: [\n")
    assert looks_like_a_manifest("x.yaml", "kind: Deployment\nmetadata: {name: x\n")
    assert looks_like_a_manifest("x.yaml", "apiVersion: v1\n[")
    assert not looks_like_a_manifest("tsconfig.json", JSONC)
    assert not looks_like_a_manifest("x.json", '{"kind": "build", // a tasks.json\n}')
    assert not looks_like_a_manifest("package-lock.json", '{"node_modules/kind-of": {}}')


def test_helm_chart_template_needs_chart_yaml_beside_templates(tmp_path: Path) -> None:
    (tmp_path / "c" / "templates" / "deep").mkdir(parents=True)
    assert not helm_chart_template(str(tmp_path / "c" / "templates" / "a.yaml"))
    (tmp_path / "c" / "Chart.yaml").write_text("name: c\n")
    assert helm_chart_template(str(tmp_path / "c" / "templates" / "a.yaml"))
    assert helm_chart_template(str(tmp_path / "c" / "templates" / "deep" / "a.yaml"))
    assert not helm_chart_template(str(tmp_path / "c" / "values.yaml"))
    assert not helm_chart_template("-")


@pytest.mark.parametrize("jobs", [1, 2])
def test_skip_reasons_survive_worker_processes(tmp_path: Path, jobs: int) -> None:
    (tmp_path / "tsconfig.json").write_text(JSONC)
    (tmp_path / "pod.yaml").write_text(BROKEN_POD)
    (tmp_path / "notes.yaml").write_text("just: data\n")
    result = scan([str(tmp_path)], jobs=jobs)
    reasons = result.stats.skip_reasons
    assert set(reasons) == {str(tmp_path / "tsconfig.json"), str(tmp_path / "notes.yaml")}
    assert reasons[str(tmp_path / "notes.yaml")] == "no Kubernetes, Compose or Envoy document"
    assert [f.rule_id for f in result.findings] == ["parse-error"]
    assert result.stats.files_skipped == 2 and result.stats.files_failed == 1


def test_rendering_off_keeps_the_helm_rule(tmp_path: Path) -> None:
    """With Helm rendering switched off (--no-render, when this netlint has rendering),
    broken chart templates are still skipped, not failed."""
    chart = tmp_path / "chart"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: chart\nversion: 0.1.0\n")
    (chart / "templates" / "deployment.yaml").write_text(HELM_TEMPLATE)
    help_text = _netlint(tmp_path, "--help").stdout
    extra = ["--no-render"] if "--no-render" in help_text else []
    proc = _netlint(tmp_path, "--allow-empty", "--verbose", *extra,
                    "chart/templates/deployment.yaml")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Helm chart template" in proc.stderr


def test_skip_reasons_survive_the_incremental_cache(tmp_path: Path) -> None:
    from netlint.engine import Engine
    from netlint.options import ScanOptions

    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "tsconfig.json").write_text(JSONC)
    (tree / "notes.yaml").write_text("just: data\n")
    options = {"jobs": 1, "cache": True, "cache_dir": str(tmp_path / "cache")}
    first = Engine(ScanOptions(**options)).scan([str(tree)])  # type: ignore[arg-type]
    second = Engine(ScanOptions(**options)).scan([str(tree)])  # type: ignore[arg-type]
    assert first.stats.skip_reasons == second.stats.skip_reasons
    assert len(second.stats.skip_reasons) == 2 and second.stats.files_skipped == 2
