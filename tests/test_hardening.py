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

import pytest
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


# --- secret leaks -------------------------------------------------------------------------

LEAKY_COMPOSE = """\
services:
  web:
    image: "registry.example/${SECRET_TOKEN}:1"
    cap_add: ["${CAP_FROM_ENV}"]
    volumes: ["${SECRET_TOKEN}:/data"]
    devices: ["${SECRET_TOKEN}:/dev/x"]
    tmpfs: ["/run:${SECRET_TOKEN}"]
    ports: ["${SECRET_PORT}:80"]
    privileged: ${UNSET_PRIV:?set it like ${SECRET_TOKEN}}
"""
SECRET = "ghp_Sup3rS3cretT0ken"


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_environment_secret_never_reaches_a_report(tmp_path: Path, fmt: str) -> None:
    (tmp_path / "compose.yaml").write_text(LEAKY_COMPOSE)
    summary = tmp_path / "summary.md"
    env = {"SECRET_TOKEN": SECRET, "CAP_FROM_ENV": "SYS_ADMIN", "SECRET_PORT": "48213",
           "GITHUB_STEP_SUMMARY": str(summary)}
    code, out, err = run("scan", "compose.yaml", "--format", fmt, cwd=tmp_path, env=env)
    assert code == 1, err
    assert SECRET not in out + err and "48213" not in out + err
    assert "${SECRET_TOKEN}" in out  # the template is shown instead
    if fmt == "github":
        assert SECRET not in summary.read_text()


def test_env_file_secret_never_reaches_a_baseline(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(LEAKY_COMPOSE)
    (tmp_path / ".env").write_text(f"SECRET_TOKEN={SECRET}\nSECRET_PORT=48213\n")
    code, _, err = run("baseline", "compose.yaml", "-o", "b.json", cwd=tmp_path)
    assert code == 0, err
    text = (tmp_path / "b.json").read_text()
    assert SECRET not in text and "${SECRET_TOKEN}" in text


def _include_env_file(tmp_path: Path, env_file: str) -> Path:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "inc.yaml").write_text("services:\n  web:\n    image: ${AWS_SECRET_ACCESS_KEY}\n")
    (repo / "compose.yaml").write_text(
        f"include:\n  - path: inc.yaml\n    env_file: {env_file}\n"
        "services:\n  app:\n    image: nginx\n")
    return repo


def test_include_env_file_outside_the_repository_is_not_read(tmp_path: Path) -> None:
    (tmp_path / "credentials").write_text("AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMIK7MDENG\n")
    repo = _include_env_file(tmp_path, "../credentials")
    _code, out, _ = run("scan", ".", "--format", "json", "--compose-ignore-env", cwd=repo)
    assert "wJalrXUtnFEMIK7MDENG" not in out
    assert "outside the scanned tree" in out and "--compose-allow-outside" in out


def test_include_env_file_under_proc_is_never_read(tmp_path: Path) -> None:
    repo = _include_env_file(tmp_path, "/proc/self/environ")
    _code, out, _ = run("scan", ".", "--format", "json", "--compose-ignore-env",
                       "--compose-allow-outside", cwd=repo,
                       env={"AWS_SECRET_ACCESS_KEY": "should-not-appear-anywhere"})
    assert "should-not-appear-anywhere" not in out
    assert "special file" in out


def test_extends_file_outside_the_repository_is_not_read(tmp_path: Path) -> None:
    (tmp_path / "outside.yaml").write_text("services:\n  base:\n    image: nginx\n")
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "compose.yaml").write_text(
        "services:\n  web:\n    extends: {file: ../outside.yaml, service: base}\n")
    _, out, _ = run("scan", ".", "--format", "json", cwd=repo)
    assert "outside the scanned tree" in out
    _, out, _ = run("scan", ".", "--format", "json", "--compose-allow-outside", cwd=repo)
    assert "outside the scanned tree" not in out


def test_symlink_leaving_the_scanned_tree_is_not_read_nor_shown(tmp_path: Path) -> None:
    secret_line = "aws_access_key_id = AKIAIOSFODNN7EXAMPLE"
    (tmp_path / "credentials").write_text(f"[default]\n{secret_line}\n")
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "creds.yaml").symlink_to(tmp_path / "credentials")
    (repo / "tty.yaml").symlink_to("/dev/tty")
    code, out, err = run("scan", ".", cwd=repo)
    assert "AKIAIOSFODNN7EXAMPLE" not in out + err
    assert str(tmp_path / "credentials") not in out and "/dev/tty" not in out
    assert out.count("symbolic link to a file outside the scanned tree") == 2
    assert code == 1  # not analysed is an error


