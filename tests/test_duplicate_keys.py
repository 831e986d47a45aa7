"""yaml-duplicate-key is a rule like any other: selectable and ignorable, with a message
that says what the consumer of each kind of file does with the duplicate."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from netlint.cli import main

POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
  - name: c
    image: nginx:1.27
    securityContext:
      privileged: true
      privileged: false
"""
COMPOSE = """\
services:
  web:
    image: nginx:1.27
    privileged: true
    privileged: false
"""


def _duplicates(tmp_path: Path, name: str, text: str, *args: str) -> list[dict[str, object]]:
    (tmp_path / name).write_text(text)
    result = CliRunner().invoke(main, ["scan", str(tmp_path / name), "--no-cache",
                                       "--format", "json", "--fail-on", "never", *args])
    assert result.exit_code == 0, result.output
    return [f for f in json.loads(result.stdout)["findings"]
            if f["rule"] == "yaml-duplicate-key"]


@pytest.mark.parametrize(("args", "expected"), [
    ((), 1),
    (("--ignore", "yaml-duplicate-key"), 0),
    (("--ignore", "yaml"), 0),
    (("--select", "pss-baseline"), 0),
    (("--select", "yaml-duplicate-key"), 1),
])
def test_duplicate_key_follows_select_and_ignore(tmp_path: Path, args: tuple[str, ...],
                                                 expected: int) -> None:
    assert len(_duplicates(tmp_path, "pod.yaml", POD, *args)) == expected


def test_duplicate_key_message_says_what_kubernetes_does(tmp_path: Path) -> None:
    (finding,) = _duplicates(tmp_path, "pod.yaml", POD)
    assert finding["line"] == 11
    assert "strict field validation" in str(finding["message"])
    assert "Compose" not in str(finding["message"])


def test_duplicate_key_message_says_compose_refuses_the_file(tmp_path: Path) -> None:
    (finding,) = _duplicates(tmp_path, "compose.yaml", COMPOSE)
    assert finding["line"] == 5
    assert "Docker Compose v2 refuses the file" in str(finding["message"])
