"""What every reporter needs: rule docs as text/markdown, paths for the outside world."""

from __future__ import annotations

from netlint.registry import Rule
from netlint.uris import relative_uri as relative_uri  # re-exported for reporters
from netlint.uris import repository_root as repository_root


def rule_help_markdown(rule: Rule) -> str:
    docs = rule.docs
    parts = [
        f"**{rule.title}**",
        "",
        str(docs.get("what", "")).strip(),
        "",
        "**Why it matters.** " + str(docs.get("why", "")).strip(),
        "",
        "**Example of the problem**",
        "",
        "```yaml",
        str(docs.get("example", "")).rstrip(),
        "```",
        "",
        "**Use instead**",
        "",
        "```yaml",
        str(docs.get("use_instead", "")).rstrip(),
        "```",
    ]
    refs = docs.get("references") or []
    if refs:
        parts += ["", "**References**", ""] + [f"- {r}" for r in refs]
    parts += ["", f"Tags: {', '.join(rule.tags)}. Default severity: {rule.severity.value}."]
    return "\n".join(parts)


def rule_help_text(rule: Rule) -> str:
    docs = rule.docs
    parts = [
        rule.title,
        "",
        "What: " + str(docs.get("what", "")).strip(),
        "",
        "Why: " + str(docs.get("why", "")).strip(),
        "",
        "Example:",
        _indent(str(docs.get("example", "")).rstrip()),
        "",
        "Use instead:",
        _indent(str(docs.get("use_instead", "")).rstrip()),
    ]
    refs = docs.get("references") or []
    if refs:
        parts += ["", "References:"] + [f"  {r}" for r in refs]
    return "\n".join(parts)


def _indent(text: str) -> str:
    return "\n".join("    " + line if line else "" for line in text.splitlines())