def test_parse_error_snippet_does_not_print_a_secret_looking_line(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text(
        "apiVersion: v1\nkind: Secret\n[default]\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG\n"
        "  : : bad\n")
    code, out, _ = run("scan", "bad.yaml", cwd=tmp_path)
    assert code == 1 and "parse-error" in out
    assert "wJalrXUtnFEMI" not in out


def test_relative_include_env_file_works_from_any_directory(tmp_path: Path) -> None:
    proj = tmp_path / "proj"
    (proj / "sub").mkdir(parents=True)
    (proj / "vars.env").write_text("IMAGE=nginx:1.27\n")
    (proj / "sub" / "inc.yaml").write_text("services:\n  web:\n    image: ${IMAGE}\n")
    (proj / "compose.yaml").write_text(
        "include:\n  - path: sub/inc.yaml\n    env_file: vars.env\n"
        "services:\n  app:\n    image: nginx\n")
    for cwd, target in ((tmp_path, "proj"), (proj, "."), (proj / "sub", "..")):
        _, out, _ = run("scan", target, "--format", "json", "--compose-ignore-env",
                        "--select", "compose-unset-variable,compose-unresolved-reference",
                        cwd=cwd)
        assert json.loads(out)["findings"] == [], (cwd, out)


# --- injection into terminals and CI logs ---------------------------------------------------

FORGED = "x\n::error file=README.md,line=1::forged\n::add-mask::x"
CONTROL = ["\n", "\r", "\x1b", "\x07", "\x85", "\x9b", "\u202e", "\u2066", "\u2028"]


def _injecting_pod(tmp_path: Path) -> Path:
    name = json.dumps("web" + FORGED + "\x1b]0;owned\x07\x1b[2J\x1b]8;;http://evil\x07\u202e")
    (tmp_path / "pod.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: " + name + "\nspec:\n  containers:\n"
        "  - name: " + name + "\n    image: nginx\n    securityContext: {privileged: true}\n")
    return tmp_path / "pod.yaml"


@pytest.mark.parametrize("fmt", ["text", "github"])
def test_newline_in_a_value_cannot_forge_a_workflow_command(tmp_path: Path, fmt: str) -> None:
    _injecting_pod(tmp_path)
    code, out, err = run("scan", "pod.yaml", "--format", fmt, cwd=tmp_path)
    assert code == 1, err
    assert not any(line.lstrip().startswith("::error file=README") for line in out.splitlines())
    assert not any(line.startswith("::add-mask::") for line in out.splitlines())
    if fmt == "github":
        assert all(line.startswith("::") for line in out.splitlines())


@pytest.mark.parametrize("fmt", ["text", "github"])
def test_escape_sequences_and_bidi_overrides_never_reach_the_terminal(tmp_path: Path,
                                                                      fmt: str) -> None:
    _injecting_pod(tmp_path)
    _, out, err = run("scan", "pod.yaml", "--format", fmt, cwd=tmp_path)
    for char in ("\x1b", "\x07", "\u202e", "\x85", "\u2028"):
        assert char not in out + err, repr(char)
    assert "\\x1b" in out  # shown, visibly


def test_control_characters_in_a_file_name_are_escaped_on_stdout_and_stderr(
        tmp_path: Path) -> None:
    name = "evil\n::error file=x::forged\x1b[2J.yaml"
    (tmp_path / name).write_text(POD)
    (tmp_path / "bad\x1b]0;t\x07.yaml").write_text("a: [\n")
    code, out, err = run("scan", ".", cwd=tmp_path)
    assert code == 1
    for char in CONTROL:
        assert char not in out.replace("\n", "") and char not in err.replace("\n", ""), repr(char)
    assert not any(line.startswith("::error") for line in out.splitlines())
    code, _, err = run("scan", "missing\x1b[2J\n::error::x.yaml", cwd=tmp_path)
    assert code == 2 and "\x1b" not in err and "\n::error" not in err


def test_sarif_artifact_uri_is_percent_encoded(tmp_path: Path) -> None:
    name = "my pod é\x1b.yaml"
    (tmp_path / name).write_text(POD)
    _code, out, _ = run("scan", ".", "--format", "sarif", cwd=tmp_path)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in json.loads(out)["runs"][0]["results"]}
    assert uris == {"my%20pod%20%C3%A9%1B.yaml"}


