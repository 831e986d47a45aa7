"""Conditions of declarative rules: operators on values addressed by paths, and combinators.

A condition is a mapping, either a *leaf* ``{path: P, <operator>: <operand>}`` (optionally
with its own ``message``), or a combinator ``{all: [...]}``, ``{any: [...]}``, ``{not: C}``.
:func:`compile_condition` checks one and reports the first problem as
``(path inside the condition, message)``; :func:`evaluate` runs it against a value.

Evaluation is *per value*: a leaf judges every value its path reaches, so the result
lists failures (values that break the condition, or the parent of a missing key for
``exists``) and witnesses (values that satisfy it).  ``not`` swaps the two, so
``not: {path: containers[*].privileged, equals: true}`` means "no container sets it".
``any`` holds when one branch holds and otherwise reports its *last* branch's failures;
``{if: A, then: B}`` checks B only where A holds.
Value operators ignore keys that are absent (combine with ``exists`` to require them)
and values a loader could not resolve (a Compose ``${VAR}`` with no value): those are
unknown, so a rule neither passes nor fails them (``exists`` still sees the key).
``truthy: true`` holds for a boolean the way Compose reads one: YAML ``true`` or the
strings ``y``/``yes``/``true``/``on`` in any case (compose-go's conversion);
``truthy: false`` holds for any other value.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from netlint.loaders.compose_interp import is_unresolved
from netlint.model import paths
from netlint.model.paths import PathSyntaxError, Step, Target

Problem = tuple[tuple[str | int, ...], str]

# operator -> kind of operand it takes
OPERATORS: dict[str, str] = {
    "equals": "any",
    "not-equals": "any",
    "in": "list",
    "not-in": "list",
    "exists": "bool",
    "missing": "bool",
    "matches": "regex",
    "not-matches": "regex",
    "less-than": "number",
    "less-or-equal": "number",
    "greater-than": "number",
    "greater-or-equal": "number",
    "cidr-contains": "cidrs",
    "cidr-within": "cidrs",
    "cidr-overlaps": "cidrs",
    "truthy": "bool",
}
COMBINATORS = ("all", "any", "not", "if")


class ConditionError(ValueError):
    def __init__(self, where: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.where = where
        self.message = message


@dataclass
class Result:
    failures: list[Target] = field(default_factory=list)
    witnesses: list[Target] = field(default_factory=list)
    messages: dict[int, str] = field(default_factory=dict)  # id(target) -> leaf message

    @property
    def holds(self) -> bool:
        return not self.failures


Condition = Callable[[Any, tuple[Any, ...]], Result]


def strict_equal(a: Any, b: Any) -> bool:
    """YAML-typed equality: ``true`` is not ``1`` and ``"80"`` is not ``80``."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, str) != isinstance(b, str):
        return False
    try:
        return bool(a == b)
    except Exception:  # pragma: no cover - exotic values
        return False


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            return None
    return None


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def network(value: Any) -> Network | None:
    """An address or CIDR as a network (host bits allowed), or None."""
    if not isinstance(value, str):
        return None
    try:
        return ipaddress.ip_network(value.strip(), strict=False)
    except ValueError:
        return None


def _text(value: Any) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    return None


# what compose-go converts to true for boolean fields, in any case (``toBoolean`` in its
# loader/interpolate.go); the same set as netlint.loaders.compose.COMPOSE_TRUE
TRUTHY_STRINGS = frozenset({"y", "yes", "true", "on"})


def truthy(value: Any) -> bool:
    """A Compose-style boolean: YAML ``true`` or the strings y/yes/true/on (any case)."""
    if isinstance(value, bool):
        return value
    return isinstance(value, str) and value.strip().lower() in TRUTHY_STRINGS


