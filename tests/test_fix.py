"""``netlint fix``: both edit paths, verification, safe writes, CLI behaviour."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from netlint.cli import main
from netlint.fix import apply as fix_apply
from netlint.fix.run import failure_findings, fix_paths
from netlint.options import ScanOptions

COMPOSE = """\
services:
  web:
    image: nginx:1.27
    # keeps its comment
    ports:
      - "8080:80"
"""


def _options(*select: str) -> ScanOptions:
    options = ScanOptions()
    if select:
        options.select = list(select)
    return options


def _run(path: Path, *select: str, unsafe: bool = False, prefer: str = "ruamel"):  # type: ignore[no-untyped-def]
    return fix_paths([str(path)], _options(*select), unsafe=unsafe, prefer=prefer)


def test_block_edit_goes_through_ruamel_and_matches_the_splice(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(COMPOSE)
    run = _run(tmp_path, "compose-missing-no-new-privileges")
    assert [f.method for f in run.changed] == ["ruamel"]
    by_ruamel = (tmp_path / "compose.yaml").read_text()
    assert by_ruamel == COMPOSE + "    security_opt:\n      - no-new-privileges:true\n"
    (tmp_path / "compose.yaml").write_text(COMPOSE)
    run = _run(tmp_path, "compose-missing-no-new-privileges", prefer="splice")
    assert [f.method for f in run.changed] == ["splice"]
    assert (tmp_path / "compose.yaml").read_text() == by_ruamel


def test_falls_back_to_the_splice_where_ruamel_would_reformat(tmp_path: Path) -> None:
    # ruamel.yaml normalises the spacing after a colon and re-indents the second
    # document: lines no fix touches, so its output is refused
    odd = COMPOSE.replace("image: nginx", "image:     nginx")
    odd = odd.replace("  - \"8080", "      - \"8080")
    (tmp_path / "compose.yaml").write_text(odd)
    run = _run(tmp_path, "compose-missing-no-new-privileges", prefer="ruamel-only")
    assert not run.changed and run.files[0].error.startswith("ruamel:")
    assert (tmp_path / "compose.yaml").read_text() == odd  # nothing written
    assert [f.rule_id for f in failure_findings(run)] == ["fix-failed"]
    run = _run(tmp_path, "compose-missing-no-new-privileges")
    assert [f.method for f in run.changed] == ["splice"]
    text = (tmp_path / "compose.yaml").read_text()
    assert text == odd + "    security_opt:\n      - no-new-privileges:true\n"
    assert not [f for f in run.result.findings if f.rule_id == "compose-missing-no-new-privileges"]


def test_text_that_does_not_reparse_to_the_intended_values_is_not_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "compose.yaml").write_text(COMPOSE)

    def wrong(text: str, op: object, style: object, path: str = "", docs: object = None) -> str:
        return text + "    privileged: true\n"  # parses, but not to what the fix intends

    monkeypatch.setattr(fix_apply, "splice_apply", wrong)
    run = _run(tmp_path, "compose-missing-no-new-privileges", prefer="splice")
    assert not run.changed
    assert "other values than intended" in run.files[0].error
    assert (tmp_path / "compose.yaml").read_text() == COMPOSE
    failures = failure_findings(run)
    assert failures and "not written" in failures[0].message


def test_a_file_that_does_not_parse_is_not_touched(tmp_path: Path) -> None:
    text = COMPOSE + "  db: [unclosed\n"
    (tmp_path / "compose.yaml").write_text(text)
    run = _run(tmp_path)
    assert not run.changed
    assert (tmp_path / "compose.yaml").read_text() == text


def test_json_stays_json_with_its_indentation(tmp_path: Path) -> None:
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
           "spec": {"containers": [{"name": "a", "image": "x:1"}]}}
    text = json.dumps(pod, indent=4) + "\n"
    (tmp_path / "pod.json").write_text(text)
    run = _run(tmp_path, "pss-allow-privilege-escalation")
    assert [f.method for f in run.changed] == ["splice"]
    fixed = (tmp_path / "pod.json").read_text()
    assert json.loads(fixed)["spec"]["containers"][0]["securityContext"] == {
        "allowPrivilegeEscalation": False}
    assert fixed.startswith(text.split('"image"')[0])  # untouched text is byte-identical
    assert '\n                "securityContext": {\n                    "allowPrivilege' in fixed


def test_permissions_are_kept_and_no_temp_file_is_left(tmp_path: Path) -> None:
    target = tmp_path / "compose.yaml"
    target.write_text(COMPOSE)
    os.chmod(target, 0o640)
    _run(tmp_path, "compose-missing-cap-drop-all")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["compose.yaml"]
    assert "cap_drop" in target.read_text()


def test_suppressed_findings_are_never_fixed(tmp_path: Path) -> None:
    text = COMPOSE.replace(
        "  web:\n", "  web:  # netlint: disable=compose-missing-cap-drop-all reviewed\n")
    (tmp_path / "compose.yaml").write_text(text)
    run = _run(tmp_path, "compose-missing-cap-drop-all")
    assert not run.changed
    assert (tmp_path / "compose.yaml").read_text() == text


def test_unsafe_fixes_need_the_flag(tmp_path: Path) -> None:
    text = COMPOSE + "    privileged: true\n"
    (tmp_path / "compose.yaml").write_text(text)
    run = _run(tmp_path, "compose-privileged")
    assert not run.changed and "--unsafe-fixes" in run.skipped[0].reason
    run = _run(tmp_path, "compose-privileged", unsafe=True)
    assert (tmp_path / "compose.yaml").read_text() == COMPOSE


def test_never_writes_through_a_symlink_out_of_the_tree(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    tree = tmp_path / "tree"
    outside.mkdir()
    tree.mkdir()
    (outside / "compose.yaml").write_text(COMPOSE)
    (tree / "compose.yaml").symlink_to(outside / "compose.yaml")
    run = fix_paths([str(tree)], _options("compose-missing-cap-drop-all"))
    assert not run.changed
    assert (outside / "compose.yaml").read_text() == COMPOSE


def test_helm_templates_are_reported_not_fixed(tmp_path: Path) -> None:
    chart = tmp_path / "chart"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: c\nversion: 0.1.0\n")
    pod = ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n"
           "  - name: a\n    image: x:1\n")
    (chart / "templates" / "pod.yaml").write_text(pod)
    run = fix_paths([str(chart / "templates")], _options("pss-allow-privilege-escalation"))
    assert not run.changed
    assert "Helm template" in run.skipped[0].reason
    assert (chart / "templates" / "pod.yaml").read_text() == pod


def test_cli_diff_writes_nothing_and_exits_1_then_fix_is_idempotent(tmp_path: Path) -> None:
    target = tmp_path / "compose.yaml"
    target.write_text(COMPOSE)
    runner = CliRunner()
    args = ["fix", str(tmp_path), "--select", "compose-missing-cap-drop-all"]
    res = runner.invoke(main, [*args, "--diff"])
    assert res.exit_code == 1
    assert "+    cap_drop:" in res.output and target.read_text() == COMPOSE
    res = runner.invoke(main, args)
    assert "cap_drop:\n      - ALL" in target.read_text()
    assert res.exit_code == 0
    res = runner.invoke(main, [*args, "--diff"])
    assert res.exit_code == 0 and "+" not in res.stdout


def test_scan_fix_reports_what_remains(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(COMPOSE + "    privileged: true\n")
    res = CliRunner().invoke(main, ["scan", str(tmp_path), "--fix", "--format", "json",
                                    "--select", "compose-privileged,compose-missing-cap-drop-all"])
    report = json.loads(res.stdout[res.stdout.index("{"):])
    assert [f["rule"] for f in report["findings"]] == ["compose-privileged"]
    assert "cap_drop" in (tmp_path / "compose.yaml").read_text()


def test_add_default_deny_writes_a_policy_that_clears_the_rule(tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    pod = ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: shop\nspec:\n"
           "  containers:\n  - name: a\n    image: x:1\n")
    (tmp_path / "app" / "pod.yaml").write_text(pod)
    runner = CliRunner()
    args = ["fix", str(tmp_path), "--select", "egress-default-deny", "--add-default-deny",
            "policies.yaml"]
    res = runner.invoke(main, [*args, "--diff"])
    assert res.exit_code == 1 and not (tmp_path / "app" / "policies.yaml").exists()
    res = runner.invoke(main, args)
    written = (tmp_path / "app" / "policies.yaml").read_text()
    assert "namespace: shop" in written and "k8s-app: kube-dns" in written
    assert res.exit_code == 0, res.output
    res = runner.invoke(main, [*args, "--diff"])
    assert res.exit_code == 0


def _apply_replacement(text: str, region: dict[str, int], inserted: str) -> str:
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    begin = starts[region["startLine"] - 1] + region["startColumn"] - 1
    end = starts[region["endLine"] - 1] + region["endColumn"] - 1
    return text[:begin] + inserted + text[end:]


def test_sarif_and_json_results_carry_the_fix(tmp_path: Path) -> None:
    import jsonschema

    target = tmp_path / "compose.yaml"
    target.write_text(COMPOSE)
    args = ["scan", str(tmp_path), "--select", "compose-missing-cap-drop-all"]
    sarif = json.loads(CliRunner().invoke(main, [*args, "--format", "sarif"]).stdout)
    schema_file = Path(__file__).parent.parent / "../shared/schemas/sarif-schema-2.1.0.json"
    if schema_file.exists():
        jsonschema.validate(sarif, json.loads(schema_file.read_text()))
    (result,) = sarif["runs"][0]["results"]
    (change,) = result["fixes"][0]["artifactChanges"]
    (replacement,) = change["replacements"]
    by_sarif = _apply_replacement(COMPOSE, replacement["deletedRegion"],
                                  replacement["insertedContent"]["text"])
    report = json.loads(CliRunner().invoke(main, [*args, "--format", "json"]).stdout)
    schema = json.loads((Path(__file__).parent.parent / "schemas/report.schema.json")
                        .read_text())
    jsonschema.validate(report, schema)
    fix = report["findings"][0]["fix"]
    assert fix["safety"] == "safe"
    (r,) = fix["replacements"]
    region = {"startLine": r["line"], "startColumn": r["column"], "endLine": r["end_line"],
              "endColumn": r["end_column"]}
    assert _apply_replacement(COMPOSE, region, r["text"]) == by_sarif
    _run(tmp_path, "compose-missing-cap-drop-all")
    assert target.read_text() == by_sarif  # the same edit `netlint fix` makes


def test_readme_fixing_table_lists_every_fixable_rule_with_its_safety() -> None:
    from netlint.registry import load_rules

    readme = (Path(__file__).parent.parent / "README.md").read_text()
    section = readme[readme.index("## Fixing"):readme.index("## Rules\n")]
    rows = [line for line in section.splitlines() if line.startswith("| safe")
            or line.startswith("| unsafe")]
    for rule in load_rules().values():
        if rule.fix is not None:
            row = next((r for r in rows if f"`{rule.id}`" in r), None)
            assert row is not None, f"{rule.id} missing from the README's Fixing table"
            assert row.startswith(f"| {rule.fix.safety} |"), rule.id


def test_ruamel_round_trips_only_the_document_that_changes(tmp_path: Path) -> None:
    # the first document has spacing ruamel.yaml would rewrite; only the second changes
    odd = "apiVersion: v1\nkind: ConfigMap\nmetadata:   {name: c}\ndata:\n  k:     v\n"
    pod = ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n"
           "    - name: a\n      image: x:1\n")
    (tmp_path / "all.yaml").write_text(odd + "---\n# the pod\n" + pod)
    run = _run(tmp_path, "pss-allow-privilege-escalation")
    assert [f.method for f in run.changed] == ["ruamel"]
    assert (tmp_path / "all.yaml").read_text() == (
        odd + "---\n# the pod\n" + pod
        + "      securityContext:\n        allowPrivilegeEscalation: false\n")


@pytest.mark.parametrize(("port", "bound"), [
    ("80", "127.0.0.1::80"), ("8080:80", "127.0.0.1:8080:80"), ("80/udp", "127.0.0.1::80/udp"),
    ("0.0.0.0:53:53/udp", "127.0.0.1:53:53/udp"), ("[::]:7000:7000", "[::1]:7000:7000"),
    ("8000-8001:80-81", "127.0.0.1:8000-8001:80-81"), ("a:b:c:d", None), ("[::", None),
])
def test_loopback_port(port: str, bound: str | None) -> None:
    from netlint.fix.plan import loopback_port

    assert loopback_port(port) == bound


def test_kustomize_inputs_are_reported_not_fixed(tmp_path: Path) -> None:
    from netlint.render.tools import find_kustomize

    if find_kustomize(None) is None:
        pytest.skip("no kustomize or kubectl")
    import shutil

    tree = tmp_path / "kustomize"
    shutil.copytree(Path(__file__).parent / "render_fixtures" / "kustomize", tree)
    before = {p: p.read_bytes() for p in tree.rglob("*") if p.is_file()}
    run = fix_paths([str(tree)], _options("pss-restricted"), unsafe=True)
    assert not run.changed
    assert run.skipped and any("Helm chart or kustomization" in u.reason for u in run.skipped)
    assert {p: p.read_bytes() for p in tree.rglob("*") if p.is_file()} == before


# Several fixes at one place: each adds the missing container securityContext, the pod's
# securityContext, or removes one of two adjacent list items.
CROWDED = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: crowded
spec:
  template:
    spec:
      containers:
      - name: app
        image: nginx:1.27
      - name: sidecar
        image: busybox:1.36
        securityContext:
          privileged: true
          capabilities:
            add:
            - NET_ADMIN
            - SYS_TIME
---
apiVersion: v1
kind: Pod
metadata:
  name: bare
spec:
  containers:
  - name: app
    image: nginx:1.27
"""


