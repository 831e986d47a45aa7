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


# --- Compose projects: include, extends, interpolation --------------------------------------
#
# A project of a few files that include and extend each other (cycles, missing files, files
# outside the tree, the same file many times), with interpolated values (nested defaults,
# required variables, escapes, unterminated braces) and a .env file.  Every example must
# load without an internal error and within a fixed time: the loader's work is bounded
# whatever the files say.

COMPOSE_TIME_BOUND = 10.0  # seconds per generated project, far above what one needs
COMPOSE_FILES = ["compose.yaml", "a.yaml", "b.yaml", "sub/c.yaml", "../outside.yaml",
                 "missing.yaml", "/proc/self/environ"]
_NAMES = st.sampled_from(["A", "B", "TAG", "EMPTY", "UNSET", "X_1"])


@st.composite
def _interpolation(draw: st.DrawFn, depth: int = 0) -> str:
    name = draw(_NAMES)
    form = draw(st.sampled_from(["$N", "${N}", "${N:-D}", "${N-D}", "${N:?D}", "${N?D}",
                                 "${N:+D}", "${N+D}", "$$", "${", "${N", "${:-x}", "lit"]))
    inner = draw(_interpolation(depth + 1)) if depth < 4 and draw(st.booleans()) else "x"
    return form.replace("N", name).replace("D", inner)


@st.composite
def _service(draw: st.DrawFn) -> dict[str, Any]:
    svc: dict[str, Any] = {"image": draw(_interpolation())}
    if draw(st.booleans()):
        svc["privileged"] = draw(st.sampled_from([True, "y", "${A}", "${A:-true}", "no"]))
    if draw(st.booleans()):
        svc["environment"] = draw(st.sampled_from([["K=${B}"], {"K": "${TAG:?need}"}, ["K"]]))
    if draw(st.booleans()):
        ext = draw(st.sampled_from(["web", "db", "nope"]))
        svc["extends"] = ext if draw(st.booleans()) else {
            "service": ext, "file": draw(st.sampled_from(COMPOSE_FILES))}
    if draw(st.booleans()):
        svc["ports"] = [draw(_interpolation()) + ":80"]
    return svc


@st.composite
def _compose_file(draw: st.DrawFn) -> dict[str, Any]:
    doc: dict[str, Any] = {"services": {
        name: draw(_service()) for name in draw(st.sets(st.sampled_from(["web", "db", "job"]),
                                                        min_size=1))}}
    if draw(st.booleans()):
        entries: list[Any] = []
        for _ in range(draw(st.integers(1, 12))):
            target = draw(st.sampled_from(COMPOSE_FILES))
            entries.append(target if draw(st.booleans()) else {
                "path": target, "env_file": draw(st.sampled_from(
                    [".env", "../secret.env", "sub/x.env", "/proc/self/environ"]))})
        doc["include"] = entries
    return doc


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(files=st.fixed_dictionaries({name: _compose_file() for name in
                                    ("compose.yaml", "a.yaml", "b.yaml", "sub/c.yaml")}),
       dotenv=st.lists(st.tuples(_NAMES, _interpolation()), max_size=6))
def test_compose_projects_load_without_errors_in_bounded_time(
        files: dict[str, dict[str, Any]], dotenv: list[tuple[str, str]]) -> None:
    import time

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "repo"
        (root / "sub").mkdir(parents=True)
        (root / ".git").mkdir()
        (Path(tmp) / "outside.yaml").write_text("services: {web: {image: x}}\n")
        (Path(tmp) / "secret.env").write_text("A=outside-secret-value\n")
        for name, doc in files.items():
            (root / name).write_text(yaml.safe_dump(doc, sort_keys=False))
        (root / ".env").write_text("".join(f"{k}={v}\n" for k, v in dotenv))
        start = time.perf_counter()
        result = Engine(ScanOptions(jobs=1, compose_ignore_env=True), RULES).scan([str(root)])
        elapsed = time.perf_counter() - start
    errors = [f.message for f in result.findings if f.rule_id == "internal-error"]
    assert not errors, errors
    assert elapsed < COMPOSE_TIME_BOUND, f"{elapsed:.1f} s"
    # a file outside the repository is never read, so its value never shows
    assert not any("outside-secret-value" in f.message for f in result.findings)
