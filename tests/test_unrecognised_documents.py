"""A document that no rule reads, in a file whose other documents are checked, is counted
as skipped and shown in the summary: never silently dropped."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from netlint.cli import main

MIXED = """\
apiVersion: v1
kind: ConfigMap
metadata: {name: c}
---
foo: bar
---
# only a comment: an empty document, nothing to count
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  selector: {matchLabels: {app: d}}
  template:
    metadata: {labels: {app: d}}
    spec: {containers: [{name: c, image: "nginx:1.27"}]}
"""


def _scan(tmp_path: Path, *args: str) -> str:
    (tmp_path / "mixed.yaml").write_text(MIXED)
    result = CliRunner().invoke(main, ["scan", str(tmp_path / "mixed.yaml"), "--no-cache",
                                       "--fail-on", "never", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_unrecognised_document_beside_checked_ones_is_counted_as_skipped(
        tmp_path: Path) -> None:
    summary = json.loads(_scan(tmp_path, "--format", "json"))["summary"]
    assert summary["documents"] == {"kubernetes": 2, "skipped": 1}
    assert summary["files_skipped"] == 0


def test_text_summary_names_the_skipped_document(tmp_path: Path) -> None:
    last = _scan(tmp_path, "--quiet").strip().splitlines()[-1]
    assert "3 documents: 2 Kubernetes, 1 skipped: not Kubernetes, Compose or Envoy" in last
