from __future__ import annotations

import sys
import types
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from netlint.engine import Engine
from netlint.options import ScanOptions
from netlint.registry import load_rules
from netlint.templates.base import Violation

POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
    - name: app
      image: nginx
"""


@pytest.fixture
def broken_template(monkeypatch: pytest.MonkeyPatch) -> str:
    module = types.ModuleType("netlint.templates.explodes")
    module.TARGETS = ("kubernetes",)  # type: ignore[attr-defined]

    def check(doc: Any, params: Any, ctx: Any) -> Iterator[Violation]:
        yield Violation(("metadata",), "first one is fine")
        raise KeyError("boom")

    module.check = check  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "netlint.templates.explodes", module)
    return "explodes"


def test_rule_exception_becomes_internal_error_and_scan_goes_on(
    tmp_path: Path, broken_template: str
) -> None:
    (tmp_path / "pod.yaml").write_text(POD)
    rules = load_rules()
    base = rules["k8s-container-runs-as-root"]
    rules["exploding-rule"] = replace(base, id="exploding-rule", template=broken_template,
                                      same_defect_as=(), _module=[])
    options = ScanOptions(select=["non-root", "exploding-rule"])
    result = Engine(options, rules=rules).scan([str(tmp_path)])
    by_rule = {f.rule_id: f for f in result.findings}
    assert "internal-error" in by_rule
    assert "exploding-rule" in by_rule["internal-error"].message
    assert "KeyError" in by_rule["internal-error"].message
    assert "k8s-container-runs-as-root" in by_rule  # other rules still ran


def test_findings_are_sorted_deterministically(tmp_path: Path) -> None:
    for name in ("b.yaml", "a.yaml"):
        (tmp_path / name).write_text(POD + "---\n" + POD.replace("name: p", "name: q"))
    first = Engine(ScanOptions()).scan([str(tmp_path)]).findings
    second = Engine(ScanOptions()).scan([str(tmp_path / "b.yaml"), str(tmp_path / "a.yaml")])
    assert first == sorted(first)
    assert first == second.findings


def test_same_defect_is_reported_once(tmp_path: Path) -> None:
    (tmp_path / "pod.yaml").write_text(POD)
    rules = load_rules()
    twin = replace(rules["k8s-container-runs-as-root"], id="twin-rule", same_defect_as=(),
                   _module=[])
    rules["twin-rule"] = twin
    rules["k8s-container-runs-as-root"] = replace(
        rules["k8s-container-runs-as-root"], same_defect_as=("twin-rule",), _module=[])
    result = Engine(ScanOptions(select=["non-root", "twin-rule"]), rules=rules).scan(
        [str(tmp_path)])
    assert [f.rule_id for f in result.findings] == ["twin-rule"]


def test_skipped_and_failed_files_are_counted(tmp_path: Path) -> None:
    (tmp_path / "pod.yaml").write_text(POD)
    (tmp_path / "values.yaml").write_text("replicaCount: 2\n")
    # broken and recognisably a manifest: failed (other broken YAML is skipped, skips.py)
    (tmp_path / "broken.yaml").write_text("apiVersion: v1\nkind: Pod\nspec: [\n")
    stats = Engine(ScanOptions()).scan([str(tmp_path)]).stats
    assert (stats.files, stats.files_skipped, stats.files_failed) == (3, 1, 1)
    assert stats.documents == {"kubernetes": 1}


def test_suppression_comment_on_line_above_and_file_level(tmp_path: Path) -> None:
    above = POD.replace("    - name: app\n",
                        "    # netlint: disable=k8s-container-runs-as-root reviewed\n"
                        "    - name: app\n")
    (tmp_path / "above.yaml").write_text(above)
    (tmp_path / "file.yaml").write_text("# netlint: disable-file=k8s-container-runs-as-root\n"
                                        + POD)
    result = Engine(ScanOptions(select=["non-root", "unused-suppression"])).scan([str(tmp_path)])
    assert result.findings == []
    assert len(result.suppressed) == 2
    assert result.suppressed[0].suppression_reason in ("reviewed", "")


def test_suppressing_either_twin_rule_silences_the_reported_defect(tmp_path: Path) -> None:
    pod = POD.replace("spec:\n", "spec:\n  securityContext:\n    runAsNonRoot: true\n"
                      "    runAsUser: 0  # netlint: disable=k8s-run-as-user-root legacy\n", 1)
    (tmp_path / "pod.yaml").write_text(pod)
    # with every rule on, the defect is reported as pss-run-as-user; the suppression that
    # names the non-root rule still covers it and is not reported as unused
    result = Engine(ScanOptions()).scan([str(tmp_path)])
    assert not [f for f in result.findings
                if f.rule_id in ("pss-run-as-user", "k8s-run-as-user-root", "unused-suppression")]
    assert [f.rule_id for f in result.suppressed] == ["pss-run-as-user"]
