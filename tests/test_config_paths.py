"""`exclude` and `per-path-ignores` mean the same files whatever the current directory and
however the files are named (walked, or passed one by one as pre-commit does)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from netlint.cli import main
from netlint.pathmatch import PathPatterns

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


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    for rel in ("charts/web/templates/pod.yaml", "charts/web/values-pod.yaml",
                "dev/pod.yaml", "prod/pod.yaml", "prod/dev/pod.yaml", "a.generated.yaml"):
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(POD_ROOT)
    (tmp_path / ".netlint.yaml").write_text(
        "exclude: [charts/*/templates, '*.generated.yaml']\n"
        "per-path-ignores:\n  dev/*: [non-root]\n")
    return tmp_path


def _reported(output: str) -> set[str]:
    return {Path(f["path"]).resolve().as_posix() for f in json.loads(output)["findings"]}


def test_patterns_are_gitignore_style_and_relative_to_the_config(tmp_path: Path) -> None:
    patterns = PathPatterns(["charts/*/templates", "*.gen.yaml", "vendor"], str(tmp_path))
    assert patterns.matches(str(tmp_path / "charts/x/templates/a.yaml"))
    assert not patterns.matches(str(tmp_path / "sub/charts/x/templates/a.yaml"))  # anchored
    assert patterns.matches(str(tmp_path / "deep/down/b.gen.yaml"))  # no slash: any depth
    assert patterns.matches(str(tmp_path / "x/vendor"), is_dir=True)
    assert not patterns.matches("/elsewhere/charts/x/templates/a.yaml")  # outside the config


@pytest.mark.parametrize("cwd", [".", "charts", "prod"])
def test_same_result_from_any_directory_and_for_named_files(
        repo: Path, cwd: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo / cwd)
    walked = run("scan", str(repo), "--select", "non-root", "--format", "json")
    named = run("scan", *map(str, sorted(repo.rglob("*.yaml"))), "--select", "non-root",
                "--format", "json", "--config", str(repo / ".netlint.yaml"))
    expected = {(repo / p).resolve().as_posix()
                for p in ("charts/web/values-pod.yaml", "prod/pod.yaml", "prod/dev/pod.yaml")}
    assert _reported(walked.output) == expected
    assert _reported(named.output) == expected
    sub = run("scan", str(repo / "charts"), "--select", "non-root", "--format", "json")
    assert _reported(sub.output) == {(repo / "charts/web/values-pod.yaml").resolve().as_posix()}


def test_precommit_naming_only_excluded_files(repo: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo)
    named = "charts/web/templates/pod.yaml"
    result = run("scan", "--allow-empty", "--context", ".", named)
    assert result.exit_code == 0, result.output
    result = run("scan", named)
    assert result.exit_code == 2
    assert "1 excluded by `exclude` in" in result.output and ".netlint.yaml" in result.output
