"""Declarative rules: match documents, assert on values by path; no Python needed.

Guide
=====

A rule file names ``template: declarative`` and describes the check in ``params``::

    id: widget-allows-plaintext
    title: Widget accepts plaintext connections
    severity: error
    security-severity: 6.5
    tags: [tls, security]
    target: kubernetes          # kubernetes | compose | envoy | any (any YAML document)
    template: declarative
    params:
      match:                    # which documents (Kubernetes: which objects) to check
        apiVersion: example.com/*     # glob, or a list of globs
        kind: [Widget, WidgetSet]     # glob, or a list of globs
        when:                         # optional condition the object must satisfy
          path: spec.mode
          not-equals: legacy
      for-each: spec.listeners[*]     # optional: check every value this path reaches
      assert:                         # must hold (relative to the object or for-each item)
        path: tls.enabled
        equals: true
      message: "{kind}/{name}: {path} is {value}; enable TLS"
    docs: {what: ..., why: ..., example: ..., use_instead: ..., references: [...]}

``for-each`` also takes ``@pod-specs`` (the pod spec of a Pod and of every workload's pod
template: Deployment, StatefulSet, DaemonSet, Job, CronJob, ...) and ``@containers`` (every
container, init and ephemeral ones included, of those pod specs; ``{0}`` is its name), so a
pod-level check is written once for all workload kinds::

      for-each: "@containers"
      assert: {not: {path: securityContext.privileged, equals: true}}
      message: "{kind}/{name}: container '{0}' sets privileged: true"

``@pod-and-containers`` visits the pod spec and then each of its containers, for a field
that both levels carry (``securityContext.runAsUser``); there ``{0}`` says which one:
``pod``, ``container 'web'``, ``init container 'setup'`` or ``ephemeral container 'dbg'``.

``target`` is the rule file's own field.  Kubernetes documents are checked object by object
(``kind: List`` items included) and paths are relative to the object; Compose, Envoy and
other documents are checked as a whole.  ``target: any`` also reads YAML that netlint does
not otherwise recognise (plain config files).

Paths (:mod:`netlint.model.paths`): ``a.b.c``, ``*`` for every value of a mapping or list,
``[*]`` for every list item, ``[N]`` for one item, ``["key.with.dots"]`` for odd keys.

Conditions (:mod:`netlint.model.conditions`): a leaf ``{path: P, <operator>: operand}``
or ``{all: [...]}``, ``{any: [...]}``, ``{not: C}``, ``{if: C, then: C}``.
Operators: ``equals``, ``not-equals``, ``in``, ``not-in``, ``exists``, ``missing``,
``matches``, ``not-matches`` (Python regex, searched), ``less-than``, ``less-or-equal``,
``greater-than``, ``greater-or-equal``, ``truthy`` (``true``: a boolean as Compose reads
one, YAML ``true`` or the strings y/yes/true/on in any case; ``false``: anything else),
``cidr-contains`` (the value's network contains the operand), ``cidr-within`` (the value
lies inside the operand), ``cidr-overlaps``; CIDR operands may be lists (any of them).

* A leaf must hold for *every* value its path reaches; a wildcard that reaches nothing
  holds.  Value operators skip absent keys; use ``exists`` to require a key.  They also
  skip values the loader could not resolve (Compose ``${VAR}`` with no value and no
  default): such a value is unknown, so the rule does not guess.
* ``for-each`` visits the mappings and lists its path reaches; scalar items (a service
  written as ``web:`` with no body, a string in a list of objects) are skipped.
* ``not`` is per value: ``not: {path: c[*].x, equals: true}`` means "no ``x`` is true".
* ``any`` holds when one branch holds; otherwise its *last* branch's failures are reported
  (write the fix you recommend last).  ``{if: A, then: B}`` checks B only where A holds.
* ``match.when`` is evaluated on the object; conditions that depend on each ``for-each``
  item go into ``assert`` (with ``if``/``then``).
* Equality is YAML-typed: ``true`` is not ``1`` and ``"80"`` is not ``80``; the ordering
  operators accept numbers and numeric strings; ``matches`` reads scalars as text.

Converting a built-in Python rule: when the template only reads fields (no defaults
computed across levels, no parsing of strings, no version maps), replace ``template`` and
``params`` in its rule file, keep id/docs/tags, and keep its fixtures and golden files:
they must produce the same lines and messages (adjust ``message`` until they do).

Every failing value is one finding, placed on that key and value (for a missing key, on
its parent).  ``message`` (rule-wide, or per leaf) may use ``{value}``, ``{path}`` (in
the path language, relative to the object), ``{key}``, ``{name}``, ``{kind}``,
``{namespace}``, ``{apiVersion}`` and ``{0}``, ``{1}``... for what the wildcards matched.

Test a rule like a built-in one: pass and fail fixtures (``netlint new-rule`` writes both)
and ``netlint scan FIXTURE --rules DIR --select ID``.
"""

