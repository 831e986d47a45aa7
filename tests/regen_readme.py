"""Regenerate the README's rule table and docs/rules.md: ``python -m tests.regen_readme``."""

from __future__ import annotations

from pathlib import Path

from netlint.docs import README_BEGIN, README_END, rules_markdown, rules_reference_markdown
from netlint.registry import load_rules

README = Path(__file__).resolve().parent.parent / "README.md"
RULES_MD = README.parent / "docs" / "rules.md"


def main() -> None:
    text = README.read_text()
    start = text.index(README_BEGIN) + len(README_BEGIN)
    end = text.index(README_END)
    table = rules_markdown(load_rules().values())
    README.write_text(text[:start] + "\n" + table + text[end:])
    RULES_MD.parent.mkdir(exist_ok=True)
    RULES_MD.write_text(rules_reference_markdown(load_rules().values()))


if __name__ == "__main__":
    main()
