from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from netlint.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
BAD = str(FIXTURES / "k8s-container-runs-as-root" / "fail" / "deployment-no-security-context.yaml")
CLEAN = str(FIXTURES / "k8s-container-runs-as-root" / "pass" / "pod-level-true.yaml")

POD_ROOT = """\
apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  securityContext:
    runAsUser: 0
  containers:
    - name: app
      image: nginx
"""


def run(*args: str, input: str | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


def test_exit_codes_findings_clean_and_usage() -> None:
    assert run("scan", BAD).exit_code == 1
    assert run("scan", CLEAN, "--select", "non-root").exit_code == 0
    assert run("scan", "does/not/exist.yaml").exit_code == 2
    result = run("scan", BAD, "--select", "no-such-rule")
    assert result.exit_code == 2 and "unknown rule id or tag 'no-such-rule'" in result.output


def test_fail_on_threshold() -> None:
    dup = str(FIXTURES / "yaml-duplicate-key" / "fail" / "run-as-non-root-twice.yaml")
    assert run("scan", dup, "--select", "yaml-duplicate-key").exit_code == 1
    assert run("scan", dup, "--select", "yaml-duplicate-key", "--fail-on", "error").exit_code == 0
    assert run("scan", BAD, "--fail-on", "never").exit_code == 0


def test_select_and_ignore_by_tag_and_id() -> None:
    out = run("scan", BAD, "--select", "non-root", "--format", "json").output
    rules = {f["rule"] for f in json.loads(out)["findings"]}
    assert rules == {"k8s-container-runs-as-root"}
    result = run("scan", BAD, "--select", "non-root", "--ignore", "k8s-container-runs-as-root",
                 "--format", "json")
    assert json.loads(result.output)["findings"] == []


def test_stdin_and_output_file(tmp_path: Path) -> None:
    out = tmp_path / "report.sarif"
    result = run("scan", "-", "--format", "sarif", "--output", str(out), "--select", "non-root",
                 input=POD_ROOT)
    assert result.exit_code == 1
    doc = json.loads(out.read_text())
    (res,) = [r for r in doc["runs"][0]["results"] if r["ruleId"] == "k8s-run-as-user-root"]
    assert res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "stdin"
    assert res["locations"][0]["physicalLocation"]["region"]["startLine"] == 7


def test_nothing_recognised_is_not_success(tmp_path: Path) -> None:
    other = tmp_path / "mkdocs.yml"
    other.write_text("site_name: docs\nnav: []\n")
    result = run("scan", str(tmp_path))
    assert result.exit_code == 2 and "nothing was checked" in result.output
    assert run("scan", str(tmp_path), "--allow-empty").exit_code == 0
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run("scan", str(empty)).exit_code == 2


def test_unparseable_file_is_a_finding_and_other_files_are_still_scanned(tmp_path: Path) -> None:
    # recognisably a Kubernetes manifest: a finding; other broken YAML is skipped (skips.py)
    (tmp_path / "broken.yaml").write_text("apiVersion: v1\nkind: Pod\nspec: [\n")
    (tmp_path / "other.yaml").write_text("a: [\n")
    (tmp_path / "pod.yaml").write_text(POD_ROOT)
    out = json.loads(run("scan", str(tmp_path), "--format", "json", "--select", "non-root").output)
    rules = sorted((f["rule"], Path(f["path"]).name) for f in out["findings"])
    assert ("parse-error", "broken.yaml") in rules and ("parse-error", "other.yaml") not in rules
    assert ("k8s-run-as-user-root", "pod.yaml") in rules
    assert out["summary"]["files_skipped"] == 1


def test_config_file_is_found_and_cli_overrides_it(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".netlint.yaml").write_text(
        "select: [non-root]\nignore: [k8s-run-as-user-root]\n"
        "severity:\n  k8s-container-runs-as-root: note\n")
    (tmp_path / "pod.yaml").write_text(POD_ROOT)
    out = json.loads(run("scan", str(tmp_path), "--format", "json").output)
    assert {f["rule"] for f in out["findings"]} == {"k8s-container-runs-as-root"}
    assert {f["severity"] for f in out["findings"]} == {"note"}
    # the CLI wins over the file
    result = run("scan", str(tmp_path), "--format", "json", "--fail-on", "note")
    assert result.exit_code == 1


def test_pyproject_config(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "pyproject.toml").write_text('[tool.netlint]\nselect = ["k8s-run-as-user-root"]\n')
    (tmp_path / "pod.yaml").write_text(POD_ROOT)
    out = json.loads(run("scan", str(tmp_path), "--format", "json").output)
    assert {f["rule"] for f in out["findings"]} == {"k8s-run-as-user-root"}


def test_config_errors_name_file_line_and_key(tmp_path: Path) -> None:
    cfg = tmp_path / ".netlint.yaml"
    cfg.write_text("select: [non-root]\nfail-on: sometimes\n")
    result = run("scan", CLEAN, "--config", str(cfg))
    assert result.exit_code == 2
    assert f"{cfg}:2:1: key 'fail-on'" in result.output
    cfg.write_text("selcet: [non-root]\n")
    result = run("scan", CLEAN, "--config", str(cfg))
    assert result.exit_code == 2 and "selcet" in result.output and "unknown key" in result.output


def test_per_path_ignores(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "dev").mkdir()
    (tmp_path / "dev" / "pod.yaml").write_text(POD_ROOT)
    (tmp_path / "prod.yaml").write_text(POD_ROOT)
    (tmp_path / ".netlint.yaml").write_text('per-path-ignores:\n  "dev/*": [non-root]\n')
    out = json.loads(run("scan", str(tmp_path), "--format", "json", "--select", "non-root").output)
    assert {Path(f["path"]).name for f in out["findings"]} == {"prod.yaml"}


def test_excludes_and_skipped_directories(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    for d in ("node_modules", "vendor", "charts"):
        (tmp_path / d).mkdir()
        (tmp_path / d / "pod.yaml").write_text(POD_ROOT)
    (tmp_path / ".netlint.yaml").write_text("exclude: [charts]\n")
    (tmp_path / "ok.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n")
    out = json.loads(run("scan", str(tmp_path), "--format", "json").output)
    assert out["summary"]["files"] == 1 and out["findings"] == []


def test_rules_and_explain() -> None:
    table = run("rules")
    assert table.exit_code == 0 and "k8s-container-runs-as-root" in table.output
    listed = json.loads(run("rules", "--format", "json").output)
    assert any(r["id"] == "compose-service-runs-as-root" for r in listed)
    explained = run("explain", "k8s-run-as-user-root")
    assert explained.exit_code == 0
    assert "Why:" in explained.output and "Use instead:" in explained.output
    assert run("explain", "nope").exit_code == 2


def test_python_dash_m_and_version() -> None:
    proc = subprocess.run([sys.executable, "-m", "netlint", "--version"], capture_output=True,
                          text=True, check=True)
    assert proc.stdout.startswith("netlint ")
    proc = subprocess.run([sys.executable, "-m", "netlint", "scan", BAD], capture_output=True,
                          text=True)
    assert proc.returncode == 1 and "k8s-container-runs-as-root" in proc.stdout


def test_a_file_named_twice_or_through_a_link_is_scanned_once(tmp_path: Path) -> None:
    (tmp_path / "pod.yaml").write_text(POD_ROOT)
    (tmp_path / "link.yaml").symlink_to(tmp_path / "pod.yaml")
    out = json.loads(run("scan", str(tmp_path), str(tmp_path / "pod.yaml"), "--format",
                         "json").output)
    assert out["summary"]["files"] == 1
