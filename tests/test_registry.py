from __future__ import annotations

from pathlib import Path

import pytest

from netlint.docs import README_BEGIN, README_END, rules_markdown
from netlint.errors import UsageError
from netlint.registry import FAMILY_TAGS, load_rules, select_rules

ROOT = Path(__file__).resolve().parent.parent


def test_builtin_rules_validate_against_schema_and_templates() -> None:
    rules = load_rules(validate_builtin=True)
    assert "k8s-container-runs-as-root" in rules


def test_every_rule_documents_what_why_example_use_instead_references() -> None:
    for rule in load_rules().values():
        for section in ("what", "why", "example", "use_instead", "references"):
            assert rule.docs.get(section), f"{rule.id}: docs.{section} is empty"


def test_security_rules_carry_security_tag_and_families_exist() -> None:
    rules = load_rules()
    for rule in rules.values():
        if any(t in FAMILY_TAGS for t in rule.tags):
            assert "security" in rule.tags, rule.id
    assert any("non-root" in r.tags for r in rules.values())


def test_select_by_tag_and_id_and_unknown_name() -> None:
    rules = load_rules()
    chosen = select_rules(rules, ["non-root"], [])
    assert "k8s-container-runs-as-root" in chosen
    assert "yaml-duplicate-key" not in chosen
    assert "parse-error" in chosen  # always on
    chosen = select_rules(rules, ["non-root"], ["compose-service-runs-as-root"])
    assert "compose-service-runs-as-root" not in chosen
    with pytest.raises(UsageError, match="unknown rule id or tag 'nope'"):
        select_rules(rules, ["nope"], [])


def test_readme_rule_table_is_generated_from_the_registry() -> None:
    readme = (ROOT / "README.md").read_text()
    start = readme.index(README_BEGIN) + len(README_BEGIN)
    end = readme.index(README_END)
    current = readme[start:end].strip()
    expected = rules_markdown(load_rules().values()).strip()
    assert current == expected, (
        "README rule table is stale: run `python -m tests.regen_readme` and commit the result"
    )


def test_docs_rules_md_is_generated_from_the_registry() -> None:
    from netlint.docs import rules_reference_markdown

    current = (ROOT / "docs" / "rules.md").read_text()
    assert current == rules_reference_markdown(load_rules().values()), (
        "docs/rules.md is stale: run `python -m tests.regen_readme` and commit the result"
    )


def test_rule_reference_anchors_match_sarif_help_uri() -> None:
    text = (ROOT / "docs" / "rules.md").read_text()
    for rule in load_rules().values():
        anchor = rule.help_uri.rsplit("#", 1)[1]
        # GitHub derives the anchor of "### <id>" from the id itself (kebab-case)
        assert f"\n### {anchor}\n" in text, rule.id
