"""Which rules run, on what: the selected rules split into document-scope rules per kind
of document and project-scope (cross-file) rules, with what the latter need from loading
(the kinds of documents they read, or the records they collect instead)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cached_property
from typing import Any

from netlint.options import ScanOptions
from netlint.registry import Rule, select_rules
from netlint.severities import FindingMaker
from netlint.templates.base import RuleContext
from netlint.yamlnodes import Document

KINDS = ("kubernetes", "compose", "envoy")

Collector = Callable[[Document, ScanOptions], Any]


class RulePlan:
    """The rules of one scan: ``all_rules`` (known, for severities and suppressions) and
    ``rules`` (selected by ``--select``/``--ignore``), planned lazily so that a scan
    imports only the templates it runs."""

    def __init__(self, options: ScanOptions, all_rules: Mapping[str, Rule]) -> None:
        self.options = options
        self.all_rules = dict(all_rules)
        self.rules = select_rules(self.all_rules, options.select, options.ignore)
        self._check_params()
        self.shared: dict[str, Any] = {}  # per-scan cache shared by rules (RuleContext)
        self.make_finding = FindingMaker(self.all_rules, options.severity_overrides)
        self.unclassified_rules = [
            r for r in self.rules.values()
            if r.target == "any" and r.template != "builtin"
            and getattr(r.module, "READS_UNCLASSIFIED", False)
        ]

    def _check_params(self) -> None:
        """The config's ``params:`` must name known rules and suit their templates: one
        configuration error before scanning, not an internal error on every file."""
        from netlint.errors import UsageError
        from netlint.registry import rule_params_problem

        where = self.options.config_file or "config"
        for rule_id, override in self.options.rule_params.items():
            rule = self.all_rules.get(rule_id)
            if rule is None:
                raise UsageError(f"{where}: key 'params.{rule_id}': unknown rule '{rule_id}'")
            problem = rule_params_problem(rule, {**rule.params, **override})
            if problem:
                raise UsageError(f"{where}: key 'params.{rule_id}': {problem}")

    def scope(self, rule: Rule) -> str:
        """A template's scope: ``SCOPE``, or what its ``scope(options)`` says when it has
        one (PSS controls are cross-file only with ``--pss-level namespace``)."""
        module = rule.module
        decide = getattr(module, "scope", None)
        if callable(decide):
            return str(decide(self.options))
        return str(getattr(module, "SCOPE", "document"))

    def has_project_rules(self) -> bool:
        """Context files matter only to project-scope (cross-file) rules."""
        return any(
            r.template != "builtin" and self.scope(r) == "project" for r in self.rules.values()
        )

    @cached_property
    def _split(self) -> tuple[dict[str, list[Rule]], list[Rule]]:
        doc_rules: dict[str, list[Rule]] = {kind: [] for kind in KINDS}
        project_rules: list[Rule] = []
        for rule in self.rules.values():
            if rule.template == "builtin":
                continue
            module = rule.module
            if self.scope(rule) == "project":
                project_rules.append(rule)
                continue
            targets = getattr(module, "TARGETS", ("any",))
            for kind in KINDS:
                if ("any" in targets or kind in targets) and rule.target in (kind, "any"):
                    doc_rules[kind].append(rule)
        return doc_rules, project_rules

    @property
    def document_rules(self) -> dict[str, list[Rule]]:
        """The document-scope rules per document kind."""
        return self._split[0]

    @property
    def project_rules(self) -> list[Rule]:
        return self._split[1]

    @cached_property
    def contexts(self) -> dict[str, RuleContext]:
        return {rid: RuleContext(r, self.options, self.shared) for rid, r in self.rules.items()}

    def project_kinds(self) -> frozenset[str]:
        """Kinds of documents the selected project-scope rules read: a template's
        ``PROJECT_KINDS``, every kind when it declares none; none for a template that
        collects records of them (``COLLECT``) instead."""
        kinds: set[str] = set()
        for rule in self.project_rules:
            if getattr(rule.module, "COLLECT", None) is None:
                kinds.update(getattr(rule.module, "PROJECT_KINDS", KINDS))
        return frozenset(kinds)

    def collectors(self) -> dict[str, tuple[Collector, tuple[str, ...]]]:
        """Collector name -> (function, kinds) of the selected project-scope templates
        that declare ``COLLECT = (name, function)``: ``function(doc, options)`` returns a
        small picklable record of a document of their ``PROJECT_KINDS``, and
        ``check_project`` reads ``project.records[name]`` (one record per document, in
        scan order) instead of the documents.  Templates sharing a name share records."""
        out: dict[str, tuple[Collector, tuple[str, ...]]] = {}
        for rule in self.project_rules:
            declared = getattr(rule.module, "COLLECT", None)
            if declared is not None:
                name, function = declared
                out.setdefault(name, (function, tuple(getattr(rule.module, "PROJECT_KINDS",
                                                              KINDS))))
        return out

    def params(self, rule: Rule) -> Mapping[str, Any]:
        override = self.options.rule_params.get(rule.id)
        if not override:
            return rule.params
        return {**rule.params, **override}
