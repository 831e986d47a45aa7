"""The GitHub Action: its scan step script run locally, and the shape of action.yml."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "action-scan.sh"

pytestmark = pytest.mark.integration

BAD = ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n"
       "    - name: a\n      image: x\n      securityContext:\n        runAsNonRoot: true\n"
       "        runAsUser: 0\n")
GOOD = ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  securityContext:\n"
        "    runAsNonRoot: true\n  containers:\n    - name: a\n      image: x\n")


def _run(workdir: Path, **inputs: str) -> tuple[subprocess.CompletedProcess[str],
                                                 dict[str, str]]:
    if shutil.which("bash") is None:
        pytest.skip("bash is not installed")
    outputs = workdir / "github-output"
    outputs.write_text("")
    env = {k: v for k, v in os.environ.items() if not k.startswith("INPUT_")}
    env.update({"GITHUB_OUTPUT": str(outputs), "NETLINT_VENV": sys.prefix})
    env.update({f"INPUT_{k.upper()}": v for k, v in inputs.items()})
    proc = subprocess.run(["bash", str(SCRIPT)], cwd=workdir, env=env, capture_output=True,
                          text=True, timeout=120)
    recorded = dict(line.split("=", 1) for line in outputs.read_text().splitlines())
    return proc, recorded


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "k8s").mkdir()
    return tmp_path


def test_findings_write_sarif_and_record_exit_code_1(repo: Path) -> None:
    (repo / "k8s" / "bad.yaml").write_text(BAD)
    proc, out = _run(repo, paths="k8s", sarif_file="reports/netlint.sarif",
                     args="--select non-root")
    assert proc.returncode == 0, proc.stderr  # the job fails later, after the upload
    assert out == {"sarif-file": "reports/netlint.sarif", "exit-code": "1",
                   "sarif-written": "true"}
    sarif = json.loads((repo / "reports" / "netlint.sarif").read_text())
    results = sarif["runs"][0]["results"]
    results = [r for r in results if r["ruleId"] == "k8s-run-as-user-root"]
    assert len(results) == 1
    assert results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (
        "k8s/bad.yaml")


def test_clean_scan_and_fail_on_never_record_0(repo: Path) -> None:
    (repo / "k8s" / "good.yaml").write_text(GOOD)
    # only the family GOOD is written to satisfy, so new rule families do not break this
    _, out = _run(repo, paths="k8s", args="--select non-root")
    assert out["exit-code"] == "0" and out["sarif-written"] == "true"
    assert json.loads((repo / "netlint.sarif").read_text())["runs"][0]["results"] == []
    (repo / "k8s" / "bad.yaml").write_text(BAD)
    _, out = _run(repo, paths="k8s", fail_on="never")
    assert out["exit-code"] == "0"


def test_paths_and_args_are_shell_words(repo: Path) -> None:
    (repo / "k8s" / "my pod.yaml").write_text(BAD)
    (repo / "other.yaml").write_text(BAD)
    _, out = _run(repo, paths="'k8s/my pod.yaml'\nother.yaml",
                  args="--ignore k8s-run-as-user-root --select 'non-root'")
    assert out["exit-code"] == "0", out  # the only finding's rule is ignored
    sarif = json.loads((repo / "netlint.sarif").read_text())
    assert sarif["runs"][0]["results"] == []
    # the extra args cannot turn SARIF off: ours come last
    _, out = _run(repo, paths="other.yaml", args="--format text --output x.txt")
    assert out["sarif-written"] == "true" and not (repo / "x.txt").exists()


def test_hostile_inputs_are_never_executed(repo: Path) -> None:
    (repo / "k8s" / "good.yaml").write_text(GOOD)
    hostile = {
        "paths": "k8s; touch pwned-paths $(touch pwned-paths2) `touch pwned-paths3`",
        "args": "$(touch pwned-args) ; touch pwned-args2 | touch pwned-args3 && echo",
        "fail_on": "warning; touch pwned-failon",
        "sarif_file": "out$(touch pwned-sarif).sarif",
    }
    for key, value in hostile.items():
        proc, out = _run(repo, **{key: value})
        assert proc.returncode == 0, proc.stderr
        assert out["exit-code"] in ("0", "1", "2")
    assert not list(repo.glob("pwned*")), list(repo.glob("pwned*"))
    # the odd SARIF name is taken literally
    _, out = _run(repo, paths="k8s", sarif_file="out$(touch pwned).sarif")
    assert (repo / "out$(touch pwned).sarif").is_file() and not (repo / "pwned").exists()


def test_unusable_inputs_record_exit_code_2(repo: Path) -> None:
    _, out = _run(repo, paths="k8s", sarif_file="a\nb.sarif")
    assert out["exit-code"] == "2" and out["sarif-written"] == "false"
    _, out = _run(repo, paths="'unbalanced")
    assert out["exit-code"] == "2"
    _, out = _run(repo, paths="does-not-exist")
    assert out["exit-code"] == "2" and out["sarif-written"] == "false"


def test_action_yml_wiring() -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    assert set(action["inputs"]) >= {"paths", "args", "sarif-file", "fail-on", "upload",
                                     "category"}
    runs = action["runs"]
    assert runs["using"] == "composite"
    steps = runs["steps"]
    uses = [s.get("uses", "") for s in steps]
    assert uses[0].startswith("actions/setup-python@")
    for step in steps:
        # inputs and other expressions reach shell code only through env:
        assert "${{" not in step.get("run", ""), step
    install = next(s for s in steps if s.get("name") == "Install netlint")
    assert install["env"]["NETLINT_SOURCE"] == "${{ github.action_path }}"
    names = [s.get("name") for s in steps]
    upload = steps[next(i for i, u in enumerate(uses) if "codeql-action/upload-sarif" in u)]
    assert upload["if"].startswith("always()")
    assert upload["with"]["category"] == "${{ inputs.category }}"
    fail = steps[names.index("Fail on findings")]
    assert fail["if"] == "always()"
    assert names.index("Fail on findings") > steps.index(upload)  # upload first, then fail
    scan = steps[names.index("Scan")]
    assert "action-scan.sh" in scan["run"]
    assert scan["env"]["INPUT_ARGS"] == "${{ inputs.args }}"


@pytest.mark.parametrize(("code", "expected"), [("0", 0), ("1", 1), ("2", 2), ("", 2)])
def test_fail_step_exits_with_the_saved_code(code: str, expected: int) -> None:
    if shutil.which("bash") is None:
        pytest.skip("bash is not installed")
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    fail = next(s for s in action["runs"]["steps"] if s.get("name") == "Fail on findings")
    env = {**os.environ, "NETLINT_EXIT_CODE": code}
    proc = subprocess.run(["bash", "-e", "-c", fail["run"]], env=env, capture_output=True,
                          text=True)
    assert proc.returncode == expected
