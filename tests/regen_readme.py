"""Regenerate the README's rule tables and docs/rules.md: ``python -m tests.regen_readme``."""

from __future__ import annotations

from pathlib import Path

from netlint.docs import (
    PSS_BEGIN,
    PSS_END,
    README_BEGIN,
    README_END,
    pss_markdown,
    rules_markdown,
    rules_reference_markdown,
)
from netlint.registry import load_rules

README = Path(__file__).resolve().parent.parent / "README.md"
RULES_MD = README.parent / "docs" / "rules.md"
FRAMEWORKS_MD = README.parent / "docs" / "frameworks.md"


def main() -> None:
    text = README.read_text()
    rules = load_rules().values()
    for begin, end_marker, table in ((README_BEGIN, README_END, rules_markdown(rules)),
                                     (PSS_BEGIN, PSS_END, pss_markdown(rules))):
        start = text.index(begin) + len(begin)
        end = text.index(end_marker)
        text = text[:start] + "\n" + table + text[end:]
    README.write_text(text)
    RULES_MD.parent.mkdir(exist_ok=True)
    RULES_MD.write_text(rules_reference_markdown(rules))
    from netlint.compliance.docs import frameworks_markdown
    from netlint.compliance.frameworks import builtin_frameworks

    FRAMEWORKS_MD.write_text(frameworks_markdown(builtin_frameworks().values(), load_rules()))


if __name__ == "__main__":
    main()
