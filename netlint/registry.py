"""The rule registry: rule files (policy as data) bound to their Python templates.

Built-in rules live in ``rules/<target>/<id>.yaml`` (shipped as ``netlint._rules``); users
add directories of their own with ``--rules DIR``.  Every problem with a rule file is a
:class:`~netlint.errors.UsageError` naming the file, line and key, and the registry is
loud about duplicates.

Built-in rule files are validated against ``schemas/rule.schema.json`` by the test suite,
not on every run (jsonschema costs start-up time that pre-commit users feel); user rule
files are validated every time they are loaded.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path as FsPath
from types import ModuleType
from typing import Any

from netlint.errors import UsageError
from netlint.findings import Severity
from netlint.fix.spec import FixSpec, fix_spec
from netlint.source import Source
from netlint.yamlnodes import Document, locate, parse_documents

FAMILY_TAGS = (
    "pss-baseline",
    "pss-restricted",
    "egress-default-deny",
    "metadata-block",
    "tls",
    "non-root",
)


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    severity: Severity
    security_severity: float
    tags: tuple[str, ...]
    target: str
    template: str
    params: Mapping[str, Any]
    docs: Mapping[str, Any]
    file: str
    builtin: bool = True
    always_on: bool = False
    same_defect_as: tuple[str, ...] = ()
    fix: FixSpec | None = None  # what ``netlint fix`` does about a finding (fix/spec.py)
    _module: list[ModuleType] = field(default_factory=list, compare=False, repr=False)

    def __getstate__(self) -> dict[str, Any]:
        # picklable for worker processes: the template module is imported again there
        state = dict(self.__dict__)
        state["_module"] = []
        return state

    @property
    def module(self) -> ModuleType:
        """The template module, imported on first use (keeps start-up light)."""
        if not self._module:
            self._module.append(template_module(self.template))
        return self._module[0]

    @property
    def help_uri(self) -> str:
        """Built-in rules: their section of docs/rules.md.  A user rule is not documented
        there: its first http(s) reference, or "" (then reporters leave helpUri out)."""
        if self.builtin:
            return f"https://github.com/netlint/netlint/blob/main/docs/rules.md#{self.id}"
        refs = [str(r) for r in self.docs.get("references") or ()]
        return next((r for r in refs if r.startswith(("https://", "http://"))), "")


def template_module(name: str) -> ModuleType:
    return importlib.import_module(f"netlint.templates.{name.replace('-', '_')}")


NOT_TEMPLATES = frozenset({"base", "__init__"})  # modules of netlint.templates that are not


def template_exists(name: str) -> bool:
    if name == "builtin":
        return True
    module = name.replace("-", "_")
    if module.startswith("_") or module in NOT_TEMPLATES or not module.isidentifier():
        return False
    return resources.files("netlint.templates").joinpath(f"{module}.py").is_file()


@cache
def schema(name: str) -> dict[str, Any]:
    """One of the JSON schemas shipped in ``schemas/``."""
    text = resources.files("netlint._schemas").joinpath(name).read_text(encoding="utf-8")
    return json.loads(text)  # type: ignore[no-any-return]


def _builtin_rule_files() -> list[tuple[str, str]]:
    root = resources.files("netlint._rules")
    out = []
    for target_dir in sorted(root.iterdir(), key=lambda p: p.name):
        if not target_dir.is_dir():
            continue
        for f in sorted(target_dir.iterdir(), key=lambda p: p.name):
            if f.name.endswith(".yaml"):
                out.append((f"rules/{target_dir.name}/{f.name}", f.read_text(encoding="utf-8")))
    return out


def _user_rule_files(directory: str) -> list[tuple[str, str]]:
    root = FsPath(directory)
    if not root.is_dir():
        raise UsageError(f"{directory}: rule directory does not exist")
    out = []
    for f in sorted(root.rglob("*.y*ml")):
        if f.suffix in (".yaml", ".yml") and f.is_file():
            try:
                out.append((str(f), f.read_text(encoding="utf-8")))
            except UnicodeDecodeError as err:
                raise UsageError(f"{f}: not UTF-8 text (byte 0x{err.object[err.start]:02x} "
                                 f"at offset {err.start}); rule files must be UTF-8") from None
            except OSError as err:
                raise UsageError(f"{f}: cannot read rule file: {err.strerror or err}") from None
    return out


def _parse_rule_file(path: str, text: str) -> Document:
    docs, err = parse_documents(Source(path, text))
    if err is not None:
        raise UsageError(f"{path}:{err.line0 + 1}:{err.col0 + 1}: {err.message}")
    if len(docs) != 1 or not isinstance(docs[0].value, dict):
        raise UsageError(f"{path}:1: a rule file holds exactly one mapping")
    return docs[0]


def _where(doc: Document, path: Iterable[Any]) -> str:
    _, span = locate(doc, tuple(path))
    return f"{doc.source.path}:{span.start_line}:{span.start_column}"


def validate_rule_document(doc: Document) -> None:
    """Check a rule file against the rule schema, its template and its params schema."""
    from jsonschema import Draft202012Validator

    data = doc.value
    errors = sorted(
        Draft202012Validator(schema("rule.schema.json")).iter_errors(data),
        key=lambda e: list(map(str, e.absolute_path)),
    )
    if errors:
        raise UsageError(_schema_error(doc, (), errors[0]))
    stem = FsPath(doc.source.path).stem
    if data["id"] != stem:
        raise UsageError(
            f"{_where(doc, ('id',))}: key 'id': '{data['id']}' must equal the file name '{stem}'"
        )
    template = data["template"]
    if not template_exists(template):
        known = ", ".join(sorted(
            f.name[:-3].replace("_", "-")
            for f in resources.files("netlint.templates").iterdir()
            if f.name.endswith(".py") and not f.name.startswith("_") and f.name != "base.py"
        ))
        raise UsageError(f"{_where(doc, ('template',))}: key 'template': unknown template "
                         f"'{template}' (known: {known})")
    if template != "builtin":
        _validate_params(doc, template_module(template), data.get("params") or {})


def _schema_error(doc: Document, prefix: tuple[str, ...], err: Any) -> str:
    """One line naming file, line, column and key; a missing key is named itself."""
    path = (*prefix, *err.absolute_path)
    if err.validator == "required" and isinstance(err.instance, Mapping):
        missing = next((k for k in err.validator_value if k not in err.instance), None)
        if missing is not None:
            key = ".".join(map(str, (*path, missing)))
            return f"{_where(doc, path)}: key '{key}': missing (required)"
    key = ".".join(map(str, path)) or "<top>"
    return f"{_where(doc, path)}: key '{key}': {err.message}"


def _validate_params(doc: Document, module: ModuleType, params: Mapping[str, Any]) -> None:
    problem = located_params_problem(module, params)
    if problem is not None:
        where, message = problem
        path = ("params", *where)
        raise UsageError(f"{_where(doc, path)}: key '{'.'.join(map(str, path))}': {message}")


def located_params_problem(module: ModuleType, params: Mapping[str, Any]
                           ) -> tuple[tuple[Any, ...], str] | None:
    """The first problem with a template's params as (path within params, message), or
    None: its ``PARAMS_SCHEMA`` (an unknown parameter gets a suggestion), then its own
    ``validate_params``.  :func:`params_problem` adds the checks that have no one key to
    point at (regular expressions)."""
    from jsonschema import Draft202012Validator, FormatChecker

    params_schema = getattr(module, "PARAMS_SCHEMA", None)
    if params_schema is None:
        return None
    validator = Draft202012Validator(params_schema, format_checker=FormatChecker())
    for err in sorted(validator.iter_errors(params), key=lambda e: list(map(str, e.path))):
        path = tuple(err.absolute_path)
        if err.validator == "required" and isinstance(err.instance, Mapping):
            missing = next((k for k in err.validator_value if k not in err.instance), None)
            if missing is not None:
                return (*path, missing), "missing (required)"
        if err.validator == "additionalProperties" and isinstance(err.instance, Mapping):
            declared = err.schema.get("properties") or {}
            extra = next((k for k in err.instance if k not in declared), None)
            if extra is not None:
                known = ", ".join(sorted(declared)) or "none"
                return (*path, extra), (f"unknown parameter '{extra}'"
                                        f"{did_you_mean(str(extra), declared)} "
                                        f"(declared: {known})")
        return path, err.message
    extra_check = getattr(module, "validate_params", None)
    if extra_check is not None:
        problem = extra_check(params)
        if problem:
            where, message = problem
            return tuple(where), message
    return None


def declared_params(rule: Rule) -> list[tuple[str, Any, str]]:
    """A rule's parameters as (name, default, description): what its template declares
    (``PARAMS_SCHEMA`` properties), with the rule file's value as the default."""
    if rule.template == "builtin":
        return []
    params_schema = getattr(rule.module, "PARAMS_SCHEMA", None) or {}
    properties = params_schema.get("properties") or {}
    out = []
    for name in (*properties, *(k for k in rule.params if k not in properties)):
        spec = properties.get(name) or {}
        default = rule.params[name] if name in rule.params else spec.get("default", NO_DEFAULT)
        out.append((name, default, str(spec.get("description", ""))))
    return out


