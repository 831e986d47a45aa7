"""Compliance: framework files, rule-to-control mapping, control status on fixtures,
PSS readiness against the upstream pod-security-admission fixtures, PSP mapping."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from jsonschema import Draft202012Validator

from netlint.cli import main
from netlint.compliance.evaluate import evaluate
from netlint.compliance.frameworks import (
    _builtin_documents,
    builtin_frameworks,
    controls_by_rule,
    load_framework_file,
    outside_rules,
    validate_document,
)
from netlint.compliance.psp import psp_level
from netlint.compliance.readiness import DocRecord, readiness, records_of
from netlint.compliance.views import request_records
from netlint.engine import Engine
from netlint.errors import UsageError
from netlint.options import ScanOptions
from netlint.registry import load_rules, schema
from tests.helpers import case_options

RULES = load_rules()
FRAMEWORKS = builtin_frameworks()
FIXTURES = Path(__file__).parent / "fixtures"
COMPLIANCE_FIXTURES = Path(__file__).parent / "compliance_fixtures"
CASE_SUFFIXES = (".yaml", ".yml", ".json")
EXAMPLES = str(Path(__file__).resolve().parent.parent / "examples")


def test_framework_schema_is_valid_and_every_framework_file_validates() -> None:
    Draft202012Validator.check_schema(schema("framework.schema.json"))
    docs = _builtin_documents()
    assert {d.value["id"] for d in docs} == {
        "pss-baseline", "pss-restricted", "cis-kubernetes", "nsa-kubernetes", "cis-docker"}
    for doc in docs:
        validate_document(doc, RULES)
        assert Path(doc.source.path).stem == doc.value["id"]


def test_a_bad_framework_file_is_a_usage_error_naming_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "mine.yaml"
    bad.write_text("id: mine\ntitle: Mine\nversion: '1'\ndescription: d\ncontrols:\n"
                   "  - id: c1\n    title: t\n    severity: high\n    rules: [no-such-rule]\n")
    with pytest.raises(UsageError, match=r"mine\.yaml:9:.*unknown rule 'no-such-rule'"):
        load_framework_file(str(bad), RULES)
    bad.write_text("id: mine\ntitle: Mine\nversion: '1'\ndescription: d\ncontrols:\n"
                   "  - id: c1\n    title: t\n    severity: urgent\n    rules: [pss-privileged]\n")
    with pytest.raises(UsageError, match=r"mine\.yaml:8:.*controls\.0\.severity"):
        load_framework_file(str(bad), RULES)
    bad.write_text("id: mine\ntitle: Mine\nversion: '1'\ndescription: d\ncontrols:\n"
                   "  - id: c1\n    title: t\n    severity: low\n")  # neither rules nor manual
    with pytest.raises(UsageError, match=r"mine\.yaml"):
        load_framework_file(str(bad), RULES)


def test_every_rule_evidences_a_control_or_is_explicitly_outside_all_frameworks() -> None:
    mapped = controls_by_rule(FRAMEWORKS.values(), RULES)
    outside = outside_rules()
    assert not set(outside) - set(RULES), "outside.yaml names unknown rules"
    assert not set(outside) & set(mapped), "a rule is both mapped and listed as outside"
    missing = sorted(set(RULES) - set(mapped) - set(outside))
    assert not missing, f"rules in no framework and not in frameworks/outside.yaml: {missing}"


def test_docs_frameworks_md_is_generated_from_the_framework_files() -> None:
    from netlint.compliance.docs import frameworks_markdown

    current = (Path(__file__).resolve().parent.parent / "docs" / "frameworks.md").read_text()
    assert current == frameworks_markdown(FRAMEWORKS.values(), RULES), (
        "docs/frameworks.md is stale: run `python -m tests.regen_readme` and commit the result"
    )


def test_explain_and_sarif_show_the_controls_a_rule_evidences() -> None:
    out = CliRunner().invoke(main, ["explain", "pss-privileged"])
    assert "Controls: cis-kubernetes/5.2.2, nsa-kubernetes/pod-privileged" in out.output
    out = CliRunner().invoke(main, ["scan", EXAMPLES, "--format", "sarif"])
    run = json.loads(out.output)["runs"][0]
    names = [t["name"] for t in run["taxonomies"]]
    rule = next(r for r in run["tool"]["driver"]["rules"] if r["id"] == "pss-privileged")
    assert "compliance/cis-kubernetes/5.2.2" in rule["properties"]["tags"]
    rel = next(r for r in rule["relationships"] if r["target"]["id"] == "5.2.2")
    index = rel["target"]["toolComponent"]["index"]
    assert names[index] == "cis-kubernetes"
    assert any(t["id"] == "5.2.2" for t in run["taxonomies"][index]["taxa"])


# --- every control: a fixture that fails it and one that passes it -------------------


def _cases(rule_id: str, kind: str) -> list[Path]:
    folder = FIXTURES / rule_id / kind
    if not folder.is_dir():
        return []
    return [c for c in sorted(folder.iterdir()) if c.is_dir() or c.suffix in CASE_SUFFIXES]


@cache
def _statuses(case: Path) -> dict[tuple[str, str], str]:
    """Every control's status when the case is scanned with every rule."""
    options = ScanOptions(**{k: v for k, v in case_options(case).items()  # type: ignore[arg-type]
                             if k != "select"})
    request_records(options)
    result = Engine(options, RULES).scan([str(case)])
    return {(r.framework.id, c.control.id): c.status
            for r in evaluate(result, FRAMEWORKS.values(), RULES, options)
            for c in r.controls}


