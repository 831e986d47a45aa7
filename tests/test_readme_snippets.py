"""The README as a new user reads it: build the wheel, install it in a fresh virtualenv,
and run every snippet that can run offline against that install (scan, configuration,
suppressions, baselines, a custom rule, pre-commit `run` and `try-repo`, and the GitHub
Action's steps with a simulated runner, fork case included).

Slow (a wheel build and two virtualenvs whose dependencies come from the package index):
marked ``integration``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import netlint

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()

pytestmark = pytest.mark.integration


# --- reading the README ----------------------------------------------------------------

def _section(heading: str) -> str:
    """The README text under ``heading`` (a line starting with #), up to the next heading
    of the same or a higher level."""
    m = re.search(rf"^(#+) {re.escape(heading)}\s*$", README, re.MULTILINE)
    assert m, f"README has no heading {heading!r}"
    level = len(m.group(1))
    out = []
    fenced = False
    for line in README[m.end():].splitlines(keepends=True):
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and re.match(rf"#{{1,{level}}} ", line):
            break
        out.append(line)
    return "".join(out)


def _blocks(text: str, lang: str) -> list[str]:
    return re.findall(rf"^```{lang}\n(.*?)^```", text, re.MULTILINE | re.DOTALL)


def _commands(block: str) -> list[str]:
    """The commands of a sh block, without trailing comments."""
    out = []
    for line in block.splitlines():
        line = re.sub(r"\s+#\s.*$", "", line).strip()
        if line and not line.startswith("#"):
            out.append(line)
    return out


# --- the install under test -------------------------------------------------------------

def _run(args: list[str], cwd: Path, env: dict[str, str] | None = None,
         timeout: int = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout)


def _snapshot(dest: Path) -> Path:
    """This working tree's tracked and new files, committed to a fresh git repository."""
    listing = _run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                   ROOT).stdout.split("\0")
    for rel in filter(None, listing):
        src = ROOT / rel
        if src.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)
    env = _git_env()
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "snapshot"]):
        _run(["git", *args], dest, env).check_returncode()
    return dest


def _git_env() -> dict[str, str]:
    return {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@netlint.invalid",
            "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@netlint.invalid",
            "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}


class Install:
    def __init__(self, project: Path, venv: Path, wheel: Path) -> None:
        self.project, self.venv, self.wheel = project, venv, wheel
        self.bin = venv / "bin"
        self.env = {k: v for k, v in os.environ.items()
                    if k not in ("VIRTUAL_ENV", "PYTHONPATH") and not k.startswith(
                        ("GITHUB_", "NETLINT_"))}
        self.env["PATH"] = f"{self.bin}{os.pathsep}{os.environ.get('PATH', '')}"
        self.env.pop("NO_COLOR", None)

    def sh(self, command: str, cwd: Path, extra: dict[str, str] | None = None
           ) -> subprocess.CompletedProcess[str]:
        return _run(["bash", "-o", "pipefail", "-c", command], cwd, {**self.env, **(extra or {})})


@pytest.fixture(scope="module")
def install(tmp_path_factory: pytest.TempPathFactory) -> Install:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    base = tmp_path_factory.mktemp("wheel-install")
    project = _snapshot(base / "netlint")
    dist = base / "dist"
    build = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet",
                  "--wheel-dir", str(dist), str(project)], base)
    assert build.returncode == 0, build.stderr
    (wheel,) = dist.glob("netlint_policy-*.whl")
    assert wheel.name == f"netlint_policy-{netlint.__version__}-py3-none-any.whl"
    venv = base / "venv"
    _run([sys.executable, "-m", "venv", str(venv)], base).check_returncode()
    pip = _run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
                "--disable-pip-version-check", str(wheel)], base)
    assert pip.returncode == 0, pip.stderr
    return Install(project, venv, wheel)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A repository like the README's examples assume: k8s/, deploy/compose.yaml, ..."""
    ws = tmp_path / "ws"
    (ws / ".git").mkdir(parents=True)
    for name in ("k8s", "manifests"):
        shutil.copytree(ROOT / "examples", ws / name)
    (ws / "deploy").mkdir()
    shutil.copy(ROOT / "examples" / "compose.yaml", ws / "deploy" / "compose.yaml")
    shutil.copy(ROOT / "examples" / "compose.yaml", ws / "compose.yaml")
    return ws


