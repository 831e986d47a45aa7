"""Compose variable interpolation and ``.env`` files.

Implements the Compose Specification's interpolation syntax: ``$VAR``, ``${VAR}``,
``${VAR:-default}``, ``${VAR-default}``, ``${VAR:?error}``, ``${VAR?error}``,
``${VAR:+alternate}``, ``${VAR+alternate}`` (defaults may nest) and ``$$`` for a literal
``$``.  Nothing is executed; values come only from the ``.env`` file and (unless ignored)
the process environment.

A value that refers to a variable with no value and no default cannot be known: it is
returned as :class:`Unresolved` (a ``str`` holding what Compose would substitute, with the
names of the missing variables) so that rules skip it instead of guessing, and a dedicated
rule reports it.
"""

from __future__ import annotations

import re
from collections import ChainMap
from collections.abc import Mapping

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class Interpolated(str):
    """A string that came from ``${VAR}`` interpolation (not written literally)."""

    raw: str = ""  # the text as written, before interpolation


class Unresolved(Interpolated):
    """An interpolated string whose value depends on unset variables."""

    variables: tuple[str, ...] = ()
    errors: tuple[str, ...] = ()  # messages of ``${VAR?err}`` forms that would fail


def is_unresolved(value: object) -> bool:
    return isinstance(value, Unresolved)


def is_interpolated(value: object) -> bool:
    return isinstance(value, Interpolated)


# ${A:-${B:-...}} nested deeper than this is not resolved: the value is Unresolved with an
# error (reported), never kept as literal text that rules would read as a plain value
MAX_NESTING = 32
TOO_DEEP = (f"interpolation nests more than {MAX_NESTING} levels deep; netlint does not "
            "resolve it")


class _State:
    __slots__ = ("depth", "env", "errors", "missing", "too_deep")

    def __init__(self, env: Mapping[str, str]) -> None:
        self.env = env
        self.missing: list[str] = []
        self.errors: list[str] = []
        self.depth = 0
        self.too_deep = False


def interpolate(text: str, env: Mapping[str, str]) -> str:
    """The value of ``text`` after interpolation (an :class:`Unresolved` when unknown)."""
    if "$" not in text:
        return text
    state = _State(env)
    out = _expand(text, state)
    if not state.missing and not state.errors:
        if out == text.replace("$$", "$") and "${" not in text and not re.search(
                r"\$[A-Za-z_]", text.replace("$$", "")):
            return out  # only $$ escapes: still a literal
        done = Interpolated(out)
        done.raw = text
        return done
    result = Unresolved(out)
    result.raw = text
    result.variables = tuple(dict.fromkeys(state.missing))
    result.errors = tuple(state.errors)
    return result


def _expand(text: str, state: _State) -> str:
    if state.depth > MAX_NESTING:
        if not state.too_deep:
            state.too_deep = True
            state.errors.append(TOO_DEEP)
        return ""
    state.depth += 1
    try:
        return _expand_level(text, state)
    finally:
        state.depth -= 1


MAX_VALUE_CHARS = 1 << 20  # an interpolated value longer than this is not built
TOO_LONG = (f"interpolation makes the value longer than {MAX_VALUE_CHARS:,} characters; "
            "netlint does not resolve it")


def _expand_level(text: str, state: _State) -> str:
    parts = _Parts(state)
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch != "$" or i + 1 >= n:
            parts.append(ch)
            i += 1
            continue
        nxt = text[i + 1]
        if nxt == "$":
            parts.append("$")
            i += 2
        elif nxt == "{":
            end = _closing_brace(text, i + 2)
            if end < 0:  # unterminated: Compose rejects it; keep the text
                parts.append(text[i:])
                break
            parts.append(_braced(text[i + 2:end], state))
            i = end + 1
        else:
            m = _NAME.match(text, i + 1)
            if m is None:
                parts.append("$")
                i += 1
                continue
            parts.append(_lookup(m.group(0), state))
            i = m.end()
    return parts.text()


class _Parts(list):  # type: ignore[type-arg]
    """The pieces of an interpolated value, refusing to grow past MAX_VALUE_CHARS (``${A}``
    a thousand times with a 10 MB ``A`` would need 10 GB)."""

    def __init__(self, state: _State) -> None:
        super().__init__()
        self.state = state
        self.size = 0

    def append(self, piece: str) -> None:
        self.size += len(piece)
        super().append(piece)

    def text(self) -> str:
        if self.size > MAX_VALUE_CHARS:
            if TOO_LONG not in self.state.errors:
                self.state.errors.append(TOO_LONG)
            return ""
        return "".join(self)


def _closing_brace(text: str, start: int) -> int:
    depth = 1
    i = start
    while i < len(text):
        c = text[i]
        if c == "$" and text.startswith("${", i):
            depth += 1
            i += 2
            continue
        if c == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


def _lookup(name: str, state: _State) -> str:
    value = state.env.get(name)
    if value is None:
        state.missing.append(name)
        return ""
    return value


def _braced(body: str, state: _State) -> str:
    m = _NAME.match(body)
    if m is None:
        return "${" + body + "}"  # invalid: Compose rejects it; keep the text
    name, rest = m.group(0), body[m.end():]
    value = state.env.get(name)
    if not rest:
        return _lookup(name, state)
    for op in (":-", "-", ":?", "?", ":+", "+"):
        if rest.startswith(op):
            arg = rest[len(op):]
            empty_counts = op.startswith(":")
            is_set = value is not None and (value != "" or not empty_counts)
            kind = op[-1]
            if kind == "-":
                return value if is_set else _expand(arg, state)  # type: ignore[return-value]
            if kind == "?":
                if is_set:
                    return value  # type: ignore[return-value]
                state.missing.append(name)
                state.errors.append(f"{name}: {_expand(arg, state) or 'required'}")
                return ""
            return _expand(arg, state) if is_set else ""
    return "${" + body + "}"


# --- .env files -------------------------------------------------------------------------

_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$")


def parse_dotenv(text: str, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """Parse a ``.env`` file: ``KEY=VALUE`` lines, ``export``, quotes, ``#`` comments.

    Unquoted and double-quoted values may refer to variables defined before them (or in
    ``base``); single-quoted values are literal.
    """
    values: dict[str, str] = {}
    # earlier lines win over ``base``; one live view, not a copy per line (100k variables
    # took 22 s when each line copied the dictionary)
    lookup: Mapping[str, str] = ChainMap(values, dict(base or {}))
    # lines end at \n (or \r\n) only, as Compose's .env reader splits them
    lines = text.replace("\r\n", "\n").split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        m = _LINE.match(line)
        if m is None:
            continue
        key, raw = m.group(1), m.group(2)
        if raw[:1] in ("'", '"'):
            quote = raw[0]
            chunks = [raw[1:]]
            # a quoted value may span lines
            while quote not in chunks[-1] and i < len(lines):
                chunks.append(lines[i])
                i += 1
            value = "\n".join(chunks).split(quote, 1)[0]
            if quote == '"':
                value = value.replace("\\n", "\n").replace('\\"', '"')
                value = str(interpolate(value, lookup))
        else:
            value = re.split(r"\s+#", raw, maxsplit=1)[0].strip()
            value = str(interpolate(value, lookup))
        values[key] = value
    return values