def _control_cases() -> list[tuple[str, str]]:
    return [(fw.id, c.id) for fw in FRAMEWORKS.values() for c in fw.controls if not c.manual]


@pytest.mark.parametrize(("framework", "control"), _control_cases(),
                         ids=lambda v: str(v))
def test_every_control_has_a_failing_and_a_passing_fixture(framework: str, control: str
                                                           ) -> None:
    ctl = next(c for c in FRAMEWORKS[framework].controls if c.id == control)
    dedicated = COMPLIANCE_FIXTURES / framework / control
    for wanted in ("fail", "pass"):
        candidates = [c for c in (sorted((dedicated / wanted).iterdir())
                                  if (dedicated / wanted).is_dir() else [])
                      if c.is_dir() or c.suffix in CASE_SUFFIXES]
        for rid in ctl.rule_ids(RULES):
            candidates += _cases(rid, wanted)
        seen = {}
        for case in candidates:
            status = _statuses(case)[(framework, control)]
            seen[case.name] = status
            if status == wanted:
                break
        else:
            pytest.fail(f"{framework}/{control}: no fixture makes it {wanted}: {seen}")


def test_manual_and_not_applicable_controls(tmp_path: Path) -> None:
    compose = tmp_path / "compose.yaml"
    compose.write_text("services:\n  web:\n    image: nginx:1.27\n    privileged: true\n")
    statuses = _statuses(compose)
    assert statuses[("cis-docker", "5.4")] == "fail"
    assert statuses[("cis-docker", "5.6")] == "manual"  # sshd: depends on the image
    assert statuses[("cis-docker", "5.2")] == "pass"  # no security_opt label:disable
    assert statuses[("cis-kubernetes", "5.2.2")] == "not-applicable"  # no Kubernetes file
    assert statuses[("pss-restricted", "capabilities_baseline")] == "not-applicable"


# --- scan --compliance ----------------------------------------------------------------


def test_scan_compliance_json_and_exit_code() -> None:
    runner = CliRunner()
    out = runner.invoke(main, ["scan", EXAMPLES, "--compliance", "pss-restricted",
                               "--compliance", "cis-docker", "--format", "json"])
    assert out.exit_code == 1, out.output
    data = json.loads(out.output)
    assert [f["id"] for f in data["frameworks"]] == ["pss-restricted", "cis-docker"]
    pss = data["frameworks"][0]
    privileged = next(c for c in pss["controls"] if c["id"] == "privileged")
    assert privileged["status"] == "fail" and privileged["failing_resources"] == 1
    assert privileged["findings"][0]["rule"] == "pss-privileged"
    assert pss["score"]["checked"] == pss["summary"]["pass"] + pss["summary"]["fail"]
    assert data["pss_readiness"][0]["namespace"] == "shop"
    # the exit code follows --fail-on over the failing controls' findings: the examples'
    # failing PSS controls have errors, so only `never` passes
    out = runner.invoke(main, ["scan", EXAMPLES, "--compliance", "pss-restricted",
                               "--format", "json", "--fail-on", "never"])
    assert out.exit_code == 0


