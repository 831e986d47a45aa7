"""Baselines: ``netlint baseline`` records findings by a line-independent fingerprint;
``netlint scan --baseline`` reports only new ones and counts stale entries."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator

from netlint.cli import main
from netlint.registry import schema

POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  securityContext:
    runAsNonRoot: true
  containers:
    - name: app
      image: nginx:1.27
      securityContext:
        runAsUser: 0
    - name: sidecar
      image: busybox:1.36
      securityContext:
        runAsUser: 1000
"""


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def _scan_json(path: Path, baseline: Path) -> dict:  # type: ignore[type-arg]
    code, out = _run("scan", str(path), "--baseline", str(baseline), "--format", "json",
                     "--select", "k8s-run-as-user-root")
    data = json.loads(out)
    Draft202012Validator(schema("report.schema.json")).validate(data)
    assert code == (1 if data["findings"] else 0)
    return data  # type: ignore[no-any-return]


@pytest.fixture
def recorded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()  # the repository root fingerprints are relative to
    pod = tmp_path / "pod.yaml"
    pod.write_text(POD)
    baseline = tmp_path / ".netlint-baseline.json"
    code, out = _run("baseline", "pod.yaml", "--select", "k8s-run-as-user-root")
    assert code == 0, out
    assert "recorded 1 finding in .netlint-baseline.json" in out
    data = json.loads(baseline.read_text())
    assert [e["rule"] for e in data["findings"]] == ["k8s-run-as-user-root"]
    assert data["findings"][0]["path"] == "pod.yaml"
    return pod, baseline


def test_unchanged_file_reports_nothing_new(recorded: tuple[Path, Path]) -> None:
    pod, baseline = recorded
    data = _scan_json(pod, baseline)
    assert data["findings"] == []
    assert data["summary"]["baselined"] == 1
    assert data["summary"]["baseline_stale"] == 0


def test_moving_lines_does_not_resurrect_findings(recorded: tuple[Path, Path]) -> None:
    pod, baseline = recorded
    moved = POD.replace("metadata:\n  name: web\n",
                        "metadata:\n  name: web\n  labels:\n    app: web\n    tier: front\n")
    # and the containers swap places
    app, sidecar = moved.split("    - name: sidecar\n")
    head, app_item = app.split("    - name: app\n")
    pod.write_text(head + "    - name: sidecar\n" + sidecar + "    - name: app\n" + app_item)
    data = _scan_json(pod, baseline)
    assert data["findings"] == [], data["findings"]
    assert data["summary"]["baselined"] == 1


def test_editing_the_offending_value_is_a_new_finding(recorded: tuple[Path, Path]) -> None:
    pod, baseline = recorded
    # still root, written differently: the reviewer should look again
    pod.write_text(POD.replace("runAsUser: 0", "runAsUser: 00"))
    data = _scan_json(pod, baseline)
    assert [f["rule"] for f in data["findings"]] == ["k8s-run-as-user-root"]
    assert data["summary"]["baselined"] == 0
    assert data["summary"]["baseline_stale"] == 1


def test_a_second_offender_is_new(recorded: tuple[Path, Path]) -> None:
    pod, baseline = recorded
    pod.write_text(POD.replace("runAsUser: 1000", "runAsUser: 0"))
    data = _scan_json(pod, baseline)
    assert [(f["rule"], f["line"]) for f in data["findings"]] == [("k8s-run-as-user-root", 16)]
    assert data["summary"]["baselined"] == 1


def test_deleting_the_finding_makes_the_entry_stale(recorded: tuple[Path, Path]) -> None:
    pod, baseline = recorded
    pod.write_text(POD.replace("runAsUser: 0", "runAsUser: 1001"))
    code, out = _run("scan", str(pod), "--baseline", str(baseline), "--select",
                     "k8s-run-as-user-root")
    assert code == 0, out
    assert "No findings." in out
    assert "0 in the baseline" in out
    assert "1 baseline entry matched nothing" in out


def test_identical_offenders_are_counted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                         ) -> None:
    monkeypatch.chdir(tmp_path)
    twice = POD + "---\n" + POD  # the same object twice: same fingerprint, count 2
    (tmp_path / "pod.yaml").write_text(twice)
    assert _run("baseline", "pod.yaml", "--select", "k8s-run-as-user-root")[0] == 0
    data = json.loads((tmp_path / ".netlint-baseline.json").read_text())
    assert [e["count"] for e in data["findings"]] == [2]
    (tmp_path / "pod.yaml").write_text(twice + "---\n" + POD)
    result = _scan_json(tmp_path / "pod.yaml", tmp_path / ".netlint-baseline.json")
    assert len(result["findings"]) == 1
    assert result["summary"]["baselined"] == 2


def test_bad_baseline_file_is_a_usage_error(tmp_path: Path) -> None:
    pod = tmp_path / "pod.yaml"
    pod.write_text(POD)
    bad = tmp_path / "b.json"
    bad.write_text('{"findings": 3}')
    code, out = _run("scan", str(pod), "--baseline", str(bad))
    assert code == 2
    assert "not a netlint baseline" in out
