"""Per-control compliance tables (``netlint scan --compliance``): text, JSON and Markdown,
plus the PSS readiness table.  Every scanned string is escaped for its medium (rich
markup is never interpreted; Markdown cells have markup and pipes neutralised)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import IO, Any

from netlint.compliance.evaluate import FrameworkResult
from netlint.compliance.readiness import NamespaceReadiness
from netlint.escaping import escape_text

STATUS_MARK = {"pass": "PASS", "fail": "FAIL", "manual": "MANUAL",
               "not-applicable": "N/A", "not-run": "NOT RUN"}


def cell(text: Any) -> str:
    """Text for one Markdown table cell: one line, pipes and markup neutralised."""
    text = escape_text(" ".join(str(text).split()))
    for char in ("\\", "|", "`", "*", "_", "<", ">", "[", "]", "#", "&"):
        text = text.replace(char, "\\" + char)
    return text


def score_text(r: FrameworkResult) -> str:
    score = r.score
    if score is None:
        return "no control could be checked"
    return f"{r.count('pass')}/{r.checked} controls passed ({score * 100:.0f}%)"


def resources_text(c: Any) -> str:
    if c.status not in ("pass", "fail"):
        return "-"
    return f"{c.passing_resources}/{c.resources}"


def to_json(results: Iterable[FrameworkResult],
            readiness: list[NamespaceReadiness] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"version": 1, "frameworks": [r.as_dict() for r in results]}
    if readiness is not None:
        out["pss_readiness"] = [n.as_dict() for n in readiness]
    return out


def render_json(results: Iterable[FrameworkResult],
                readiness: list[NamespaceReadiness] | None = None) -> str:
    return json.dumps(to_json(results, readiness), indent=2, ensure_ascii=False) + "\n"


def markdown_tables(results: Iterable[FrameworkResult], heading: str = "###") -> list[str]:
    lines: list[str] = []
    for r in results:
        fw = r.framework
        lines += [f"{heading} {cell(fw.title)} (`{fw.id}`)", "",
                  f"**{score_text(r)}**; {r.count('fail')} failing, {r.count('manual')} "
                  f"manual, {r.count('not-applicable')} not applicable"
                  + (f", {r.count('not-run')} not run" if r.count("not-run") else "")
                  + f". Version: {cell(fw.version)}; PSS {fw.pss_level} at {r.pss_version}.",
                  "", "| id | title | severity | status | failing resources | "
                  "resources passing | rules |", "| --- | --- | --- | --- | ---: | ---: | --- |"]
        for c in r.controls:
            mark = STATUS_MARK[c.status]
            status = f"**{mark}**" if c.status == "fail" else mark
            failing = str(c.failing_resources) if c.status in ("pass", "fail") else "-"
            rules = ", ".join(f"`{rid}`" for rid in c.rules) or cell(c.reason)
            lines.append(f"| {cell(c.control.id)} | {cell(c.control.title)} | "
                         f"{c.control.severity} | {status} | {failing} | {resources_text(c)} "
                         f"| {rules} |")
        lines.append("")
    return lines


def readiness_markdown(rows: list[NamespaceReadiness], heading: str = "###") -> list[str]:
    lines = [f"{heading} Pod Security Standards readiness", ""]
    if not rows:
        return [*lines, "No namespace with workloads was scanned.", ""]
    lines += ["| namespace | workloads | ready for | enforce label | blocking the next level |",
              "| --- | ---: | --- | --- | --- |"]
    for n in rows:
        label = cell(n.enforce) if n.enforce else ("none" if n.labels is not None else
                                                   "Namespace not scanned")
        block = ""
        for level, blockers in n.blockers.items():
            shown = "; ".join(f"{b.workload} ({', '.join(b.controls)})" for b in blockers[:3])
            more = f"; +{len(blockers) - 3} more" if len(blockers) > 3 else ""
            block = f"{level}: {shown}{more}"
            break
        lines.append(f"| {cell(n.name)} | {n.workloads} | **{n.level}** | {label} | "
                     f"{cell(block) or '-'} |")
    return [*lines, ""]


def render_markdown(results: list[FrameworkResult],
                    readiness: list[NamespaceReadiness] | None = None) -> str:
    lines = ["## netlint compliance", ""]
    lines += markdown_tables(results)
    if readiness is not None:
        lines += readiness_markdown(readiness)
    return "\n".join(lines) + "\n"


def render_text(results: list[FrameworkResult], out: IO[str],
                readiness: list[NamespaceReadiness] | None = None,
                color: bool | None = None) -> None:
    from rich.table import Table
    from rich.text import Text

    from netlint.reporters.text import make_console

    console = make_console(out, color)
    styles = {"pass": "green", "fail": "bold red", "manual": "yellow",
              "not-applicable": "dim", "not-run": "magenta"}
    for r in results:
        fw = r.framework
        # framework files are user-extendable and namespaces come from scanned files:
        # every such string is escaped before it reaches the terminal
        table = Table(title=Text(escape_text(f"{fw.title} ({fw.id}): {score_text(r)}")),
                      caption=Text(escape_text(f"version {fw.version}; PSS {fw.pss_level} "
                                               f"at {r.pss_version}")), show_lines=False)
        for col in ("id", "status", "severity", "failing", "passing", "title"):
            table.add_column(col, no_wrap=col != "title")
        for c in r.controls:
            table.add_row(Text(escape_text(c.control.id)),
                          Text(STATUS_MARK[c.status], style=styles[c.status]),
                          Text(escape_text(c.control.severity)),
                          str(c.failing_resources) if c.status in ("pass", "fail") else "-",
                          resources_text(c), Text(escape_text(c.control.title)))
        console.print(table)
    if readiness is not None:
        table = Table(title="Pod Security Standards readiness per namespace")
        for col in ("namespace", "workloads", "ready for", "enforce", "blocking"):
            table.add_column(col)
        for n in readiness:
            block = Text()
            for level, blockers in n.blockers.items():
                block.append(f"{level}: ")
                block.append(escape_text("; ".join(f"{b.workload} ({', '.join(b.controls)})"
                                                   for b in blockers[:5])))
                if len(blockers) > 5:
                    block.append(f"; +{len(blockers) - 5} more")
                block.append("\n")
            table.add_row(Text(escape_text(n.name)), str(n.workloads), n.level,
                          Text(escape_text(n.enforce) if n.enforce
                               else ("-" if n.labels is not None else "not scanned")),
                          block)
        console.print(table)
