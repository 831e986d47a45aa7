"""Label selectors: Kubernetes ``LabelSelector`` (also Cilium's) and Calico expressions.

Every selector answers ``matches(labels)`` and ``universal(ignore)``: whether it selects
every label set once the keys in ``ignore`` (namespace pseudo-labels) are fixed.  An
invalid selector matches nothing and is marked ``valid = False``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

Labels = Mapping[str, str]

# Cilium label sources: "k8s:app" and "any:app" select the Kubernetes label "app".
_CILIUM_PREFIXES = ("k8s:", "any:", "container:")


def cilium_key(key: str) -> str:
    for prefix in _CILIUM_PREFIXES:
        if key.startswith(prefix):
            return key[len(prefix):]
    return key


@dataclass
class LabelSelector:
    """``matchLabels`` AND every ``matchExpressions`` term; empty selects everything."""

    terms: list[tuple[str, str, tuple[str, ...]]] = field(default_factory=list)
    valid: bool = True
    text: str = ""

    @staticmethod
    def parse(value: Any, cilium: bool = False) -> LabelSelector:
        sel = LabelSelector()
        if value is None:
            return sel
        if not isinstance(value, Mapping):
            sel.valid = False
            return sel
        key_of: Callable[[str], str] = cilium_key if cilium else (lambda k: k)
        labels = value.get("matchLabels") or {}
        if isinstance(labels, Mapping):
            for k, v in labels.items():
                sel.terms.append((key_of(str(k)), "In", (_label_value(v),)))
        else:
            sel.valid = False
        exprs = value.get("matchExpressions") or []
        if isinstance(exprs, list):
            for e in exprs:
                if not isinstance(e, Mapping) or not isinstance(e.get("key"), str):
                    sel.valid = False
                    continue
                op = str(e.get("operator", ""))
                values = e.get("values") or []
                vals = tuple(_label_value(v) for v in values) if isinstance(values, list) else ()
                if op not in ("In", "NotIn", "Exists", "DoesNotExist"):
                    sel.valid = False
                    continue
                sel.terms.append((key_of(e["key"]), op, vals))
        else:
            sel.valid = False
        sel.text = ", ".join(_term_text(t) for t in sel.terms) or "all pods"
        return sel

    def matches(self, labels: Labels) -> bool:
        if not self.valid:
            return False
        for key, op, vals in self.terms:
            present = key in labels
            if op == "In" and not (present and labels[key] in vals):
                return False
            if op == "NotIn" and present and labels[key] in vals:
                return False
            if op == "Exists" and not present:
                return False
            if op == "DoesNotExist" and present:
                return False
        return True

    def universal(self, ignore: frozenset[str] = frozenset()) -> bool:
        return self.valid and all(k in ignore for k, _, _ in self.terms)

    def keys(self) -> set[str]:
        return {k for k, _, _ in self.terms}


def _label_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    return "" if v is None else str(v)


def _term_text(term: tuple[str, str, tuple[str, ...]]) -> str:
    key, op, vals = term
    if op == "In" and len(vals) == 1:
        return f"{key}={vals[0]}"
    if op in ("Exists", "DoesNotExist"):
        return f"{op}({key})"
    return f"{key} {op} ({', '.join(vals)})"


# --- Calico selector expressions -----------------------------------------------------

_TOKEN = re.compile(r"""
    \s*(?:
      (?P<str>"[^"]*"|'[^']*')
    | (?P<op>&&|\|\||==|!=|!|\(|\)|\{|\}|,)
    | (?P<word>[A-Za-z0-9_./\-:]+(?:\(\))?)
    )""", re.VERBOSE)

Node = tuple[Any, ...]


class SelectorSyntaxError(ValueError):
    pass


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens: list[tuple[str, str]] = []
        pos = 0
        text = text.strip()
        while pos < len(text):
            m = _TOKEN.match(text, pos)
            if not m or m.end() == pos:
                raise SelectorSyntaxError(f"unexpected text at {pos}: {text[pos:pos + 10]!r}")
            pos = m.end()
            kind = m.lastgroup or ""
            self.tokens.append((kind, m.group(kind)))
            while pos < len(text) and text[pos].isspace():
                pos += 1
        self.i = 0

    def peek(self, offset: int = 0) -> tuple[str, str] | None:
        j = self.i + offset
        return self.tokens[j] if j < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        tok = self.peek()
        if tok is None:
            raise SelectorSyntaxError("unexpected end of selector")
        self.i += 1
        return tok

    def expect(self, value: str) -> None:
        tok = self.take()
        if tok[1] != value:
            raise SelectorSyntaxError(f"expected {value!r}, found {tok[1]!r}")

    def parse(self) -> Node:
        if not self.tokens:
            return ("all",)
        node = self.or_expr()
        if self.peek() is not None:
            raise SelectorSyntaxError(f"unexpected {self.peek()[1]!r}")  # type: ignore[index]
        return node

    def or_expr(self) -> Node:
        node = self.and_expr()
        while self.peek() == ("op", "||"):
            self.take()
            node = ("or", node, self.and_expr())
        return node

    def and_expr(self) -> Node:
        node = self.unary()
        while self.peek() == ("op", "&&"):
            self.take()
            node = ("and", node, self.unary())
        return node

    def unary(self) -> Node:
        tok = self.peek()
        if tok == ("op", "!"):
            self.take()
            return ("not", self.unary())
        if tok == ("op", "("):
            self.take()
            node = self.or_expr()
            self.expect(")")
            return node
        return self.term()

    def term(self) -> Node:
        kind, word = self.take()
        if kind != "word":
            raise SelectorSyntaxError(f"unexpected {word!r}")
        if word == "all()":
            return ("all",)
        if word == "global()":
            return ("global",)  # non-namespaced endpoints only: never a pod
        if word == "has" and self.peek() == ("op", "("):
            self.take()
            key = self.take()[1]
            self.expect(")")
            return ("has", key)
        nxt = self.peek()
        if nxt in (("op", "=="), ("op", "!=")):
            self.take()
            return ("eq" if nxt[1] == "==" else "ne", word, self.string())  # type: ignore[index]
        if nxt is not None and nxt[1] in ("in", "not", "contains", "starts", "ends"):
            op = self.take()[1]
            if op == "not":
                self.expect("in")
                op = "notin"
            if op in ("in", "notin"):
                self.expect("{")
                values: list[str] = []
                while self.peek() != ("op", "}"):
                    values.append(self.string())
                    if self.peek() == ("op", ","):
                        self.take()
                self.expect("}")
                return (op, word, tuple(values))
            if op in ("starts", "ends"):
                self.expect("with")
            return (op, word, self.string())
        raise SelectorSyntaxError(f"expected an operator after {word!r}")

    def string(self) -> str:
        kind, text = self.take()
        if kind != "str":
            raise SelectorSyntaxError(f"expected a quoted string, found {text!r}")
        return text[1:-1]


def _eval(node: Node, labels: Labels) -> bool:
    op = node[0]
    if op == "all":
        return True
    if op == "global":
        return False
    if op == "and":
        return _eval(node[1], labels) and _eval(node[2], labels)
    if op == "or":
        return _eval(node[1], labels) or _eval(node[2], labels)
    if op == "not":
        return not _eval(node[1], labels)
    if op == "has":
        return node[1] in labels
    key, arg = node[1], node[2]
    value = labels.get(key)
    if op == "eq":
        return value == arg
    if op == "ne":
        return value != arg
    if op == "in":
        return value in arg
    if op == "notin":
        return value not in arg
    if value is None:
        return False
    if op == "contains":
        return arg in value
    if op == "starts":
        return bool(value.startswith(arg))
    return bool(value.endswith(arg))


def _universal(node: Node, ignore: frozenset[str]) -> bool:
    """Selects every pod whatever its own labels (only ``ignore`` keys are tested)."""
    op = node[0]
    if op == "all":
        return True
    if op == "and":
        return _universal(node[1], ignore) and _universal(node[2], ignore)
    if op == "or":
        return _universal(node[1], ignore) or _universal(node[2], ignore)
    if op in ("has", "eq", "ne", "in", "notin", "contains", "starts", "ends"):
        return bool(node[1] in ignore)
    return False


def _requires(node: Node, key: str) -> bool:
    """Whether the expression can only be true when the label ``key`` is present."""
    op = node[0]
    if op == "and":
        return _requires(node[1], key) or _requires(node[2], key)
    if op == "or":
        return _requires(node[1], key) and _requires(node[2], key)
    if op in ("has", "eq", "in", "contains", "starts", "ends"):
        return bool(node[1] == key)
    return op == "global"


@dataclass
class CalicoSelector:
    """A parsed Calico selector expression (``all()``, ``==``, ``in``, ``has()``, ...)."""

    text: str
    node: Node = ("all",)
    valid: bool = True
    error: str = ""

    @staticmethod
    def parse(value: Any) -> CalicoSelector:
        if value is None:
            return CalicoSelector("all()")
        text = str(value)
        try:
            return CalicoSelector(text, _Parser(text).parse())
        except SelectorSyntaxError as exc:
            return CalicoSelector(text, ("all",), False, str(exc))

    def matches(self, labels: Labels) -> bool:
        return self.valid and _eval(self.node, labels)

    def universal(self, ignore: frozenset[str] = frozenset()) -> bool:
        return self.valid and _universal(self.node, ignore)

    def requires(self, key: str) -> bool:
        """Whether only endpoints carrying the label ``key`` can match."""
        return self.valid and _requires(self.node, key)
