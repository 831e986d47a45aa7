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
    uf.definitions.cache_clear()
    for i in range(3):
        (tmp_path / f"p{i}.yaml").write_text(
            f"apiVersion: v1\nkind: Pod\nmetadata: {{name: p{i}}}\nspec:\n"
            "  containers: [{name: a, image: a, securityContext: {runAsNonroot: true}}]\n")
    result = scan([str(tmp_path)], select=["k8s-unknown-field"])
    assert len(result.findings) == 3
    assert uf.definitions.cache_info().currsize == 1
    assert uf.definitions.cache_info().misses == 1


def test_missing_required_and_enum_values_are_not_this_rules_business(tmp_path: Path) -> None:
    f = tmp_path / "pod.yaml"
    f.write_text("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
                 "  restartPolicy: Sometimes\n  containers: [{image: a}]\n")
    assert scan([str(f)], select=["k8s-unknown-field"]).findings == []


def _jsonschema_problems(spec: dict) -> set[tuple[object, ...]]:  # type: ignore[type-arg]
    """The same questions asked of a general JSON Schema validator (slow, test only)."""
    import json

    import jsonschema
    from referencing import Registry, Resource

    schema_dir = uf.pick_version("latest")
    text = (uf._schema_root() / schema_dir / "_definitions.json").read_text()
    registry: Registry = Resource.from_contents(json.loads(text)) @ Registry()  # type: ignore[type-arg]
    validator = jsonschema.Draft202012Validator(
        {"$ref": "https://kubernetes.io/api/_definitions.json#/$defs/" + uf.POD_SPEC},
        registry=registry)
    out: set[tuple[object, ...]] = set()
    for err in validator.iter_errors(spec):
        if err.validator == "additionalProperties":
            known = err.schema.get("properties", {})
            out |= {(*err.absolute_path, k) for k in err.instance if k not in known}
        elif err.validator in ("type", "oneOf"):
            out.add(tuple(err.absolute_path))
    return out


def test_walker_agrees_with_a_json_schema_validator() -> None:
    spec = {
        "hostNetwerk": True,
        "securityContext": {"runAsNonroot": True, "runAsUser": "0", "sysctls": [{"nme": 1}]},
        "containers": [{
            "name": "a", "image": "a", "ports": [{"containerPort": "80", "hostPort": 1.5}],
            "resources": {"limits": {"cpu": [1]}, "requests": {"memory": "1Gi"}},
            "livenessProbe": {"httpGet": {"port": "http", "hots": "x"}},
            "securityContext": {"privileged": "true", "capabilities": {"add": "NET_RAW"}},
        }],
        "volumes": [{"name": "v", "emptyDir": {"sizeLimit": 5, "medium": 3}}, "oops"],
        "nodeSelector": {"a": 1},
    }
    defs = uf.definitions(uf.pick_version("latest"))
    ours = {p.path for p in uf.walk(defs, defs[uf.POD_SPEC], spec, ())}
    assert ours == _jsonschema_problems(spec)
    assert ("securityContext", "runAsNonroot") in ours and ("hostNetwerk",) in ours
