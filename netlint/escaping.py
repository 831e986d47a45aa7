"""Scanned text made safe for terminals and CI logs.

A file name, key or value written by the author of a pull request must not be able to
print a line of its own (``::error ...`` or ``::add-mask::`` in a GitHub Actions log), move
the cursor, erase findings, retitle the terminal or plant a hyperlink (ESC sequences), or
reorder what a reviewer reads (bidirectional overrides).  Every such character is shown as
a visible escape (``\\n``, ``\\x1b``, ``\\u202e``); everything else, including non-ASCII
letters, is kept.
"""

from __future__ import annotations

import re

# C0 controls except tab, DEL, C1 controls (NEL among them), line/paragraph separators,
# bidirectional embeddings/overrides/isolates and marks, and the BOM / zero-width no-break
_UNSAFE = re.compile(
    "[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e"
    "\u2066-\u2069\ufeff]"
)
_NAMED = {"\n": "\\n", "\r": "\\r", "\x1b": "\\x1b"}


def _visible(match: re.Match[str]) -> str:
    char = match.group(0)
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape_text(text: str) -> str:
    """``text`` with every control, line-breaking and bidi character made visible."""
    if _UNSAFE.search(text) is None:
        return text
    return _UNSAFE.sub(_visible, text)


def has_unsafe(text: str) -> bool:
    return _UNSAFE.search(text) is not None
