"""What every reporter needs: rule docs as text/markdown, paths for the outside world."""

from __future__ import annotations

import os
from pathlib import Path

from netlint.registry import Rule


def repository_root(start: str = ".") -> str:
    """The nearest directory at or above ``start`` holding ``.git`` (else ``start``)."""
    here = Path(start).resolve()
    for directory in (here, *here.parents):
        if (directory / ".git").exists():
            return str(directory)
    return str(here)


def relative_uri(path: str, root: str) -> str:
    """A repository-relative, '/'-separated path (what code scanning matches files by)."""
    if path in ("<stdin>", "-"):
        return "stdin"
    absolute = os.path.abspath(path)
    try:
        rel = os.path.relpath(absolute, root)
    except ValueError:
        rel = absolute
    if rel.startswith(".."):
        rel = absolute
    return rel.replace(os.sep, "/")


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
    fix = getattr(rule, "fix", None)
    if fix is not None:
        how = "netlint fix" + ("" if fix.safe else " --unsafe-fixes")
        parts += ["", f"Fix ({fix.safety}; `{how}`): {fix.description}"]
    refs = docs.get("references") or []
    if refs:
        parts += ["", "References:"] + [f"  {r}" for r in refs]
    return "\n".join(parts)


def _indent(text: str) -> str:
    return "\n".join("    " + line if line else "" for line in text.splitlines())
