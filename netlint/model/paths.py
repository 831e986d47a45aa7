"""A small path language for declarative rules: address values inside a document.

Syntax (one path, no spaces)::

    spec.template.spec.containers[*].securityContext.privileged
    services.*.ports[*]
    metadata.annotations["netlint.dev/ignore"]
    spec.rules[0].to[*].ipBlock.cidr

* ``name``: a mapping key (any characters but ``.[]"'`` and white space);
* ``*``: every value of a mapping or every item of a list (a wildcard);
* ``[*]``: every item of a list; ``[N]``: item N (negative counts from the end);
* ``["key"]`` or ``['key']``: a key with dots or other special characters.

:func:`resolve` walks a value and returns a :class:`Target` for every place the path
reaches: the concrete path (keys and list indexes, as the engine's ``locate`` wants it) and
the value, or, when a named key is absent, the path of the deepest mapping that exists
(the parent a finding about a missing key points at).  Wildcards over nothing yield nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from netlint.yamlnodes import Path


class PathSyntaxError(ValueError):
    """A malformed path; ``column`` is 1-based."""

    def __init__(self, message: str, column: int) -> None:
        super().__init__(f"{message} (column {column})")
        self.column = column


class _Wild:
    """The ``*`` step."""

    def __repr__(self) -> str:
        return "*"


WILDCARD = _Wild()
Step = str | int | _Wild


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"


MISSING: Any = _Missing()

_BARE = re.compile(r"[^.\[\]\"'\s]+")
_INDEX = re.compile(r"\[(-?\d+|\*)\]")
_QUOTED = re.compile(r"\[(\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*')\]")


def parse(text: str) -> tuple[Step, ...]:
    """Parse a path; raise :class:`PathSyntaxError` naming the column of the problem."""
    if not isinstance(text, str) or not text:
        raise PathSyntaxError("empty path", 1)
    steps: list[Step] = []
    i, n = 0, len(text)
    expect_key = True  # at the start or after a dot
    while i < n:
        ch = text[i]
        if ch == "[":
            m = _INDEX.match(text, i) or _QUOTED.match(text, i)
            if m is None:
                raise PathSyntaxError("expected [N], [*] or [\"key\"]", i + 1)
            if expect_key and steps:
                raise PathSyntaxError("'[' cannot follow '.'", i + 1)
            inner = m.group(1)
            if inner == "*":
                steps.append(WILDCARD)
            elif inner[0] in "\"'":
                steps.append(re.sub(r"\\(.)", r"\1", inner[1:-1]))
            else:
                steps.append(int(inner))
            i = m.end()
            expect_key = False
        elif ch == ".":
            if expect_key:
                raise PathSyntaxError("empty key", i + 1)
            expect_key = True
            i += 1
        else:
            if not expect_key:
                raise PathSyntaxError("expected '.' or '['", i + 1)
            m = _BARE.match(text, i)
            if m is None:
                raise PathSyntaxError(f"unexpected character {ch!r}", i + 1)
            word = m.group(0)
            steps.append(WILDCARD if word == "*" else word)
            i = m.end()
            expect_key = False
    if expect_key:
        raise PathSyntaxError("path ends with '.'", n)
    return tuple(steps)


def wildcards(steps: tuple[Step, ...]) -> int:
    return sum(1 for s in steps if s is WILDCARD)


@dataclass(frozen=True)
class Target:
    """One place a path reaches.

    ``path`` is concrete (keys and indexes).  When ``value`` is :data:`MISSING`, ``path``
    is where the walk stopped (the parent that lacks the key) and ``wanted`` the full path
    that was asked for.  ``captures`` are the keys/indexes the wildcards matched.
    """

    path: Path
    value: Any
    wanted: Path
    captures: tuple[str | int, ...] = ()

    @property
    def missing(self) -> bool:
        return self.value is MISSING


def resolve(value: Any, steps: tuple[Step, ...], base: Path = (), missing: bool = True
            ) -> list[Target]:
    """Every place ``steps`` reaches in ``value``; ``missing=False`` leaves out the
    targets of absent keys (for callers that would skip them anyway)."""
    out: list[Target] = []
    _walk(value, steps, 0, base, (), out, missing)
    return out


def _walk(value: Any, steps: tuple[Step, ...], i: int, here: Path,
          captures: tuple[str | int, ...], out: list[Target], missing: bool = True) -> None:
    if i == len(steps):
        out.append(Target(here, value, here, captures))
        return
    step = steps[i]
    if step is WILDCARD:
        if isinstance(value, dict):
            for k, v in value.items():
                _walk(v, steps, i + 1, (*here, k), (*captures, k), out, missing)
        elif isinstance(value, list):
            for j, v in enumerate(value):
                _walk(v, steps, i + 1, (*here, j), (*captures, j), out, missing)
        return
    if isinstance(step, int):
        if isinstance(value, list) and -len(value) <= step < len(value):
            j = step % len(value)
            _walk(value[j], steps, i + 1, (*here, j), captures, out, missing)
            return
    elif isinstance(value, dict) and isinstance(step, str):
        key: Any = step
        if key not in value and step.lstrip("-").isdigit() and int(step) in value:
            key = int(step)  # `8080:` is an int key in YAML; the path says "8080"
        if key in value:
            _walk(value[key], steps, i + 1, (*here, key), captures, out, missing)
            return
    if not missing:
        return
    rest: list[str | int] = [s if isinstance(s, str | int) else "*" for s in steps[i:]]
    wanted = (*here, *rest)
    out.append(Target(here, MISSING, wanted, captures))


_SIMPLE_KEY = re.compile(r"^[A-Za-z0-9_\-/]+$")


def render(path: Path) -> str:
    """A concrete path in the path language: ``spec.containers[0].image``."""
    parts: list[str] = []
    for step in path:
        if isinstance(step, int):
            parts.append(f"[{step}]")
        else:
            text = str(step)
            if _SIMPLE_KEY.match(text) and text != "*":
                parts.append(("." if parts else "") + text)
            else:
                parts.append('["' + text.replace("\\", "\\\\").replace('"', '\\"') + '"]')
    return "".join(parts)