def _predicate(op: str, operand: Any) -> Callable[[Any], bool]:
    if op == "truthy":
        return lambda v: truthy(v) == operand
    if op == "equals":
        return lambda v: strict_equal(v, operand)
    if op == "not-equals":
        return lambda v: not strict_equal(v, operand)
    if op == "in":
        return lambda v: any(strict_equal(v, o) for o in operand)
    if op == "not-in":
        return lambda v: not any(strict_equal(v, o) for o in operand)
    if op in ("matches", "not-matches"):
        rx = re.compile(operand)
        want = op == "matches"

        def match(v: Any) -> bool:
            text = _text(v)
            return text is not None and (rx.search(text) is not None) == want
        return match
    if op in ("less-than", "less-or-equal", "greater-than", "greater-or-equal"):
        limit = float(operand)
        compare: Callable[[float], bool] = {
            "less-than": lambda x: x < limit,
            "less-or-equal": lambda x: x <= limit,
            "greater-than": lambda x: x > limit,
            "greater-or-equal": lambda x: x >= limit,
        }[op]

        def number(v: Any) -> bool:
            x = _number(v)
            return x is not None and compare(x)
        return number
    nets = [n for n in map(network, operand if isinstance(operand, list) else [operand]) if n]

    def cidr(v: Any) -> bool:
        net = network(v)
        if net is None:
            return False
        for other in nets:
            if other.version != net.version:
                continue
            if op == "cidr-contains" and other.subnet_of(net):  # type: ignore[arg-type]
                return True
            if op == "cidr-within" and net.subnet_of(other):  # type: ignore[arg-type]
                return True
            if op == "cidr-overlaps" and net.overlaps(other):
                return True
        return False
    return cidr


def _check_operand(op: str, operand: Any, where: tuple[str | int, ...]) -> None:
    kind = OPERATORS[op]
    if kind == "list" and not isinstance(operand, list):
        raise ConditionError(where, f"operator '{op}' needs a list of values")
    if kind == "bool" and not isinstance(operand, bool):
        raise ConditionError(where, f"operator '{op}' takes true or false, got {operand!r}")
    if kind == "regex":
        if not isinstance(operand, str):
            raise ConditionError(where, f"operator '{op}' needs a regular expression string")
        try:
            re.compile(operand)
        except re.error as err:
            raise ConditionError(where, f"invalid regular expression: {err}") from None
    if kind == "number" and _number(operand) is None:
        raise ConditionError(where, f"operator '{op}' needs a number, got {operand!r}")
    if kind == "cidrs":
        items = operand if isinstance(operand, list) else [operand]
        if not items:
            raise ConditionError(where, f"operator '{op}' needs at least one address or CIDR")
        for i, item in enumerate(items):
            if network(item) is None:
                at = (*where, i) if isinstance(operand, list) else where
                raise ConditionError(at, f"operator '{op}': {item!r} is not an IP address "
                                     "or CIDR")


def compile_condition(spec: Any, where: tuple[str | int, ...] = ()) -> Condition:
    """Check ``spec`` and return a function ``(root, base_path) -> Result``."""
    if not isinstance(spec, Mapping):
        raise ConditionError(where, "a condition is a mapping: {path: ..., <operator>: ...} "
                             "or {all: [...]}, {any: [...]}, {not: ...}")
    if "if" in spec or "then" in spec:
        return _if_then(spec, where)
    combinators = [k for k in spec if k in COMBINATORS]
    if combinators:
        if len(spec) != 1:
            extra = sorted(str(k) for k in spec if k != combinators[0])
            raise ConditionError((*where, extra[0]), f"'{combinators[0]}' stands alone; "
                                 f"unexpected key '{extra[0]}' beside it")
        name = combinators[0]
        body = spec[name]
        if name == "not":
            return _not(compile_condition(body, (*where, "not")))
        if not isinstance(body, list) or not body:
            raise ConditionError((*where, name), f"'{name}' needs a non-empty list of conditions")
        parts = [compile_condition(c, (*where, name, i)) for i, c in enumerate(body)]
        return _all(parts) if name == "all" else _any(parts)
    return _leaf(spec, where)


def _if_then(spec: Mapping[str, Any], where: tuple[str | int, ...]) -> Condition:
    for key in spec:
        if key not in ("if", "then"):
            raise ConditionError((*where, key), f"'if' takes only 'then' beside it; unexpected "
                                 f"key '{key}'")
    if "if" not in spec or "then" not in spec:
        missing = "then" if "if" in spec else "if"
        raise ConditionError(where, f"'if' and 'then' go together; '{missing}' is missing")
    test = compile_condition(spec["if"], (*where, "if"))
    then = compile_condition(spec["then"], (*where, "then"))

    def run(root: Any, base: tuple[Any, ...]) -> Result:
        if not test(root, base).holds:
            return Result()
        return then(root, base)
    return run


