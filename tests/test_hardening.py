"""A gate that cannot be fooled or turned against its users (issue 18).

Each test reproduces one attack from the hostile audit, named after it: a scan that
destroys a file, leaks a secret into a report, hangs, passes a privileged workload, or
prints forged CI commands.  Every test runs in seconds.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from netlint.cli import main

POD = ("{apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {containers: [{name: c, "
       "image: nginx, securityContext: {runAsUser: 0}}]}}\n")


def run(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    """The CLI in-process (optionally in ``cwd``): (exit code, stdout, stderr)."""
    old = os.getcwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        result = CliRunner().invoke(main, list(args), env=env,
                                                    catch_exceptions=False)
    finally:
        os.chdir(old)
    return result.exit_code, result.stdout, result.stderr


def cli(*args: str, cwd: Path, timeout: float = 30, env: dict[str, str] | None = None
        ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "netlint", *args], capture_output=True,
                          text=True, timeout=timeout, cwd=cwd,
                          env={**os.environ, **(env or {})})


# --- data loss ---------------------------------------------------------------------------


def test_output_equal_to_scanned_input_is_refused(tmp_path: Path) -> None:
    (tmp_path / "pod.yaml").write_text(POD)
    code, _, err = run("scan", "pod.yaml", "-o", "pod.yaml", cwd=tmp_path)
    assert code == 2 and "scanned input" in err
    assert (tmp_path / "pod.yaml").read_text() == POD


def test_output_resolving_to_an_input_through_a_link_is_refused(tmp_path: Path) -> None:
    (tmp_path / "pod.yaml").write_text(POD)
    (tmp_path / "report.txt").symlink_to("pod.yaml")
    os.link(tmp_path / "pod.yaml", tmp_path / "hard.txt")
    for out in ("report.txt", "hard.txt", "./sub/../pod.yaml"):
        (tmp_path / "sub").mkdir(exist_ok=True)
        code, _, err = run("scan", "pod.yaml", "-o", out, cwd=tmp_path)
        assert code == 2 and "scanned input" in err, out
    assert (tmp_path / "pod.yaml").read_text() == POD


def test_baseline_output_equal_to_input_is_refused(tmp_path: Path) -> None:
    (tmp_path / "pod.yaml").write_text(POD)
    code, _, err = run("baseline", "pod.yaml", "-o", "pod.yaml", cwd=tmp_path)
    assert code == 2 and "scanned input" in err
    assert (tmp_path / "pod.yaml").read_text() == POD


def test_failed_report_write_keeps_the_previous_file(tmp_path: Path) -> None:
    """A write that fails midway (here: a file-size limit) leaves the old file intact."""
    (tmp_path / "pod.yaml").write_text(POD)
    (tmp_path / "old.sarif").write_text("previous report\n")
    script = ("import resource, sys; resource.setrlimit(resource.RLIMIT_FSIZE, (200, 200));"
              "from netlint.cli import main; sys.argv=['netlint']+sys.argv[1:]; main()")
    proc = subprocess.run([sys.executable, "-c", script, "scan", "pod.yaml", "--format",
                           "sarif", "-o", "old.sarif"], capture_output=True, text=True,
                          cwd=tmp_path, timeout=60)
    assert proc.returncode == 2, proc.stderr
    assert "cannot write" in proc.stderr and "Traceback" not in proc.stderr
    assert (tmp_path / "old.sarif").read_text() == "previous report\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_failed_baseline_write_keeps_the_previous_baseline(tmp_path: Path) -> None:
    (tmp_path / "pod.yaml").write_text(POD)
    (tmp_path / "b.json").write_text('{"old": true}\n')
    script = ("import resource, sys; resource.setrlimit(resource.RLIMIT_FSIZE, (50, 50));"
              "from netlint.cli import main; sys.argv=['netlint']+sys.argv[1:]; main()")
    proc = subprocess.run([sys.executable, "-c", script, "baseline", "pod.yaml", "-o",
                           "b.json"], capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert proc.returncode == 2, proc.stderr
    assert (tmp_path / "b.json").read_text() == '{"old": true}\n'


def test_report_replaces_the_old_file_atomically_and_keeps_its_mode(tmp_path: Path) -> None:
    (tmp_path / "pod.yaml").write_text(POD)
    (tmp_path / "r.json").write_text("old")
    os.chmod(tmp_path / "r.json", 0o640)
    code, _, _ = run("scan", "pod.yaml", "--format", "json", "-o", "r.json", cwd=tmp_path)
    assert code == 1
    assert json.loads((tmp_path / "r.json").read_text())["findings"]
    assert (tmp_path / "r.json").stat().st_mode & 0o777 == 0o640


def test_committed_baseline_symlink_does_not_overwrite_a_file_outside(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "pod.yaml").write_text(POD)
    (repo / ".netlint-baseline.json").symlink_to("../victim.txt")
    code, _, err = run("baseline", ".", cwd=repo)
    assert code == 2 and "symbolic link" in err
    assert victim.read_text() == "precious\n"


def test_output_symlink_named_explicitly_is_written_through(tmp_path: Path) -> None:
    (tmp_path / "pod.yaml").write_text(POD)
    (tmp_path / "reports").mkdir()
    (tmp_path / "latest.json").symlink_to("reports/r.json")
    code, _, _ = run("scan", "pod.yaml", "--format", "json", "-o", "latest.json",
                     cwd=tmp_path)
    assert code == 1
    assert (tmp_path / "latest.json").is_symlink()
    assert json.loads((tmp_path / "reports" / "r.json").read_text())["findings"]


def test_output_into_a_missing_directory_or_full_device_exits_2(tmp_path: Path) -> None:
    (tmp_path / "pod.yaml").write_text(POD)
    code, _, err = run("scan", "pod.yaml", "-o", "missing/r.txt", cwd=tmp_path)
    assert code == 2 and "missing/r.txt" in err and "Traceback" not in err
    if os.path.exists("/dev/full"):
        code, _, err = run("scan", "pod.yaml", "-o", "/dev/full", cwd=tmp_path)
        assert code == 2 and "/dev/full" in err
