"""The Markdown report (``netlint report --format markdown``, ``scan --format markdown``):
for ``$GITHUB_STEP_SUMMARY`` and pull-request comments.  Same sections as the HTML page,
without the picture; findings are listed up to a limit (the counts cover all of them).
Scanned text is neutralised: table cells escape markup, snippets sit in fences longer
than any backtick run they contain."""

from __future__ import annotations

import re
from typing import Any

from netlint.reporters.compliance import cell, markdown_tables, readiness_markdown
from netlint.reporters.report_model import ReportData, build

MAX_FINDINGS = 100


def _fence(text: str) -> str:
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def render_report(data: ReportData, max_findings: int = MAX_FINDINGS) -> str:
    lines = ["## netlint report", ""]
    docs = ", ".join(f"{n} {cell(k)}" for k, n in data.documents.items()) or "none"
    c = data.counts
    lines.append(f"Scanned {data.files} file(s) ({docs}): **{c['error']} error(s), "
                 f"{c['warning']} warning(s), {c['note']} note(s)**"
                 + (f"; {data.suppressed} suppressed." if data.suppressed else "."))
    lines.append("")
    if data.families:
        lines += ["| family | errors | warnings | notes |", "| --- | ---: | ---: | ---: |"]
        for fam, per in data.families.items():
            lines.append(f"| {cell(fam)} | {per['error']} | {per['warning']} | {per['note']} |")
        lines.append("")
    if data.frameworks:
        lines += ["### Frameworks", "", "| framework | score | failed | manual |",
                  "| --- | ---: | ---: | ---: |"]
        for r in data.frameworks:
            pct = "-" if r.score is None else f"{r.score * 100:.0f}% ({r.count('pass')}/" \
                f"{r.checked})"
            lines.append(f"| {cell(r.framework.title)} | {pct} | {r.count('fail')} | "
                         f"{r.count('manual')} |")
        lines.append("")
        lines += ["<details><summary>Controls</summary>", ""]
        lines += markdown_tables(data.frameworks, heading="####")
        lines += ["</details>", ""]
    if data.readiness:
        lines += readiness_markdown(data.readiness)
    if data.egress:
        lines += ["### Egress reachability", "",
                  "| workload | namespace | isolated | internet | metadata |",
                  "| --- | --- | --- | --- | --- |"]
        for r in data.egress:
            net = r["internet"]
            meta = "; ".join(f"{m['endpoint']} via {m['via']}" for m in r["metadata"])
            lines.append(f"| {cell(r['workload'])} | {cell(r['namespace'])} | "
                         f"{'yes' if r['isolated'] else '**no**'} | "
                         f"{cell(net.get('ports', 'yes')) if net['reachable'] else 'no'} | "
                         f"{cell(meta) or 'blocked'} |")
        lines.append("")
    if data.findings:
        by_rule = data.by_rule()
        lines += ["### Findings by rule", "", "| rule | severity | findings | title |",
                  "| --- | --- | ---: | --- |"]
        for rid, sev, n in by_rule:
            lines.append(f"| `{cell(rid)}` | {sev} | {n} | "
                         f"{cell(data.rules.get(rid, {}).get('title', ''))} |")
        lines.append("")
        shown = data.findings[:max_findings]
        lines += [f"### Findings by file ({len(shown)} of {len(data.findings)})", ""]
        current = None
        for f in shown:
            if f.path != current:
                current = f.path
                lines += [f"#### {cell(f.path)}", ""]
            lines.append(f"- **{f.severity}** `{cell(f.rule)}` line {f.line}: {cell(f.message)}")
            if f.snippet:
                body = "\n".join(f"{s.number:>5} {s.text}" for s in f.snippet)
                fence = _fence(body)
                lines += ["", f"  {fence}yaml", *(f"  {x}" for x in body.split("\n")),
                          f"  {fence}", ""]
        lines.append("")
    return "\n".join(lines) + "\n"


def render(result: Any, include_suppressed: bool = False) -> str:
    """``scan --format markdown``: the findings part of the report."""
    return render_report(build(result))
