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
                                     "category", "artifact", "cache"}
    runs = action["runs"]
    assert runs["using"] == "composite"
    steps = runs["steps"]
    uses = [s.get("uses", "") for s in steps]
    # current majors (checked when this was written: setup-python v6, cache v5,
    # codeql-action v4 (v3 is deprecated in December 2026), upload-artifact v7)
    assert uses[0] == "actions/setup-python@v6"
    assert "actions/cache@v5" in uses and "github/codeql-action/upload-sarif@v4" in uses
    assert "actions/upload-artifact@v7" in uses
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
    assert names.index("Fail on findings") == len(steps) - 1  # upload first, then fail
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


# --- the whole action, run locally with a simulated runner (tests/action_runner.py) ------

def _workspace(tmp_path: Path, files: dict[str, str]) -> Path:
    ws = tmp_path / "workspace"
    (ws / ".git").mkdir(parents=True)
    for name, text in files.items():
        (ws / name).parent.mkdir(parents=True, exist_ok=True)
        (ws / name).write_text(text)
    return ws


def _fork_event() -> dict[str, object]:
    """The parts of a pull_request event payload from a fork that the action reads."""
    return {"action": "opened", "number": 7, "pull_request": {
        "number": 7,
        "head": {"ref": "patch-1", "sha": "f" * 40,
                 "repo": {"full_name": "mallory/shop", "fork": True}},
        "base": {"ref": "main", "repo": {"full_name": "acme/shop", "fork": False}}}}


def _same_repo_event() -> dict[str, object]:
    return {"action": "opened", "number": 8, "pull_request": {
        "number": 8,
        "head": {"ref": "feature", "sha": "e" * 40,
                 "repo": {"full_name": "acme/shop", "fork": False}},
        "base": {"ref": "main", "repo": {"full_name": "acme/shop", "fork": False}}}}


def test_push_with_findings_uploads_summarises_annotates_then_fails(tmp_path: Path) -> None:
    from tests.action_runner import run_action

    ws = _workspace(tmp_path, {"k8s/bad.yaml": BAD, "k8s/good.yaml": GOOD})
    job = run_action(ws, tmp_path / "temp", {"paths": "k8s", "args": "--select non-root"})
    assert job.step("Install netlint").returncode == 0, job.log
    assert "using the cached install" in job.step("Install netlint").stdout
    assert job.step("Scan").outputs["exit-code"] == "1"
    assert job.step("Check the code scanning upload").outputs["upload"] == "true"
    # the SARIF goes to code scanning, no artifact; the job fails last, on the findings
    assert job.uploads == [{"sarif_file": "netlint.sarif", "category": "netlint"}]
    assert job.artifacts == []
    fail = job.step("Fail on findings")
    assert job.failed and fail.returncode == 1 and "::error title=netlint::" in fail.stdout
    # job summary: counts, the rule table with doc links, the finding linked to its line
    summary = job.summary
    assert "**1 finding** in 1 file: 1 error." in summary
    assert "| error | 1 |" in summary
    assert "[`k8s-run-as-user-root`](<https://" in summary
    assert ("[k8s/bad.yaml:11:9](<https://github.com/acme/shop/blob/"
            "0123456789abcdef0123456789abcdef01234567/k8s/bad.yaml#L11>)") in summary
    assert "Uploaded to code scanning (category `netlint`)." in summary
    assert "The job fails: findings at or above fail-on: warning." in summary
    # one annotation, on the line
    report = job.step("Job summary and annotations").stdout
    (annotation,) = [line for line in report.splitlines() if line.startswith("::")]
    assert annotation.startswith("::error file=k8s/bad.yaml,line=11,endLine=11,col=9,")
    assert "title=netlint k8s-run-as-user-root%3A " in annotation


def test_fork_pull_request_skips_the_upload_and_attaches_the_sarif(tmp_path: Path) -> None:
    from tests.action_runner import run_action

    ws = _workspace(tmp_path, {"k8s/bad.yaml": BAD})
    job = run_action(ws, tmp_path / "temp", {"paths": "k8s", "args": "--select non-root",
                                             "category": "netlint/k8s"},
                     event_name="pull_request", event=_fork_event())
    check = job.step("Check the code scanning upload")
    assert check.returncode == 0
    assert check.outputs["upload"] == "false" and check.outputs["artifact"] == "true"
    assert check.outputs["artifact-name"] == "netlint-sarif-netlint-netlint-k8s"
    notice = check.stdout.strip()
    assert notice.startswith("::notice title=netlint::Code scanning upload skipped: this "
                             "pull request comes from a fork (mallory/shop)")
    assert "netlint-sarif-netlint-netlint-k8s" in notice and "\n" not in notice
    assert job.uploads == []  # never attempted: it would fail with a read-only token
    assert job.artifacts == [{"name": "netlint-sarif-netlint-netlint-k8s",
                              "path": "netlint.sarif", "if-no-files-found": "warn"}]
    assert "Not uploaded to code scanning: this pull request comes from a fork" in job.summary
    assert "workflow artifact `netlint-sarif-netlint-netlint-k8s`" in job.summary
    assert "**1 finding**" in job.summary
    # the findings still fail the job (fail-on), after the artifact
    assert job.step("Fail on findings").returncode == 1