def _report_fixes(tmp_path: Path, **options: object) -> tuple[object, dict]:  # type: ignore[type-arg]
    from netlint.engine import Engine
    from netlint.fix.report import finding_fixes

    result = Engine(ScanOptions(jobs=1, **options)).scan(  # type: ignore[arg-type]
        [str(tmp_path / "crowded.yaml")])
    return result, finding_fixes(result)


def test_report_fixes_verified_together_are_each_fixes_alone(tmp_path: Path) -> None:
    """The fixes a report shows are verified in batches; each must still be the edit that
    finding's fix makes alone, and re-parse to what that fix intends."""
    from netlint.fix.apply import verify
    from netlint.fix.intended import apply_ops
    from netlint.fix.plan import ops_for, position_index
    from netlint.fix.spec import rule_fix
    from netlint.source import Source
    from netlint.yamlnodes import parse_documents

    (tmp_path / "crowded.yaml").write_text(CROWDED)
    result, fixes = _report_fixes(tmp_path)
    assert len(fixes) >= 8  # several per container, at the same places
    docs, _ = parse_documents(Source("crowded.yaml", CROWDED))
    index = position_index(docs)
    lines = CROWDED.splitlines(keepends=True)
    for finding, fix in fixes.items():
        r = fix.replacement
        offset = sum(map(len, lines[:r.start_line - 1])) + r.start_column - 1
        end = sum(map(len, lines[:r.end_line - 1])) + r.end_column - 1
        fixed = CROWDED[:offset] + r.text + CROWDED[end:]
        ops = ops_for(finding, rule_fix(result.rules[finding.rule_id]), docs,  # type: ignore[attr-defined]
                      index)
        assert not isinstance(ops, str)
        intended = apply_ops([d.value for d in docs], ops)[0]
        assert verify("crowded.yaml", fixed, intended) == "", (finding, r)
    # computed while checking, they are the same as computed by the reporters
    checked, at_check = _report_fixes(tmp_path, finding_fixes=True)
    assert checked.fixes  # type: ignore[attr-defined]
    assert at_check == fixes


