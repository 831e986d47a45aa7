"""``netlint egress``: the per-workload view of the network model."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from netlint.cli import main

FIX = Path(__file__).parent / "fixtures" / "metadata-endpoint-reachable"


def test_egress_json_reports_isolation_internet_and_metadata() -> None:
    result = CliRunner().invoke(main, ["egress", "--format", "json",
                                       str(FIX / "fail" / "k8s-open-and-ports.yaml")])
    assert result.exit_code == 0, result.output
    rows = {r["workload"]: r for r in json.loads(result.output)}
    web, loose = rows["Pod/web"], rows["Pod/loose"]
    assert web["isolated"] and web["internet"]["ports"] == "TCP/79-81"
    assert [m["endpoint"] for m in web["metadata"]] == ["169.254.169.254:80",
                                                        "100.100.100.200:80"]
    assert not loose["isolated"] and len(loose["metadata"]) == 3
    assert loose["metadata"][0]["via"] == "not isolated"


def test_egress_table_shows_blocked_metadata() -> None:
    result = CliRunner().invoke(main, ["egress", str(FIX / "pass" / "blocked.yaml")])
    assert result.exit_code == 0, result.output
    assert "blocked" in result.output and "Pod/web" in result.output


def test_egress_table_prints_ipv6_endpoints_and_escapes_names(tmp_path: Path) -> None:
    # "[fd00:ec2::254]" looks like rich markup; it must be printed, not eaten
    result = CliRunner().invoke(main, ["egress", str(FIX / "fail" / "k8s-open-and-ports.yaml")],
                                env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "[fd00:ec2::254]:80 via not isolated" in result.output
    pod = ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: \"[bold]web\\e[2J\"\n"
           "spec:\n  containers: [{name: app, image: nginx}]\n")
    (tmp_path / "pod.yaml").write_text(pod)
    out = CliRunner().invoke(main, ["egress", str(tmp_path / "pod.yaml")],
                             env={"COLUMNS": "200"}).output
    assert "Pod/[bold]web\\x1b[2J" in out and "\x1b" not in out