def test_same_repository_pull_request_and_dependabot(tmp_path: Path) -> None:
    from tests.action_runner import run_action

    ws = _workspace(tmp_path, {"k8s/good.yaml": GOOD})
    job = run_action(ws, tmp_path / "t1", {"paths": "k8s", "args": "--select non-root"},
                     event_name="pull_request", event=_same_repo_event())
    assert job.step("Check the code scanning upload").outputs["upload"] == "true"
    assert len(job.uploads) == 1 and not job.failed
    assert "**No findings.**" in job.summary and "The job passes" in job.summary
    job = run_action(ws, tmp_path / "t2", {"paths": "k8s", "args": "--select non-root"},
                     event_name="pull_request", event=_same_repo_event(),
                     env={"GITHUB_ACTOR": "dependabot[bot]"})
    check = job.step("Check the code scanning upload")
    assert check.outputs["upload"] == "false" and "Dependabot" in check.stdout
    assert job.uploads == [] and len(job.artifacts) == 1 and not job.failed
    # upload: false with artifact: false: neither, and the summary says why
    job = run_action(ws, tmp_path / "t3", {"paths": "k8s", "upload": "false",
                                           "artifact": "false", "args": "--select non-root"})
    assert job.uploads == [] and job.artifacts == []
    assert "Not uploaded to code scanning: the 'upload' input is false." in job.summary


def test_broken_args_quoting_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    from tests.action_runner import run_action

    ws = _workspace(tmp_path, {"k8s/good.yaml": GOOD})
    job = run_action(ws, tmp_path / "temp", {"paths": "k8s", "args": "--select 'pss"})
    scan = job.step("Scan")
    assert scan.returncode == 0 and scan.outputs["exit-code"] == "2"
    assert "Traceback" not in job.log
    errors = [line for line in (scan.stdout + scan.stderr).splitlines() if line.strip()]
    assert errors == ["::error title=netlint::the 'args' input is not valid shell-style "
                      "words (No closing quotation); quote names with spaces as 'my dir' and "
                      "close every quote"]
    assert job.uploads == [] and job.artifacts == []
    assert "netlint wrote no SARIF report (exit code 2)" in job.summary
    assert job.step("Fail on findings").returncode == 2 and job.failed


def test_annotations_are_capped_per_level_most_severe_first(tmp_path: Path) -> None:
    from tests.action_runner import run_action

    # 12 containers running as root (errors) and 12 without a seccomp profile (warnings)
    containers = "".join(
        f"    - name: c{i}\n      image: x\n      securityContext:\n"
        f"        runAsUser: 0\n" for i in range(12))
    pod = f"apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n{containers}"
    ws = _workspace(tmp_path, {"k8s/pod.yaml": pod})
    job = run_action(ws, tmp_path / "temp", {
        "paths": "k8s", "args": "--select k8s-run-as-user-root,pss-seccomp-restricted"})
    lines = job.step("Job summary and annotations").stdout.splitlines()
    errors = [line for line in lines if line.startswith("::error ")]
    warnings = [line for line in lines if line.startswith("::warning ")]
    assert len(errors) == 10 and len(warnings) == 10
    assert ("netlint: annotated the 10 most severe of 12 error findings (GitHub shows 10 per "
            "level and step); all of them are in the job summary counts and the SARIF report"
            ) in lines
    assert "of 12 warning findings" in job.step("Job summary and annotations").stdout
    assert "**24 findings** in 1 file: 12 errors, 12 warnings." in job.summary


