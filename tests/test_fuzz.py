"""Fuzzing: mutated fixtures never make netlint raise or report ``internal-error``.

Every example takes a fixture from ``tests/fixtures`` and breaks it the way real files are
broken: keys deleted, values swapped for another type, nulls injected, containers emptied,
text truncated or lines dropped.  The normal suite runs a small budget; a larger one:

    NETLINT_FUZZ_EXAMPLES=2000 .venv/bin/python -m pytest tests/test_fuzz.py
"""

from __future__ import annotations

import copy
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netlint.engine import Engine
from netlint.options import ScanOptions
from netlint.registry import load_rules

FIXTURES = Path(__file__).parent / "fixtures"
EXAMPLES = int(os.environ.get("NETLINT_FUZZ_EXAMPLES", "40"))
RULES = load_rules()
# large, deep or alias-bombed on purpose: tests/test_hostile_input.py covers them
SKIP = {"file-too-large", "yaml-too-deep", "yaml-alias-bomb"}
MAX_PATHS = 2000


def _fixture_files() -> list[Path]:
    out = []
    for path in sorted(FIXTURES.rglob("*")):
        if path.suffix not in (".yaml", ".yml", ".json") or not path.is_file():
            continue
        if path.relative_to(FIXTURES).parts[0] in SKIP or path.stat().st_size > 200_000:
            continue
        out.append(path)
    return out


FILES = _fixture_files()
REPLACEMENTS = st.sampled_from([None, 0, -1, 1, 65536, "", "0", "true", "root", True, False,
                                1.5, [], {}, [None], {"": None}, "~", "{", "- x"])


def _paths(value: Any) -> list[tuple[Any, ...]]:
    """Paths to every value (breadth first, bounded: shared aliases multiply them)."""
    out: list[tuple[Any, ...]] = []
    queue: list[tuple[tuple[Any, ...], Any]] = [((), value)]
    while queue and len(out) < MAX_PATHS:
        prefix, node = queue.pop(0)
        out.append(prefix)
        if len(prefix) > 60:
            continue
        if isinstance(node, dict):
            queue.extend(((*prefix, k), v) for k, v in node.items())
        elif isinstance(node, list):
            queue.extend(((*prefix, i), v) for i, v in enumerate(node))
    return out


def _mutate(value: Any, path: tuple[Any, ...], op: str, new: Any) -> Any:
    if not path:
        return new if op != "delete" else None
    parent = value
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    if op == "delete":
        del parent[last]
    elif op == "null":
        parent[last] = None
    elif op == "wrap":
        parent[last] = [parent[last]]
    elif op == "stringify":
        parent[last] = str(parent[last])
    else:
        parent[last] = new
    return value


def _scan_text(name: str, text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / name).write_text(text, encoding="utf-8", errors="surrogatepass")
        result = Engine(ScanOptions(jobs=1), RULES).scan([tmp])
    errors = [f.message for f in result.findings if f.rule_id == "internal-error"]
    assert not errors, errors


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_structural_mutations(data: st.DataObject) -> None:
    path = data.draw(st.sampled_from(FILES), label="fixture")
    try:
        docs = [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8"))]
    except (yaml.YAMLError, UnicodeDecodeError, ValueError, RecursionError):
        return  # broken on purpose: the text mutations cover it
    if not docs:
        return
    for _ in range(data.draw(st.integers(1, 4), label="mutations")):
        index = data.draw(st.integers(0, len(docs) - 1))
        paths = _paths(docs[index])
        target = data.draw(st.sampled_from(paths), label="path")
        op = data.draw(st.sampled_from(["delete", "null", "swap", "wrap", "stringify"]),
                       label="op")
        # replacements are shared constants: mutate a copy
        docs[index] = _mutate(docs[index], target, op, copy.deepcopy(data.draw(REPLACEMENTS)))
    if path.suffix == ".json":
        text = json.dumps(docs[0])
    else:
        text = yaml.safe_dump_all(docs, sort_keys=False, allow_unicode=True)
    _scan_text(path.name, text)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_text_mutations(data: st.DataObject) -> None:
    path = data.draw(st.sampled_from(FILES), label="fixture")
    text = path.read_bytes().decode("utf-8", errors="replace")
    lines = text.splitlines(keepends=True)
    op = data.draw(st.sampled_from(["truncate", "drop-line", "insert", "duplicate-line"]),
                   label="op")
    if op == "truncate":
        text = text[: data.draw(st.integers(0, len(text)))]
    elif lines and op == "drop-line":
        del lines[data.draw(st.integers(0, len(lines) - 1))]
        text = "".join(lines)
    elif lines and op == "duplicate-line":
        i = data.draw(st.integers(0, len(lines) - 1))
        lines.insert(i, lines[i])
        text = "".join(lines)
    else:
        at = data.draw(st.integers(0, len(text)))
        junk = data.draw(st.sampled_from(["\t", ": ", "- ", "&a ", "*a", "!!", "{", "]", "\"",
                                          "'", "\n  ", "\r", "<<: ", "? ", "%YAML 1.2\n",
                                          "---\n", "...\n", "\u2028", "null"]))
        text = text[:at] + junk + text[at:]
    _scan_text(path.name, text)