def test_scan_compliance_exit_code_counts_only_failing_controls(tmp_path: Path) -> None:
    # a note-level finding (image not pinned) is outside cis-docker's controls' failures
    # when its control passes, so --fail-on note over pss-baseline on a Compose-only scan
    # sees nothing
    compose = tmp_path / "compose.yaml"
    compose.write_text("services:\n  web:\n    image: nginx\n")
    out = CliRunner().invoke(main, ["scan", str(compose), "--compliance", "pss-baseline",
                                    "--format", "json", "--fail-on", "note"])
    assert out.exit_code == 0, out.output
    out = CliRunner().invoke(main, ["scan", str(compose), "--fail-on", "note"])
    assert out.exit_code == 1


def test_scan_compliance_markdown_escapes_and_text_table(tmp_path: Path) -> None:
    runner = CliRunner()
    out = runner.invoke(main, ["scan", EXAMPLES, "--compliance", "cis-kubernetes",
                               "--format", "markdown"])
    assert out.exit_code == 1
    assert "| 5.2.2 | Minimize the admission of privileged containers | critical | **FAIL** |" \
        in out.output
    out = runner.invoke(main, ["scan", EXAMPLES, "--compliance", "nsa-kubernetes"])
    assert "controls passed" in out.output and "FAIL" in out.output
    out = runner.invoke(main, ["scan", EXAMPLES, "--compliance", "nope"])
    assert out.exit_code == 2 and "unknown framework 'nope'" in out.output
    out = runner.invoke(main, ["scan", EXAMPLES, "--compliance", "pss-baseline",
                               "--format", "sarif"])
    assert out.exit_code == 2


def test_user_framework_file(tmp_path: Path) -> None:
    mine = tmp_path / "mine.yaml"
    mine.write_text("id: mine\ntitle: Mine\nversion: '1'\ndescription: ours\ncontrols:\n"
                    "  - id: no-priv\n    title: No privileged\n    severity: high\n"
                    "    tags: [non-root]\n"
                    "  - id: by-hand\n    title: Reviewed\n    severity: low\n"
                    "    manual: ask the team\n")
    out = CliRunner().invoke(main, ["scan", EXAMPLES, "--compliance", str(mine),
                                    "--format", "json"])
    data = json.loads(out.output)["frameworks"][0]
    statuses = {c["id"]: c["status"] for c in data["controls"]}
    assert statuses == {"no-priv": "fail", "by-hand": "manual"}
    rules = next(c for c in data["controls"] if c["id"] == "no-priv")["rules"]
    assert "k8s-container-runs-as-root" in rules


def test_deselected_rules_make_a_control_not_run_never_pass() -> None:
    out = CliRunner().invoke(main, ["scan", EXAMPLES, "--compliance", "cis-docker",
                                    "--ignore", "compose-privileged", "--format", "json"])
    controls = {c["id"]: c for c in json.loads(out.output)["frameworks"][0]["controls"]}
    assert controls["5.4"]["status"] == "not-run"


# --- PSS readiness --------------------------------------------------------------------

UPSTREAM = re.compile(
    r"kubernetes\+pod-security-admission__test__testdata__(baseline|restricted)__"
    r"(v1\.\d+)__(pass|fail)__(.+)\.yaml$")


def _records(paths: list[Path], version: str) -> list[DocRecord]:
    options = ScanOptions(pss_version=version, select=["pss-privileged"])
    request_records(options)
    result = Engine(options, RULES).scan([str(p) for p in paths])
    return result.records["pss-readiness"]


def test_readiness_matches_upstream_pod_security_admission(shared_dir: Path) -> None:
    """A namespace of only passing fixtures of a level (at a version) is ready for it;
    adding one failing fixture blocks it, as the admission controller would."""
    by_version: dict[tuple[str, str], dict[str, list[Path]]] = {}
    for f in sorted((shared_dir / "corpus" / "realworld" / "k8s").glob("kubernetes+pod-sec*")):
        m = UPSTREAM.search(f.name)
        if m:
            by_version.setdefault((m[1], m[2]), {"pass": [], "fail": []})[m[3]].append(f)
    assert sum(len(v["pass"]) + len(v["fail"]) for v in by_version.values()) >= 100
    rank = {"privileged": 0, "baseline": 1, "restricted": 2}
    checked = 0
    for (level, version), cases in sorted(by_version.items()):
        records = _records(cases["pass"] + cases["fail"], version)
        pods, _ = records_of(records)
        passing = [p for p in pods if any(p.source.path == str(c) for c in cases["pass"])]
        if passing:
            rows = readiness([DocRecord(pods=passing)])
            assert len(rows) == 1
            assert rank[rows[0].level] >= rank[level], (level, version, rows[0].blockers)
        for fail in cases["fail"]:
            pod = [p for p in pods if p.source.path == str(fail)]
            assert pod, fail.name
            rows = readiness([DocRecord(pods=passing + pod)])
            assert rank[rows[0].level] < rank[level], (fail.name, rows[0].level)
            blocked = {b.workload for b in rows[0].blockers[level]}
            assert blocked == {p.workload for p in pod}
            checked += 1
    assert checked >= 50