def test_sarif_is_streamed_with_the_same_text_as_the_whole_document(tmp_path: Path) -> None:
    import io

    from netlint.engine import Engine
    from netlint.options import ScanOptions
    from netlint.reporters import sarif

    (tmp_path / "pod.yaml").write_text(POD)
    (tmp_path / "bad.yaml").write_text("a: [\n")
    result = Engine(ScanOptions()).scan([str(tmp_path)])
    streamed = io.StringIO()
    sarif.render_to(result, streamed)
    assert streamed.getvalue() == sarif.render(result)
    assert json.loads(streamed.getvalue())["runs"][0]["results"]


def test_minified_json_line_cannot_amplify_text_output(tmp_path: Path) -> None:
    """Each finding printed its whole 1 MB line plus a caret line as wide as the column."""
    pods = [json.loads(json.dumps({"apiVersion": "v1", "kind": "Pod",
                                   "metadata": {"name": f"p{i}"},
                                   "spec": {"containers": [{"name": "c", "image": "nginx",
                                                            "securityContext": {
                                                                "privileged": True}}]}}))
            for i in range(300)]
    text = json.dumps({"apiVersion": "v1", "kind": "List", "items": pods},
                      separators=(",", ":"))
    (tmp_path / "list.json").write_text(text)
    code, out, _ = run("scan", "list.json", cwd=tmp_path)
    assert code == 1
    findings = out.count("list.json:1:")
    assert findings >= 300
    assert len(out) < findings * 600  # bounded per finding, not per line length
    assert max(len(line) for line in out.splitlines()) < 400


# --- evasion ------------------------------------------------------------------------------

PRIVILEGED_POD = ("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
                  "  - name: c\n    image: nginx\n    securityContext: {privileged: true}\n")


def test_padding_a_privileged_pod_past_the_size_limit_fails_the_gate(tmp_path: Path) -> None:
    (tmp_path / "pod.yaml").write_text(PRIVILEGED_POD + "#" * 2000 + "\n")
    (tmp_path / ".netlint.yaml").write_text("max-file-size: 1000\n")
    code, out, _ = run("scan", "pod.yaml", "--fail-on", "error", cwd=tmp_path)
    assert code == 1 and "file-too-large" in out and "error" in out
    # configurable: a repository may accept unanalysed large files on purpose
    (tmp_path / ".netlint.yaml").write_text(
        "max-file-size: 1000\nseverity: {file-too-large: warning}\n")
    code, _, _ = run("scan", "pod.yaml", "--fail-on", "error", cwd=tmp_path)
    assert code == 0


@pytest.mark.parametrize("rule", ["parse-error", "file-too-large", "unreadable-file"])
def test_ignoring_a_not_analysed_finding_is_refused_not_silently_accepted(
        tmp_path: Path, rule: str) -> None:
    (tmp_path / "bad.yaml").write_text("a: [\n")
    code, _, err = run("scan", "bad.yaml", "--ignore", rule, cwd=tmp_path)
    assert code == 2 and f"'{rule}' cannot be ignored" in err


@pytest.mark.parametrize("selector", ["core", "parse-*", "*"])
def test_ignoring_not_analysed_findings_by_tag_or_glob_keeps_them(
        tmp_path: Path, selector: str) -> None:
    # a recognisable manifest that does not parse: `--ignore core` must not let it pass
    (tmp_path / "pod.yaml").write_text("apiVersion: v1\nkind: Pod\nmetadata: [\n")
    code, out, err = run("scan", "pod.yaml", "--ignore", selector, "--fail-on", "error",
                         "--allow-empty", cwd=tmp_path)
    assert code == 1 and "parse-error" in out, (out, err)


def test_baselined_parse_error_does_not_hide_the_file_forever(tmp_path: Path) -> None:
    (tmp_path / "pod.yaml").write_text("a: [\n")
    run("baseline", "pod.yaml", "-o", "b.json", cwd=tmp_path)
    assert json.loads((tmp_path / "b.json").read_text())["findings"] == []
    # the "broken" file later becomes a privileged Pod that still does not parse...
    (tmp_path / "pod.yaml").write_text(PRIVILEGED_POD + "a: [\n")
    code, out, _ = run("scan", "pod.yaml", "--baseline", "b.json", cwd=tmp_path)
    assert code == 1 and "parse-error" in out


