"""The declarative template, its path language and conditions, and user rule directories."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from netlint.cli import main
from netlint.model import paths
from netlint.model.conditions import ConditionError, compile_condition
from netlint.templates.declarative import validate_params
from tests.helpers import golden_line, scan

# --- path language -----------------------------------------------------------------------


def test_parse_paths() -> None:
    w = paths.WILDCARD
    assert paths.parse("spec.template.spec.containers[*].securityContext.privileged") == (
        "spec", "template", "spec", "containers", w, "securityContext", "privileged")
    assert paths.parse("services.*.ports[*]") == ("services", w, "ports", w)
    assert paths.parse('metadata.annotations["a.b/c"]') == ("metadata", "annotations", "a.b/c")
    assert paths.parse("items[-1].x") == ("items", -1, "x")
    assert paths.parse("[0]") == (0,)


@pytest.mark.parametrize(("text", "column"), [
    ("a..b", 3), ("a.", 2), (".a", 1), ("a[x]", 2), ("a b", 2), ("a.[0]", 3), ("", 1),
])
def test_bad_paths_name_the_column(text: str, column: int) -> None:
    with pytest.raises(paths.PathSyntaxError) as info:
        paths.parse(text)
    assert info.value.column == column


def test_resolve_wildcards_and_missing_points_at_parent() -> None:
    doc = {"spec": {"containers": [{"name": "a", "sc": {"p": True}}, {"name": "b"}]}}
    got = paths.resolve(doc, paths.parse("spec.containers[*].sc.p"))
    assert [(t.path, t.missing) for t in got] == [
        (("spec", "containers", 0, "sc", "p"), False),
        (("spec", "containers", 1), True),
    ]
    assert got[1].wanted == ("spec", "containers", 1, "sc", "p")
    assert got[0].captures == (0,)
    assert paths.resolve({"s": {}}, paths.parse("s.*.x")) == []  # a wildcard over nothing
    assert paths.render(("metadata", "annotations", "a.b/c", 0)) == (
        'metadata.annotations["a.b/c"][0]')


# --- conditions --------------------------------------------------------------------------


def _fails(spec: dict, value: object) -> list[tuple]:
    return [t.path for t in compile_condition(spec)(value, ()).failures]


def test_operators() -> None:
    v = {"a": 1, "b": "x-1", "t": True, "cidr": "10.1.0.0/16", "ip": "0.0.0.0/0"}
    assert _fails({"path": "a", "equals": 1}, v) == []
    assert _fails({"path": "t", "equals": 1}, v) == [("t",)]  # YAML-typed: true is not 1
    assert _fails({"path": "a", "not-equals": 1}, v) == [("a",)]
    assert _fails({"path": "b", "in": ["x-1", "y"]}, v) == []
    assert _fails({"path": "b", "not-in": ["x-1"]}, v) == [("b",)]
    assert _fails({"path": "b", "matches": "^x-\\d$"}, v) == []
    assert _fails({"path": "b", "not-matches": "x"}, v) == [("b",)]
    assert _fails({"path": "a", "less-than": 1}, v) == [("a",)]
    assert _fails({"path": "a", "greater-or-equal": 1}, v) == []
    assert _fails({"path": "b", "greater-than": 0}, v) == [("b",)]  # not a number
    assert _fails({"path": "cidr", "cidr-within": "10.0.0.0/8"}, v) == []
    assert _fails({"path": "cidr", "cidr-within": ["192.168.0.0/16"]}, v) == [("cidr",)]
    assert _fails({"path": "ip", "cidr-contains": "169.254.169.254"}, v) == []
    assert _fails({"path": "cidr", "cidr-contains": "169.254.169.254"}, v) == [("cidr",)]
    assert _fails({"path": "cidr", "cidr-overlaps": "10.1.2.0/24"}, v) == []
    assert _fails({"path": "cidr", "cidr-overlaps": "fd00::/8"}, v) == [("cidr",)]
    assert _fails({"path": "x", "exists": True}, v) == [()]  # the parent of the missing key
    assert _fails({"path": "a", "missing": True}, v) == [("a",)]
    assert _fails({"path": "x", "equals": 1}, v) == []  # value operators skip absent keys


def test_combinators() -> None:
    v = {"c": [{"p": True}, {"p": False}, {}]}
    # not is per value: "no container sets p: true"
    assert _fails({"not": {"path": "c[*].p", "equals": True}}, v) == [("c", 0, "p")]
    assert _fails({"all": [{"path": "c[*].p", "exists": True},
                           {"path": "c[*].p", "equals": False}]}, v) == [
        ("c", 2), ("c", 0, "p")]
    assert _fails({"any": [{"path": "c[1].p", "equals": False},
                           {"path": "c[0].p", "equals": False}]}, v) == []
    assert _fails({"any": [{"path": "c[0].p", "equals": False},
                           {"path": "c[2].p", "exists": True}]}, v) == [("c", 2)]


@pytest.mark.parametrize(("params", "where", "fragment"), [
    ({"assert": {"path": "a..b", "equals": 1}, "message": "m"}, ("assert", "path"),
     "bad path"),
    ({"assert": {"path": "a", "bogus": 1}, "message": "m"}, ("assert", "bogus"),
     "unknown operator 'bogus'"),
    ({"assert": {"path": "a", "matches": "(["}, "message": "m"}, ("assert", "matches"),
     "invalid regular expression"),
    ({"assert": {"path": "a", "in": "x"}, "message": "m"}, ("assert", "in"), "list"),
    ({"assert": {"path": "a", "cidr-within": ["10.0.0.0/8", "nope"]}, "message": "m"},
     ("assert", "cidr-within", 1), "not an IP address"),
    ({"assert": {"path": "a", "equals": 1, "exists": True}, "message": "m"}, ("assert",),
     "exactly one operator"),
    ({"assert": {"all": []}, "message": "m"}, ("assert", "all"), "non-empty list"),
    ({"assert": {"not": {"path": "a"}}, "message": "m"}, ("assert", "not"),
     "exactly one operator"),
    ({"assert": {"path": "a", "exists": True}, "message": "{nope}"}, ("message",),
     "unknown placeholder"),
    ({"match": {"when": {"path": "a["}}, "assert": {"path": "a", "exists": True},
      "message": "m"}, ("match", "when", "path"), "bad path"),
    ({"for-each": "a..", "assert": {"path": "a", "exists": True}, "message": "m"},
     ("for-each",), "bad path"),
])
def test_validate_params_names_the_key(params: dict, where: tuple, fragment: str) -> None:
    problem = validate_params(params)
    assert problem is not None
    assert problem[0] == where
    assert fragment in problem[1]


def test_compile_rejects_non_mapping() -> None:
    with pytest.raises(ConditionError):
        compile_condition(["x"])


# --- user rule directories ---------------------------------------------------------------

WIDGET_RULE = """\
id: widget-exposes-admin-port
title: Widget exposes its admin port to every address
severity: error
security-severity: 7.5
tags: [security]
target: kubernetes
template: declarative
params:
  match:
    apiVersion: widgets.example.com/*
    kind: Widget
    when:
      path: spec.admin.enabled
      equals: true
  for-each: spec.listeners[*]
  assert:
    not:
      path: allowFrom[*]
      cidr-contains: 0.0.0.0/0
  message: "{kind}/{name}: listener {0} allows {value} ({path})"
docs:
  what: A Widget listener accepts admin connections from any address.
  why: The admin port can reconfigure the widget; anyone who reaches it owns it.
  example: |
    allowFrom: [0.0.0.0/0]
  use_instead: |
    allowFrom: [10.0.0.0/8]
  references:
    - https://widgets.example.com/docs/security
"""

WIDGETS = """\
apiVersion: widgets.example.com/v1
kind: Widget
metadata:
  name: shop
spec:
  admin:
    enabled: true
  listeners:
    - port: 8443
      allowFrom: [10.0.0.0/8]
    - port: 9000
      allowFrom:
        - 192.168.0.0/16
        - 0.0.0.0/0
---
apiVersion: widgets.example.com/v1
kind: Widget
metadata:
  name: quiet
spec:
  admin: {enabled: false}
  listeners:
    - allowFrom: [0.0.0.0/0]
"""


@pytest.fixture
def user_rules(tmp_path: Path) -> tuple[Path, Path]:
    rules = tmp_path / "policies"
    rules.mkdir()
    (rules / "widget-exposes-admin-port.yaml").write_text(WIDGET_RULE)
    manifests = tmp_path / "deploy"
    manifests.mkdir()
    (manifests / "widgets.yaml").write_text(WIDGETS)
    return rules, manifests


def test_user_rule_for_unknown_crd_end_to_end(user_rules: tuple[Path, Path],
                                              tmp_path: Path) -> None:
    rules, manifests = user_rules
    runner = CliRunner()
    listed = runner.invoke(main, ["rules", "--rules", str(rules), "--format", "json"])
    assert listed.exit_code == 0
    entry = next(r for r in json.loads(listed.output) if r["id"] == "widget-exposes-admin-port")
    assert entry["severity"] == "error" and entry["tags"] == ["security"]

    explained = runner.invoke(main, ["explain", "widget-exposes-admin-port", "--rules",
                                     str(rules)])
    assert explained.exit_code == 0
    assert "Widget exposes its admin port" in explained.output
    assert "allowFrom: [10.0.0.0/8]" in explained.output

    result = scan([str(manifests)], rule_dirs=[str(rules)],
                  select=["widget-exposes-admin-port"])
    assert [golden_line(f, manifests) for f in result.findings] == [
        "widgets.yaml:14:11-14:20: error [widget-exposes-admin-port] Widget/shop: listener 1 "
        "allows 0.0.0.0/0 (spec.listeners[1].allowFrom[1])",
    ]

    sarif_out = tmp_path / "out.sarif"
    run = runner.invoke(main, ["scan", str(manifests), "--rules", str(rules), "--format",
                               "sarif", "-o", str(sarif_out)])
    assert run.exit_code == 1
    sarif = json.loads(sarif_out.read_text())["runs"][0]
    descriptors = {r["id"]: r for r in sarif["tool"]["driver"]["rules"]}
    d = descriptors["widget-exposes-admin-port"]
    assert d["shortDescription"]["text"] == "Widget exposes its admin port to every address"
    assert d["properties"]["security-severity"] == "7.5"
    # a user rule is not in netlint's docs/rules.md: its own reference is the help link
    assert d["helpUri"] == "https://widgets.example.com/docs/security"
    assert "allowFrom: [10.0.0.0/8]" in d["help"]["markdown"]
    results = [r for r in sarif["results"] if r["ruleId"] == "widget-exposes-admin-port"]
    assert len(results) == 1
    region = results[0]["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"], region["endColumn"]) == (14, 11, 20)


def test_user_rule_reusing_builtin_id_is_an_error(tmp_path: Path) -> None:
    rules = tmp_path / "r"
    rules.mkdir()
    text = WIDGET_RULE.replace("widget-exposes-admin-port", "lokistack-network-policies-disabled")
    (rules / "lokistack-network-policies-disabled.yaml").write_text(text)
    out = CliRunner().invoke(main, ["rules", "--rules", str(rules)])
    assert out.exit_code == 2
    assert "lokistack-network-policies-disabled.yaml:1:1: key 'id': rule " in out.output


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("template: declarative", "template: nope",
     ":7:1: key 'template': unknown template 'nope' (known: "),
    ("path: allowFrom[*]", "path: allowFrom[*",
     ":18:7: key 'params.assert.not.path': bad path 'allowFrom[*': expected [N], [*] or "),
    ("docs:", None, ":1:1: key 'docs': missing (required)"),
    ("security-severity: 7.5", "security-severity: high",
     ":4:1: key 'security-severity': 'high' is not of type 'number'"),
    ("tags: [security]", "tags: security",
     ":5:1: key 'tags': 'security' is not of type 'array'"),
    ("      cidr-contains: 0.0.0.0/0", "      cidr-contains: everywhere",
     ":19:7: key 'params.assert.not.cidr-contains': operator 'cidr-contains': 'everywhere' is "
     "not an IP address or CIDR"),
    ("  for-each: spec.listeners[*]", "  for-each: [spec]",
     ":15:3: key 'params.for-each': ['spec'] is not of type 'string'"),
    ("      equals: true", "      matches: '(['",
     ":14:7: key 'params.match.when.matches': invalid regular expression"),
])
def test_invalid_rule_file_gives_one_clear_error(tmp_path: Path, old: str, new: str | None,
                                                 expected: str) -> None:
    assert old in WIDGET_RULE
    text = WIDGET_RULE.split(old)[0] if new is None else WIDGET_RULE.replace(old, new)
    rules = tmp_path / "r"
    rules.mkdir()
    path = rules / "widget-exposes-admin-port.yaml"
    path.write_text(text)
    (tmp_path / "w.yaml").write_text(WIDGETS)
    out = CliRunner().invoke(main, ["scan", str(tmp_path / "w.yaml"), "--rules", str(rules)])
    assert out.exit_code == 2
    lines = [line for line in out.output.splitlines() if line.strip()]
    assert len(lines) == 1, out.output
    assert lines[0].startswith(f"netlint: error: {path}{expected}"), lines[0]


def test_target_any_reads_plain_yaml_and_counts_it(tmp_path: Path) -> None:
    rules = tmp_path / "r"
    rules.mkdir()
    (rules / "app-config-without-tls.yaml").write_text(
        WIDGET_RULE.replace("widget-exposes-admin-port", "app-config-without-tls")
        .replace("target: kubernetes", "target: any")
        .split("params:")[0]
        + "params:\n  match:\n    when: {path: server.port, exists: true}\n"
          "  assert: {path: server.tls, equals: true}\n  message: '{path} is {value}'\n"
        + "docs:" + WIDGET_RULE.split("docs:")[1])
    (tmp_path / "app.yaml").write_text("server:\n  port: 8080\n  tls: false\n")
    (tmp_path / "other.yaml").write_text("hello: world\n")
    result = scan([str(tmp_path / "app.yaml"), str(tmp_path / "other.yaml")],
                  rule_dirs=[str(rules)], select=["app-config-without-tls"])
    assert [golden_line(f, tmp_path) for f in result.findings] == [
        "app.yaml:3:3-3:13: error [app-config-without-tls] server.tls is false"]
    assert result.stats.documents["yaml"] == 1
    assert result.stats.files_skipped == 1  # other.yaml matched no rule
    # without such a rule selected, plain YAML is skipped as before
    plain = scan([str(tmp_path / "app.yaml")], rule_dirs=[str(rules)],
                 select=["lokistack-network-policies-disabled"])
    assert plain.stats.files_skipped == 1 and not plain.findings


# --- new-rule ----------------------------------------------------------------------------


@pytest.mark.parametrize("target", ["kubernetes", "compose", "envoy", "any"])
def test_new_rule_scaffold_validates_and_its_fixtures_behave(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch,
                                                             target: str) -> None:
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    out = runner.invoke(main, ["new-rule", "my-rule", "--target", target])
    assert out.exit_code == 0, out.output
    rule_file = tmp_path / ".netlint" / "rules" / "my-rule.yaml"
    assert rule_file.is_file()
    fixtures = tmp_path / ".netlint" / "rule-tests" / "my-rule"
    opts = {"rule_dirs": [str(rule_file.parent)], "select": ["my-rule"]}
    failing = scan([str(fixtures / "fail")], **opts)
    assert [f.rule_id for f in failing.findings] == ["my-rule"]
    assert failing.findings[0].span.start_line > 1
    assert scan([str(fixtures / "pass")], **opts).findings == []
    again = runner.invoke(main, ["new-rule", "my-rule", "--target", target])
    assert again.exit_code == 2 and "exists; use --force" in again.output
    bad = runner.invoke(main, ["new-rule", "My_Rule"])
    assert bad.exit_code == 2 and "kebab-case" in bad.output
    builtin = runner.invoke(main, ["new-rule", "lokistack-network-policies-disabled"])
    assert builtin.exit_code == 2 and "built-in" in builtin.output


def test_rules_markdown_is_the_full_reference() -> None:
    out = CliRunner().invoke(main, ["rules", "--format", "markdown"])
    assert out.exit_code == 0
    assert "### lokistack-network-policies-disabled" in out.output
    assert "**Why it matters.**" in out.output


def test_numeric_keys_and_conditional_assert() -> None:
    assert [t.path for t in paths.resolve({"ports": {8080: "x"}}, paths.parse("ports.8080"))] == [
        ("ports", 8080)]
    # "if the listener is public then it must use TLS": any[not A, B]
    rule = {"any": [{"path": "public", "not-equals": True}, {"path": "tls", "equals": True}]}
    assert _fails(rule, {"public": True, "tls": True}) == []
    assert _fails(rule, {"public": False, "tls": False}) == []
    assert _fails(rule, {"public": True, "tls": False}) == [("tls",)]
    cond = {"if": {"path": "public", "equals": True}, "then": {"path": "tls", "equals": True}}
    assert _fails(cond, {"public": True, "tls": False}) == [("tls",)]
    assert _fails(cond, {"public": False, "tls": False}) == []
    with pytest.raises(ConditionError, match="'then' is missing"):
        compile_condition({"if": {"path": "a", "exists": True}})


def test_sarif_with_user_rule_is_valid(user_rules: tuple[Path, Path], tmp_path: Path,
                                       shared_dir: Path) -> None:
    from jsonschema import Draft7Validator

    rules, manifests = user_rules
    path = rules / "widget-exposes-admin-port.yaml"
    path.write_text(path.read_text().replace(
        "  references:\n    - https://widgets.example.com/docs/security\n",
        "  references: []\n  no-references-reason: an internal policy with no public page\n"))
    out = tmp_path / "o.sarif"
    CliRunner().invoke(main, ["scan", str(manifests), "--rules", str(rules), "--format", "sarif",
                              "-o", str(out)])
    sarif = json.loads(out.read_text())
    schema = json.loads((shared_dir / "schemas" / "sarif-schema-2.1.0.json").read_text())
    errors = list(Draft7Validator(schema).iter_errors(sarif))
    assert not errors, errors[0].message
    rule = next(r for r in sarif["runs"][0]["tool"]["driver"]["rules"]
                if r["id"] == "widget-exposes-admin-port")
    assert "helpUri" not in rule


def test_readme_worked_example_is_real(tmp_path: Path) -> None:
    """The README's "Writing your own rules" example: its rule file, manifest and output."""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    section = readme.split("## Writing your own rules", 1)[1].split("\n## ", 1)[0]
    blocks = section.split("```yaml\n")
    rule_text = blocks[1].split("```", 1)[0]
    manifest = blocks[2].split("```", 1)[0]
    (tmp_path / "policies").mkdir()
    (tmp_path / "deploy").mkdir()
    (tmp_path / "policies" / "gateway-admin-open-to-internet.yaml").write_text(rule_text)
    (tmp_path / "deploy" / "gateway.yaml").write_text(manifest)
    result = scan([str(tmp_path / "deploy")], rule_dirs=[str(tmp_path / "policies")])
    assert len(result.findings) == 1
    f = result.findings[0]
    shown = (f"deploy/gateway.yaml:{f.span.start_line}:{f.span.start_column}  error   "
             f"{f.rule_id}  {f.message}")
    assert shown in section
    assert (f.span.start_line, f.span.start_column, f.span.end_column) == (14, 11, 20)


def test_rules_and_explain_read_config_rule_dirs(user_rules: tuple[Path, Path], tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".netlint.yaml").write_text("rules: [policies]\n")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    listed = runner.invoke(main, ["rules", "--format", "json"])
    assert listed.exit_code == 0, listed.output
    assert "widget-exposes-admin-port" in {r["id"] for r in json.loads(listed.output)}
    assert runner.invoke(main, ["explain", "widget-exposes-admin-port"]).exit_code == 0
    run = runner.invoke(main, ["scan", "deploy", "--format", "json"])
    assert run.exit_code == 1
    assert [f["rule"] for f in json.loads(run.output)["findings"]] == [
        "widget-exposes-admin-port"]


def test_for_each_containers_covers_every_workload_kind(tmp_path: Path) -> None:
    rules = tmp_path / "r"
    rules.mkdir()
    text = WIDGET_RULE.replace("widget-exposes-admin-port", "privileged-container")
    text = text.split("params:")[0] + (
        "params:\n"
        "  for-each: '@containers'\n"
        "  assert: {not: {path: securityContext.privileged, equals: true}}\n"
        "  message: \"{kind}/{name}: container '{0}' sets {path}: {value}\"\n"
        "docs:" + text.split("docs:")[1])
    (rules / "privileged-container.yaml").write_text(text)
    (tmp_path / "w.yaml").write_text("""\
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly}
spec:
  jobTemplate:
    spec:
      template:
        spec:
          initContainers:
            - name: setup
              securityContext: {privileged: true}
          containers:
            - name: main
---
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: ok
      securityContext: {privileged: false}
""")
    result = scan([str(tmp_path / "w.yaml")], rule_dirs=[str(rules)],
                  select=["privileged-container"])
    assert [golden_line(f, tmp_path) for f in result.findings] == [
        "w.yaml:11:33-11:49: error [privileged-container] CronJob/nightly: container 'setup' "
        "sets spec.jobTemplate.spec.template.spec.initContainers[0].securityContext.privileged: "
        "true"]
    assert validate_params({"for-each": "@pods", "assert": {"path": "a", "exists": True},
                            "message": "m"}) == (("for-each",), "unknown scope '@pods' "
                                                 "(known: @pod-specs, @containers, "
                                                 "@pod-and-containers)")


def test_scaffolded_examples_are_not_scanned_with_the_project(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch
                                                              ) -> None:
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert runner.invoke(main, ["new-rule", "my-rule"]).exit_code == 0
    (tmp_path / "app.yaml").write_text(
        "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {insecure: true}\n")
    result = scan(["."], rule_dirs=[".netlint/rules"], select=["my-rule"])
    assert [f.path for f in result.findings] == ["app.yaml"]  # not the failing example
    assert result.stats.files == 1


# --- Compose values: truthy strings, unresolved variables, scalar services -------------------


def test_truthy_operator_reads_compose_booleans() -> None:
    values = {"x": [True, "yes", " On ", "Y", "TRUE", False, "no", 1, "1", None, "host"]}
    # truthy: false fails where the value is truthy (YAML true or y/yes/true/on, any case:
    # compose-go's toBoolean; "1" is refused by Compose, not true)
    assert _fails({"path": "x[*]", "truthy": False}, values) == [("x", i) for i in range(5)]
    # the integer 1 is not a Compose boolean string; null is present and not truthy
    assert _fails({"path": "x[*]", "truthy": True}, values) == [("x", i) for i in range(5, 11)]
    with pytest.raises(ConditionError, match="takes true or false"):
        compile_condition({"path": "x", "truthy": "yes"})


def test_value_operators_do_not_judge_unresolved_values() -> None:
    from netlint.loaders.compose_interp import interpolate, is_unresolved

    unknown = interpolate("${NETLINT_TEST_SURELY_UNSET}host", {})
    assert is_unresolved(unknown) and unknown == "host"
    doc = {"a": unknown, "b": "host", "c": interpolate("${NETLINT_TEST_SURELY_UNSET}", {})}
    assert _fails({"path": "*", "not-equals": "host"}, doc) == [("b",)]
    assert _fails({"path": "*", "truthy": True}, doc) == [("b",)]
    assert _fails({"path": "c", "not-matches": "host"}, doc) == []
    # the key is there all the same
    assert _fails({"path": "c", "exists": True}, doc) == []
    assert _fails({"path": "c", "missing": True}, doc) == [("c",)]


def test_converted_compose_rules_keep_compose_semantics(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text("""\
services:
  empty:
  app:
    privileged: "yes"
    network_mode: "${NETLINT_TEST_SURELY_UNSET}host"
    read_only: ${NETLINT_TEST_SURELY_UNSET}
    security_opt: ["seccomp = unconfined", "seccomp:unconfined=no"]
  db:
    privileged: "no"
    read_only: "True"
    userns_mode: " HOST "
    logging: {driver: none}
""")
    result = scan([str(tmp_path)], select=[
        "compose-privileged", "compose-host-network", "compose-writable-root-filesystem",
        "compose-seccomp-unconfined", "compose-host-userns", "compose-logging-disabled"])
    assert [golden_line(f, tmp_path) for f in result.findings] == [
        "compose.yaml:4:5-4:22: error [compose-privileged] service 'app' sets privileged: true",
        "compose.yaml:7:20-7:42: warning [compose-seccomp-unconfined] service 'app' turns "
        "seccomp off (seccomp = unconfined)",
        "compose.yaml:11:5-11:26: error [compose-host-userns] service 'db' uses the host user "
        "namespace (userns_mode: host), bypassing the daemon's user-namespace remapping",
        "compose.yaml:12:15-12:27: note [compose-logging-disabled] service 'db' discards its "
        "logs (logging driver none)",
    ]


def test_pod_and_containers_scope_names_the_level(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text("""\
apiVersion: v1
kind: Pod
metadata: {generateName: job-}
spec:
  securityContext: {runAsUser: 0}
  initContainers:
    - name: setup
      securityContext: {runAsUser: 0}
  containers:
    - name: main
      securityContext: {runAsUser: 1000}
    - name: side
      securityContext: {runAsUser: false}
""")
    result = scan([str(tmp_path)], select=["k8s-run-as-user-root"])
    assert [golden_line(f, tmp_path) for f in result.findings] == [
        "p.yaml:5:21-5:33: error [k8s-run-as-user-root] Pod/job-*: pod sets runAsUser: 0 "
        "(root); use a non-zero UID",
        "p.yaml:8:25-8:37: error [k8s-run-as-user-root] Pod/job-*: init container 'setup' "
        "sets runAsUser: 0 (root); use a non-zero UID",
    ]


def test_match_globs_compile_once_and_keep_fnmatch_semantics() -> None:
    from fnmatch import fnmatchcase

    from netlint.templates.declarative import _globs

    assert _globs(None) is None
    for spec in ("Pod", ["Pod", "Deployment"], "apps/*", ["v1", "*.istio.io/v1?"],
                 "[A-C]*Set"):
        match = _globs(spec)
        assert match is not None
        globs = [spec] if isinstance(spec, str) else spec
        for text in ("Pod", "pod", "Deployment", "apps/v1", "apps", "v1", "v1beta1",
                     "security.istio.io/v1b", "networking.istio.io/v1", "DaemonSet",
                     "ReplicaSet", "StatefulSet"):
            assert match(text) == any(fnmatchcase(text, g) for g in globs), (spec, text)
