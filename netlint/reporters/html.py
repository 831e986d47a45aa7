"""The HTML report (``netlint report --output report.html``): one self-contained page.

No network: inline CSS, JS and SVG only, and a Content-Security-Policy that allows nothing
else (``default-src 'none'``; the one script and style are allowed by their hashes, so
even text that slipped through escaping could not run).  Readable without JavaScript:
everything is rendered server-side, grouped by file; the script only adds filtering,
sorting and grouping by rule.  Every scanned string goes through :func:`esc`.
"""

from __future__ import annotations

import base64
import hashlib
import html
from typing import Any

from netlint.reporters.report_model import ReportData, ReportFinding

SEVERITIES = ("error", "warning", "note")
SEV_RANK = {"error": 3, "warning": 2, "note": 1}
STATUS_LABEL = {"pass": "pass", "fail": "fail", "manual": "manual",
                "not-applicable": "n/a", "not-run": "not run"}


def esc(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _asset(name: str) -> str:
    from importlib import resources

    return resources.files("netlint.reporters").joinpath(name).read_text(encoding="utf-8")





def _hash(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


def _summary(data: ReportData) -> list[str]:
    docs = ", ".join(f"{n} {esc(kind)}" for kind, n in data.documents.items()) or "none"
    out = ['<section id="summary"><h2>Summary</h2>',
           f'<p>Scanned {data.files} file(s): {docs} document(s). '
           f'{len(data.findings)} finding(s)'
           + (f", {data.suppressed} suppressed (not shown)" if data.suppressed else "")
           + '.</p><div class="cards">']
    for sev in SEVERITIES:
        out.append(f'<div class="card {sev}" data-severity="{sev}"><span class="count">'
                   f'{data.counts[sev]}</span>{sev}s</div>')
    out.append("</div>")
    if data.families:
        out += ['<h3>By family</h3><table id="families"><thead><tr><th>family</th>',
                *(f'<th class="num">{s}</th>' for s in SEVERITIES), "</tr></thead><tbody>"]
        for fam, counts in data.families.items():
            out.append(f'<tr data-family="{esc(fam)}"><td>{esc(fam)}</td>'
                       + "".join(f'<td class="num">{counts[s]}</td>' for s in SEVERITIES)
                       + "</tr>")
        out.append("</tbody></table>")
    if data.findings:
        out += ['<h3>By rule</h3><table id="rules"><thead><tr><th>rule</th><th>severity</th>'
                '<th class="num">findings</th><th>title</th></tr></thead><tbody>']
        for rid, sev, n in data.by_rule():
            meta = data.rules.get(rid, {})
            out.append(f'<tr data-rule="{esc(rid)}"><td><code>{esc(rid)}</code></td>'
                       f'<td><span class="sev {sev}">{sev}</span></td><td class="num">{n}</td>'
                       f'<td>{esc(meta.get("title", ""))}</td></tr>')
        out.append("</tbody></table>")
    out.append("</section>")
    return out


def _frameworks(data: ReportData) -> list[str]:
    if not data.frameworks:
        return []
    out = ['<section id="frameworks"><h2>Frameworks</h2>',
           '<table id="framework-scores"><thead><tr><th>framework</th><th>score</th>'
           '<th class="num">passed</th><th class="num">failed</th><th class="num">manual</th>'
           '<th class="num">n/a</th></tr></thead><tbody>']
    for r in data.frameworks:
        score = r.score
        pct = "-" if score is None else f"{score * 100:.0f}%"
        bar = "" if score is None else f'<progress max="100" value="{score * 100:.0f}">' \
            f"{pct}</progress> "
        out.append(f'<tr data-framework="{esc(r.framework.id)}"><td><a href="#fw-'
                   f'{esc(r.framework.id)}">{esc(r.framework.title)}</a></td>'
                   f'<td>{bar}<span class="score">{pct}</span></td>'
                   f'<td class="num">{r.count("pass")}</td><td class="num">{r.count("fail")}'
                   f'</td><td class="num">{r.count("manual")}</td><td class="num">'
                   f'{r.count("not-applicable") + r.count("not-run")}</td></tr>')
    out.append("</tbody></table>")
    for r in data.frameworks:
        fw = r.framework
        out += [f"<details id=\"fw-{esc(fw.id)}\">"
                f"<summary><strong>{esc(fw.title)}</strong> <span class=\"muted\">"
                f"({esc(fw.id)}, {esc(fw.version)}; PSS {esc(fw.pss_level)} at "
                f"{esc(r.pss_version)})</span></summary>",
                '<table class="controls-table"><thead><tr><th>id</th><th>control</th>'
                '<th>severity</th><th>status</th><th class="num">failing resources</th>'
                '<th class="num">passing</th><th>evidence</th></tr></thead><tbody>']
        for c in r.controls:
            evidence = ", ".join(f"<code>{esc(x)}</code>" for x in c.rules) or esc(c.reason)
            if c.reason and c.rules:
                evidence += f' <span class="muted">{esc(c.reason)}</span>'
            checked = c.status in ("pass", "fail")
            out.append(f'<tr data-status="{c.status}"><td class="mono">{esc(c.control.id)}</td>'
                       f"<td>{esc(c.control.title)}</td><td>{esc(c.control.severity)}</td>"
                       f'<td class="status {c.status}">{STATUS_LABEL[c.status]}</td>'
                       f'<td class="num">{c.failing_resources if checked else "-"}</td>'
                       f'<td class="num">'
                       f'{f"{c.passing_resources}/{c.resources}" if checked else "-"}</td>'
                       f"<td>{evidence}</td></tr>")
        out.append("</tbody></table></details>")
    out.append("</section>")
    return out


def _readiness(data: ReportData) -> list[str]:
    out = ['<section id="readiness"><h2>Pod Security Standards readiness</h2>']
    if not data.readiness:
        return [*out, "<p>No namespace with workloads was scanned.</p></section>"]
    out.append('<p class="muted">The highest level every workload of the namespace meets; '
               "what blocks each level above it.</p>")
    out.append('<table id="readiness-table"><thead><tr><th>namespace</th>'
               '<th class="num">workloads</th><th>ready for</th><th>current labels</th>'
               "<th>blocked by</th></tr></thead><tbody>")
    for n in data.readiness:
        if n.labels is None:
            labels = '<span class="muted">Namespace not in the scan</span>'
        elif not n.labels:
            labels = '<span class="muted">none</span>'
        else:
            labels = "<br>".join(f"<code>{esc(k)}: {esc(v)}</code>" for k, v in n.labels.items())
        blocks = []
        for level, blockers in n.blockers.items():
            items = "".join(f"<li>{esc(b.workload)} <span class=\"muted\">({esc(b.file)}:"
                            f"{b.line})</span>: {esc(', '.join(b.controls))}</li>"
                            for b in blockers)
            blocks.append(f"<details><summary>{esc(level)}: {len(blockers)} workload(s)"
                          f"</summary><ul>{items}</ul></details>")
        out.append(f'<tr data-namespace="{esc(n.name)}" data-level="{n.level}">'
                   f"<td>{esc(n.name)}</td><td class=\"num\">{n.workloads}</td>"
                   f'<td class="level"><strong>{n.level}</strong></td><td>{labels}</td>'
                   f"<td>{''.join(blocks) or '-'}</td></tr>")
    out.append("</tbody></table></section>")
    return out


def _state(row: dict[str, Any]) -> str:
    if not row["isolated"]:
        return "open"
    if row["metadata"]:
        return "metadata"
    return "internet" if row["internet"]["reachable"] else "isolated"


def egress_svg(rows: list[dict[str, Any]]) -> str:
    """Namespaces as boxes of workloads; edges to "internet" and "metadata"."""
    row_h, ns_gap, left, width = 24, 34, 10, 900
    node_w, target_x, target_w = 360, 720, 150
    by_ns: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        by_ns.setdefault(str(r["namespace"]), []).append(r)
    parts: list[str] = []
    edges: list[str] = []
    y = 10
    positions: list[tuple[float, dict[str, Any]]] = []
    for ns, members in sorted(by_ns.items()):
        h = 26 + len(members) * row_h
        parts.append(f'<g class="ns" data-namespace="{esc(ns)}"><rect x="{left}" y="{y}" '
                     f'width="{node_w + 20}" height="{h}" rx="6"/><text x="{left + 10}" '
                     f'y="{y + 17}">namespace {esc(ns)}</text>')
        wy = y + 24
        for r in sorted(members, key=lambda m: str(m["workload"])):
            state = _state(r)
            tip = f"{r['workload']} ({state})"
            if r["internet"]["reachable"]:
                tip += f"; internet: {r['internet'].get('ports', '')}"
            for m in r["metadata"]:
                tip += f"; metadata {m['endpoint']} via {m['via']}"
            if r["policies"]:
                tip += "; policies: " + ", ".join(map(str, r["policies"]))
            parts.append(f'<g class="workload state-{state}" data-workload="{esc(r["workload"])}"'
                         f' data-namespace="{esc(ns)}" data-state="{state}"><title>{esc(tip)}'
                         f'</title><rect x="{left + 10}" y="{wy}" width="{node_w}" height="20" '
                         f'rx="4"/><text x="{left + 18}" y="{wy + 14}">'
                         f'{esc(str(r["workload"])[:52])}</text></g>')
            positions.append((wy + 10, r))
            wy += row_h
        parts.append("</g>")
        y += h + ns_gap - 24
    height = max(y + 10, 120)
    targets = {"internet": height * 0.3, "metadata": height * 0.7}
    for cy, r in positions:
        x0 = left + 10 + node_w
        for name, flag in (("internet", r["internet"]["reachable"]),
                           ("metadata", bool(r["metadata"]))):
            if not flag:
                continue
            ty = targets[name]
            mid = (x0 + target_x) / 2
            edges.append(f'<path class="edge edge-{name}" data-workload="{esc(r["workload"])}" '
                         f'd="M{x0} {cy:.0f} C{mid:.0f} {cy:.0f} {mid:.0f} {ty:.0f} '
                         f'{target_x} {ty:.0f}"/>')
    for name, ty in targets.items():
        parts.append(f'<g class="target" data-target="{name}"><rect x="{target_x}" '
                     f'y="{ty - 16:.0f}" width="{target_w}" height="32" rx="16"/>'
                     f'<text x="{target_x + 20}" y="{ty + 5:.0f}">{name}</text></g>')
    return (f'<svg id="egress-graph" xmlns="http://www.w3.org/2000/svg" width="{width}" '
            f'height="{height:.0f}" viewBox="0 0 {width} {height:.0f}" role="img" '
            f'aria-label="egress reachability per workload">{"".join(edges)}'
            f'{"".join(parts)}</svg>')


def _egress(data: ReportData) -> list[str]:
    out = ['<section id="egress"><h2>Egress reachability</h2>']
    if data.egress is None:
        return [*out, "<p>Not computed.</p></section>"]
    if not data.egress:
        return [*out, "<p>No Kubernetes workload was scanned.</p></section>"]
    states = [_state(r) for r in data.egress]
    out.append('<p class="legend">' + "".join(
        f'<span><i class="{s}"></i>{label}: {states.count(s)}</span>'
        for s, label in (("isolated", "isolated, no internet or metadata"),
                         ("internet", "reaches the internet"),
                         ("metadata", "reaches a metadata endpoint"),
                         ("open", "not isolated (any egress)"))) + "</p>")
    out.append(egress_svg(data.egress))
    out.append("<details><summary>As a table</summary><table id=\"egress-table\"><thead><tr>"
               "<th>workload</th><th>namespace</th><th>isolated</th><th>internet</th>"
               "<th>metadata</th><th>policies</th></tr></thead><tbody>")
    for r in data.egress:
        net = r["internet"]
        internet = "no" if not net["reachable"] else esc(net.get("ports", "yes"))
        meta = "<br>".join(f"{esc(m['endpoint'])} via {esc(m['via'])}" for m in r["metadata"])
        out.append(f"<tr><td>{esc(r['workload'])}</td><td>{esc(r['namespace'])}</td>"
                   f"<td>{'yes' if r['isolated'] else 'NO'}</td><td>{internet}</td>"
                   f"<td>{meta or 'blocked'}</td>"
                   f"<td>{esc(', '.join(map(str, r['policies']))) or '-'}</td></tr>")
    out.append("</tbody></table></details></section>")
    return out


def _snippet_html(f: ReportFinding) -> str:
    if not f.snippet:
        return ""
    lines = []
    for s in f.snippet:
        text = s.text
        if s.mark is not None:
            a, b = s.mark
            body = f"{esc(text[:a])}<mark>{esc(text[a:b])}</mark>{esc(text[b:])}"
        else:
            body = esc(text)
        lines.append(f'<span class="ln">{s.number:>5} </span>{body}')
    return '<pre class="snippet">' + "\n".join(lines) + "</pre>"


def _findings(data: ReportData) -> list[str]:
    out = ['<section id="findings"><h2>Findings</h2>']
    if not data.findings:
        return [*out, '<p id="no-findings">No findings.</p></section>']
    rules = sorted({f.rule for f in data.findings})
    families = sorted({f.family for f in data.findings})
    out.append(
        '<div class="controls" id="finding-controls" hidden>'
        '<input type="search" id="f-text" placeholder="filter text, file, rule" '
        'aria-label="filter">'
        '<select id="f-severity" aria-label="severity"><option value="">all severities'
        "</option>" + "".join(f'<option value="{s}">{s}</option>' for s in SEVERITIES)
        + '</select><select id="f-rule" aria-label="rule"><option value="">all rules</option>'
        + "".join(f'<option value="{esc(r)}">{esc(r)}</option>' for r in rules)
        + '</select><select id="f-family" aria-label="family"><option value="">all families'
        "</option>" + "".join(f'<option value="{esc(x)}">{esc(x)}</option>' for x in families)
        + '</select><select id="f-group" aria-label="group by"><option value="file">group by '
        'file</option><option value="rule">group by rule</option></select>'
        f'<span><span id="f-shown">{len(data.findings)}</span> of {len(data.findings)} '
        "shown</span></div>")
    out.append('<table id="findings-table"><thead><tr><th data-key="severity">severity</th>'
               '<th data-key="rule">rule</th><th data-key="file">location</th>'
               '<th data-key="message">message</th></tr></thead><tbody>')
    by_file: dict[str, list[ReportFinding]] = {}
    for f in data.findings:
        by_file.setdefault(f.path, []).append(f)
    for path in sorted(by_file):
        members = by_file[path]
        out.append(f'<tr class="group" data-group="{esc(path)}"><th colspan="4">{esc(path)} '
                   f"({len(members)})</th></tr>")
        for f in members:
            out.append(
                f'<tr class="finding sev-{f.severity}" data-index="{f.index}" '
                f'data-severity="{f.severity}" data-sevrank="{SEV_RANK[f.severity]}" '
                f'data-rule="{esc(f.rule)}" data-file="{esc(f.path)}" data-line="{f.line}" '
                f'data-family="{esc(f.family)}" data-message="{esc(f.message[:200])}">'
                f'<td><span class="sev {f.severity}">{f.severity}</span></td>'
                f'<td><code>{esc(f.rule)}</code><br><span class="muted">{esc(f.title)}</span>'
                f'</td><td class="mono">{esc(f.path)}:{f.line}:{f.column}</td>'
                f'<td class="message">{esc(f.message)}{_snippet_html(f)}</td></tr>')
    out.append("</tbody></table></section>")
    return out


def render(data: ReportData, title: str = "netlint report") -> str:
    css, js = _asset("report.css"), _asset("report.js")
    csp = (f"default-src 'none'; style-src '{_hash(css)}'; script-src '{_hash(js)}'; "
           "img-src data:; base-uri 'none'; form-action 'none'")
    body = [*_summary(data), *_frameworks(data), *_readiness(data), *_egress(data),
            *_findings(data)]
    nav = "".join(f'<a href="#{i}">{t}</a>' for i, t in (
        ("summary", "Summary"), ("frameworks", "Frameworks"), ("readiness", "PSS readiness"),
        ("egress", "Egress"), ("findings", "Findings")) if i != "frameworks" or data.frameworks)
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f'<meta http-equiv="Content-Security-Policy" content="{esc(csp)}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{css}</style></head><body>"
        f"<header><h1>{esc(title)}</h1><p>netlint {esc(data.version)}</p></header>"
        f"<nav>{nav}</nav><main>{''.join(body)}</main><script>{js}</script></body></html>\n"
    )