def test_scanned_text_cannot_inject_workflow_commands_or_markup(tmp_path: Path) -> None:
    from tests.action_runner import run_action

    evil = ('apiVersion: v1\nkind: Pod\nmetadata:\n  name: "p\\n::error::pwned | <b>x</b>"\n'
            'spec:\n  containers:\n    - name: "a\\n::stop-commands::t"\n      image: x\n'
            '      securityContext:\n        runAsUser: 0\n')
    ws = _workspace(tmp_path, {"k8s/evil.yaml": evil})
    job = run_action(ws, tmp_path / "temp", {"paths": "k8s", "args": "--select non-root"})
    for step in job.steps:
        for line in (step.stdout + step.stderr).splitlines():
            assert not line.startswith(("::error::pwned", "::stop-commands")), line
    assert "<b>" not in job.summary and "pwned" in job.summary


def test_cache_miss_reinstalls_a_stale_cached_virtualenv(tmp_path: Path) -> None:
    """A restored virtualenv whose key does not match is rebuilt, never used; this checks
    the decision (the rebuild itself, a real pip install, is tested with the wheel in
    tests/test_readme_snippets.py)."""
    from tests.action_runner import _light_venv

    venv = tmp_path / "netlint-venv"
    _light_venv(venv)
    (venv / "netlint-install-key").write_text("netlint-some-older-key")
    env = {**os.environ, "NETLINT_PYTHON": sys.executable, "NETLINT_SOURCE": str(ROOT),
           "NETLINT_VENV": str(venv), "GITHUB_OUTPUT": str(tmp_path / "out")}
    key = subprocess.run(["bash", str(ROOT / "scripts" / "action-install.sh"), "key"],
                         env=env, capture_output=True, text=True, check=True)
    assert key.stdout.startswith("netlint install cache key: netlint-")
    recorded = (tmp_path / "out").read_text().strip()
    assert recorded.startswith("key=netlint-") and recorded[4:] in key.stdout
    # same key: used as is
    (venv / "netlint-install-key").write_text(recorded[4:])
    proc = subprocess.run(["bash", str(ROOT / "scripts" / "action-install.sh"), "install"],
                          env=env, capture_output=True, text=True)
    assert proc.returncode == 0 and "using the cached install" in proc.stdout, proc.stderr
    assert proc.stdout.splitlines()[-2].startswith("netlint ")


@pytest.mark.parametrize(("event_name", "actor", "event", "read_only"), [
    ("push", "octocat", {}, False),
    ("push", "dependabot[bot]", {}, True),
    ("pull_request", "dependabot[bot]", {"pull_request": {"head": {"repo": {
        "full_name": "acme/shop"}}}}, True),
    # pull_request_target runs in the base repository with a write token, forks included
    ("pull_request_target", "dependabot[bot]", {"pull_request": {"head": {"repo": {
        "full_name": "mallory/shop", "fork": True}}}}, False),
    ("pull_request_target", "octocat", {"pull_request": {"head": {"repo": {
        "full_name": "mallory/shop", "fork": True}}}}, False),
    ("pull_request", "octocat", {"pull_request": {"head": {"repo": None}}}, True),  # deleted
    ("pull_request_review", "octocat", {"pull_request": {"head": {"repo": {
        "full_name": "mallory/shop", "fork": True}}}}, True),
    ("pull_request", "octocat", {}, False),  # no payload: nothing says fork
])
def test_read_only_token_detection(event_name: str, actor: str, event: dict[str, object],
                                   read_only: bool) -> None:
    from netlint.github_action import decide_upload, read_only_reason

    env = {"GITHUB_EVENT_NAME": event_name, "GITHUB_ACTOR": actor,
           "GITHUB_REPOSITORY": "acme/shop"}
    assert bool(read_only_reason(env, event)) is read_only
    decision = decide_upload({**env, "INPUT_UPLOAD": "auto"}, event)
    assert decision.upload is not read_only and decision.artifact is read_only
    forced = decide_upload({**env, "INPUT_UPLOAD": "true", "INPUT_ARTIFACT": "true"}, event)
    assert forced.upload and forced.artifact


def test_report_step_without_netlint_still_writes_a_summary(tmp_path: Path) -> None:
    if shutil.which("bash") is None:
        pytest.skip("bash is not installed")
    summary = tmp_path / "summary.md"
    env = {**os.environ, "NETLINT_VENV": str(tmp_path / "missing"),
           "GITHUB_STEP_SUMMARY": str(summary)}
    proc = subprocess.run(["bash", str(ROOT / "scripts" / "action-step.sh"), "report"],
                          env=env, capture_output=True, text=True)
    assert proc.returncode == 1
    assert proc.stdout.strip() == ("::error title=netlint::netlint is not installed (see the "
                                   "Install netlint step)")
    assert "netlint is not installed" in summary.read_text()
