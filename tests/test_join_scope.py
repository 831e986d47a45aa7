"""Cross-file joins are scoped: policies, Namespaces and workloads join within one unit."""

from __future__ import annotations

from pathlib import Path

import pytest

from netlint.config import apply_config
from netlint.engine import Engine
from netlint.model.units import COMMAND_LINE, Units
from netlint.options import ScanOptions

DENY = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: shop}
spec:
  podSelector: {}
  policyTypes: [Egress]
"""
POD = """\
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop}
spec:
  containers: [{name: web, image: web:1}]
"""


def _tree(root: Path) -> None:
    (root / "deploy").mkdir()
    (root / "tests").mkdir()
    (root / "deploy" / "pod.yaml").write_text(POD)
    (root / "tests" / "deny.yaml").write_text(DENY)


def _unisolated(paths: list[str], **options: object) -> list[str]:
    result = Engine(ScanOptions(select=["workload-egress-not-isolated"],
                                **options)).scan(paths)  # type: ignore[arg-type]
    return [f.path for f in result.findings]


def test_markers_make_units_and_scan_scope_joins_everything(tmp_path: Path) -> None:
    _tree(tmp_path)
    # no marker: the scanned directory is one unit, the policy isolates the pod
    assert _unisolated([str(tmp_path)]) == []
    (tmp_path / "tests" / ".netlint.yaml").write_text("{}\n")
    # tests/ is its own unit now: its default deny no longer isolates deploy/
    assert _unisolated([str(tmp_path)]) == [str(tmp_path / "deploy" / "pod.yaml")]
    assert _unisolated([str(tmp_path)], join_scope="scan") == []
    # globs: each forms one unit
    assert _unisolated([str(tmp_path)], join_scope=["*/deploy/*", "*/tests/*"]) != []
    assert _unisolated([str(tmp_path)], join_scope=["*.yaml"]) == []


def test_each_scanned_directory_is_a_unit_and_command_line_files_share_one(
        tmp_path: Path) -> None:
    _tree(tmp_path)
    # two directory arguments: two units
    assert _unisolated([str(tmp_path / "deploy"), str(tmp_path / "tests")]) == [
        str(tmp_path / "deploy" / "pod.yaml")]
    # files named one by one (pre-commit): one unit
    assert _unisolated([str(tmp_path / "deploy" / "pod.yaml"),
                        str(tmp_path / "tests" / "deny.yaml")]) == []
    # a changed file with its repository as context joins like a scan of the repository
    result = Engine(ScanOptions(select=["workload-egress-not-isolated"])).scan(
        [str(tmp_path / "deploy" / "pod.yaml")], context=[str(tmp_path)])
    assert result.findings == []


def test_units_resolve_nearest_marker_within_the_scanned_directory(tmp_path: Path) -> None:
    (tmp_path / "chart" / "templates").mkdir(parents=True)
    (tmp_path / "chart" / "Chart.yaml").write_text("name: c\n")
    (tmp_path / "kustomization.yaml").write_text("resources: []\n")
    units = Units("unit", [str(tmp_path / "chart")])
    # the scanned directory bounds the walk: the kustomization above it is not consulted
    assert units.unit_of(str(tmp_path / "chart" / "templates" / "a.yaml")) == str(
        tmp_path / "chart")
    units = Units("unit", [str(tmp_path)])
    assert units.unit_of(str(tmp_path / "chart" / "templates" / "a.yaml")) == str(
        tmp_path / "chart")
    assert units.unit_of(str(tmp_path / "other.yaml")) == str(tmp_path)
    assert Units("unit", []).unit_of("<stdin>") == COMMAND_LINE
    assert Units("scan", []).unit_of(str(tmp_path / "x.yaml")) == ""


@pytest.mark.parametrize("value", ["unit", "scan", ["overlays/*", "base/*"]])
def test_join_scope_config_key(value: object, tmp_path: Path) -> None:
    options = apply_config(ScanOptions(), {"join-scope": value, "clouds": ["alibaba"]},
                           str(tmp_path))
    assert options.join_scope == value and options.clouds == ["alibaba"]


def test_join_scope_config_is_validated(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from netlint.cli import main

    (tmp_path / "pod.yaml").write_text(POD)
    (tmp_path / ".netlint.yaml").write_text("join-scope: everything\n")
    result = CliRunner().invoke(main, ["scan", str(tmp_path)])
    assert result.exit_code == 2 and "join-scope" in result.output


def test_fix_defaults_follow_the_metadata_defaults() -> None:
    from netlint.fix.spec import DEFAULT_ENDPOINTS
    from netlint.model.metadata import DEFAULT_METADATA

    assert list(DEFAULT_ENDPOINTS) == DEFAULT_METADATA
