"""The Compose findings the incremental cache keeps (netlint/check_compose.py): reused
while every input of the projects answers the same, assembled again when any changes,
never stored when they hold a value from the environment or a hidden env-file value."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest

from netlint.engine import Engine, ScanResult
from netlint.loaders import compose as compose_loader
from netlint.options import ScanOptions
from netlint.reporters import json as json_reporter
from netlint.reporters import sarif
from netlint.reporters.text import render_to

COMPOSE = """\
# releases are tagged 1.2.3 and so on
include:
  - common.yaml
services:
  app:
    image: "registry.example/app:${NETLINT_TEST_TAG:-latest}"
    privileged: true
    env_file: app.env
    extends:
      file: base.yaml
      service: base
"""
COMMON = """\
services:
  cache:
    image: redis:7
    network_mode: host
"""
BASE = """\
services:
  base:
    cap_add: [SYS_ADMIN]
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NETLINT_TEST_TAG", raising=False)
    root = tmp_path / "repo"
    root.mkdir()
    (root / "compose.yaml").write_text(COMPOSE)
    (root / "common.yaml").write_text(COMMON)
    (root / "base.yaml").write_text(BASE)
    (root / "app.env").write_text("A=1\n")
    (root / "web.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  hostNetwork: true\n"
        "  containers: [{name: c, image: nginx}]\n")
    return root


