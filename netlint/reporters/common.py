"""What every reporter needs: rule docs as text/markdown, paths for the outside world."""

from __future__ import annotations

import json
from json.encoder import encode_basestring as _encode_str
from typing import TYPE_CHECKING, Any

from netlint.registry import Rule
from netlint.uris import relative_uri as relative_uri  # re-exported for reporters
from netlint.uris import repository_root as repository_root

if TYPE_CHECKING:
    from netlint.load import ScanStats


KIND_NAMES = {"kubernetes": "Kubernetes", "compose": "Compose", "envoy": "Envoy",
              "yaml": "other YAML",
              "skipped": "skipped: not Kubernetes, Compose or Envoy"}


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def scanned_text(stats: ScanStats) -> str:
    """What a scan read, files and documents told apart: ``5 files (7 documents: 2
    Compose, 5 Kubernetes; 1 skipped: not Kubernetes, Compose or Envoy)``."""
    kinds = ", ".join(f"{n} {KIND_NAMES.get(kind, kind)}"
                      for kind, n in sorted(stats.documents.items())) or "none recognised"
    text = f"{plural(stats.files, 'file')} ({plural(stats.documents_total, 'document')}: {kinds}"
    if stats.files_skipped:
        text += f"; {stats.files_skipped} skipped: not Kubernetes, Compose or Envoy"
    if stats.files_failed:
        text += f"; {stats.files_failed} could not be read or parsed"
    return text + ")"


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
    elif docs.get("no-references-reason"):
        parts += ["", f"References: none ({str(docs['no-references-reason']).strip()})"]
    return "\n".join(parts)


def _indent(text: str) -> str:
    return "\n".join("    " + line if line else "" for line in text.splitlines())


def indented_json(value: Any, depth: int = 0) -> str:
    """``json.dumps(value, indent=2, ensure_ascii=False)`` as written ``depth`` levels in
    (lines after the first carry the indentation of that depth): the same text without
    the pure-Python encoder that ``indent`` selects, which cost more than the rest of a
    warm scan's report."""
    try:
        return _indented(value, depth)
    except _Unusual:  # a value this writer does not know: the encoder itself
        text = json.dumps(value, indent=2, ensure_ascii=False)
        return text.replace("\n", "\n" + "  " * depth)


class _Unusual(Exception):
    pass


def _indented(value: Any, depth: int) -> str:
    kind = type(value)
    if kind is str:
        return _encode_str(value)
    if kind is dict:
        if not value:
            return "{}"
        parts = []
        for key, item in value.items():
            if type(key) is not str:
                raise _Unusual
            parts.append(_encode_str(key) + ": " + (
                _encode_str(item) if type(item) is str else _indented(item, depth + 1)))
        inner = "\n" + "  " * (depth + 1)
        return "{" + inner + ("," + inner).join(parts) + "\n" + "  " * depth + "}"
    if kind is list:
        if not value:
            return "[]"
        inner = "\n" + "  " * (depth + 1)
        return "[" + inner + ("," + inner).join(
            _encode_str(item) if type(item) is str else _indented(item, depth + 1)
            for item in value) + "\n" + "  " * depth + "]"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if kind is int:
        return int.__repr__(value)
    raise _Unusual  # floats, tuples, subclasses: exactly as json writes them
