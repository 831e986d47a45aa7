"""``docs/frameworks.md``: every built-in framework's controls and the rules behind them,
generated from ``frameworks/*.yaml`` (a test fails when the file drifts)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from netlint.compliance.frameworks import Framework, outside_rules
from netlint.registry import Rule


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def frameworks_markdown(frameworks: Iterable[Framework], rules: Mapping[str, Rule]) -> str:
    frameworks = list(frameworks)
    out = [
        "# netlint compliance frameworks",
        "",
        "<!-- generated from frameworks/*.yaml by `python -m tests.regen_readme`; "
        "do not edit by hand -->",
        "",
        "`netlint scan PATH --compliance ID` prints a framework's controls with their status; "
        "`netlint report PATH --output report.html` scores every framework. A control is "
        "evidenced by the rules listed (a finding of any of them fails it) or is `manual` "
        "(not decidable from files). Rules are linked to [docs/rules.md](rules.md).",
        "",
        "| framework | version | controls | manual |",
        "| --- | --- | ---: | ---: |",
    ]
    for fw in frameworks:
        manual = sum(1 for c in fw.controls if c.manual)
        out.append(f"| [{_cell(fw.title)}](#{fw.id}) | {_cell(fw.version)} | "
                   f"{len(fw.controls)} | {manual} |")
    out.append("")
    for fw in frameworks:
        out += [f"## {fw.id}", "", f"**{_cell(fw.title)}**, {_cell(fw.version)}.", "",
                _cell(fw.description), ""]
        if fw.url:
            out += [f"Source: <{fw.url}>", ""]
        out += [f"PSS controls are evaluated at the `{fw.pss_level}` level.", "",
                "| id | control | severity | evidence |", "| --- | --- | --- | --- |"]
        for c in fw.controls:
            if c.manual:
                evidence = f"manual: {_cell(c.manual)}"
            else:
                evidence = ", ".join(f"[`{rid}`](rules.md#{rid})" for rid in c.rule_ids(rules))
                if c.where:
                    evidence += f" (findings about `{_cell(c.where)}`)"
            out.append(f"| {_cell(c.id)} | {_cell(c.title)} | {c.severity} | {evidence} |")
        out.append("")
    out += ["## Rules outside every framework", "",
            "These rules evidence no control of the built-in frameworks, on purpose:", "",
            "| rule | why |", "| --- | --- |"]
    for rid, reason in sorted(outside_rules().items()):
        out.append(f"| [`{rid}`](rules.md#{rid}) | {_cell(reason)} |")
    return "\n".join(out) + "\n"
