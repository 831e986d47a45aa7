"""Identity, version and dependency pins: one version everywhere, no instruction to install
the unrelated `netlint` distribution, snippets that point at refs that exist, and pins that
match the dependency ranges."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

import netlint
from netlint.reporters import sarif
from tests.helpers import scan

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
DIST = "netlint-policy"


def _requirements(path: Path) -> list[Requirement]:
    out = []
    for line in path.read_text().splitlines():
        line = line.split(" #", 1)[0].strip()
        if line and not line.startswith("#"):
            out.append(Requirement(line))
    return out


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_distribution_name_and_single_sourced_version() -> None:
    project = PYPROJECT["project"]
    assert project["name"] == DIST
    assert "version" not in project and "version" in project["dynamic"]
    assert PYPROJECT["tool"]["setuptools"]["dynamic"]["version"] == {
        "attr": "netlint.__version__"}
    assert project["scripts"] == {"netlint": "netlint.cli:main"}
    assert metadata.version(DIST) == netlint.__version__


def test_version_is_the_same_in_cli_sarif_and_json(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "netlint", "--version"], capture_output=True,
                          text=True, check=True)
    assert proc.stdout.splitlines()[0] == f"netlint {netlint.__version__}"
    (tmp_path / "pod.yaml").write_text("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n")
    result = scan([str(tmp_path)])
    driver = sarif.to_sarif(result)["runs"][0]["tool"]["driver"]
    assert driver["version"] == driver["semanticVersion"] == netlint.__version__
    from netlint.reporters import json as json_report

    report = json.loads(json_report.render(result))
    assert report["tool"]["version"] == netlint.__version__


def _documented_files() -> list[Path]:
    return [ROOT / "README.md", ROOT / ".pre-commit-hooks.yaml", ROOT / "action.yml",
            *sorted((ROOT / "docs").glob("*.md"))]


def test_nothing_tells_users_to_install_the_other_netlint() -> None:
    wrong = re.compile(r"\b(?:pip3?|pipx|uv pip|uv tool) install\s+(?:-U\s+|--upgrade\s+)?"
                       r"['\"]?netlint(?![-\w])")
    for path in _documented_files():
        text = path.read_text()
        assert not wrong.search(text), (path.name, wrong.search(text))


def _git_tags() -> set[str] | None:
    if shutil.which("git") is None:
        return None
    proc = subprocess.run(["git", "tag", "--list"], cwd=ROOT, capture_output=True, text=True)
    return set(proc.stdout.split()) if proc.returncode == 0 else None


def test_snippet_refs_exist_or_say_what_to_put() -> None:
    readme = (ROOT / "README.md").read_text()
    refs = re.findall(r"^\s*rev:\s*(\S+)", readme, re.MULTILINE)
    refs += re.findall(r"netlint/netlint@([^\s\"'#]+)", readme)
    assert refs, "the README has pre-commit and Action snippets"
    tags = _git_tags()
    for ref in refs:
        if ref in ("<commit-sha>", "main"):
            continue  # placeholder explained next to the snippet, or the branch
        if tags is None:
            pytest.skip("git is not available to list tags")
        assert ref in tags, f"README points at {ref!r}, which is not a tag of this repository"
    assert "<commit-sha>" not in readme or "No release is tagged yet" in readme


def test_lowest_constraints_are_the_lower_bounds() -> None:
    lowest = {_norm(r.name): r for r in _requirements(ROOT / ".ci" / "constraints-lowest.txt")}
    for text in PYPROJECT["project"]["dependencies"]:
        req = Requirement(text)
        bounds = [s.version for s in req.specifier if s.operator == ">="]
        assert bounds, f"{text}: give a lower bound"
        pinned = lowest.get(_norm(req.name))
        assert pinned is not None, f"{req.name} missing from .ci/constraints-lowest.txt"
        (spec,) = pinned.specifier
        assert spec.operator == "==" and Version(spec.version) == Version(bounds[0]), text
        assert str(pinned.marker or "") == str(req.marker or "")


def test_action_pins_every_dependency_within_its_range() -> None:
    pins: dict[str, list[Requirement]] = {}
    for req in _requirements(ROOT / "scripts" / "action-requirements.txt"):
        (spec,) = req.specifier
        assert spec.operator == "==", f"{req}: the action installs exact versions"
        pins.setdefault(_norm(req.name), []).append(req)
    for text in PYPROJECT["project"]["dependencies"]:
        req = Requirement(text)
        assert _norm(req.name) in pins, f"{req.name} is not pinned for the action"
        for pin in pins[_norm(req.name)]:
            (spec,) = pin.specifier
            assert req.specifier.contains(spec.version), (text, str(pin))