def test_baseline_written_by_an_old_version_cannot_hide_a_file_too_large(tmp_path: Path) -> None:
    from netlint.baseline import fingerprint

    (tmp_path / "pod.yaml").write_text(PRIVILEGED_POD + "#" * 2000 + "\n")
    (tmp_path / ".netlint.yaml").write_text("max-file-size: 1000\n")
    code, out, _ = run("scan", "pod.yaml", "--format", "json", cwd=tmp_path)
    fp = json.loads(out)["findings"][0]["fingerprint"]
    assert fingerprint  # the same identity baselines use
    (tmp_path / "b.json").write_text(json.dumps({"version": 1, "findings": [
        {"fingerprint": fp, "rule": "file-too-large", "path": "pod.yaml", "count": 1}]}))
    code, out, _ = run("scan", "pod.yaml", "--baseline", "b.json", cwd=tmp_path)
    assert code == 1 and "file-too-large" in out


def _k8s_pod(privileged: str, host_network: str) -> str:
    return ("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
            f"  hostNetwork: {host_network}\n  containers:\n  - name: c\n    image: nginx\n"
            f"    securityContext:\n      privileged: {privileged}\n")


@pytest.mark.parametrize("spelling", ["y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "true",
                                      "True", "TRUE", "!!bool y", "!!bool Y", '!!bool "y"',
                                      "!!bool yes"])
def test_yaml11_boolean_spellings_cannot_pass_pss_baseline(tmp_path: Path,
                                                           spelling: str) -> None:
    """Kubernetes decodes YAML with go-yaml v2: ``privileged: Y`` is ``true`` there."""
    from tests.helpers import scan

    (tmp_path / "pod.yaml").write_text(_k8s_pod(spelling, spelling))
    result = scan([str(tmp_path)], select=["pss-baseline"])
    ids = sorted({f.rule_id for f in result.findings})
    assert "pss-privileged" in ids and "pss-host-namespaces" in ids, (spelling, ids)


@pytest.mark.parametrize("spelling", ['"y"', "'Y'", "n", "N", "no", "off", "false",
                                      "!!bool n"])
def test_yaml11_false_and_quoted_spellings_are_not_privileged(tmp_path: Path,
                                                              spelling: str) -> None:
    from tests.helpers import scan

    (tmp_path / "pod.yaml").write_text(_k8s_pod(spelling, spelling))
    result = scan([str(tmp_path)], select=["pss-privileged", "pss-host-namespaces"])
    assert [f.rule_id for f in result.findings] == [], spelling


def test_compose_reads_y_as_a_string_outside_boolean_fields(tmp_path: Path) -> None:
    from netlint.yamlnodes import YAML11Bool
    from tests.helpers import scan

    (tmp_path / "compose.yaml").write_text(
        "services:\n  web:\n    image: nginx\n    command: [echo, y]\n    privileged: y\n")
    result = scan([str(tmp_path)], select=["compose-privileged"])
    assert [f.rule_id for f in result.findings] == ["compose-privileged"]
    assert YAML11Bool("y") == "y"


@pytest.mark.parametrize("spelling", ["y", "Y", "yes", "YES", "on", "On", "true", "TRUE",
                                      "tRuE"])
def test_compose_boolean_spellings_after_interpolation_are_privileged(
        tmp_path: Path, spelling: str) -> None:
    """compose-go converts y/yes/true/on in any case for boolean fields (toBoolean)."""
    from tests.helpers import scan

    (tmp_path / "compose.yaml").write_text(
        "services:\n  web:\n    image: nginx\n    privileged: ${PRIV}\n"
        "    network_mode: host\n  lit:\n    image: nginx\n"
        f"    privileged: \"{spelling}\"\n")
    (tmp_path / ".env").write_text(f"PRIV={spelling}\n")
    result = scan([str(tmp_path)], select=["compose-privileged"], compose_ignore_env=True)
    assert sorted(f.message for f in result.findings) == [
        "service 'lit' sets privileged: true", "service 'web' sets privileged: true"], spelling


@pytest.mark.parametrize("spelling", ["n", "N", "no", "off", "false", "1", "0"])
def test_compose_false_spellings_are_not_privileged(tmp_path: Path, spelling: str) -> None:
    from tests.helpers import scan

    (tmp_path / "compose.yaml").write_text(
        f"services:\n  web:\n    image: nginx\n    privileged: \"{spelling}\"\n")
    result = scan([str(tmp_path)], select=["compose-privileged"])
    assert result.findings == [], spelling


