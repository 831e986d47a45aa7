"""A small local runner for action.yml's composite steps (in the spirit of `act`).

It runs each ``run:`` step with bash the way a GitHub runner does (``bash --noprofile
--norc -eo pipefail``, a fresh ``GITHUB_OUTPUT`` file per step, ``GITHUB_STEP_SUMMARY``,
``GITHUB_EVENT_PATH`` and the other ``GITHUB_*``/``RUNNER_*`` variables), evaluates the
``${{ }}`` expressions and ``if:`` conditions the action uses, and simulates the ``uses:``
steps: setup-python reports the given interpreter, actions/cache "restores" a virtualenv
that runs the netlint under test (when ``cache_hit``), and the SARIF/artifact uploads are
recorded instead of sent.
"""

from __future__ import annotations

import json
import os
import re
import site
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent


# --- expressions -------------------------------------------------------------------------

_TOKEN = re.compile(r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<op>&&|\|\||==|!=|!|\(|\))"
                    r"|(?P<name>[A-Za-z_][\w.-]*(?:\(\))?))")


class Expression:
    """GitHub's expression syntax, the subset action.yml uses: context paths, string
    literals, ==, !=, !, &&, ||, parentheses and always()/success()/failure()."""

    def __init__(self, text: str, contexts: dict[str, Any], failed: bool) -> None:
        self.tokens: list[tuple[str, str]] = []
        pos = 0
        text = text.strip()
        while pos < len(text):
            m = _TOKEN.match(text, pos)
            if m is None or m.end() == pos:
                raise ValueError(f"cannot parse expression {text!r} at {pos}")
            kind = m.lastgroup or ""
            self.tokens.append((kind, m.group(kind)))
            pos = m.end()
        self.i = 0
        self.contexts = contexts
        self.failed = failed

    def value(self) -> Any:
        result = self._or()
        if self.i != len(self.tokens):
            raise ValueError(f"trailing tokens in expression: {self.tokens[self.i:]}")
        return result

    def _peek(self) -> str:
        return self.tokens[self.i][1] if self.i < len(self.tokens) else ""

    def _or(self) -> Any:
        left = self._and()
        while self._peek() == "||":
            self.i += 1
            right = self._and()
            left = left or right
        return left

    def _and(self) -> Any:
        left = self._compare()
        while self._peek() == "&&":
            self.i += 1
            right = self._compare()
            left = left and right
        return left

    def _compare(self) -> Any:
        left = self._unary()
        while self._peek() in ("==", "!="):
            op = self._peek()
            self.i += 1
            right = self._unary()
            # GitHub compares strings case-insensitively; null compares as ''
            a, b = str(left or "").lower(), str(right or "").lower()
            left = (a == b) if op == "==" else (a != b)
        return left

    def _unary(self) -> Any:
        if self._peek() == "!":
            self.i += 1
            return not self._unary()
        return self._primary()

    def _primary(self) -> Any:
        kind, text = self.tokens[self.i]
        self.i += 1
        if text == "(":
            inner = self._or()
            self.i += 1  # ")"
            return inner
        if kind == "str":
            return text[1:-1].replace("''", "'")
        if text == "always()":
            return True
        if text == "success()":
            return not self.failed
        if text == "failure()":
            return self.failed
        node: Any = self.contexts
        for part in text.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        return node


def evaluate(text: str, contexts: dict[str, Any], failed: bool = False) -> str:
    """``text`` with every ``${{ expr }}`` replaced by its value."""
    def sub(m: re.Match[str]) -> str:
        value = Expression(m.group(1), contexts, failed).value()
        return "" if value is None else str(value).lower() if isinstance(value, bool) else (
            str(value))
    return re.sub(r"\$\{\{(.*?)\}\}", sub, text)


def condition(text: str | None, contexts: dict[str, Any], failed: bool) -> bool:
    if text is None:
        return not failed
    text = text.strip()
    if text.startswith("${{") and text.endswith("}}"):
        text = text[3:-2]
    uses_status = re.search(r"\b(always|success|failure|cancelled)\(\)", text)
    value = Expression(text, contexts, failed).value()
    return bool(value) if uses_status else bool(value) and not failed


# --- the runner ----------------------------------------------------------------------------

@dataclass
class StepRun:
    name: str
    ran: bool
    returncode: int = 0
    stdout: str = ""
    stderr: str = ""
    outputs: dict[str, str] = field(default_factory=dict)


@dataclass
class JobRun:
    steps: list[StepRun]
    summary: str
    uploads: list[dict[str, str]]  # upload-sarif calls (their `with:`)
    artifacts: list[dict[str, str]]  # upload-artifact calls
    failed: bool

    def step(self, name: str) -> StepRun:
        return next(s for s in self.steps if s.name == name)

    @property
    def log(self) -> str:
        return "\n".join(s.stdout + s.stderr for s in self.steps)


