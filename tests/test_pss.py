"""Pod Security Standards: conformance with the upstream PSA fixtures, level and version
selection, namespace-aware levels."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from netlint.cli import main
from netlint.engine import Engine
from netlint.options import ScanOptions
from netlint.registry import load_rules

RULES = load_rules()
FIXTURE = re.compile(
    r"kubernetes\+pod-security-admission__test__testdata__(baseline|restricted)__"
    r"(v1\.\d+)__(pass|fail)__(.+)\.yaml$"
)
PSS_RULES = sorted(r.id for r in RULES.values() if r.id.startswith("pss-"))


def _upstream(shared: Path) -> list[tuple[str, str, str, Path]]:
    out = []
    for f in sorted((shared / "corpus" / "realworld" / "k8s").glob("kubernetes+pod-sec*")):
        m = FIXTURE.search(f.name)
        if m:
            out.append((m[1], m[2], m[3], f))
    return out


def _ids(paths: list[str], **options: object) -> list[str]:
    result = Engine(ScanOptions(**options), RULES).scan(paths)  # type: ignore[arg-type]
    return [f.rule_id for f in result.findings]


def test_upstream_psa_fixtures_are_classified_as_the_reference_does(shared_dir: Path) -> None:
    cases = _upstream(shared_dir)
    assert len(cases) >= 100
    wrong = []
    for level, version, expected, path in cases:
        ids = _ids([str(path)], select=[f"pss-{level}"], pss_version=version)
        assert "internal-error" not in ids
        if (expected == "pass") != (not ids):
            wrong.append(f"{path.name}: {ids}")
    assert not wrong, "\n".join(wrong)


def test_upstream_fixture_through_the_cli_as_sarif(shared_dir: Path) -> None:
    cases = {(lv, v, e): p for lv, v, e, p in _upstream(shared_dir)}
    fail = next(p for (lv, _v, e), p in cases.items() if lv == "restricted" and e == "fail")
    version = FIXTURE.search(fail.name)[2]  # type: ignore[index]
    result = CliRunner().invoke(main, ["scan", str(fail), "--select", "pss-restricted",
                                       "--pss-version", version, "--format", "sarif"])
    assert result.exit_code == 1, result.output
    sarif = json.loads(result.output)
    import jsonschema

    official = json.loads((shared_dir / "schemas" / "sarif-schema-2.1.0.json").read_text())
    jsonschema.Draft7Validator(official).validate(sarif)
    assert sarif["runs"][0]["results"]
    assert all(r["ruleId"].startswith("pss-") for r in sarif["runs"][0]["results"])
    passing = next(p for (lv, _v, e), p in cases.items() if lv == "baseline" and e == "pass")
    version = FIXTURE.search(passing.name)[2]  # type: ignore[index]
    result = CliRunner().invoke(main, ["scan", str(passing), "--select", "pss-baseline",
                                       "--pss-version", version, "--format", "sarif"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["runs"][0]["results"] == []


POD = """\
apiVersion: v1
kind: Pod
metadata: {{name: p, namespace: {ns}}}
spec:
  volumes:
    - name: host
      hostPath: {{path: /var/log}}
  containers:
    - name: app
      image: app:1
      securityContext:
        capabilities: {{add: [SYS_ADMIN]}}
"""


def test_level_follows_the_selection_and_replaced_controls(tmp_path: Path) -> None:
    pod = tmp_path / "pod.yaml"
    pod.write_text(POD.format(ns="default"))
    baseline = _ids([str(pod)], select=["pss-baseline"])
    assert sorted(set(baseline)) == ["pss-capabilities-baseline", "pss-host-path-volumes"]
    result = Engine(ScanOptions(select=["pss-restricted"]), RULES).scan([str(pod)])
    restricted = {f.rule_id for f in result.findings}
    # restricted replaces hostPathVolumes (restrictedVolumes); from v1.22 it replaces
    # capabilities_baseline by capabilities_restricted, but an added SYS_ADMIN stays the
    # baseline control's error (the more severe finding at that place), reported once
    assert "pss-host-path-volumes" not in restricted
    assert {"pss-restricted-volumes", "pss-capabilities-restricted",
            "pss-run-as-non-root", "pss-capabilities-baseline"} <= restricted
    at_add = [f for f in result.findings if "SYS_ADMIN" in f.message]
    assert [(f.rule_id, f.severity.value) for f in at_add] == [
        ("pss-capabilities-baseline", "error")]
    old = set(_ids([str(pod)], select=["pss-restricted"], pss_version="v1.21"))
    assert "pss-capabilities-baseline" in old and "pss-capabilities-restricted" not in old
    # an explicit level wins over the selection; a rule named by id runs at its own level
    assert "pss-run-as-non-root" not in _ids([str(pod)], pss_level="baseline")
    assert _ids([str(pod)], select=["pss-host-path-volumes"]) == ["pss-host-path-volumes"]
    assert _ids([str(pod)], select=["pss-host-path-volumes"], pss_level="restricted") == []


def test_default_selection_reports_root_once(tmp_path: Path) -> None:
    pod = tmp_path / "pod.yaml"
    pod.write_text(POD.format(ns="default"))
    ids = _ids([str(pod)])
    assert "pss-run-as-non-root" in ids and "k8s-container-runs-as-root" not in ids
    # at baseline the PSS control is off, so the non-root rule reports it
    ids = _ids([str(pod)], pss_level="baseline")
    assert "k8s-container-runs-as-root" in ids and "pss-run-as-non-root" not in ids


NAMESPACES = """\
apiVersion: v1
kind: Namespace
metadata:
  name: {name}
  labels: {labels}