def test_the_wheel_installs_netlint_under_its_own_name(install: Install, tmp_path: Path) -> None:
    show = install.sh("pip show netlint-policy", tmp_path)
    assert show.returncode == 0 and f"Version: {netlint.__version__}" in show.stdout
    assert "Name: netlint-policy" in show.stdout
    version = install.sh("netlint --version", tmp_path)
    assert version.stdout.splitlines()[0] == f"netlint {netlint.__version__}"
    # the rules and schemas ship inside the wheel
    rules = install.sh("netlint rules --format json", tmp_path)
    assert rules.returncode == 0 and len(json.loads(rules.stdout)) > 50
    # nothing is imported from the source tree
    where = install.sh("python -c 'import netlint; print(netlint.__file__)'", tmp_path)
    assert str(install.venv) in where.stdout


def _check_command(install: Install, command: str, cwd: Path,
                   extra: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    proc = install.sh(command, cwd, extra)
    assert proc.returncode in (0, 1), (command, proc.stdout[-2000:], proc.stderr[-2000:])
    assert "Traceback" not in proc.stderr, (command, proc.stderr)
    return proc


def test_usage_and_cli_snippets(install: Install, workspace: Path) -> None:
    commands = [c for block in (_blocks(_section("Usage"), "sh")
                                + _blocks(_section("1. Locally (CLI)"), "sh"))
                for c in _commands(block)]
    assert any(c.startswith("netlint scan ./manifests") for c in commands)
    ran = 0
    for command in commands:
        tools = {"helm": "helm", "jq": "jq"}
        if any(f"{t} " in command and shutil.which(t) is None for t in tools):
            continue  # needs a tool this machine does not have
        if "_NETLINT_COMPLETE" in command:
            proc = install.sh(command.split(">")[0].replace('eval "$(', "").rstrip(')"'),
                              workspace)
            assert proc.returncode == 0 and "complete" in proc.stdout.lower(), command
            ran += 1
            continue
        _check_command(install, command, workspace)
        ran += 1
    assert ran >= 10
    sarif = json.loads((workspace / "netlint.sarif").read_text())
    assert sarif["runs"][0]["tool"]["driver"]["version"] == netlint.__version__


def test_configuration_snippet_is_a_valid_config(install: Install, workspace: Path) -> None:
    (config,) = _blocks(_section("Configuration"), "yaml")
    (workspace / ".netlint.yaml").write_text(config)
    (workspace / "policies").mkdir()  # `rules: [policies/]`
    (workspace / "charts" / "web" / "templates").mkdir(parents=True)
    (workspace / "charts" / "web" / "templates" / "pod.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: excluded\nspec:\n  hostNetwork: true\n")
    proc = _check_command(install, "netlint scan . --format json", workspace)
    report = json.loads(proc.stdout)
    assert not any("charts/" in f["path"] for f in report["findings"])  # exclude: works
    assert not any(f["rule"] == "yaml-duplicate-key" for f in report["findings"])  # ignore:


def test_suppression_snippet_silences_the_finding(install: Install, workspace: Path) -> None:
    (fragment,) = _blocks(_section("Suppressing findings"), "yaml")
    container = "".join(f"      {line}\n" for line in fragment.splitlines())
    pod = ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n"
           "    - name: web\n      image: nginx:1.27\n" + container)
    (workspace / "pod.yaml").write_text(pod)
    rule = re.search(r"disable=([\w-]+)", fragment).group(1)  # type: ignore[union-attr]
    proc = _check_command(install, f"netlint scan pod.yaml --select {rule} --format json",
                          workspace)
    assert json.loads(proc.stdout)["findings"] == []
    proc = _check_command(install, f"netlint scan pod.yaml --select {rule} --format json "
                          "--include-suppressed", workspace)
    (finding,) = json.loads(proc.stdout)["findings"]
    assert finding["rule"] == rule and finding.get("suppressed") is True