NO_DEFAULT = object()  # a declared parameter with no default (the template's own behaviour)


def params_problem(rule: Rule, params: Mapping[str, Any]) -> str | None:
    """Why ``params`` (a rule's params with a config's ``params:`` over them) do not suit
    the rule's template, or None: checked once before scanning, so a wrong type or a bad
    regular expression is one configuration error, not an internal error on every file."""
    import re

    from jsonschema import Draft202012Validator, FormatChecker

    if rule.template == "builtin":
        return "takes no params" if params else None
    module = rule.module
    params_schema = getattr(module, "PARAMS_SCHEMA", None)
    if params_schema is not None:
        validator = Draft202012Validator(params_schema, format_checker=FormatChecker())
        for err in sorted(validator.iter_errors(params), key=lambda e: list(map(str, e.path))):
            key = ".".join(map(str, err.absolute_path))
            return f"{key + ': ' if key else ''}{err.message}"
    for key, value in params.items():
        # a *pattern or *patterns parameter is a regular expression (or a map/list of them)
        if not str(key).endswith(("pattern", "patterns")):
            continue
        values = (value.values() if isinstance(value, Mapping)
                  else value if isinstance(value, list) else [value])
        for item in values:
            if isinstance(item, str):
                try:
                    re.compile(item)
                except re.error as err:
                    return f"{key}: invalid regular expression {item!r}: {err}"
    extra_check = getattr(module, "validate_params", None)
    if extra_check is not None:
        problem = extra_check(params)
        if problem:
            where, message = problem
            return f"{'.'.join(map(str, where))}: {message}"
    return None