def test_included_service_sharing_the_includers_name_is_still_checked(tmp_path: Path) -> None:
    (tmp_path / "evil").mkdir()
    (tmp_path / "evil" / "extra.yaml").write_text(
        "services:\n  web:\n    image: nginx\n    privileged: true\n")
    (tmp_path / "compose.yaml").write_text(
        "include: [evil/extra.yaml]\nservices:\n  web:\n    image: nginx\n")
    code, out, _ = run("scan", "compose.yaml", "--select", "compose-privileged,"
                       "compose-unresolved-reference", "--format", "json", cwd=tmp_path)
    findings = json.loads(out)["findings"]
    assert code == 1
    assert {(f["rule"], f["path"]) for f in findings} == {
        ("compose-privileged", "evil/extra.yaml"),
        ("compose-unresolved-reference", "compose.yaml")}


def test_interpolation_nested_past_the_limit_is_reported_not_kept_literal(
        tmp_path: Path) -> None:
    value = "true"
    for i in range(40):
        value = f"${{V{i}:-{value}}}"
    (tmp_path / "compose.yaml").write_text(
        f"services:\n  web:\n    image: nginx\n    privileged: \"{value}\"\n")
    code, out, _ = run("scan", "compose.yaml", "--format", "json", "--compose-ignore-env",
                       cwd=tmp_path)
    rules = {f["rule"] for f in json.loads(out)["findings"]}
    assert code == 1
    assert "compose-privileged" in rules or "compose-unset-variable" in rules or (
        "compose-unresolved-reference" in rules), rules


# --- hangs and resource exhaustion ----------------------------------------------------------

KILLED_WORKER_SCRIPT = """
import sys
from netlint import parallel
from tests import kill_worker
parallel._real_check_chunk = parallel._check_chunk
parallel._check_chunk = kill_worker.scan_or_die
from netlint.cli import main
sys.argv = ["netlint", "scan", sys.argv[1], "--jobs", "2", "--format", "json"]
main()
"""


