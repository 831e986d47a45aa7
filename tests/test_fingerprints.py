"""primaryLocationLineHash must equal what github/codeql-action's upload-sarif computes.

The expected values are the published test vectors of codeql-action's fingerprints tests.
"""

from __future__ import annotations

import pytest

from netlint.fingerprints import line_hashes, stable_fingerprint

VECTORS = [
    ("", ["c129715d7a2bc9a3:1"]),
    (" a\nb\n  \t\tc\n d",
     ["271789c17abda88f:1", "54703d4cd895b18:1", "180aee12dab6264:1", "a23a3dc5e078b07b:1"]),
    (" hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End",
     ["8b7cf3e952e7aeb2:1", "b1ae1287ec4718d9:1", "bff680108adb0fcc:1", "c6805c5e1288b612:1",
      "b86d3392aea1be30:1", "e6ceba753e1a442:1"]),
]
ENDINGS = [
    " hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End\n",
    " hello; \t\nworld!!!\r\r\r  \t\tGreetings\r End\r",
    " hello; \t\r\nworld!!!\r\n\r\n\r\n  \t\tGreetings\r\n End\r\n",
    " hello; \t\nworld!!!\r\n\n\r  \t\tGreetings\r End\r\n",
]
ENDINGS_EXPECTED = ["e9496ae3ebfced30:1", "fb7c023a8b9ccb3f:1", "ce8ba1a563dcdaca:1",
                    "e20e36e16fcb0cc8:1", "b3edc88f2938467e:1", "c8e28b0b4002a3a0:1",
                    "c129715d7a2bc9a3:1"]


@pytest.mark.parametrize(("text", "expected"), VECTORS)
def test_line_hash_vectors(text: str, expected: list[str]) -> None:
    hashes = line_hashes(text)
    assert [hashes[i] for i in range(1, len(expected) + 1)] == expected
    assert len(hashes) == len(expected)


@pytest.mark.parametrize("text", ENDINGS)
def test_line_hash_is_independent_of_line_endings(text: str) -> None:
    hashes = line_hashes(text)
    assert [hashes[i] for i in range(1, 8)] == ENDINGS_EXPECTED


def test_repeated_lines_are_counted() -> None:
    hashes = line_hashes("Lorem ipsum dolor sit amet.\n" * 10)
    assert hashes[1] == "a7f2ff13bc495cf2:1"
    assert hashes[6] == "a7f2ff13bc495cf2:6"
    assert hashes[7] == "a7f2ff1481e87703:1"
    assert hashes[11] == "c129715d7a2bc9a3:1"


def test_stable_fingerprint_ignores_line_numbers_but_not_identity() -> None:
    a = stable_fingerprint("r", "a.yaml", "Pod/x:spec/containers/0")
    assert a == stable_fingerprint("r", "a.yaml", "Pod/x:spec/containers/0")
    assert a != stable_fingerprint("r", "a.yaml", "Pod/y:spec/containers/0")
    assert a != stable_fingerprint("other", "a.yaml", "Pod/x:spec/containers/0")


# github/codeql-action's src/fingerprints.ts, ported character by character (netlint's
# own version computes the same values from prefix hashes): the oracle for the test below
_BLOCK = 100
_MOD = 37
_MASK = (1 << 64) - 1
_FIRST_MOD = pow(_MOD, _BLOCK, 1 << 64)
_SPACE, _TAB, _LF, _CR, _EOF = 32, 9, 10, 13, 65535


def _reference_units(text: str) -> list[int]:
    data = text.encode("utf-16-le", "surrogatepass")
    return [data[i] | (data[i + 1] << 8) for i in range(0, len(data), 2)]


def reference_line_hashes(text: str) -> dict[int, str]:
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

    for unit in _reference_units(text):
        process(unit)
    process(_EOF)
    for _ in range(_BLOCK):
        if line_numbers[index] != -1:
            output()
        update(0)
    return out


def test_line_hashes_match_the_actions_character_by_character_algorithm() -> None:
    import random

    from netlint.fingerprints import line_hashes

    rng = random.Random(7)
    texts = ["", "a", "\n", "\r", " ", "\r\n\r\n", "x\r\ny\rz\n", "\r \n", "\r\t\n",
             "  \t\n" * 300, "é€😀\n" * 50, "a" * 500, "😀a\n😀😀\nb", "kind: Pod\n" * 40]
    texts += ["".join(rng.choice("ab \t\r\n😀é:-") for _ in range(rng.randint(0, 400)))
              for _ in range(500)]
    for text in texts:
        assert line_hashes(text) == reference_line_hashes(text), repr(text[:60])
