"""Fingerprints: GitHub's line hash and netlint's own line-independent identity.

``primaryLocationLineHash`` is computed exactly as ``github/codeql-action``'s upload-sarif
does (``src/fingerprints.ts``): a rolling hash over the next 100 non-space characters from
the start of each line, with a per-hash occurrence counter.  Uploading SARIF that already
carries it makes the action skip its own computation and keeps alerts stable.
"""

from __future__ import annotations

import hashlib
import sys
from array import array

_BLOCK = 100
_MOD = 37
_MASK = (1 << 64) - 1
_FIRST_MOD = pow(_MOD, _BLOCK, 1 << 64)
_SPACE, _TAB, _LF, _CR, _EOF = 32, 9, 10, 13, 65535


def _utf16_units(text: str) -> array[int]:
    units = array("H", text.encode("utf-16-le", "surrogatepass"))
    if sys.byteorder == "big":
        units.byteswap()
    return units


_DROPPED = {_SPACE: None, _TAB: None}


def line_hashes(text: str) -> dict[int, str]:
    """1-based line number -> ``"<hex>:<n>"`` for every line of ``text``.

    The action feeds every character but spaces and tabs (CR LF and CR read as LF, then
    an end marker, then 100 zeros) through a 100-character rolling hash and takes, for
    each line, the hash of the 100 characters from its first one.  The same values come
    from prefix hashes (one multiply-add per character, the rest per line), in a loop a
    fraction of the cost of the action's character-by-character state machine."""
    stream = text.replace("\r\n", "\n").replace("\r", "\n").translate(_DROPPED)
    units = _utf16_units(stream)
    units.append(_EOF)
    mod, mask = _MOD, _MASK
    prefix = [0]  # prefix[i]: hash of the first i units
    append = prefix.append
    hash_raw = 0
    for unit in units:
        hash_raw = (hash_raw * mod + unit) & mask
        append(hash_raw)
    for _ in range(_BLOCK):  # the zeros after the end
        hash_raw = (hash_raw * mod) & mask
        append(hash_raw)
    starts = [0]
    find = stream.find
    at = find("\n")
    while at != -1:
        starts.append(at + 1)
        at = find("\n", at + 1)
    if len(units) != len(stream) + 1:  # astral characters are two UTF-16 units
        starts = [len(stream[:i].encode("utf-16-le", "surrogatepass")) // 2 for i in starts]
    first_mod = _FIRST_MOD
    counts: dict[str, int] = {}
    out: dict[int, str] = {}
    for number, start in enumerate(starts, 1):
        value = format((prefix[start + _BLOCK] - prefix[start] * first_mod) & mask, "x")
        seen = counts[value] = counts.get(value, 0) + 1
        out[number] = f"{value}:{seen}"
    return out


def stable_fingerprint(rule_id: str, path: str, context: str) -> str:
    """Line-independent identity of a finding (baselines, SARIF ``netlint/v1``)."""
    digest = hashlib.sha256(f"{rule_id}\0{path}\0{context}".encode()).hexdigest()
    return digest[:32]