def _leaf(spec: Mapping[str, Any], where: tuple[str | int, ...]) -> Condition:
    for key in spec:
        if key not in OPERATORS and key not in ("path", "message"):
            raise ConditionError((*where, key), f"unknown operator '{key}' (known: "
                                 f"{', '.join([*OPERATORS, *COMBINATORS])})")
    if "path" not in spec:
        raise ConditionError(where, "a condition needs 'path' (or all/any/not)")
    text = spec["path"]
    if not isinstance(text, str):
        raise ConditionError((*where, "path"), "'path' must be a string")
    try:
        steps = paths.parse(text)
    except PathSyntaxError as err:
        raise ConditionError((*where, "path"), f"bad path {text!r}: {err}") from None
    ops = [k for k in spec if k in OPERATORS]
    if len(ops) != 1:
        raise ConditionError(where, f"a condition needs exactly one operator, found "
                             f"{len(ops)}" + (f" ({', '.join(ops)})" if ops else ""))
    op = ops[0]
    _check_operand(op, spec[op], (*where, op))
    message = spec.get("message")
    if message is not None and not isinstance(message, str):
        raise ConditionError((*where, "message"), "'message' must be a string")
    if message is not None:
        check_message(message, (*where, "message"))
    return _make_leaf(steps, op, spec[op], message)


def _make_leaf(steps: tuple[Step, ...], op: str, operand: Any, message: str | None
               ) -> Condition:
    want_present = op in ("exists", "missing") and bool(operand) == (op == "exists")
    want_absent = op in ("exists", "missing") and not want_present
    predicate = None if want_present or want_absent else _predicate(op, operand)

    def run(root: Any, base: tuple[Any, ...]) -> Result:
        result = Result()
        for t in paths.resolve(root, steps, base, missing=predicate is None):
            if want_present:
                ok = not t.missing
            elif want_absent:
                ok = t.missing
            elif t.missing or is_unresolved(t.value):
                continue  # absent or unknown: value operators do not judge it
            else:
                assert predicate is not None
                ok = predicate(t.value)
            (result.witnesses if ok else result.failures).append(t)
            if message is not None:
                result.messages[id(t)] = message
        return result
    return run


def _not(inner: Condition) -> Condition:
    def run(root: Any, base: tuple[Any, ...]) -> Result:
        r = inner(root, base)
        return Result(r.witnesses, r.failures, r.messages)
    return run


def _all(parts: list[Condition]) -> Condition:
    def run(root: Any, base: tuple[Any, ...]) -> Result:
        out = Result()
        for part in parts:
            r = part(root, base)
            out.failures += r.failures
            out.witnesses += r.witnesses
            out.messages.update(r.messages)
        return out
    return run


def _any(parts: list[Condition]) -> Condition:
    def run(root: Any, base: tuple[Any, ...]) -> Result:
        results = [part(root, base) for part in parts]
        out = Result()
        for r in results:
            out.messages.update(r.messages)
            out.witnesses += r.witnesses
        if not any(r.holds for r in results):
            out.failures = results[-1].failures  # the last branch names the fix
        return out
    return run


MESSAGE_FIELDS = frozenset({"value", "path", "name", "kind", "namespace", "apiVersion", "key"})


def check_message(message: str, where: tuple[str | int, ...]) -> None:
    """A message may use {value}, {path}, {name}, {kind}, {namespace}, {apiVersion}, {key}
    and {0}, {1}, ... (what the wildcards matched)."""
    import string

    try:
        fields = [f for _, f, _, _ in string.Formatter().parse(message) if f is not None]
    except ValueError as err:
        raise ConditionError(where, f"bad message template: {err} (write {{{{ for a "
                             "literal brace)") from None
    for f in fields:
        name = re.split(r"[.\[!:]", f, maxsplit=1)[0]
        if name.isdigit():
            continue
        if name not in MESSAGE_FIELDS or name != f:
            raise ConditionError(where, f"unknown placeholder {{{f}}} in message (use "
                                 f"{', '.join('{' + n + '}' for n in sorted(MESSAGE_FIELDS))} "
                                 "or {0}, {1}, ...)")