def _rule_from(doc: Document, builtin: bool) -> Rule:
    d = doc.value
    return Rule(
        id=d["id"],
        title=d["title"],
        severity=Severity(d["severity"]),
        security_severity=float(d["security-severity"]),
        tags=tuple(d["tags"]),
        target=d["target"],
        template=d["template"],
        params=d.get("params") or {},
        docs=d["docs"],
        file=doc.source.path,
        builtin=builtin,
        always_on=bool(d.get("always-on", False)),
        same_defect_as=tuple(d.get("same-defect-as") or ()),
        fix=fix_spec(d.get("fix")),
    )


def load_rules(user_dirs: Iterable[str] = (), validate_builtin: bool = False) -> dict[str, Rule]:
    """Every rule, by id.  A user rule reusing an id is an error."""
    rules: dict[str, Rule] = {}
    for path, text in _builtin_rule_files():
        doc = _parse_rule_file(path, text)
        if validate_builtin:
            validate_rule_document(doc)
        rule = _rule_from(doc, builtin=True)
        if rule.id in rules:
            raise UsageError(f"{path}: duplicate rule id '{rule.id}' (also {rules[rule.id].file})")
        rules[rule.id] = rule
    for directory in user_dirs:
        for path, text in _user_rule_files(directory):
            doc = _parse_rule_file(path, text)
            validate_rule_document(doc)
            if doc.value["template"] == "builtin":
                # builtin rules are findings the engine itself makes (parse-error, ...): a
                # user rule with this template would silently never run
                raise UsageError(f"{_where(doc, ('template',))}: key 'template': 'builtin' is "
                                 "reserved for netlint's own core rules; use 'declarative' or "
                                 "another template")
            rule = _rule_from(doc, builtin=False)
            if rule.id in rules:
                raise UsageError(
                    f"{_where(doc, ('id',))}: key 'id': rule '{rule.id}' is already defined by "
                    f"{rules[rule.id].file}"
                )
            rules[rule.id] = rule
    return rules


