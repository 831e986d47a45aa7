"""Terminal experience: --version, GitHub annotations and job summary, text output."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from netlint.cli import main
from netlint.reporters.github import escape_data, escape_property

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def test_version_names_the_rule_set_without_heavy_imports() -> None:
    code = (
        "import sys, time; t = time.perf_counter()\n"
        "from netlint.cli import main\n"
        "try:\n    main(['--version'])\nexcept SystemExit as e:\n    assert e.code == 0\n"
        "heavy = [m for m in ('yaml', 'jsonschema', 'rich') if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert "HEAVY []" in proc.stdout
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("netlint ")
    rules = len(list((ROOT / "rules").glob("*/*.yaml")))
    assert lines[1].startswith(f"rule set: {rules} built-in rules, sha256 ")


def test_version_is_fast() -> None:
    best = min(_timed([sys.executable, "-m", "netlint", "--version"]) for _ in range(3))
    assert best < 0.5  # generous for loaded CI machines; measured ~0.1 s


def _timed(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, capture_output=True)
    return time.perf_counter() - start


COMPLETE = "from netlint.cli import main; main(prog_name='netlint')"


def test_shell_completion_script() -> None:
    env = {**os.environ, "_NETLINT_COMPLETE": "bash_source"}
    proc = subprocess.run([sys.executable, "-c", COMPLETE], env=env, capture_output=True,
                          text=True)
    assert "_NETLINT_COMPLETE=bash_complete" in proc.stdout
    env = {**os.environ, "_NETLINT_COMPLETE": "bash_complete", "COMP_WORDS": "netlint sc",
           "COMP_CWORD": "1"}
    proc = subprocess.run([sys.executable, "-c", COMPLETE], env=env, capture_output=True,
                          text=True)
    assert "plain,scan" in proc.stdout


def _complete(words: str) -> list[str]:
    env = {**os.environ, "_NETLINT_COMPLETE": "bash_complete", "COMP_WORDS": words,
           "COMP_CWORD": str(len(words.split()) - (0 if words.endswith(" ") else 1))}
    proc = subprocess.run([sys.executable, "-c", COMPLETE], env=env, capture_output=True,
                          text=True, check=True)
    return [line.split(",", 1)[1] for line in proc.stdout.splitlines()]


def test_shell_completion_of_rule_ids_tags_and_targets() -> None:
    assert "pss-restricted" in _complete("netlint scan . --select pss-r")  # a tag
    assert "pss-run-as-user" in _complete("netlint scan . --select pss-r")  # a rule id
    assert _complete("netlint scan . --ignore compose-priv") == ["compose-privileged"]
    assert "compose" in _complete("netlint rules --select comp")  # a target
    # after a comma: the next name of the list
    assert "tls,compose-privileged" in _complete("netlint scan . --select tls,compose-pr")
    assert _complete("netlint explain k8s-ingress-w") == ["k8s-ingress-without-tls"]
    assert "pss-restricted" not in _complete("netlint explain pss-r")  # ids only


# --- --format github ------------------------------------------------------------------


def test_workflow_command_escaping_matches_the_toolkit() -> None:
    # @actions/core command.ts: escapeData and escapeProperty
    assert escape_data("50% done\r\nnext: a,b") == "50%25 done%0D%0Anext: a,b"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"


def test_github_format_and_step_summary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                        ) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(main, ["scan", "examples", "--format", "github",
                                       "--select", "non-root"])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert ("::error file=examples/deployment-web.yaml,line=26,endLine=26,col=13,"
            "endColumn=25,title=k8s-run-as-user-root%3A Pod or container sets runAsUser to 0 "
            "(root)::Deployment/web: container 'log-shipper' sets runAsUser: 0 (root); use a "
            "non-zero UID") in lines
    text = summary.read_text()
    assert text.startswith("earlier step\n## netlint\n")  # appended, not overwritten
    assert "| `k8s-container-runs-as-root` | error | 2 |" in text
    assert "| examples/deployment-web.yaml:26:13 | error | `k8s-run-as-user-root` |" in text


def test_step_summary_cells_cannot_break_the_table(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from netlint.reporters.github import _cell

    assert _cell("a | b\nc `d` <img>") == "a \\| b c \\`d\\` \\<img\\>"


# --- text output ------------------------------------------------------------------------


def test_text_output_caret_summary_statistics_and_doc_links(monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(main, ["scan", "examples", "--select", "non-root"])
    out = result.output
    assert result.exit_code == 1
    assert "    26 |             runAsUser: 0\n       |             ^^^^^^^^^^^^\n" in out
    summary = re.compile(r"Scanned 5 files \(5 documents: 1 Compose, 1 Envoy, 3 Kubernetes\)\. "
                         r"\d+ errors?(, \d+ warnings?)?(, \d+ notes?)?\.")
    assert summary.search(out)
    assert "docs/rules.md#k8s-run-as-user-root" in out
    result = CliRunner().invoke(main, ["scan", "examples", "--statistics", "--select",
                                       "non-root"])
    out = result.output
    assert result.exit_code == 1 and summary.search(out)
    assert "    2  error     k8s-container-runs-as-root" in out
    assert "runAsUser: 0" not in out  # the table instead of the findings
    quiet = CliRunner().invoke(main, ["scan", "examples", "--quiet", "--select",
                                      "non-root"]).output
    (line,) = quiet.strip().splitlines()
    assert summary.fullmatch(line)


def test_progress_bar_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    from netlint import progress

    bar = progress.ScanProgress(enabled=False)
    bar.update(0, 10_000)
    assert bar._bar is None
    bar = progress.ScanProgress(enabled=True)
    bar.update(0, progress.MIN_FILES - 1)  # small scans: no bar
    assert bar._bar is None
    monkeypatch.setattr(sys, "stderr", open(os.devnull, "w"))  # noqa: SIM115
    assert progress.ScanProgress.for_stderr().enabled is False
