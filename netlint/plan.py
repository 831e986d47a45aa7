"""Which rules run, on what: the selected rules split into document-scope rules per kind
of document and project-scope (cross-file) rules, with what the latter need from loading
(the kinds of documents they read, or the records they collect instead)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cached_property
from typing import Any

from netlint.options import ScanOptions
from netlint.registry import Rule, select_rules, template_module
from netlint.severities import FindingMaker
from netlint.source import Source
from netlint.templates.base import RuleContext
from netlint.yamlnodes import Document

KINDS = ("kubernetes", "compose", "envoy")

Collector = Callable[[Document, ScanOptions], Any]
# how the incremental cache stores a collector's record: (encode, decode), where
# ``encode(record, source)`` returns JSON-able data or None (not storable) and
# ``decode(data, source)`` rebuilds the record (ValueError on malformed data)
Codec = tuple[Callable[[Any, Source], Any], Callable[[Any, Source], Any]]


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
        from netlint.registry import params_problem

        where = self.options.config_file or "config"
        for rule_id, override in self.options.rule_params.items():
            rule = self.all_rules.get(rule_id)
            if rule is None:
                raise UsageError(f"{where}: key 'params.{rule_id}': unknown rule '{rule_id}'")
            problem = params_problem(rule, {**rule.params, **override})
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
        return self._project_kinds

    @cached_property
    def _project_kinds(self) -> frozenset[str]:
        """Kinds of documents the selected project-scope rules read: a template's
        ``PROJECT_KINDS``, every kind when it declares none; none for a template that
        collects records of them (``COLLECT``) instead, or that does nothing without an
        option the scan lacks (``ONLY_WITH``, the name of a ``ScanOptions`` flag)."""
        kinds: set[str] = set()
        for rule in self.project_rules:
            only_with = getattr(rule.module, "ONLY_WITH", None)
            if only_with is not None and not getattr(self.options, only_with):
                continue  # an opt-in template, not asked for: it reads nothing
            if getattr(rule.module, "COLLECT", None) is None:
                kinds.update(getattr(rule.module, "PROJECT_KINDS", KINDS))
        return frozenset(kinds)

    @cached_property
    def _collectors(self) -> dict[str, tuple[Collector, tuple[str, ...], Codec | None]]:
        return self._find_collectors()

    def collectors(self) -> dict[str, tuple[Collector, tuple[str, ...], Codec | None]]:
        """See :meth:`_find_collectors` (planned once)."""
        return self._collectors

    def _find_collectors(self) -> dict[str, tuple[Collector, tuple[str, ...], Codec | None]]:
        """Collector name -> (function, kinds) of the selected project-scope templates
        that declare ``COLLECT = (name, function)``: ``function(doc, options)`` returns a
        small picklable record of a document of their ``PROJECT_KINDS``, and
        ``check_project`` reads ``project.records[name]`` (one record per document, in
        scan order) instead of the documents.  Templates sharing a name share records.
        ``COLLECT = (name, function, (encode, decode))`` also tells the incremental cache
        how to keep the records (see :data:`Codec`); without it, a file with records is
        parsed again whenever the cross-file rules run."""
        out: dict[str, tuple[Collector, tuple[str, ...], Codec | None]] = {}
        for rule in self.project_rules:
            declared = getattr(rule.module, "COLLECT", None)
            if declared is not None:
                name, function, *codec = declared
                out.setdefault(name, (function,
                                      tuple(getattr(rule.module, "PROJECT_KINDS", KINDS)),
                                      codec[0] if codec else None))
        for template in self.options.collect_templates:  # for views, not for rules
            module = template_module(template)
            name, function, *codec = module.COLLECT
            out.setdefault(name, (function, tuple(getattr(module, "PROJECT_KINDS", KINDS)),
                                  codec[0] if codec else None))
        return out

    def params(self, rule: Rule) -> Mapping[str, Any]:
        override = self.options.rule_params.get(rule.id)
        if not override:
            return rule.params
        return {**rule.params, **override}

    def cache_material(self) -> dict[str, Any]:
        """Everything a file's own findings and records depend on besides the file: the
        key of the incremental cache's partition (netlint/cache.py).  Options that only
        decide what is reported or how (``--fail-on``, excludes, path ignores, baseline,
        output) are left out: those steps run on every scan."""
        import hashlib
        import os
        import sys

        import yaml

        from netlint import __version__

        options = self.options
        rules = []
        for rule in sorted(self.all_rules.values(), key=lambda r: r.id):
            content = None
            if not rule.builtin:  # the user's rule file, by content
                try:
                    with open(rule.file, "rb") as fh:
                        content = hashlib.sha256(fh.read()).hexdigest()
                except OSError:
                    content = "unreadable"
            rules.append([rule.id, rule.severity.value, list(rule.tags), rule.target,
                          rule.template, rule.params, list(rule.same_defect_as), rule.file,
                          content])
        return {
            "netlint": __version__,
            "code": _code_signature(),
            "python": sys.version,
            "yaml": [yaml.__version__, bool(getattr(yaml, "__with_libyaml__", False))],
            "schemas": _package_signature("kubernetes_validate"),
            "rules": rules,
            "selected": sorted(self.rules),
            "severity": options.severity_overrides,
            "params": options.rule_params,
            "pss": [options.pss_version, options.pss_level],
            "namespace": options.namespace,
            "max_file_size": options.max_file_size,
            "compose": [options.compose_ignore_env, options.compose_allow_outside],
            "envoy_validate": options.envoy_validate,
            # the compliance views collect more (placed readiness records, the network)
            "views": [sorted(options.collect_templates), sorted(options.keep_records)],
            "fixes": options.finding_fixes,  # entries then hold the findings' fixes
            "cwd": os.getcwd(),  # findings carry paths relative to it
        }


def _code_signature() -> list[Any]:
    """netlint's own modules and built-in rule files by name, size and modification time:
    an edited template (in a development checkout) is a new partition."""
    import os

    import netlint

    root = os.path.dirname(os.path.abspath(netlint.__file__ or ""))
    out: list[Any] = []
    for directory, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith((".py", ".yaml", ".json")):
                try:
                    st = os.stat(os.path.join(directory, name))
                except OSError:
                    continue
                out.append([os.path.relpath(os.path.join(directory, name), root),
                            st.st_size, st.st_mtime_ns])
    return out


def _package_signature(name: str) -> list[Any] | None:
    """Where an installed package is and when it was installed (its schemas are read)."""
    import importlib.util
    import os

    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    if spec is None or spec.origin is None:
        return None
    try:
        st = os.stat(spec.origin)
    except OSError:
        return None
    return [spec.origin, st.st_size, st.st_mtime_ns]
