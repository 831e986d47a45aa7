"""Fingerprints: GitHub's line hash and netlint's own line-independent identity.

``primaryLocationLineHash`` is computed exactly as ``github/codeql-action``'s upload-sarif
does (``src/fingerprints.ts``): a rolling hash over the next 100 non-space characters from
the start of each line, with a per-hash occurrence counter.  Uploading SARIF that already
carries it makes the action skip its own computation and keeps alerts stable.
"""

from __future__ import annotations

import hashlib

_BLOCK = 100
_MOD = 37
_MASK = (1 << 64) - 1
_FIRST_MOD = pow(_MOD, _BLOCK, 1 << 64)
_SPACE, _TAB, _LF, _CR, _EOF = 32, 9, 10, 13, 65535


def _utf16_units(text: str) -> list[int]:
    data = text.encode("utf-16-le", "surrogatepass")
    return [data[i] | (data[i + 1] << 8) for i in range(0, len(data), 2)]


def line_hashes(text: str) -> dict[int, str]:
    """1-based line number -> ``"<hex>:<n>"`` for every line of ``text``."""
    window = [0] * _BLOCK
    line_numbers = [-1] * _BLOCK
    hash_raw = 0
    index = 0
    line_number = 0
    line_start = True
    prev_cr = False
    counts: dict[str, int] = {}
    out: dict[int, str] = {}

    def output() -> None:
        value = format(hash_raw & _MASK, "x")
        counts[value] = counts.get(value, 0) + 1
        out[line_numbers[index]] = f"{value}:{counts[value]}"
        line_numbers[index] = -1

    def update(current: int) -> None:
        nonlocal hash_raw, index
        begin = window[index]
        window[index] = current
        hash_raw = (_MOD * hash_raw + current - _FIRST_MOD * begin) & _MASK
        index = (index + 1) % _BLOCK

    def process(current: int) -> None:
        nonlocal prev_cr, line_start, line_number
        if current in (_SPACE, _TAB) or (prev_cr and current == _LF):
            prev_cr = False
            return
        if current == _CR:
            current = _LF
            prev_cr = True
        else:
            prev_cr = False
        if line_numbers[index] != -1:
            output()
        if line_start:
            line_start = False
            line_number += 1
            line_numbers[index] = line_number
        if current == _LF:
            line_start = True
        update(current)

    for unit in _utf16_units(text):
        process(unit)
    process(_EOF)
    for _ in range(_BLOCK):
        if line_numbers[index] != -1:
            output()
        update(0)
    return out


def stable_fingerprint(rule_id: str, path: str, context: str) -> str:
    """Line-independent identity of a finding (baselines, SARIF ``netlint/v1``)."""
    digest = hashlib.sha256(f"{rule_id}\0{path}\0{context}".encode()).hexdigest()
    return digest[:32]
