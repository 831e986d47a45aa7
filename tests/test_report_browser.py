"""The HTML report in a real browser: Debian's Chromium driven by Playwright, offline.

Renders the report of examples/ (plus a file of hostile text) and of a larger generated
corpus, saves screenshots into the test's tmp dir (or into $NETLINT_SCREENSHOTS when
set: pytest keeps only its last few tmp dirs), and asserts on the DOM: summary counts
match the JSON report, filters and sorting work, the egress picture has one node per
workload, no network request is made, scanned ``<script>`` text is shown as text, and
the page is readable without JavaScript.

Skips with the reason when Chromium or Playwright is missing (``.ci/run`` installs
Chromium; Playwright comes with the ``test`` extra and never downloads a browser here).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from benchmarks.generate import generate
from netlint.cli import main

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium"
                                        if os.path.exists("/usr/bin/chromium") else None)
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run",
        "--disable-default-apps", "--disable-extensions"]

HOSTILE = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: "evil-<script>window.__pwned=1</script>"
  namespace: "x</td><img src=http://127.0.0.1:9/beacon>"
spec:
  selector: {matchLabels: {app: evil}}
  template:
    metadata: {labels: {app: evil}}
    spec:
      containers:
        - name: "c<script>window.__pwned=2</script>"
          image: "img:1"
          securityContext:
            privileged: true
"""


@pytest.fixture(scope="module")
def playwright() -> Iterator[Any]:
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (apt-get install -y chromium chromium-driver; "
                    ".ci/run installs it)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright package is not installed (pip install -e '.[test]')")
    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    with sync_playwright() as p:
        yield p


def _launch(playwright: Any, profile: Path, javascript: bool = True) -> Any:
    """Chromium with a fresh --user-data-dir, offline."""
    assert CHROMIUM is not None
    return playwright.chromium.launch_persistent_context(
        str(profile), executable_path=CHROMIUM, headless=True, args=ARGS,
        viewport={"width": 1300, "height": 900}, offline=True,
        java_script_enabled=javascript)


@pytest.fixture(scope="module")
def browser(playwright: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    context = _launch(playwright, tmp_path_factory.mktemp("chromium-profile"))
    try:
        yield context
    finally:
        context.close()


def _report(paths: list[str], out: Path) -> dict[str, Any]:
    """Write the HTML report; return the JSON report and egress rows of the same scan."""
    runner = CliRunner()
    result = runner.invoke(main, ["report", *paths, "--output", str(out)])
    assert result.exit_code == 0, result.output
    scanned = runner.invoke(main, ["scan", *paths, "--format", "json", "--fail-on", "never"])
    egress = runner.invoke(main, ["egress", *paths, "--format", "json"])
    return {"json": json.loads(scanned.output), "egress": json.loads(egress.output)}


def _open(context: Any, page_file: Path, shots: Path, name: str, full: bool = True
          ) -> tuple[Any, list[str]]:
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(page_file.as_uri())
    page.wait_for_load_state("load")
    keep = os.environ.get("NETLINT_SCREENSHOTS")  # a directory to keep them in
    if keep:
        shots = Path(keep)
        shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / f"{name}-top.png"))
    if full:  # a large corpus makes a page too tall for one screenshot
        page.screenshot(path=str(shots / f"{name}-full.png"), full_page=True)
    else:
        page.locator("#egress-graph").screenshot(path=str(shots / f"{name}-egress.png"))
    assert not errors, errors
    return page, requests


def _visible_rows(page: Any) -> list[dict[str, str]]:
    return page.eval_on_selector_all(
        "#findings-table tbody tr.finding",
        "rows => rows.map(r => ({...r.dataset}))")