@pytest.fixture
def assembled(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times Compose projects were assembled."""
    calls: list[int] = []
    real = compose_loader.assemble_projects

    def counting(*args: object, **kwargs: object) -> compose_loader.Assembled:
        calls.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(compose_loader, "assemble_projects", counting)
    return calls


def _scan(root: Path, cache: Path | None) -> ScanResult:
    """Scan ``root`` (a directory, or one Compose file: then the files it references are
    read only by the Compose loader, not scanned)."""
    options = ScanOptions(jobs=1, cache=cache is not None,
                          cache_dir=str(cache) if cache else None, include_suppressed=True,
                          finding_fixes=True)
    return Engine(options).scan([str(root)])


def _reports(result: ScanResult) -> dict[str, str]:
    text = io.StringIO()
    render_to(result, text, color=False, statistics=True)
    out = io.StringIO()
    json_reporter.render_to(result, out, include_suppressed=True)
    return {"text": text.getvalue(), "json": out.getvalue(),
            "sarif": sarif.render(result, include_suppressed=True)}


def _same_as_cold(root: Path, cache: Path, assembled: list[int], *, reassembles: bool
                  ) -> ScanResult:
    """A scan with the cache reports what a scan without it does, and assembles the
    projects again exactly when ``reassembles``."""
    del assembled[:]
    warm = _scan(root, cache)
    assert len(assembled) == (1 if reassembles else 0)
    cold = _scan(root, None)
    assert _reports(warm) == _reports(cold)
    assert warm.stats == cold.stats
    return warm


def _messages(result: ScanResult) -> set[str]:
    return {f"{f.rule_id} {f.path}:{f.span.start_line} {f.message}" for f in result.findings}


def test_unchanged_projects_are_not_assembled_again(project: Path, tmp_path: Path,
                                                    assembled: list[int]) -> None:
    cache = tmp_path / "cache"
    first = _scan(project, cache)
    assert len(assembled) == 1
    warm = _same_as_cold(project, cache, assembled, reassembles=False)
    assert _reports(warm) == _reports(first)
    rules = {f.rule_id for f in warm.findings if f.path.endswith(".yaml")}
    # findings in the scanned file, an included file and an extended file
    assert {"compose-privileged", "compose-host-network", "compose-dangerous-cap-add",
            "pss-host-namespaces"} <= rules
    # the included files' sources are there for the reports (SARIF snippets, fixes)
    assert "repo/common.yaml" in warm.sources


@pytest.mark.parametrize("scanned", ["the tree", "the Compose file alone"])
@pytest.mark.parametrize("change", [
    "edit the scanned file", "edit an included file", "edit an extended file",
    "an override file appears", "the env_file disappears", "a default .env appears",
    "the included file becomes a link out of the tree",
])
def test_any_changed_input_assembles_again(project: Path, tmp_path: Path,
                                           assembled: list[int], change: str, scanned: str
                                           ) -> None:
    cache = tmp_path / "cache"
    target = project if scanned == "the tree" else project / "compose.yaml"
    _scan(target, cache)
    before = _messages(_same_as_cold(target, cache, assembled, reassembles=False))
    if change == "edit the scanned file":
        path = project / "compose.yaml"
        path.write_text(path.read_text().replace("privileged: true", "privileged: false"))
    elif change == "edit an included file":
        path = project / "common.yaml"
        path.write_text(path.read_text().replace("network_mode: host\n", ""))
    elif change == "edit an extended file":
        path = project / "base.yaml"
        path.write_text(path.read_text().replace("SYS_ADMIN", "NET_RAW"))
    elif change == "an override file appears":
        (project / "compose.override.yaml").write_text(
            "services:\n  app:\n    pid: host\n")
    elif change == "the env_file disappears":
        (project / "app.env").unlink()
    elif change == "a default .env appears":
        # a value written in the project's files is public (the comment in COMPOSE):
        # reports show it, and the result can be stored
        (project / ".env").write_text("NETLINT_TEST_TAG=1.2.3\n")
    else:
        outside = tmp_path / "elsewhere"
        outside.mkdir()
        (outside / "common.yaml").write_text(COMMON)  # the same text, out of the tree
        (project / "common.yaml").unlink()
        (project / "common.yaml").symlink_to(outside / "common.yaml")
    after = _messages(_same_as_cold(target, cache, assembled, reassembles=True))
    assert after != before
    # and the new results are kept in turn
    _same_as_cold(target, cache, assembled, reassembles=False)


def _cache_texts(cache: Path) -> str:
    return "".join(p.read_text(errors="replace") for p in cache.iterdir() if p.is_file())


def test_values_from_the_environment_are_never_stored(project: Path, tmp_path: Path,
                                                      assembled: list[int],
                                                      monkeypatch: pytest.MonkeyPatch
                                                      ) -> None:
    cache = tmp_path / "cache"
    _scan(project, cache)
    # a variable the projects looked up is set now: assembled again, the value used
    monkeypatch.setenv("NETLINT_TEST_TAG", "secret-tag-from-env")
    warm = _same_as_cold(project, cache, assembled, reassembles=True)
    assert not any("secret-tag-from-env" in m for m in _messages(warm))
    # while it stays set, nothing is reused (the value went into the findings)
    _same_as_cold(project, cache, assembled, reassembles=True)
    assert "secret-tag-from-env" not in _cache_texts(cache)
    # unset again: the results stored before it was set are valid again
    monkeypatch.delenv("NETLINT_TEST_TAG")
    _same_as_cold(project, cache, assembled, reassembles=False)


def test_hidden_env_file_values_are_never_stored(project: Path, tmp_path: Path,
                                                 assembled: list[int]) -> None:
    cache = tmp_path / "cache"
    (project / ".env").write_text("NETLINT_TEST_TAG=hidden-tag-from-env-file\n")
    _scan(project, cache)
    _same_as_cold(project, cache, assembled, reassembles=True)
    assert "hidden-tag-from-env-file" not in _cache_texts(cache)
    assert not list(cache.glob("*.compose.json"))


def test_a_corrupt_compose_entry_is_assembled_again(project: Path, tmp_path: Path,
                                                    assembled: list[int]) -> None:
    cache = tmp_path / "cache"
    _scan(project, cache)
    (stored,) = cache.glob("*.compose.json")
    data = json.loads(stored.read_text())
    for damage in ("findings", "answers", "sources"):
        broken = json.loads(json.dumps(data))
        broken["value"][damage] = {"not": "a list"} if damage != "answers" else [1]
        stored.write_text(json.dumps(broken))
        _same_as_cold(project, cache, assembled, reassembles=True)
        assert json.loads(stored.read_text()) == data  # rewritten
    stored.write_text("{not json")
    _same_as_cold(project, cache, assembled, reassembles=True)
    os.utime(stored)  # still readable after being rewritten
    _same_as_cold(project, cache, assembled, reassembles=False)