TARGETS = ("kubernetes", "compose", "envoy", "any", "core")
_GLOB_CHARS = frozenset("*?[")


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """``"; did you mean 'x'?"`` for the closest candidate, or ``""`` when none is close.

    ``fail_on`` finds ``fail-on``: underscores and hyphens are tried as each other first.
    """
    import difflib

    pool = sorted(set(candidates))
    for variant in (name.replace("_", "-"), name.replace("-", "_"), name.lower()):
        if variant != name and variant in pool:
            return f"; did you mean '{variant}'?"
    close = difflib.get_close_matches(name, pool, n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def selector_names(rules: Mapping[str, Rule]) -> set[str]:
    """Every word ``--select`` and ``--ignore`` accept besides globs: ids, tags, targets."""
    return {"all", *rules, *(t for r in rules.values() for t in r.tags),
            *(r.target for r in rules.values())}


def selector_matches(rule: Rule, name: str) -> bool:
    """A rule id, a tag, a target (``compose``) or a glob over rule ids (``compose-*``)."""
    if name in ("all", rule.id, rule.target) or name in rule.tags:
        return True
    if _GLOB_CHARS.intersection(name):
        import fnmatch

        return fnmatch.fnmatchcase(rule.id, name)
    return False


def unknown_selector(rules: Mapping[str, Rule], name: str) -> str | None:
    """The error for a ``--select``/``--ignore`` word that names nothing, else None."""
    if _GLOB_CHARS.intersection(name):
        if any(selector_matches(r, name) for r in rules.values()):
            return None
        return f"'{name}' matches no rule id (see `netlint rules`)"
    known = selector_names(rules)
    if name in known:
        return None
    return f"unknown rule id or tag '{name}'{did_you_mean(name, known)} (see `netlint rules`)"


def select_rules(
    rules: Mapping[str, Rule], select: Iterable[str], ignore: Iterable[str]
) -> dict[str, Rule]:
    """Apply ``--select``/``--ignore``: rule ids, tags, targets (``compose``) or globs over
    rule ids (``compose-*``).  Unknown names are usage errors with a suggestion."""
    select = [s for s in select if s]
    ignore = [s for s in ignore if s]
    for name in (*select, *ignore):
        problem = unknown_selector(rules, name)
        if problem:
            raise UsageError(problem)

    for name in ignore:
        rule = rules.get(name)
        if rule is not None and rule.always_on:
            # these report files or rules that were not analysed: ignoring them would let
            # a padded or broken file pass the gate unnoticed
            raise UsageError(
                f"'{name}' cannot be ignored: it reports a file or rule that was not "
                f"analysed; lower it with `severity: {{{name}: warning}}` in the config, "
                "or skip files on purpose with `exclude:`")

    def matches(rule: Rule, names: Iterable[str]) -> bool:
        return any(selector_matches(rule, n) for n in names)

    chosen = {}
    for rid, rule in rules.items():
        if select and not matches(rule, select) and not rule.always_on:
            continue
        # an always-on rule cannot be ignored by a tag, target or glob either
        # (`--ignore core`, `--ignore 'parse-*'`): refused by id above, kept here
        if matches(rule, ignore) and not rule.always_on:
            continue
        chosen[rid] = rule
    return chosen