def test_a_report_never_shows_a_fix_that_does_not_verify(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from netlint.fix import report

    (tmp_path / "crowded.yaml").write_text(CROWDED)
    real = report._with_splice

    def wrong(path: str, body: str, ops: list, style: object,  # type: ignore[type-arg]
              docs: object = None) -> str:
        fixed = real(path, body, ops, style, docs)  # type: ignore[arg-type]
        return fixed.replace("name: bare", "name: renamed") if "runAsNonRoot" in str(ops) \
            else fixed

    monkeypatch.setattr(report, "_with_splice", wrong)
    for options in ({}, {"finding_fixes": True}):
        _, fixes = _report_fixes(tmp_path, **options)
        assert fixes and not any("runAsNonRoot" in fix.replacement.text
                                 for fix in fixes.values())


def test_a_file_too_large_for_its_number_of_fixes_gets_none_in_reports(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each fix in a report costs a copy of its file's text: past a bound (bytes x
    fixable findings) the file's findings are reported without fixes, both ways."""
    from netlint.fix import report

    (tmp_path / "crowded.yaml").write_text(CROWDED)
    assert _report_fixes(tmp_path)[1]
    monkeypatch.setattr(report, "MAX_SPLICE_PER_FILE", len(CROWDED) * 2)
    for options in ({}, {"finding_fixes": True}):
        result, fixes = _report_fixes(tmp_path, **options)
        assert result.findings and not fixes  # type: ignore[attr-defined]
