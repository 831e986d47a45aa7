"""scripts/validate-sarif.sh with a stand-in for the SARIF multitool (the real one takes
a minute per 10 MB file; CI runs it for real on the examples and fixtures): the script
must raise the multitool's 10,000 KB file limit for larger files, since the multitool
otherwise skips the file and validates nothing."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.integration

FAKE = """#!/usr/bin/env bash
# records its arguments, writes an empty validation log where --output says
printf '%s\\n' "$@" > "$FAKE_ARGV"
out=
while [ $# -gt 0 ]; do [ "$1" = --output ] && out=$2; shift; done
printf '{"runs": [{"results": []}]}' > "$out"
"""


def _fake_tool(tmp_path: Path) -> Path:
    package = tmp_path / "tool" / "node_modules" / "@microsoft" / "sarif-multitool"
    package.mkdir(parents=True)
    (package / "package.json").write_text('{"name": "@microsoft/sarif-multitool", '
                                          '"main": "index.js"}')
    (package / "index.js").write_text(
        "module.exports = require('path').join(__dirname, 'fake-multitool');\n")
    (package / "fake-multitool").write_text(FAKE)
    return tmp_path / "tool"


@pytest.mark.parametrize(("size", "limit"), [(2_000, 10_000), (10_500_000, 10_255)])
def test_size_limit_follows_the_file(tmp_path: Path, size: int, limit: int) -> None:
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("node/npm not installed")
    sarif = tmp_path / "report.sarif"
    sarif.write_bytes(b"{" + b" " * (size - 2) + b"}")
    env = {**os.environ, "SARIF_MULTITOOL_DIR": str(_fake_tool(tmp_path)),
           "PYTHON": sys.executable, "FAKE_ARGV": str(tmp_path / "argv")}
    proc = subprocess.run(["bash", str(ROOT / "scripts" / "validate-sarif.sh"), str(sarif)],
                          env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    argv = (tmp_path / "argv").read_text().splitlines()
    assert argv[:2] == ["validate", str(sarif)]
    assert argv[argv.index("--max-file-size-in-kb") + 1] == str(limit)