def test_readiness_reports_labels_and_blockers(tmp_path: Path) -> None:
    (tmp_path / "ns.yaml").write_text(
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels:\n"
        "    pod-security.kubernetes.io/enforce: baseline\n"
        "    pod-security.kubernetes.io/warn: restricted\n    team: a\n")
    (tmp_path / "pods.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: ok, namespace: shop}\nspec:\n"
        "  securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}\n"
        "  containers:\n  - name: c\n    image: i\n    securityContext:\n"
        "      allowPrivilegeEscalation: false\n      capabilities: {drop: [ALL]}\n---\n"
        "apiVersion: v1\nkind: Pod\nmetadata: {name: plain, namespace: shop}\nspec:\n"
        "  containers: [{name: c, image: i}]\n---\n"
        "apiVersion: v1\nkind: Pod\nmetadata: {name: host, namespace: infra}\nspec:\n"
        "  hostNetwork: true\n  containers: [{name: c, image: i}]\n")
    rows = {r.name: r for r in readiness(_records([tmp_path], "latest"))}
    shop, infra = rows["shop"], rows["infra"]
    assert shop.level == "baseline" and shop.workloads == 2
    assert shop.labels == {"pod-security.kubernetes.io/enforce": "baseline",
                           "pod-security.kubernetes.io/warn": "restricted"}
    assert [b.workload for b in shop.blockers["restricted"]] == ["Pod/plain"]
    assert infra.level == "privileged" and infra.labels is None
    assert infra.blockers["baseline"][0].controls == ["hostNamespaces"]


# --- PodSecurityPolicy -> PSS (one case per row of the upstream mapping table) --------

RESTRICTED_PSP: dict[str, Any] = {
    "apiVersion": "policy/v1beta1", "kind": "PodSecurityPolicy",
    "metadata": {"name": "p", "annotations": {
        "seccomp.security.alpha.kubernetes.io/allowedProfileNames": "runtime/default",
        "apparmor.security.beta.kubernetes.io/allowedProfileNames": "runtime/default"}},
    "spec": {"privileged": False, "allowPrivilegeEscalation": False,
             "requiredDropCapabilities": ["ALL"], "volumes": ["configMap", "secret"],
             "hostNetwork": False, "hostIPC": False, "hostPID": False,
             "runAsUser": {"rule": "MustRunAsNonRoot"}, "seLinux": {"rule": "MustRunAs"},
             "supplementalGroups": {"rule": "RunAsAny"}, "fsGroup": {"rule": "RunAsAny"}},
}