def _check_page(page: Any, requests: list[str], expected: dict[str, Any],
                page_file: Path) -> None:
    summary = expected["json"]["summary"]["findings"]
    # summary cards equal the JSON report's counts; one row per finding
    for sev in ("error", "warning", "note"):
        text = page.inner_text(f'.card[data-severity="{sev}"] .count')
        assert int(text) == summary[sev], sev
    total = sum(summary.values())
    assert len(_visible_rows(page)) == total == len(expected["json"]["findings"])
    # filters: severity
    page.select_option("#f-severity", "error")
    rows = _visible_rows(page)
    assert len(rows) == summary["error"] and {r["severity"] for r in rows} <= {"error"}
    assert page.inner_text("#f-shown") == str(summary["error"])
    page.select_option("#f-severity", "")
    # filters: rule and free text
    top_rule = page.get_attribute("#rules tbody tr", "data-rule")
    page.select_option("#f-rule", top_rule)
    rows = _visible_rows(page)
    assert rows and {r["rule"] for r in rows} == {top_rule}
    assert len(rows) == sum(1 for f in expected["json"]["findings"] if f["rule"] == top_rule)
    page.select_option("#f-rule", "")
    page.fill("#f-text", top_rule)
    assert len(_visible_rows(page)) >= len(rows)
    page.fill("#f-text", "")
    assert len(_visible_rows(page)) == total
    # sorting: by rule within each file group, then descending
    page.click('#findings-table th[data-key="rule"]')
    rows = _visible_rows(page)
    for path in {r["file"] for r in rows}:
        in_file = [r["rule"] for r in rows if r["file"] == path]
        assert in_file == sorted(in_file, key=str.lower)
    page.click('#findings-table th[data-key="rule"]')
    rows = _visible_rows(page)
    for path in {r["file"] for r in rows}:
        in_file = [r["rule"] for r in rows if r["file"] == path]
        assert in_file == sorted(in_file, key=str.lower, reverse=True)
    # grouping by rule: group headers in order, each group one rule
    page.select_option("#f-group", "rule")
    groups = page.eval_on_selector_all("#findings-table tbody tr.group",
                                       "rows => rows.map(r => r.dataset.group)")
    assert groups == sorted(groups) and set(groups) == {f["rule"] for f in
                                                        expected["json"]["findings"]}
    page.select_option("#f-group", "file")
    # egress picture: one node per workload
    workloads = page.eval_on_selector_all("#egress-graph g.workload",
                                          "gs => gs.map(g => g.dataset.workload)")
    assert sorted(workloads) == sorted(r["workload"] for r in expected["egress"])
    # offline: the page itself is the only request
    assert requests == [page_file.as_uri()], requests
    assert page.evaluate("document.scripts.length") == 1


def test_examples_report_in_chromium(browser: Any, tmp_path: Path) -> None:
    hostile = tmp_path / "in" / "hostile.yaml"
    hostile.parent.mkdir()
    hostile.write_text(HOSTILE)
    out = tmp_path / "report.html"
    expected = _report([str(ROOT / "examples"), str(hostile)], out)
    page, requests = _open(browser, out, tmp_path, "examples")
    _check_page(page, requests, expected, out)
    # scanned <script> text is shown as text, never run, never turned into elements
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate("document.querySelectorAll('img').length") == 0
    body = page.inner_text("body")
    assert "evil-<script>window.__pwned=1</script>" in body
    assert page.evaluate("document.scripts.length") == 1
    assert "pss-restricted" in page.inner_text("#frameworks")
    page.close()
    print(f"screenshots: {tmp_path}")


def test_generated_corpus_report_in_chromium(browser: Any, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    counts = generate(corpus, 300, seed=7)
    assert counts["kubernetes"] > 100
    out = tmp_path / "corpus.html"
    expected = _report([str(corpus)], out)
    assert len(expected["egress"]) > 30
    page, requests = _open(browser, out, tmp_path, "corpus", full=False)
    _check_page(page, requests, expected, out)
    page.close()


def test_report_is_readable_without_javascript(playwright: Any, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    expected = _report([str(ROOT / "examples")], out)
    context = _launch(playwright, tmp_path / "profile", javascript=False)
    try:
        page = context.new_page()
        page.goto(out.as_uri())
        page.screenshot(path=str(tmp_path / "nojs.png"))
        rows = page.eval_on_selector_all("#findings-table tbody tr.finding",
                                         "rows => rows.length")
        assert rows == len(expected["json"]["findings"])
        assert page.is_hidden("#finding-controls")  # filters need the script
        assert page.is_visible("#egress-graph")
        assert page.is_visible("#readiness-table")
        assert page.inner_text('.card[data-severity="error"] .count') == str(
            expected["json"]["summary"]["findings"]["error"])
    finally:
        context.close()
