"""k8s-unknown-field: schema choice, validator caching, what is and is not reported."""

from __future__ import annotations

from pathlib import Path

from netlint.templates import k8s_unknown_field as uf
from tests.helpers import scan


def test_schema_versions_come_from_the_installed_package() -> None:
    versions = uf.schema_versions()
    assert versions and all(name.endswith("-local-strict") for name in versions.values())
    newest = max(versions)
    assert uf.pick_version("latest") == versions[newest]
    assert uf.pick_version(f"v1.{newest + 5}") == versions[newest]
    assert uf.pick_version("v1.2") == versions[min(versions)]  # older than any bundled


def test_one_validator_per_schema_version(tmp_path: Path) -> None:
    uf.pod_spec_validator.cache_clear()
    for i in range(3):
        (tmp_path / f"p{i}.yaml").write_text(
            f"apiVersion: v1\nkind: Pod\nmetadata: {{name: p{i}}}\nspec:\n"
            "  containers: [{name: a, image: a, securityContext: {runAsNonroot: true}}]\n")
    result = scan([str(tmp_path)], select=["k8s-unknown-field"])
    assert len(result.findings) == 3
    assert uf.pod_spec_validator.cache_info().currsize == 1
    assert uf.pod_spec_validator.cache_info().misses == 1


def test_missing_required_and_enum_values_are_not_this_rules_business(tmp_path: Path) -> None:
    f = tmp_path / "pod.yaml"
    f.write_text("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
                 "  restartPolicy: Sometimes\n  containers: [{image: a}]\n")
    assert scan([str(f)], select=["k8s-unknown-field"]).findings == []