def test_killed_worker_process_is_reported_not_waited_for_forever(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    tree.mkdir()
    for i in range(60):
        (tree / f"pod{i:02}.yaml").write_text(POD)
    (tree / "die.yaml").write_text(POD)
    root = Path(__file__).resolve().parent.parent
    proc = subprocess.run([sys.executable, "-c", KILLED_WORKER_SCRIPT, str(tree)],
                          capture_output=True, text=True, timeout=60, cwd=root)
    assert proc.returncode == 2, proc.stderr
    assert "worker process died" in proc.stderr
    lost = [f for f in json.loads(proc.stdout)["findings"] if f["rule"] == "internal-error"]
    assert any(f["path"].endswith("die.yaml") for f in lost)
    assert all("worker process died" in f["message"] for f in lost)


def _timed_scan(*args: str, cwd: Path, limit: float) -> tuple[int, str, str]:
    import time

    start = time.perf_counter()
    code, out, err = run(*args, cwd=cwd)
    elapsed = time.perf_counter() - start
    assert elapsed < limit, f"took {elapsed:.1f} s"
    return code, out, err


def test_fifo_named_yaml_in_a_scanned_folder_does_not_block(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.yaml")
    (tmp_path / "pod.yaml").write_text(POD)
    proc = cli("scan", ".", "--format", "json", cwd=tmp_path, timeout=30)
    assert proc.returncode == 1
    findings = json.loads(proc.stdout)["findings"]
    pipe = [f for f in findings if f["path"] == "pipe.yaml"]
    assert [f["rule"] for f in pipe] == ["unreadable-file"]
    assert "not a regular file" in pipe[0]["message"]


def test_symlink_to_dev_stdin_named_on_the_command_line_does_not_block(tmp_path: Path) -> None:
    (tmp_path / "in.yaml").symlink_to("/dev/stdin")
    proc = subprocess.run([sys.executable, "-m", "netlint", "scan", "in.yaml"],
                          capture_output=True, text=True, timeout=30, cwd=tmp_path,
                          stdin=subprocess.PIPE)
    assert proc.returncode == 1 and "not a regular file" in proc.stdout


def test_exponential_compose_include_fan_out_is_loaded_once_per_file(tmp_path: Path) -> None:
    depth, fan = 10, 12
    for level in range(depth):
        entries = "".join(f"  - level{level + 1}.yaml\n" for _ in range(fan))
        include = f"include:\n{entries}" if level + 1 < depth else ""
        (tmp_path / f"level{level}.yaml").write_text(
            f"{include}services:\n  s{level}:\n    image: nginx\n    privileged: true\n")
    (tmp_path / "compose.yaml").write_text("include: [level0.yaml]\nservices:\n"
                                           "  app:\n    image: nginx\n")
    _code, out, _ = _timed_scan("scan", "compose.yaml", "--select", "compose-privileged",
                               "--format", "json", cwd=tmp_path, limit=10)
    paths = sorted(f["path"] for f in json.loads(out)["findings"])
    assert paths == sorted(f"level{i}.yaml" for i in range(depth))


def test_alias_amplification_of_a_long_string_is_bounded_by_bytes(tmp_path: Path) -> None:
    big = "x" * 1_000_000
    aliases = "".join("      - *big\n" for _ in range(1000))
    (tmp_path / "compose.yaml").write_text(
        f"x-big: &big \"{big}\"\nservices:\n  web:\n    image: nginx\n    command:\n{aliases}")
    code, out, _ = _timed_scan("scan", "compose.yaml", "--format", "json", cwd=tmp_path,
                               limit=15)
    assert code == 1
    assert [f["rule"] for f in json.loads(out)["findings"]] == ["yaml-alias-bomb"]


def test_interpolation_amplification_is_bounded(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("BIG=" + "x" * 2_000_000 + "\n")
    refs = "${BIG}" * 1000
    (tmp_path / "compose.yaml").write_text(
        f"services:\n  web:\n    image: nginx\n    privileged: \"{refs}\"\n")
    _code, out, _ = _timed_scan("scan", "compose.yaml", "--format", "json",
                               "--compose-ignore-env", cwd=tmp_path, limit=15)
    messages = [f["message"] for f in json.loads(out)["findings"]]
    assert any("longer than" in m for m in messages), messages


def test_dotenv_with_many_variables_is_parsed_in_linear_time() -> None:
    import time

    from netlint.loaders.compose_interp import parse_dotenv

    text = "".join(f"V{i}=value{i}\n" for i in range(100_000)) + "LAST=${V99999}\n"
    start = time.perf_counter()
    values = parse_dotenv(text)
    assert time.perf_counter() - start < 5
    assert values["LAST"] == "value99999" and len(values) == 100_001


def test_extends_from_another_file_is_interpolated_once_not_per_service(
        tmp_path: Path) -> None:
    services = "".join(f"  base{i}:\n    image: nginx:${{TAG}}\n" for i in range(3000))
    (tmp_path / "base.yaml").write_text("services:\n" + services)
    users = "".join(f"  s{i}:\n    extends: {{file: base.yaml, service: base{i}}}\n"
                    for i in range(3000))
    (tmp_path / "compose.yaml").write_text("services:\n" + users)
    (tmp_path / ".env").write_text("TAG=1.27\n")
    code, _out, err = _timed_scan("scan", "compose.yaml", "--select", "compose-privileged",
                                 "--compose-ignore-env", "--format", "json", cwd=tmp_path,
                                 limit=20)
    assert code == 0, err


def test_jobs_from_a_repository_config_are_capped_at_the_cores(tmp_path: Path) -> None:
    from netlint.parallel import available_cores, effective_jobs

    (tmp_path / ".netlint.yaml").write_text("jobs: 100\n")
    (tmp_path / "pod.yaml").write_text(POD)
    _, _, err = run("scan", "pod.yaml", cwd=tmp_path)
    assert f"jobs 100 capped at the {available_cores()} available core" in err
    assert effective_jobs(100, 10_000) <= available_cores()


def test_huge_max_file_size_does_not_allocate_it_up_front(tmp_path: Path) -> None:
    (tmp_path / ".netlint.yaml").write_text("max-file-size: 100000000000\n")
    (tmp_path / "pod.yaml").write_text(POD)
    code, out, err = run("scan", "pod.yaml", "--format", "json", cwd=tmp_path)
    assert code == 1, err
    assert "internal-error" not in out and json.loads(out)["findings"]


# --- crashes and exit codes ----------------------------------------------------------------


def _no_traceback(code: int, err: str, *needles: str) -> None:
    assert code == 2, err
    assert "Traceback" not in err
    for needle in needles:
        assert needle in err, (needle, err)


def test_non_utf8_config_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / ".netlint.yaml").write_bytes(b"select: [core]\n# \xff\xfe\n")
    (tmp_path / "pod.yaml").write_text(POD)
    code, _, err = run("scan", "pod.yaml", cwd=tmp_path)
    _no_traceback(code, err, ".netlint.yaml", "UTF-8")


def test_non_utf8_pyproject_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_bytes(b"[tool.netlint]\n# \xff\n")
    (tmp_path / "pod.yaml").write_text(POD)
    code, _, err = run("scan", "pod.yaml", cwd=tmp_path)
    _no_traceback(code, err, "pyproject.toml")


def test_non_utf8_rule_file_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "mine.yaml").write_bytes(b"id: mine\n# \xff\n")
    (tmp_path / "pod.yaml").write_text(POD)
    code, _, err = run("scan", "pod.yaml", "--rules", "rules", cwd=tmp_path)
    _no_traceback(code, err, "mine.yaml", "UTF-8")


def test_deeply_nested_baseline_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "pod.yaml").write_text(POD)
    (tmp_path / "b.json").write_text("[" * 100_000 + "]" * 100_000)
    code, _, err = run("scan", "pod.yaml", "--baseline", "b.json", cwd=tmp_path)
    _no_traceback(code, err, "b.json", "not a netlint baseline")


