"""The pre-commit hook, run for real: ``pre-commit try-repo`` against a copy of this
project committed into a temporary git repository (try-repo installs the hook from git).

pre-commit builds a virtualenv and pip-installs netlint into it (its dependencies come
from the package index), so this test is slower than the rest; it runs in CI like every
other test.  Deselect it locally with ``-m "not integration"``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.integration

BAD = """\
apiVersion: v1
kind: Pod
metadata:
  name: bad
spec:
  containers:
    - name: app
      image: nginx:1.27
      securityContext:
        runAsUser: 0
"""

GOOD = """\
apiVersion: v1
kind: Pod
metadata:
  name: good
spec:
  securityContext:
    runAsNonRoot: true
    runAsUser: 1000
  containers:
    - name: app
      image: nginx:1.27
"""


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env=_git_env())


def _git_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "GIT_AUTHOR_NAME": "netlint tests", "GIT_AUTHOR_EMAIL": "tests@netlint.invalid",
        "GIT_COMMITTER_NAME": "netlint tests", "GIT_COMMITTER_EMAIL": "tests@netlint.invalid",
        "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull,
    })
    return env


@pytest.fixture(scope="module")
def project_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This working tree (tracked and untracked-but-not-ignored files) committed to a repo."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    listing = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, check=True, capture_output=True,
    ).stdout.decode().split("\0")
    dest = tmp_path_factory.mktemp("netlint-project")
    for rel in filter(None, listing):
        src = ROOT / rel
        if not src.is_file():
            continue  # deleted in the working tree
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, target)
    _git(dest, "init", "-q")
    _git(dest, "add", "-A")
    _git(dest, "commit", "-q", "-m", "snapshot")
    return dest


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def _try_repo(project: Path, repo: Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = _git_env()
    env["PRE_COMMIT_HOME"] = str(home)
    env.pop("NO_COLOR", None)
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(project), "netlint",
         "--all-files", "--color", "never"],
        cwd=repo, env=env, capture_output=True, text=True, timeout=600,
    )


def _user_repo(tmp_path: Path, files: dict[str, str]) -> Path:
    repo = tmp_path / "user-repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    for name, text in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text)
    _git(repo, "add", "-A")
    return repo


def test_hook_fails_on_a_bad_manifest_and_names_it(project_repo: Path, pre_commit_home: Path,
                                                   tmp_path: Path) -> None:
    repo = _user_repo(tmp_path, {"k8s/bad-pod.yaml": BAD, "k8s/good-pod.yaml": GOOD,
                                 "notes.yaml": "just: data\n",
                                 ".netlint.yaml": "select: [non-root]\n"})
    proc = _try_repo(project_repo, repo, pre_commit_home)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    assert "Failed" in out
    assert "k8s/bad-pod.yaml:10:9" in out
    assert "k8s-run-as-user-root" in out
    assert "good-pod.yaml" not in out.replace("k8s/bad-pod.yaml", "")


def test_hook_passes_on_clean_and_non_kubernetes_files(project_repo: Path,
                                                       pre_commit_home: Path,
                                                       tmp_path: Path) -> None:
    # the config pins the family GOOD is written for, so new rule families keep it clean
    # and what the skip rule is for (netlint/skips.py): a tsconfig.json with comments, a
    # package-lock.json over the size limit, the templates of a Helm chart
    import json

    template = ('{{- if .Values.enabled }}\napiVersion: apps/v1\nkind: Deployment\n'
                'metadata:\n  name: {{ .Release.Name }}\n{{- end }}\n')
    lock = json.dumps({"name": "web", "lockfileVersion": 3, "packages": {
        f"node_modules/kind-of-{i}": {"version": "6.0.3"} for i in range(400_000)}})
    assert len(lock) > 10 * 1024 * 1024
    repo = _user_repo(tmp_path, {"k8s/good-pod.yaml": GOOD, "config/settings.json": "{}\n",
                                 ".github/workflows/ci.yml": "on: push\njobs: {}\n",
                                 ".netlint.yaml": "select: [non-root]\n",
                                 "web/tsconfig.json": '{\n  // comment\n  "strict": true,\n}\n',
                                 "web/package-lock.json": lock,
                                 "charts/web/Chart.yaml": "apiVersion: v2\nname: web\n",
                                 "charts/web/templates/deployment.yaml": template})
    proc = _try_repo(project_repo, repo, pre_commit_home)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert "Passed" in out


def test_hook_entry_accepts_commits_of_non_kubernetes_yaml(tmp_path: Path) -> None:
    """The hook's exact entry (run here without pre-commit's venv, which the tests above
    cover): only non-Kubernetes YAML passed, exit 0 thanks to --allow-empty."""
    import shlex

    import yaml

    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    (hook,) = hooks
    assert hook["id"] == "netlint" and hook["language"] == "python"
    assert hook["require_serial"] is True and set(hook["types_or"]) == {"yaml", "json"}
    argv = shlex.split(hook["entry"])
    assert argv[0] == "netlint"
    (tmp_path / "values.yaml").write_text("replicas: 2\n")
    (tmp_path / "k8s").mkdir()
    (tmp_path / "k8s" / "bad-pod.yaml").write_text(BAD)  # context only: not reported
    proc = subprocess.run([sys.executable, "-m", "netlint", *argv[1:], "values.yaml"],
                          cwd=tmp_path, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "bad-pod" not in proc.stdout