def _light_venv(path: Path) -> None:
    """A virtualenv whose Python sees the test environment's packages (the netlint under
    test): what a restored cache holds, without installing anything."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(path)], check=True)
    purelib = subprocess.run(
        [str(path / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()"
         "['purelib'])"], check=True, capture_output=True, text=True).stdout.strip()
    # addsitedir also runs the .pth files there (the editable install of netlint)
    lines = [f"import site; site.addsitedir({p!r})" for p in site.getsitepackages()
             if os.path.isdir(p)]
    Path(purelib, "netlint-under-test.pth").write_text("\n".join(lines) + "\n")


def run_action(workspace: Path, runner_temp: Path, inputs: dict[str, str],
               event_name: str = "push", event: dict[str, Any] | None = None,
               env: dict[str, str] | None = None, cache_hit: bool = True) -> JobRun:
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    values = {name: str(spec.get("default", "")) for name, spec in action["inputs"].items()}
    unknown = set(inputs) - set(values)
    if unknown:
        raise ValueError(f"not inputs of action.yml: {unknown}")
    values.update(inputs)
    runner_temp.mkdir(parents=True, exist_ok=True)
    event_path = runner_temp / "event.json"
    event_path.write_text(json.dumps(event or {}))
    base_env = {k: v for k, v in os.environ.items()
                if not k.startswith(("GITHUB_", "INPUT_", "RUNNER_", "NETLINT_"))}
    base_env.update({
        "GITHUB_ACTIONS": "true", "CI": "true",
        "GITHUB_ACTION_PATH": str(ROOT), "GITHUB_WORKSPACE": str(workspace),
        "GITHUB_EVENT_NAME": event_name, "GITHUB_EVENT_PATH": str(event_path),
        "GITHUB_REPOSITORY": "acme/shop", "GITHUB_SHA": "0123456789abcdef0123456789abcdef01234567",
        "GITHUB_SERVER_URL": "https://github.com", "GITHUB_ACTOR": "octocat",
        "GITHUB_JOB": "netlint", "RUNNER_TEMP": str(runner_temp), "RUNNER_OS": "Linux",
    })
    base_env.update(env or {})
    contexts: dict[str, Any] = {
        "inputs": values,
        "github": {"action_path": str(ROOT), "workspace": str(workspace),
                   "event_name": event_name},
        "runner": {"temp": str(runner_temp), "os": "Linux"},
        "steps": {},
    }
    summary_path = runner_temp / "step-summary.md"
    summary_path.write_text("")
    steps: list[StepRun] = []
    uploads: list[dict[str, str]] = []
    artifacts: list[dict[str, str]] = []
    failed = False
    for n, spec in enumerate(action["runs"]["steps"]):
        name = spec.get("name", f"step {n}")
        if not condition(spec.get("if"), contexts, failed):
            steps.append(StepRun(name, ran=False))
            continue
        with_ = {k: evaluate(str(v), contexts, failed) for k, v in spec.get("with", {}).items()}
        outputs: dict[str, str] = {}
        run = StepRun(name, ran=True)
        uses = spec.get("uses", "")
        if uses.startswith("actions/setup-python@"):
            outputs = {"python-path": sys.executable,
                       "python-version": ".".join(map(str, sys.version_info[:3]))}
        elif uses.startswith("actions/cache@"):
            venv = Path(with_["path"])
            if cache_hit and not venv.exists():
                _light_venv(venv)
                (venv / "netlint-install-key").write_text(with_["key"])
            outputs = {"cache-hit": str(cache_hit).lower()}
        elif uses.startswith("github/codeql-action/upload-sarif@"):
            uploads.append(with_)
        elif uses.startswith("actions/upload-artifact@"):
            artifacts.append(with_)
        elif "run" in spec:
            step_env = dict(base_env)
            step_env.update({k: evaluate(str(v), contexts, failed)
                             for k, v in spec.get("env", {}).items()})
            output_file = runner_temp / f"output-{n}"
            output_file.write_text("")
            step_env["GITHUB_OUTPUT"] = str(output_file)
            step_env["GITHUB_STEP_SUMMARY"] = str(summary_path)
            script = runner_temp / f"step-{n}.sh"
            script.write_text(evaluate(spec["run"], contexts, failed))
            proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail",
                                   str(script)], cwd=workspace, env=step_env,
                                  capture_output=True, text=True, timeout=300)
            run.returncode, run.stdout, run.stderr = proc.returncode, proc.stdout, proc.stderr
            for line in output_file.read_text().splitlines():
                key, _, value = line.partition("=")
                outputs[key] = value
            if proc.returncode != 0:
                failed = True
        else:
            raise ValueError(f"the local runner does not know step {name!r} ({uses})")
        run.outputs = outputs
        if spec.get("id"):
            contexts["steps"][spec["id"]] = {"outputs": outputs}
        steps.append(run)
    return JobRun(steps, summary_path.read_text(), uploads, artifacts, failed)