# (row, change to the restricted policy, expected level)
PSP_ROWS: list[tuple[str, dict[str, Any], str]] = [
    ("privileged", {"spec.privileged": True}, "privileged"),
    ("defaultAddCapabilities", {"spec.defaultAddCapabilities": ["CHOWN"]}, "baseline"),
    ("defaultAddCapabilities beyond baseline", {"spec.defaultAddCapabilities": ["NET_ADMIN"]},
     "privileged"),
    ("allowedCapabilities baseline set", {"spec.allowedCapabilities": ["SETUID", "KILL"]},
     "baseline"),
    ("allowedCapabilities NET_BIND_SERVICE only",
     {"spec.allowedCapabilities": ["NET_BIND_SERVICE"]}, "restricted"),
    ("allowedCapabilities *", {"spec.allowedCapabilities": ["*"]}, "privileged"),
    ("requiredDropCapabilities without ALL", {"spec.requiredDropCapabilities": ["NET_RAW"]},
     "baseline"),
    ("volumes outside restricted", {"spec.volumes": ["configMap", "nfs"]}, "baseline"),
    ("volumes hostPath", {"spec.volumes": ["hostPath"]}, "privileged"),
    ("volumes *", {"spec.volumes": ["*"]}, "privileged"),
    ("hostNetwork", {"spec.hostNetwork": True}, "privileged"),
    ("hostPorts", {"spec.hostPorts": [{"min": 80, "max": 80}]}, "privileged"),
    ("hostPID", {"spec.hostPID": True}, "privileged"),
    ("hostIPC", {"spec.hostIPC": True}, "privileged"),
    ("seLinux RunAsAny", {"spec.seLinux": {"rule": "RunAsAny"}}, "privileged"),
    ("seLinux MustRunAs container_t",
     {"spec.seLinux": {"rule": "MustRunAs", "seLinuxOptions": {"type": "container_t"}}},
     "restricted"),
    ("seLinux custom type",
     {"spec.seLinux": {"rule": "MustRunAs", "seLinuxOptions": {"type": "spc_t"}}},
     "privileged"),
    ("runAsUser RunAsAny", {"spec.runAsUser": {"rule": "RunAsAny"}}, "baseline"),
    ("runAsGroup (no opinion)", {"spec.runAsGroup": {"rule": "RunAsAny"}}, "restricted"),
    ("supplementalGroups (no opinion)", {"spec.supplementalGroups": {"rule": "MustRunAs"}},
     "restricted"),
    ("fsGroup (no opinion)", {"spec.fsGroup": {"rule": "MustRunAs"}}, "restricted"),
    ("readOnlyRootFilesystem (no opinion)", {"spec.readOnlyRootFilesystem": True},
     "restricted"),
    ("defaultAllowPrivilegeEscalation (no opinion)",
     {"spec.defaultAllowPrivilegeEscalation": True}, "restricted"),
    ("allowPrivilegeEscalation true", {"spec.allowPrivilegeEscalation": True}, "baseline"),
    ("allowedHostPaths (no opinion)", {"spec.allowedHostPaths": [{"pathPrefix": "/x"}]},
     "restricted"),
    ("allowedFlexVolumes (no opinion)", {"spec.allowedFlexVolumes": [{"driver": "d"}]},
     "restricted"),
    ("allowedCSIDrivers (no opinion)", {"spec.allowedCSIDrivers": [{"name": "c"}]},
     "restricted"),
    ("allowedUnsafeSysctls", {"spec.allowedUnsafeSysctls": ["kernel.msg*"]}, "privileged"),
    ("forbiddenSysctls (no opinion)", {"spec.forbiddenSysctls": ["*"]}, "restricted"),
    ("allowedProcMountTypes Default", {"spec.allowedProcMountTypes": ["Default"]},
     "restricted"),
    ("allowedProcMountTypes Unmasked", {"spec.allowedProcMountTypes": ["Unmasked"]},
     "privileged"),
    ("runtimeClass (no opinion)", {"spec.runtimeClass": {"allowedRuntimeClassNames": ["x"]}},
     "restricted"),
    ("seccomp defaultProfileName (no opinion)",
     {"metadata.annotations.seccomp.security.alpha.kubernetes.io/defaultProfileName":
      "unconfined"}, "restricted"),
    ("seccomp allowedProfileNames trailing comma",
     {"metadata.annotations.seccomp.security.alpha.kubernetes.io/allowedProfileNames":
      "runtime/default,"}, "baseline"),
    ("seccomp allowedProfileNames localhost",
     {"metadata.annotations.seccomp.security.alpha.kubernetes.io/allowedProfileNames":
      "localhost/prof.json"}, "restricted"),
    ("seccomp allowedProfileNames *",
     {"metadata.annotations.seccomp.security.alpha.kubernetes.io/allowedProfileNames": "*"},
     "privileged"),
    ("apparmor defaultProfileName (no opinion)",
     {"metadata.annotations.apparmor.security.beta.kubernetes.io/defaultProfileName":
      "unconfined"}, "restricted"),
    ("apparmor allowedProfileNames trailing comma",
     {"metadata.annotations.apparmor.security.beta.kubernetes.io/allowedProfileNames":
      "runtime/default,"}, "baseline"),
    ("apparmor allowedProfileNames unconfined",
     {"metadata.annotations.apparmor.security.beta.kubernetes.io/allowedProfileNames":
      "unconfined"}, "privileged"),
]


def _with(change: dict[str, Any]) -> dict[str, Any]:
    psp = json.loads(json.dumps(RESTRICTED_PSP))
    for dotted, value in change.items():
        top, rest = dotted.split(".", 1)
        if top == "metadata":
            psp["metadata"]["annotations"][rest.removeprefix("annotations.")] = value
        else:
            psp["spec"][rest] = value
    return psp