from __future__ import annotations

import fnmatch
import json
import re
import string
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from netlint.model import paths
from netlint.model.conditions import (
    Condition,
    ConditionError,
    Problem,
    check_message,
    compile_condition,
)
from netlint.templates.base import RuleContext, Violation
from netlint.yamlnodes import Document, Path

TARGETS = ("any",)
SPECIAL_SCOPES = ("@pod-specs", "@containers", "@pod-and-containers")
READS_UNCLASSIFIED = True  # with `target: any`, the engine also passes plain YAML documents

_GLOBS: dict[str, Any] = {
    "oneOf": [
        {"type": "string", "minLength": 1},
        {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1},
    ]
}
PARAMS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["assert", "message"],
    "properties": {
        "match": {
            "type": "object",
            "additionalProperties": False,
            "properties": {"apiVersion": _GLOBS, "kind": _GLOBS, "when": {"type": "object"}},
        },
        "for-each": {"type": "string", "minLength": 1},
        "assert": {"type": "object"},
        "message": {"type": "string", "minLength": 1},
    },
}


class _Compiled:
    def __init__(self, params: Mapping[str, Any]) -> None:
        match = params.get("match") or {}
        self.api_versions = _globs(match.get("apiVersion"))
        self.kinds = _globs(match.get("kind"))
        self.when: Condition | None = (
            compile_condition(match["when"], ("match", "when")) if "when" in match else None
        )
        each = params.get("for-each")
        self.for_each_special: str | None = each if each in SPECIAL_SCOPES else None
        self.for_each = (
            paths.parse(each) if each is not None and self.for_each_special is None else None
        )
        self.check: Condition = compile_condition(params["assert"], ("assert",))
        self.message: str = params["message"]


def _globs(value: Any) -> Callable[[str], bool] | None:
    """A matcher for a glob or list of globs (None: match everything), compiled once."""
    if value is None:
        return None
    globs = (value,) if isinstance(value, str) else tuple(value)
    if not any(ch in g for g in globs for ch in "*?["):
        exact = frozenset(globs)
        return exact.__contains__
    rx = re.compile("|".join(f"(?:{fnmatch.translate(g)})" for g in globs))
    return lambda text: rx.match(text) is not None


def validate_params(params: Mapping[str, Any]) -> Problem | None:
    """Called by the registry after PARAMS_SCHEMA: paths, operators, regexes, messages."""
    try:
        match = params.get("match") or {}
        if "when" in match:
            compile_condition(match["when"], ("match", "when"))
        if "for-each" in params and params["for-each"] not in SPECIAL_SCOPES:
            if params["for-each"].startswith("@"):
                raise ConditionError(("for-each",), f"unknown scope {params['for-each']!r} "
                                     f"(known: {', '.join(SPECIAL_SCOPES)})")
            try:
                paths.parse(params["for-each"])
            except paths.PathSyntaxError as err:
                raise ConditionError(("for-each",), f"bad path {params['for-each']!r}: {err}"
                                     ) from None
        compile_condition(params["assert"], ("assert",))
        check_message(params["message"], ("message",))
    except ConditionError as err:
        return err.where, err.message
    return None


def _compiled(params: Mapping[str, Any], ctx: RuleContext) -> _Compiled:
    cache = ctx.shared.setdefault("declarative", {})
    hit = cache.get(ctx.rule.id)
    if hit is not None and (hit[0] is params or hit[0] == params):
        return hit[1]  # type: ignore[no-any-return]
    compiled = _Compiled(params)
    cache[ctx.rule.id] = (params, compiled)
    return compiled


def _roots(doc: Document, target: str) -> list[tuple[Path, dict[str, Any]]]:
    """The mappings a rule checks: Kubernetes objects (List items expanded) or the
    document; built once per document and shared by every declarative rule."""
    if doc.kind == "kubernetes":
        roots: list[tuple[Path, dict[str, Any]]] | None = doc.cache.get("declarative.roots")
        if roots is None:
            from netlint.loaders.kubernetes import objects

            roots = [(o.path, o.value) for o in objects(doc) if isinstance(o.value, dict)]
            doc.cache["declarative.roots"] = roots
        return roots
    if (target == "any" or doc.kind == target) and isinstance(doc.value, dict):
        return [((), doc.value)]
    return []