@pytest.mark.parametrize("params", [
    "params: {compose-literal-secret: {key_pattern: 42}}",
    "params: {compose-literal-secret: {key_pattern: '(unclosed'}}",
    "params: {compose-service-unrestricted-egress: {proxy_pattern: '[z-a]'}}",
    "params: {no-such-rule: {x: 1}}",
])
def test_wrong_params_in_config_are_one_config_error_not_internal_errors(
        tmp_path: Path, params: str) -> None:
    (tmp_path / ".netlint.yaml").write_text(params + "\n")
    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    image: nginx\n")
    code, out, err = run("scan", "compose.yaml", cwd=tmp_path)
    _no_traceback(code, err, ".netlint.yaml", "params.")
    assert "internal-error" not in out


def _user_rule(tmp_path: Path, template: str) -> None:
    (tmp_path / "rules").mkdir(exist_ok=True)
    (tmp_path / "rules" / "mine.yaml").write_text(
        "id: mine\ntitle: A user rule with a template\nseverity: error\n"
        "security-severity: 5.0\ntags: [custom]\n"
        f"target: kubernetes\ntemplate: {template}\n"
        "docs:\n  what: A rule that tests which templates a user rule may use.\n"
        "  why: A rule that never runs would pass every file without a word.\n"
        "  example: 'kind: Pod'\n  use_instead: 'kind: Pod'\n  references: []\n"
        "  no-references-reason: a test rule with no documentation page\n")


@pytest.mark.parametrize("template", ["base", "builtin", "_netpol"])
def test_user_rule_with_a_template_that_cannot_run_is_refused(tmp_path: Path,
                                                              template: str) -> None:
    _user_rule(tmp_path, template)
    (tmp_path / "pod.yaml").write_text(POD)
    code, out, err = run("scan", "pod.yaml", "--rules", "rules", cwd=tmp_path)
    _no_traceback(code, err, "mine.yaml", "template")
    assert "internal-error" not in out


