"""Config and selection mistakes point at the right place and suggest the intended name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from netlint.cli import main

INGRESS = """\
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  annotations:
    example.com/cert: arn:aws:acm:eu-west-1:1:certificate/x
spec:
  rules:
    - host: web.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend: {service: {name: web, port: {number: 80}}}
"""
COMPOSE = "services:\n  web:\n    image: nginx:1.27\n    privileged: true\n"


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "ingress.yaml").write_text(INGRESS)
    (tmp_path / "compose.yaml").write_text(COMPOSE)
    return tmp_path


def _config_error(project: Path, text: str) -> str:
    cfg = project / ".netlint.yaml"
    cfg.write_text(text)
    result = run("scan", str(project))
    assert result.exit_code == 2, result.output
    return result.output.replace(str(cfg), "CFG")


def test_unknown_key_points_at_its_line_and_suggests(project: Path) -> None:
    out = _config_error(project, "select: [tls]\nfail_on: error\n")
    assert "CFG:2:1: unknown key 'fail_on'; did you mean 'fail-on'?" in out
    out = _config_error(project, "# comment\n\nselcet: [tls]\n")
    assert "CFG:3:1: unknown key 'selcet'; did you mean 'select'?" in out


def test_unknown_rule_ids_and_tags_in_the_config_name_the_file(project: Path) -> None:
    out = _config_error(project, "fail-on: error\nselect: [tls, pss-restrcted]\n")
    assert "CFG:2:15: key 'select.1': unknown rule id or tag 'pss-restrcted'; did you " \
           "mean 'pss-restricted'?" in out
    out = _config_error(project, "severity:\n  k8s-ingress-without-tsl: note\n")
    assert "CFG:2:3: key 'severity.k8s-ingress-without-tsl': unknown rule id " \
           "'k8s-ingress-without-tsl'; did you mean 'k8s-ingress-without-tls'?" in out
    out = _config_error(project, "per-path-ignores:\n  dev/*: [non-rot]\n")
    assert "CFG:2:11: key 'per-path-ignores.dev/*.0'" in out and "'non-root'?" in out


def test_params_are_checked_against_the_rules_declared_parameters(project: Path) -> None:
    out = _config_error(project, "params:\n  k8s-ingress-without-tls:\n"
                                 "    tls_annotation: [example.com/cert]\n")
    assert "CFG:3:5: key 'params.k8s-ingress-without-tls.tls_annotation': unknown " \
           "parameter 'tls_annotation'; did you mean 'tls_annotations'?" in out
    out = _config_error(project, "params:\n  k8s-ingress-without-tls:\n"
                                 "    tls_annotations: example.com/cert\n")
    assert "CFG:3:5: key 'params.k8s-ingress-without-tls.tls_annotations': " in out
    assert "is not of type 'array'" in out
    out = _config_error(project, "params:\n  parse-error: {strict: true}\n")
    assert "CFG:2:17: key 'params.parse-error.strict': rule 'parse-error' takes no " \
           "parameters" in out


def test_a_valid_params_override_changes_the_result(project: Path) -> None:
    args = ("scan", str(project / "ingress.yaml"), "--select", "k8s-ingress-without-tls",
            "--format", "json")
    assert json.loads(run(*args).output)["findings"]
    (project / ".netlint.yaml").write_text(
        "params:\n  k8s-ingress-without-tls:\n    tls_annotations: [example.com/cert]\n")
    result = run(*args)
    assert result.exit_code == 0 and json.loads(result.output)["findings"] == []


def test_explain_lists_parameters_with_defaults_and_suggests() -> None:
    out = run("explain", "k8s-ingress-without-tls").output
    assert "Parameters (override in the config" in out
    assert '  tls_annotations = ["alb.ingress.kubernetes.io/certificate-arn"' in out
    assert "Parameters: none." in run("explain", "compose-host-device").output
    result = run("explain", "k8s-ingres-without-tls")
    assert result.exit_code == 2
    assert "did you mean 'k8s-ingress-without-tls'?" in result.output


def test_select_typos_targets_and_globs(project: Path) -> None:
    result = run("scan", str(project), "--select", "pss-restrcted")
    assert result.exit_code == 2 and "did you mean 'pss-restricted'?" in result.output
    result = run("scan", str(project), "--ignore", "compose-privileged-mode")
    assert result.exit_code == 2 and "did you mean 'compose-privileged'?" in result.output
    result = run("rules", "--select", "tsl")
    assert result.exit_code == 2 and "did you mean 'tls'?" in result.output

    def rules_run(*select: str) -> set[str]:
        out = run("rules", "--format", "json", *(a for s in select for a in ("--select", s)))
        assert out.exit_code == 0, out.output
        return {(r["target"]) for r in json.loads(out.output)}

    assert rules_run("compose") == {"compose", "core"}  # core rules always run
    assert rules_run("compose-*") == {"compose", "core"}
    assert rules_run("envoy,kubernetes") == {"envoy", "kubernetes", "core"}
    scanned = json.loads(run("scan", str(project), "--select", "compose-*", "--format",
                             "json").output)
    assert {f["rule"] for f in scanned["findings"]} >= {"compose-privileged"}
    assert all(f["rule"].startswith("compose-") for f in scanned["findings"])
    result = run("scan", str(project), "--select", "compsoe-*")
    assert result.exit_code == 2 and "'compsoe-*' matches no rule id" in result.output


def test_suppression_typo_suggests_the_rule(project: Path) -> None:
    (project / "compose.yaml").write_text(
        COMPOSE.replace("privileged: true", "privileged: true  # netlint: disable="
                        "compose-privilegd needs the GPU"))
    out = json.loads(run("scan", str(project / "compose.yaml"), "--format", "json").output)
    messages = [f["message"] for f in out["findings"] if f["rule"] == "unused-suppression"]
    assert messages == ["suppression names unknown rule 'compose-privilegd'; did you mean "
                        "'compose-privileged'?"]