def check(doc: Document, params: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    target = ctx.rule.target
    if target != "any" and target != doc.kind:
        return  # cheap test first: most (rule, document) pairs stop here
    rule = _compiled(params, ctx)
    special = (_special_scopes(doc, rule.for_each_special)
               if rule.for_each_special is not None else None)
    for base, root in _roots(doc, target):
        if special is not None and base not in special:
            continue  # no pod spec in this object: nothing to check
        if not _matches(rule, root):
            continue
        if rule.when is not None and not rule.when(root, base).holds:
            continue
        if doc.kind is None:
            doc.cache["matched"] = True  # counted as checked, not skipped (see the engine)
        if rule.for_each_special is not None:
            scopes = _special_scopes(doc, rule.for_each_special).get(base, [])
        elif rule.for_each is not None:
            scopes = paths.resolve(root, rule.for_each, base)
        else:
            scopes = [paths.Target(base, root, base)]
        ident: dict[str, str] | None = None  # computed on the first failure
        for scope in scopes:
            if scope.missing or not isinstance(scope.value, dict | list):
                continue
            result = rule.check(scope.value, scope.path)
            seen: set[Path] = set()
            for t in result.failures:
                if t.path in seen:
                    continue
                seen.add(t.path)
                if ident is None:
                    ident = _identity(root)
                template = result.messages.get(id(t), rule.message)
                rel = t.wanted[len(base):]
                fields = {
                    **ident,
                    "value": "missing" if t.missing else _show(t.value),
                    "path": paths.render(rel),
                    "key": str(rel[-1]) if rel else "",
                }
                captures = (*scope.captures, *t.captures)
                # no explicit context: the engine's (object, path, offending text) keeps
                # fingerprints equal to those of the Python templates these rules replace
                yield Violation(t.path, _format(template, captures, fields))


def _special_scopes(doc: Document, scope: str) -> dict[Path, list[paths.Target]]:
    """``@pod-specs`` / ``@containers`` / ``@pod-and-containers`` by object path: the pod
    spec of a Pod or of any workload's template, each of its containers (init and ephemeral
    too; ``{0}`` is the name), or both (``{0}`` is ``pod`` or e.g. ``container 'web'``).
    Built once per document and scope, shared by every rule that uses it."""
    key = "declarative.scope" + scope
    cached: dict[Path, list[paths.Target]] | None = doc.cache.get(key)
    if cached is not None:
        return cached
    out: dict[Path, list[paths.Target]] = {}
    if doc.kind == "kubernetes":
        from netlint.loaders.kubernetes import pod_specs

        for pod in pod_specs(doc):
            into = out.setdefault(pod.obj.path, [])
            if scope == "@pod-specs":
                into.append(paths.Target(pod.spec_path, pod.spec, pod.spec_path))
            elif scope == "@pod-and-containers":
                into.append(paths.Target(pod.spec_path, pod.spec, pod.spec_path, ("pod",)))
                into.extend(paths.Target(c.path, c.value, c.path, (c.described,))
                            for c in pod.containers())
            else:
                into.extend(paths.Target(c.path, c.value, c.path, (c.name,))
                            for c in pod.containers())
    doc.cache[key] = out
    return out


def _matches(rule: _Compiled, root: Mapping[str, Any]) -> bool:
    if rule.kinds is not None:
        kind = root.get("kind")
        if not isinstance(kind, str) or not rule.kinds(kind):
            return False
    if rule.api_versions is not None:
        api = root.get("apiVersion")
        if not isinstance(api, str) or not rule.api_versions(api):
            return False
    return True


def _identity(root: Mapping[str, Any]) -> dict[str, str]:
    meta = root.get("metadata")
    meta = meta if isinstance(meta, Mapping) else {}
    name = meta.get("name") or root.get("name")
    if not isinstance(name, str) and isinstance(meta.get("generateName"), str):
        name = meta["generateName"] + "*"  # as the Kubernetes loader names such objects
    return {
        "kind": _str(root.get("kind"), "?"),
        "apiVersion": _str(root.get("apiVersion"), "?"),
        "name": _str(name, "<unnamed>"),
        "namespace": _str(meta.get("namespace"), "default"),
    }


def _str(value: Any, default: str) -> str:
    return value if isinstance(value, str) and value else default


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, str | int | float):
        return str(value)
    text = json.dumps(value, default=str, separators=(", ", ": "))
    return text if len(text) <= 80 else text[:77] + "..."


class _SafeFormatter(string.Formatter):
    def get_value(self, key: int | str, args: Any, kwargs: Mapping[str, Any]) -> Any:
        if isinstance(key, int):
            return args[key] if key < len(args) else "?"
        return kwargs.get(key, "?")


def _format(template: str, captures: tuple[Any, ...], fields: Mapping[str, str]) -> str:
    try:
        return _SafeFormatter().format(template, *map(str, captures), **fields)
    except (ValueError, IndexError, KeyError, AttributeError):
        return template