def test_ctrl_c_exits_130_not_1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from netlint.engine import Engine

    def interrupted(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(Engine, "scan", interrupted)
    (tmp_path / "pod.yaml").write_text(POD)
    code, _, err = run("scan", "pod.yaml", cwd=tmp_path)
    assert code == 130 and "interrupted" in err


def test_unexpected_crash_exits_2_not_1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from netlint.engine import Engine

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("boom\x1b[2J")

    monkeypatch.setattr(Engine, "scan", broken)
    (tmp_path / "pod.yaml").write_text(POD)
    code, _, err = run("scan", "pod.yaml", cwd=tmp_path)
    assert code == 2 and "internal error: RuntimeError: boom" in err and "\x1b" not in err


# --- one line model -------------------------------------------------------------------------


@pytest.mark.parametrize("brk", ["\n", "\r\n", "\r", "\x85", "\u2028", "\u2029"])
def test_every_line_break_libyaml_counts_keeps_findings_on_their_line(tmp_path: Path,
                                                                      brk: str) -> None:
    from tests.helpers import scan

    text = brk.join([
        "apiVersion: v1", "kind: Pod", "metadata:", "  name: p",
        "  annotations: {note: \"before\"}", "spec:", "  containers:", "  - name: c",
        "    image: nginx", "    securityContext:",
        "      privileged: true  # netlint: disable=pss-privileged",
        "  - name: d", "    image: nginx", "    securityContext:",
        "      privileged: true", ""])
    (tmp_path / "pod.yaml").write_bytes(text.encode("utf-8"))
    result = scan([str(tmp_path)], select=["pss-privileged"])
    assert [(f.span.start_line, f.span.start_column) for f in result.findings] == [(15, 7)]
    source = result.sources[result.findings[0].path]
    assert source.line_text(15) == "      privileged: true"
    assert len(result.suppressed) == 1 and result.suppressed[0].span.start_line == 11


@pytest.mark.parametrize("brk", ["\x85", "\u2028", "\u2029"])
def test_line_separator_inside_a_value_does_not_shift_later_findings(tmp_path: Path,
                                                                     brk: str) -> None:
    from tests.helpers import scan

    (tmp_path / "pod.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n"
        f"  annotations: {{note: \"a{brk}b\"}}\nspec:\n  containers:\n  - name: c\n"
        "    image: nginx\n"
        "    securityContext: {privileged: true}  # netlint: disable=pss-privileged\n"
        "  - name: d\n    image: nginx\n    securityContext: {privileged: true}\n",
        encoding="utf-8")
    result = scan([str(tmp_path)], select=["pss-privileged"])
    (finding,) = result.findings
    source = result.sources[finding.path]
    # wherever the parser puts it, the line shown is the one the finding is about
    assert "privileged: true" in source.line_text(finding.span.start_line)
    assert "disable" not in source.line_text(finding.span.start_line)
    assert len(result.suppressed) == 1


def test_egress_table_escapes_names_from_scanned_files(tmp_path: Path) -> None:
    (tmp_path / "pod.yaml").write_text(
        'apiVersion: v1\nkind: Pod\nmetadata: {name: "web\\e]0;owned\\a\\n::error::x"}\n'
        "spec: {containers: [{name: c, image: nginx}]}\n")
    code, out, err = run("egress", "pod.yaml", cwd=tmp_path)
    assert code == 0, err
    assert "\x1b" not in out and "\x07" not in out and "\n::error" not in out


def test_output_equal_to_a_context_file_or_the_config_is_refused(tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "pod.yaml").write_text(POD)
    (tmp_path / "policy.yaml").write_text("kind: NetworkPolicy\n")
    (tmp_path / ".netlint.yaml").write_text("select: [core, pss-baseline]\n")
    for out in ("policy.yaml", ".netlint.yaml"):
        code, _, err = run("scan", "app", "--context", ".", "-o", out, cwd=tmp_path)
        assert code == 2 and "scanned input" in err, out
    assert (tmp_path / "policy.yaml").read_text() == "kind: NetworkPolicy\n"


def test_caret_for_a_span_as_wide_as_a_huge_line_costs_only_the_window() -> None:
    import time

    from netlint.findings import Finding, Severity
    from netlint.load import ScanStats
    from netlint.reporters.text import SNIPPET_WIDTH, _snippet
    from netlint.resolve import ScanResult
    from netlint.source import Source, Span

    line = "x" * 5_000_000
    source = Source("big.json", line)
    findings = [Finding("big.json", Span(1, 1 + i, 1, len(line) + 1), "r", "m",
                        Severity.ERROR) for i in range(200)]
    result = ScanResult(findings, ScanStats(), {}, {"big.json": source})
    start = time.perf_counter()
    shown, caret = _snippet(result, findings)
    assert time.perf_counter() - start < 2
    assert len(shown.plain) < SNIPPET_WIDTH + 20 and len(caret.plain) < SNIPPET_WIDTH + 20


def test_alias_bomb_cannot_suppress_its_own_finding_with_a_comment(tmp_path: Path) -> None:
    bomb = "# netlint: disable-file=yaml-alias-bomb,all\na: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for i in range(1, 9):
        prev = "a" if i == 1 else f"l{i - 1}"
        bomb += f"l{i}: &l{i} [" + ", ".join(f"*{prev}" for _ in range(10)) + "]\n"
    (tmp_path / "pod.yaml").write_text(PRIVILEGED_POD.replace("metadata", bomb + "metadata"))
    code, out, _ = run("scan", "pod.yaml", "--format", "json", cwd=tmp_path)
    assert code == 1
    assert "yaml-alias-bomb" in [f["rule"] for f in json.loads(out)["findings"]]
