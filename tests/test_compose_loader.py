"""The Compose loader: interpolation, .env, merge rules, projects, syntax parsers."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from netlint.loaders.compose import parse_mount, parse_port
from netlint.loaders.compose_interp import interpolate, is_interpolated, is_unresolved, parse_dotenv
from netlint.loaders.compose_merge import merge
from netlint.source import Source
from netlint.yamlnodes import locate, parse_documents
from tests.helpers import golden_line, scan

ENV = {"SET": "v", "EMPTY": ""}


@pytest.mark.parametrize(("text", "value", "unresolved"), [
    ("$SET", "v", False),
    ("${SET}", "v", False),
    ("a${SET}b", "avb", False),
    ("${MISSING:-d}", "d", False),
    ("${EMPTY:-d}", "d", False),
    ("${EMPTY-d}", "", False),
    ("${MISSING-d}", "d", False),
    ("${SET:?err}", "v", False),
    ("${MISSING:?err}", "", True),
    ("${EMPTY:?err}", "", True),
    ("${EMPTY?err}", "", False),
    ("${SET:+alt}", "alt", False),
    ("${MISSING+alt}", "", False),
    ("${MISSING:-${SET}}", "v", False),
    ("${MISSING}", "", True),
    ("$$SET", "$SET", False),
    ("$${SET}", "${SET}", False),
])
def test_interpolation_forms(text: str, value: str, unresolved: bool) -> None:
    result = interpolate(text, ENV)
    assert str(result) == value
    assert is_unresolved(result) is unresolved


def test_escapes_are_literal_and_references_are_marked() -> None:
    assert not is_interpolated(interpolate("$$HOME", ENV))
    assert is_interpolated(interpolate("${SET}", ENV))
    err = interpolate("${MISSING:?set MISSING}", ENV)
    assert err.errors == ("MISSING: set MISSING",)  # type: ignore[attr-defined]


def test_dotenv() -> None:
    text = ("# comment\nexport A=1\nB=\"x ${A}\"\nC='${A}'\nD=plain # trailing\nE=\n"
            "F=\"two\nlines\"\n")
    assert parse_dotenv(text) == {"A": "1", "B": "x 1", "C": "${A}", "D": "plain", "E": "",
                                  "F": "two\nlines"}


@pytest.mark.parametrize(("item", "expected"), [
    ("80", (None, None, "80", "tcp")),
    ("8080:80", (None, "8080", "80", "tcp")),
    ("127.0.0.1:8080:80/udp", ("127.0.0.1", "8080", "80", "udp")),
    ("[::1]:8080:80", ("::1", "8080", "80", "tcp")),
    ("127.0.0.1::80", ("127.0.0.1", None, "80", "tcp")),
    (3000, (None, None, "3000", "tcp")),
    ({"target": 80, "published": "8080", "host_ip": "0.0.0.0"}, ("0.0.0.0", "8080", "80", "tcp")),
])
def test_parse_port(item: object, expected: tuple[object, ...]) -> None:
    port = parse_port(item)
    assert port is not None
    assert (port.host_ip, port.published, port.target, port.protocol) == expected


def test_parse_mount() -> None:
    m = parse_mount("/var/run/docker.sock:/var/run/docker.sock:ro")
    assert m is not None and (m.type, m.source, m.target, m.read_only) == (
        "bind", "/var/run/docker.sock", "/var/run/docker.sock", True)
    m = parse_mount("data:/data")
    assert m is not None and m.type == "volume"
    m = parse_mount("/data")
    assert m is not None and m.source is None and m.target == "/data"
    m = parse_mount({"type": "bind", "source": "/src", "target": "/dst", "read_only": True,
                     "bind": {"propagation": "rshared"}})
    assert m is not None and m.read_only and m.propagation == "rshared"
    m = parse_mount("C:\\data:/data")
    assert m is not None and m.source == "C:\\data" and m.target == "/data"


def _value(text: str, name: str) -> object:
    docs, err = parse_documents(Source(name, text))
    assert err is None
    return docs[0].value


def test_merge_rules_and_positions() -> None:
    base = _value("services:\n  web:\n    image: a:1\n    command: [a]\n    dns: [1.1.1.1]\n"
                  "    ports: ['8080:80', '9000:9000']\n", "base.yaml")
    over = _value("services:\n  web:\n    image: a:2\n    command: [b]\n    dns: [8.8.8.8]\n"
                  "    ports: ['127.0.0.1:8080:80', '9000:9000']\n", "over.yaml")
    merged = merge(base, over)
    web = merged["services"]["web"]
    assert web["image"] == "a:2"
    assert web["command"] == ["b"]  # replaced, not appended
    assert web["dns"] == ["1.1.1.1", "8.8.8.8"]  # appended
    assert web["ports"] == ["8080:80", "127.0.0.1:8080:80", "9000:9000"]  # unique key
    # positions follow the effective value's file
    assert web.pos["image"][0].path == "over.yaml"
    assert web["dns"].pos[0][0].path == "base.yaml"
    assert web["dns"].pos[1][0].path == "over.yaml"
    assert merged["services"].pos["web"][0].path == "base.yaml"


def test_located_findings_point_at_the_effective_file(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    image: a:1\n"
                                           "    user: '1000'\n")
    (tmp_path / "compose.override.yaml").write_text("services:\n  web:\n    user: root\n")
    # the override alone is still checked as part of its project
    result = scan([str(tmp_path / "compose.override.yaml")],
                  select=["non-root"])
    lines = [golden_line(f, tmp_path) for f in result.findings]
    assert lines == ["compose.override.yaml:3:5-3:15: error [compose-service-user-root] "
                     "service 'web' runs as root (user: root); use a non-zero UID"]


def test_environment_wins_over_dotenv_unless_ignored(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".env").write_text("NL_TEST_ENV_UID=10001\n")
    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    image: a:1\n"
                                           "    user: ${NL_TEST_ENV_UID}\n")
    monkeypatch.setenv("NL_TEST_ENV_UID", "0")
    rule = ["compose-service-user-root"]
    assert len(scan([str(tmp_path)], select=rule).findings) == 1
    assert scan([str(tmp_path)], select=rule, compose_ignore_env=True).findings == []


def test_list_environment_becomes_a_positioned_mapping(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("services:\n  web:\n    image: a:1\n    environment:\n      - A=1\n"
                    "      - B\n")
    from netlint.engine import Engine
    from netlint.options import ScanOptions

    engine = Engine(ScanOptions(select=["compose-unset-variable"]))
    result = engine.scan([str(path)])
    assert result.findings == []
    docs, _ = parse_documents(Source(str(path), path.read_text()))
    from netlint.loaders.compose import assemble_projects

    docs[0].kind = "compose"
    merged = assemble_projects(docs).documents[0]
    env = merged.value["services"]["web"]["environment"]
    assert env == {"A": "1", "B": None}
    _src, span = locate(merged, ("services", "web", "environment", "B"))
    assert (span.start_line, span.start_column) == (6, 9)


def test_missing_references_never_crash(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(
        "include: [a.yaml, {path: [b.yaml, c.yaml]}, 42]\nservices:\n  web:\n"
        "    extends: {file: loop.yaml, service: x}\n  self:\n    extends: self\n")
    (tmp_path / "loop.yaml").write_text("services:\n  x:\n    extends: {file: loop.yaml, "
                                        "service: x}\n")
    (tmp_path / "a.yaml").write_text("include: [compose.yaml]\nservices: {}\n")
    result = scan([str(tmp_path)])
    rules = {f.rule_id for f in result.findings}
    assert "internal-error" not in rules
    assert "compose-unresolved-reference" in rules


def test_realworld_compose_corpus_scans_without_internal_error(shared_dir: Path) -> None:
    folder = shared_dir / "corpus" / "realworld" / "compose"
    if not folder.is_dir():
        pytest.skip("no Compose corpus")
    result = scan([str(folder)], compose_ignore_env=True)
    errors = [f for f in result.findings if f.rule_id == "internal-error"]
    assert errors == [], errors[:3]
    assert result.stats.documents["compose"] >= len(os.listdir(folder)) * 0.9


def test_hostile_interpolation_is_bounded() -> None:
    nested = "${A:-" * 5000 + "x" + "}" * 5000
    assert isinstance(str(interpolate(nested, {})), str)  # no RecursionError
    assert str(interpolate("${" * 1000, {})) == "${" * 1000  # unterminated: kept as written


def test_base_and_override_scanned_together_give_one_project(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    image: a:1\n")
    (tmp_path / "compose.override.yml").write_text("services:\n  web:\n    user: root\n")
    (tmp_path / "docker-compose.yml").write_text("services:\n  other:\n    image: b:1\n")
    result = scan([str(tmp_path / "compose.yaml"), str(tmp_path)],
                  select=["non-root"])
    lines = sorted(golden_line(f, tmp_path).split(": ")[0] for f in result.findings)
    # compose.yaml + compose.override.yml merged once; docker-compose.yml (not the default
    # file when compose.yaml exists) is checked on its own
    assert lines == ["compose.override.yml:3:5-3:15", "docker-compose.yml:2:3-2:8"]


def test_reset_and_override_tags() -> None:
    base = _value("services:\n  web:\n    user: '1000'\n    dns: [1.1.1.1]\n    ports: ['80:80']\n",
                  "base.yaml")
    over = _value("services:\n  web:\n    user: !reset null\n    dns: !override [9.9.9.9]\n"
                  "    ports: !reset []\n", "over.yaml")
    web = merge(base, over)["services"]["web"]
    assert "user" not in web and "ports" not in web
    assert web["dns"] == ["9.9.9.9"]
    assert web["dns"].pos[0][0].path == "over.yaml"


def test_included_file_is_checked_once_whatever_the_scan_order(tmp_path: Path) -> None:
    (tmp_path / "aaa.yaml").write_text("services:\n  job:\n    image: a:1\n")
    (tmp_path / "compose.yaml").write_text("include: [aaa.yaml]\nservices:\n  web:\n"
                                           "    image: b:1\n    user: '1000'\n")
    result = scan([str(tmp_path)], select=["non-root"])
    assert [golden_line(f, tmp_path).split(": ")[0] for f in result.findings] == [
        "aaa.yaml:2:3-2:6"]