def test_restricted_psp_maps_to_restricted() -> None:
    assert psp_level(RESTRICTED_PSP).level == "restricted"


@pytest.mark.parametrize(("row", "change", "expected"), PSP_ROWS, ids=[r[0] for r in PSP_ROWS])
def test_psp_mapping_row(row: str, change: dict[str, Any], expected: str,
                         tmp_path: Path) -> None:
    assert psp_level(_with(change)).level == expected
    # and through the rule, whose message names the level and the replacement label
    f = tmp_path / "psp.yaml"
    f.write_text(yaml.safe_dump(_with(change)))
    result = Engine(ScanOptions(select=["k8s-pod-security-policy-removed"]), RULES).scan(
        [str(f)])
    [finding] = result.findings
    assert f"equivalent to the {expected} Pod Security Standard" in finding.message
    assert f"pod-security.kubernetes.io/enforce: {expected}" in finding.message


# --- the GitHub Action's optional report step (scripts/action-report.sh) --------------


def test_action_report_step_writes_the_page_and_the_job_summary(tmp_path: Path) -> None:
    import os
    import shutil
    import subprocess
    import sys

    if shutil.which("bash") is None:
        pytest.skip("bash is not installed")
    root = Path(__file__).resolve().parent.parent
    (tmp_path / "k8s dir").mkdir()
    (tmp_path / "k8s dir" / "pod.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
        "  containers: [{name: c, image: 'x<script>'}]\n")
    outputs, summary = tmp_path / "out", tmp_path / "summary.md"
    outputs.write_text("")
    env = {k: v for k, v in os.environ.items() if not k.startswith("INPUT_")}
    env.update({"GITHUB_OUTPUT": str(outputs), "GITHUB_STEP_SUMMARY": str(summary),
                "NETLINT_VENV": sys.prefix, "INPUT_PATHS": "'k8s dir' $(touch pwned)",
                "NETLINT_REPORT_FILE": str(tmp_path / "r" / "netlint-report.html")})
    proc = subprocess.run(["bash", str(root / "scripts" / "action-report.sh")], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert not (tmp_path / "pwned").exists()  # input text is never run
    recorded = dict(line.split("=", 1) for line in outputs.read_text().splitlines())
    # "$(touch" and "pwned)" are paths that do not exist: the report says so and the step
    # records that no page was written, without failing the job
    assert recorded["report-written"] == "false"
    env["INPUT_PATHS"] = "'k8s dir'"
    outputs.write_text("")
    proc = subprocess.run(["bash", str(root / "scripts" / "action-report.sh")], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=120)
    recorded = dict(line.split("=", 1) for line in outputs.read_text().splitlines())
    assert recorded["report-written"] == "true", proc.stdout + proc.stderr
    page = Path(recorded["report-file"]).read_text()
    assert "x&lt;script&gt;" in page and "x<script>" not in page
    text = summary.read_text()
    assert "## netlint report" in text and "Pod Security Standards readiness" in text
    # scanned text appears raw only inside fenced code (rendered as text), escaped elsewhere
    outside, fenced = [], False
    for line in text.splitlines():
        if line.strip().startswith("```"):
            fenced = not fenced
        elif not fenced:
            outside.append(line)
    assert "<script" not in "\n".join(outside)


def test_compliance_text_escapes_scanned_namespace_names(tmp_path: Path) -> None:
    # a Namespace name and label written by a pull request must not reach the terminal
    # raw: no forged workflow command line, no escape sequence
    (tmp_path / "ns.yaml").write_text(
        'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: "evil\\n::error::forged\\u001b[2J"\n'
        '  labels: {pod-security.kubernetes.io/enforce: "restricted\\u0007"}\n---\n'
        'apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: "evil\\n::error::forged'
        '\\u001b[2J"}\nspec: {containers: [{name: c, image: "nginx:1.27"}]}\n')
    out = CliRunner().invoke(main, ["scan", str(tmp_path), "--no-cache", "--compliance",
                                    "pss-restricted", "--fail-on", "never"])
    assert "evil\\n::error::" in out.stdout, out.stdout
    assert "\x1b[2J" not in out.stdout and "\x07" not in out.stdout
    assert not any(line.startswith("::error") for line in out.stdout.splitlines())
