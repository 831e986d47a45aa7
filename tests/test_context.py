"""``--context``: extra files join the project for cross-file rules, but findings are
reported only in the files named on the command line."""

from __future__ import annotations

import types
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from netlint.check import Checker
from netlint.cli import main
from netlint.engine import Engine
from netlint.findings import Severity
from netlint.options import ScanOptions
from netlint.registry import Rule, load_rules
from netlint.templates.base import Project, RuleContext, Violation


def _isolation_template() -> types.ModuleType:
    """A project-scope check: a Deployment with no NetworkPolicy in its namespace."""
    module = types.ModuleType("fake_isolation")

    def check_project(project: Project, params: Mapping[str, Any], ctx: RuleContext
                      ) -> Iterator[Violation]:
        docs = list(project.of_kind("kubernetes"))
        isolated = {d.value.get("metadata", {}).get("namespace") for d in docs
                    if d.value.get("kind") == "NetworkPolicy"}
        for d in docs:
            if d.value.get("kind") == "Deployment" and (
                    d.value["metadata"].get("namespace") not in isolated):
                yield Violation(("metadata", "name"), "no NetworkPolicy isolates it", doc=d)

    module.SCOPE = "project"  # type: ignore[attr-defined]
    module.check_project = check_project  # type: ignore[attr-defined]
    return module


def _engine() -> Engine:
    rules = dict(load_rules())
    rules["fake-isolation"] = Rule(
        id="fake-isolation", title="Deployment not isolated", severity=Severity.WARNING,
        security_severity=5.0, tags=("security",), target="kubernetes",
        template="fake-isolation", params={}, docs={}, file="<test>",
        _module=[_isolation_template()],
    )
    return Engine(ScanOptions(select=["fake-isolation"]), rules=rules)


def _deployment(name: str, ns: str) -> str:
    return (f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n"
            f"  namespace: {ns}\nspec: {{}}\n")


POLICY = ("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: deny\n"
          "  namespace: shop\nspec:\n  podSelector: {}\n")


def test_policy_in_a_context_file_isolates_a_changed_deployment(tmp_path: Path) -> None:
    (tmp_path / "web.yaml").write_text(_deployment("web", "shop"))
    (tmp_path / "policy.yaml").write_text(POLICY)
    web = str(tmp_path / "web.yaml")
    assert [f.rule_id for f in _engine().scan([web]).findings] == ["fake-isolation"]
    assert _engine().scan([web], context=[str(tmp_path)]).findings == []


def test_findings_in_context_files_are_not_reported(tmp_path: Path) -> None:
    (tmp_path / "web.yaml").write_text(_deployment("web", "shop"))
    (tmp_path / "other.yaml").write_text(_deployment("other", "billing"))
    (tmp_path / "broken.yaml").write_text("a: [\n")  # a parse error in context: not ours
    result = _engine().scan([str(tmp_path / "web.yaml")], context=[str(tmp_path)])
    assert [Path(f.path).name for f in result.findings] == ["web.yaml"]
    assert result.stats.files == 1  # the summary counts only the reported files
    # a file named on the command line and also under --context is reported
    both = _engine().scan([str(tmp_path / "other.yaml"), str(tmp_path / "web.yaml")],
                          context=[str(tmp_path)])
    assert sorted(Path(f.path).name for f in both.findings) == ["other.yaml", "web.yaml"]


def test_document_rules_do_not_run_on_context_files(tmp_path: Path) -> None:
    bad = ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n"
           "    - name: a\n      image: x\n      securityContext:\n        runAsUser: 0\n")
    (tmp_path / "bad.yaml").write_text(bad)
    (tmp_path / "values.yaml").write_text("replicas: 1\n")
    result = CliRunner().invoke(main, ["scan", "--allow-empty", "--context", str(tmp_path),
                                       str(tmp_path / "values.yaml")])
    assert result.exit_code == 0, result.output
    assert "bad.yaml" not in result.output


def test_context_is_not_read_without_cross_file_rules(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "web.yaml").write_text(_deployment("web", "shop"))
    (tmp_path / "policy.yaml").write_text(POLICY)
    engine = Engine(ScanOptions(select=["k8s-run-as-user-root"]))
    assert not engine.plan.has_project_rules()
    assert _engine().plan.has_project_rules()

    def fail(*args: object) -> None:
        raise AssertionError("context files were read")

    monkeypatch.setattr(Checker, "load_context", fail)
    engine.scan([str(tmp_path / "web.yaml")], context=[str(tmp_path)])