def test_baseline_snippet(install: Install, workspace: Path) -> None:
    block = next(b for b in _blocks(_section("1. Locally (CLI)"), "sh")
                 if "netlint baseline" in b)
    record, check = _commands(block)
    assert install.sh(record, workspace).returncode == 0
    assert (workspace / ".netlint-baseline.json").is_file()
    assert _check_command(install, check, workspace).returncode == 0  # all known
    (workspace / "k8s" / "new.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: new\nspec:\n  hostPID: true\n"
        "  containers:\n    - name: a\n      image: x\n")
    proc = _check_command(install, check, workspace)
    assert proc.returncode == 1 and "k8s/new.yaml" in proc.stdout


def test_custom_rule_snippets(install: Install, tmp_path: Path) -> None:
    section = _section("Writing your own rules")
    rule, manifest = _blocks(section, "yaml")[:2]
    (tmp_path / "policies").mkdir()
    rule_id = re.search(r"^id: ([\w-]+)", rule, re.MULTILINE).group(1)  # type: ignore[union-attr]
    (tmp_path / "policies" / f"{rule_id}.yaml").write_text(rule)
    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy" / "gateway.yaml").write_text(manifest)
    (console,) = _blocks(section, "console")
    expected = [line for line in console.splitlines() if line.strip().startswith("deploy/")]
    proc = _check_command(install, "netlint scan deploy/ --rules policies", tmp_path)
    assert proc.returncode == 1
    location = expected[-1].split()[0]  # deploy/gateway.yaml:14:11
    assert location in proc.stdout and rule_id in proc.stdout


def _pre_commit_config(install: Install) -> str:
    (block,) = _blocks(_section("2. pre-commit"), "yaml")
    sha = _run(["git", "rev-parse", "HEAD"], install.project).stdout.strip()
    assert "https://github.com/netlint/netlint" in block and "<commit-sha>" in block
    # offline: the repository is the local snapshot, rev what the README says to put (a SHA)
    return block.replace("https://github.com/netlint/netlint", str(install.project)).replace(
        "<commit-sha>", sha)


def test_pre_commit_snippets(install: Install, tmp_path: Path) -> None:
    if shutil.which("pre-commit", path=str(install.bin)) is None:
        _run([str(install.bin / "python"), "-m", "pip", "install", "--quiet",
              "pre-commit>=3.0"], tmp_path).check_returncode()
    repo = tmp_path / "user"
    repo.mkdir()
    env = {**_git_env(), "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}
    _run(["git", "init", "-q"], repo, env).check_returncode()
    (repo / ".pre-commit-config.yaml").write_text(_pre_commit_config(install))
    (repo / "k8s").mkdir()
    (repo / "k8s" / "bad.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: bad\nspec:\n  hostNetwork: true\n"
        "  containers:\n    - name: a\n      image: x\n")
    (repo / "tsconfig.json").write_text('{\n  // comment\n  "compilerOptions": {},\n}\n')
    _run(["git", "add", "-A"], repo, env).check_returncode()
    proc = install.sh("pre-commit run --all-files --color never", repo, env)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1 and "k8s/bad.yaml" in out and "pss-host-namespaces" in out, out
    # try-repo, as the README says, with the local snapshot for the URL
    line = next(c for c in re.findall(r"`(pre-commit try-repo [^`]+)`", README))
    command = line.replace("https://github.com/netlint/netlint", str(install.project))
    proc = install.sh(command + " --color never", repo, env)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1 and "k8s/bad.yaml" in out, out
    assert "tsconfig.json" not in out  # skipped (tests/test_precommit.py: a clean pass)


def _action_inputs() -> dict[str, str]:
    block = _blocks(_section("3. GitHub Actions (code scanning)"), "yaml")[0]
    workflow = yaml.safe_load(block)
    (step,) = [s for s in workflow["jobs"]["netlint"]["steps"]
               if str(s.get("uses", "")).startswith("netlint/netlint@")]
    assert step["uses"] == "netlint/netlint@<commit-sha>"
    return {k: str(v) for k, v in step["with"].items()}


@pytest.mark.parametrize("fork", [False, True])
def test_action_snippet_with_a_simulated_runner(install: Install, workspace: Path,
                                                tmp_path: Path, fork: bool) -> None:
    from tests.action_runner import run_action

    runner_temp = tmp_path / "runner-temp"
    runner_temp.mkdir()
    # the restored cache holds the wheel's install (the key step's key, as actions/cache
    # restores it); the next test installs from scratch
    venv = runner_temp / "netlint-venv"
    shutil.copytree(install.venv, venv, symlinks=True)
    _relocate(venv, install.venv)
    key_env = {**install.env, "NETLINT_PYTHON": sys.executable, "NETLINT_SOURCE": str(ROOT),
               "NETLINT_VENV": str(venv), "GITHUB_OUTPUT": str(tmp_path / "key")}
    _run(["bash", str(ROOT / "scripts" / "action-install.sh"), "key"], tmp_path,
         key_env).check_returncode()
    (venv / "netlint-install-key").write_text(
        (tmp_path / "key").read_text().strip().removeprefix("key="))
    event = {"pull_request": {"head": {"repo": {
        "full_name": "mallory/shop" if fork else "acme/shop", "fork": fork}}}}
    job = run_action(workspace, runner_temp, _action_inputs(), event_name="pull_request",
                     event=event)
    install_step = job.step("Install netlint")
    assert install_step.returncode == 0 and "using the cached install" in install_step.stdout
    assert job.step("Scan").outputs["exit-code"] == "1"
    assert "| rule | severity | findings | title |" in job.summary
    assert bool(job.uploads) is not fork and bool(job.artifacts) is fork
    assert job.step("Fail on findings").returncode == 1
    sarif = json.loads((workspace / "netlint.sarif").read_text())
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in sarif["runs"][0]["results"]}
    assert uris and all(u.startswith(("k8s/", "deploy/")) for u in uris)


