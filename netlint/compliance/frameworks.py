"""Control frameworks as data: ``frameworks/<id>.yaml`` (shipped as ``netlint._frameworks``).

A framework lists controls; each control is evidenced by netlint rules (by id or tag) or
is marked ``manual`` (it cannot be decided from files).  Users add their own framework by
passing a file path to ``--compliance``; it is validated against
``schemas/framework.schema.json`` and its rules must exist.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path as FsPath

from netlint.errors import UsageError
from netlint.registry import Rule, schema
from netlint.source import Source
from netlint.yamlnodes import Document, locate, parse_documents

OUTSIDE_FILE = "outside.yaml"  # rules that evidence no built-in control, with reasons


@dataclass(frozen=True)
class Control:
    id: str
    title: str
    severity: str  # critical | high | medium | low
    rules: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    manual: str = ""  # why it is manual / what to check by hand
    where: str = ""  # only findings whose context contains this text
    applies_to: tuple[str, ...] = ()
    description: str = ""

    def rule_ids(self, rules: Mapping[str, Rule]) -> list[str]:
        """The rules that evidence this control: named ones plus those carrying a tag."""
        out = [r for r in self.rules if r in rules]
        out += [rid for rid, r in rules.items()
                if rid not in out and any(t in r.tags for t in self.tags)]
        return out


@dataclass(frozen=True)
class Framework:
    id: str
    title: str
    version: str
    description: str
    url: str
    pss_level: str
    controls: tuple[Control, ...]
    file: str


def _parse(path: str, text: str) -> Document:
    docs, err = parse_documents(Source(path, text))
    if err is not None:
        raise UsageError(f"{path}:{err.line0 + 1}:{err.col0 + 1}: {err.message}")
    if len(docs) != 1 or not isinstance(docs[0].value, dict):
        raise UsageError(f"{path}:1: a framework file holds exactly one mapping")
    return docs[0]


def validate_document(doc: Document, rules: Mapping[str, Rule]) -> None:
    """Schema, unique control ids, and rules or tags that exist."""
    from jsonschema import Draft202012Validator

    data = doc.value
    errors = sorted(Draft202012Validator(schema("framework.schema.json")).iter_errors(data),
                    key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        err = errors[0]
        path = tuple(err.absolute_path)
        _, span = locate(doc, path)
        key = ".".join(map(str, path)) or "<top>"
        raise UsageError(f"{doc.source.path}:{span.start_line}:{span.start_column}: "
                         f"key '{key}': {err.message}")
    seen: set[str] = set()
    known_tags = {t for r in rules.values() for t in r.tags}
    for i, c in enumerate(data["controls"]):
        where = locate(doc, ("controls", i, "id"))[1]
        if c["id"] in seen:
            raise UsageError(f"{doc.source.path}:{where.start_line}: duplicate control id "
                             f"'{c['id']}'")
        seen.add(c["id"])
        for j, rid in enumerate(c.get("rules") or ()):
            if rid not in rules:
                span = locate(doc, ("controls", i, "rules", j))[1]
                raise UsageError(f"{doc.source.path}:{span.start_line}:{span.start_column}: "
                                 f"control '{c['id']}' names unknown rule '{rid}'")
        for j, tag in enumerate(c.get("tags") or ()):
            if tag not in known_tags:
                span = locate(doc, ("controls", i, "tags", j))[1]
                raise UsageError(f"{doc.source.path}:{span.start_line}:{span.start_column}: "
                                 f"control '{c['id']}' names unknown tag '{tag}'")


def _framework_from(doc: Document) -> Framework:
    d = doc.value
    return Framework(
        id=d["id"], title=d["title"], version=str(d["version"]),
        description=" ".join(str(d["description"]).split()), url=d.get("url", ""),
        pss_level=d.get("pss-level", "restricted"),
        controls=tuple(
            Control(id=str(c["id"]), title=c["title"], severity=c["severity"],
                    rules=tuple(c.get("rules") or ()), tags=tuple(c.get("tags") or ()),
                    manual=str(c.get("manual", "")), where=str(c.get("where", "")),
                    applies_to=tuple(c.get("applies-to") or ()),
                    description=str(c.get("description", "")))
            for c in d["controls"]
        ),
        file=doc.source.path,
    )


def builtin_files() -> list[tuple[str, str]]:
    root = resources.files("netlint._frameworks")
    return sorted(
        (f"frameworks/{f.name}", f.read_text(encoding="utf-8"))
        for f in root.iterdir()
        if f.name.endswith(".yaml") and f.name != OUTSIDE_FILE
    )


@cache
def _builtin_documents() -> tuple[Document, ...]:
    return tuple(_parse(path, text) for path, text in builtin_files())


def builtin_frameworks() -> dict[str, Framework]:
    """The shipped frameworks by id (validated by the test suite, not on every run)."""
    return {f.id: f for f in map(_framework_from, _builtin_documents())}


def outside_rules() -> dict[str, str]:
    """Rule id -> why it evidences no built-in control."""
    text = resources.files("netlint._frameworks").joinpath(OUTSIDE_FILE).read_text("utf-8")
    doc = _parse(f"frameworks/{OUTSIDE_FILE}", text)
    return {str(e["rule"]): str(e["reason"]) for e in doc.value.get("outside") or ()}


def load_framework_file(path: str, rules: Mapping[str, Rule]) -> Framework:
    """A user's framework file, validated every time it is loaded."""
    file = FsPath(path)
    if not file.is_file():
        raise UsageError(f"{path}: framework file does not exist")
    doc = _parse(path, file.read_text(encoding="utf-8"))
    validate_document(doc, rules)
    return _framework_from(doc)


def resolve(names: Iterable[str], rules: Mapping[str, Rule]) -> list[Framework]:
    """``--compliance`` values: built-in ids, or paths of framework files."""
    builtin = builtin_frameworks()
    out: list[Framework] = []
    for name in names:
        if name in builtin:
            out.append(builtin[name])
        elif name.endswith((".yaml", ".yml")) or "/" in name:
            out.append(load_framework_file(name, rules))
        else:
            raise UsageError(f"--compliance: unknown framework '{name}' (known: "
                             f"{', '.join(sorted(builtin))}; or a path to a framework file)")
    return out


def controls_by_rule(frameworks: Iterable[Framework], rules: Mapping[str, Rule]
                     ) -> dict[str, list[str]]:
    """Rule id -> ``framework/control`` ids it evidences (for explain and SARIF)."""
    out: dict[str, list[str]] = {}
    for fw in frameworks:
        for c in fw.controls:
            for rid in c.rule_ids(rules):
                out.setdefault(rid, []).append(f"{fw.id}/{c.id}")
    return out