"""


@pytest.mark.parametrize(("labels", "expected"), [
    ({"pod-security.kubernetes.io/enforce": "privileged"}, set()),
    ({"pod-security.kubernetes.io/enforce": "baseline"},
     {"pss-capabilities-baseline", "pss-host-path-volumes"}),
    ({"pod-security.kubernetes.io/enforce": "baseline",
      "pod-security.kubernetes.io/enforce-version": "v1.0"},
     {"pss-capabilities-baseline", "pss-host-path-volumes"}),
    # a bad level means restricted; a bad version latest
    ({"pod-security.kubernetes.io/enforce": "strict",
      "pod-security.kubernetes.io/enforce-version": "v1.022"},
     {"pss-restricted-volumes", "pss-capabilities-restricted", "pss-run-as-non-root",
      "pss-allow-privilege-escalation", "pss-seccomp-restricted",
      "pss-capabilities-baseline"}),  # the added SYS_ADMIN: the more severe control
    ({"pod-security.kubernetes.io/enforce": "restricted",
      "pod-security.kubernetes.io/enforce-version": "v1.0"},
     {"pss-restricted-volumes", "pss-capabilities-baseline", "pss-run-as-non-root"}),
])
def test_namespace_labels_set_level_and_version(tmp_path: Path, labels: dict[str, str],
                                                expected: set[str]) -> None:
    (tmp_path / "ns.yaml").write_text(NAMESPACES.format(name="team", labels=json.dumps(labels)))
    (tmp_path / "pod.yaml").write_text(POD.format(ns="team"))
    ids = set(_ids([str(tmp_path)], pss_level="namespace", select=["pss-restricted"]))
    assert ids == expected
    # without --pss-level namespace the labels are ignored: restricted at latest
    assert "pss-run-as-non-root" in _ids([str(tmp_path)])


def test_namespace_mode_defaults_to_the_selected_level(tmp_path: Path) -> None:
    (tmp_path / "pod.yaml").write_text(POD.format(ns="unlabelled"))
    ids = set(_ids([str(tmp_path)], pss_level="namespace", select=["pss-restricted"]))
    assert "pss-run-as-non-root" in ids


def test_pss_level_in_config_and_cli(tmp_path: Path) -> None:
    (tmp_path / "pod.yaml").write_text(POD.format(ns="default"))
    (tmp_path / ".netlint.yaml").write_text("pss-level: baseline\nselect: [pss-restricted]\n")
    result = CliRunner().invoke(main, ["scan", str(tmp_path), "--format", "json"])
    rules = {f["rule"] for f in json.loads(result.output)["findings"]}
    assert rules == {"pss-capabilities-baseline", "pss-host-path-volumes"}
    result = CliRunner().invoke(main, ["scan", str(tmp_path), "--format", "json",
                                       "--pss-level", "restricted"])
    rules = {f["rule"] for f in json.loads(result.output)["findings"]}
    assert "pss-run-as-non-root" in rules and "pss-host-path-volumes" not in rules


def test_every_pss_rule_has_a_version_window() -> None:
    for rid in PSS_RULES:
        params = RULES[rid].params
        assert re.fullmatch(r"v1\.\d+", params["since"]), rid
        assert "pss-restricted" in RULES[rid].tags and "security" in RULES[rid].tags


def test_readme_pss_table_is_generated_from_the_rule_files() -> None:
    from netlint.docs import PSS_BEGIN, PSS_END, pss_markdown

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    start = readme.index(PSS_BEGIN) + len(PSS_BEGIN)
    current = readme[start:readme.index(PSS_END)].strip()
    assert current == pss_markdown(RULES.values()).strip(), (
        "README PSS table is stale: run `python -m tests.regen_readme` and commit the result"
    )
    assert all(f"`{rid}`" in current for rid in PSS_RULES)


def test_compose_socket_and_capabilities_are_reported_once(tmp_path: Path) -> None:
    compose = tmp_path / "compose.yaml"
    compose.write_text("services:\n  app:\n    image: app:1\n    cap_add: [SYS_ADMIN]\n"
                       "    volumes:\n      - type: bind\n        source: /var/run/docker.sock\n"
                       "        target: /var/run/docker.sock\n")
    ids = _ids([str(compose)])
    # each defect once, as the more severe and more specific rule (errors naming the
    # socket and the capability, not the generic PSS warnings)
    assert ids.count("compose-docker-socket-mount") == 1
    assert ids.count("compose-dangerous-cap-add") == 1
    assert "compose-sensitive-host-mount" not in ids
    assert "compose-cap-add-beyond-baseline" not in ids
    # with only the PSS rules, they report them
    ids = _ids([str(compose)], select=["pss-baseline"])
    assert "compose-sensitive-host-mount" in ids and "compose-cap-add-beyond-baseline" in ids
    # a suppression naming the milder twin still silences the reported finding
    compose.write_text(compose.read_text().replace(
        "cap_add: [SYS_ADMIN]", "cap_add: [SYS_ADMIN]  # netlint: disable="
        "compose-cap-add-beyond-baseline reviewed"))
    result = Engine(ScanOptions(), RULES).scan([str(compose)])
    assert "compose-dangerous-cap-add" not in [f.rule_id for f in result.findings]
    assert [f.rule_id for f in result.suppressed] == ["compose-dangerous-cap-add"]