def test_annotations_snippet_without_code_scanning(install: Install, workspace: Path,
                                                   tmp_path: Path) -> None:
    block = _blocks(_section("3. GitHub Actions (code scanning)"), "yaml")[1]
    step = yaml.safe_load(block)[0]
    (command,) = [line.strip() for line in step["run"].splitlines()
                  if line.strip().startswith("netlint scan")]
    summary = tmp_path / "summary.md"
    proc = _check_command(install, command, workspace, {"GITHUB_STEP_SUMMARY": str(summary)})
    assert proc.returncode == 1 and proc.stdout.startswith("::")
    assert "## netlint" in summary.read_text()


def _relocate(venv: Path, old: Path) -> None:
    """A copied virtualenv's scripts name the old interpreter; point them at the copy."""
    for script in (venv / "bin").iterdir():
        if script.is_file() and not script.is_symlink():
            try:
                text = script.read_text()
            except UnicodeDecodeError:
                continue
            script.write_text(text.replace(str(old), str(venv)))
    cfg = venv / "pyvenv.cfg"
    cfg.write_text(cfg.read_text().replace(str(old), str(venv)))


def test_action_install_from_scratch_with_the_pins(install: Install, tmp_path: Path) -> None:
    """The install step on a cache miss: the pinned requirements (all of them, `pip check`
    passes) and netlint from the action's checkout."""
    env = {**install.env, "NETLINT_PYTHON": sys.executable,
           "NETLINT_SOURCE": str(install.project), "NETLINT_VENV": str(tmp_path / "venv")}
    proc = _run(["bash", str(ROOT / "scripts" / "action-install.sh"), "install"], tmp_path, env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"netlint {netlint.__version__}" in proc.stdout
    again = _run(["bash", str(ROOT / "scripts" / "action-install.sh"), "install"], tmp_path,
                 env)
    assert "using the cached install" in again.stdout
    frozen = _run([str(tmp_path / "venv" / "bin" / "python"), "-m", "pip", "freeze"], tmp_path)
    pins = (ROOT / "scripts" / "action-requirements.txt").read_text()
    for line in frozen.stdout.splitlines():
        name, _, version = line.partition("==")
        if name.lower() in ("netlint-policy", "netlint_policy") or not version:
            continue
        assert re.search(rf"^{re.escape(name)}=={re.escape(version)}\b", pins,
                         re.IGNORECASE | re.MULTILINE), f"{line} is not a pin"
