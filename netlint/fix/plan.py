"""Findings -> edit operations on the documents of one file.

A finding carries only a file and a span; the fixer parses the file again and finds the
key or list item that starts at the span's start (the engine's ``locate`` always points
at one), so the operations are paths into *this file's* documents, also for Compose
findings reported on a merged project.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from netlint.findings import Finding
from netlint.fix.spec import FixSpec
from netlint.yamlnodes import Document, Path, YList, YMap


@dataclass(frozen=True, order=True)
class Op:
    """One edit: ``kind`` at ``path`` of document ``doc`` of a file."""

    doc: int
    path: Path
    kind: str  # "set" | "ensure-item" | "remove"
    value: Any = None
    rule_id: str = ""


@dataclass(frozen=True)
class Unfixable:
    finding: Finding
    reason: str


def position_index(docs: Iterable[Document]) -> dict[tuple[int, int], list[tuple[int, Path]]]:
    """0-based (line, column) -> the (document, path) of each key or item starting there."""
    index: dict[tuple[int, int], list[tuple[int, Path]]] = {}
    for doc in docs:
        source = doc.source
        stack: list[tuple[Any, Path]] = [(doc.value, ())]
        seen: set[int] = set()
        while stack:
            node, path = stack.pop()
            if id(node) in seen:  # an alias shares its node: its marks are elsewhere
                continue
            seen.add(id(node))
            if isinstance(node, YMap):
                for key, kpos in node.pos.items():
                    if kpos[0] is source:
                        index.setdefault((kpos[1], kpos[2]), []).append((doc.index, (*path, key)))
                        stack.append((node[key], (*path, key)))
            elif isinstance(node, YList):
                for i, pos in enumerate(node.pos):
                    if pos[0] is source:
                        index.setdefault((pos[1], pos[2]), []).append((doc.index, (*path, i)))
                        stack.append((node[i], (*path, i)))
        line0, col0 = doc.start
        index.setdefault((line0, col0), []).append((doc.index, ()))
    return index


def node_at(value: Any, path: Path) -> Any:
    for step in path:
        if isinstance(value, dict) and step in value:
            value = value[step]
            continue
        if not (isinstance(value, list) and isinstance(step, int) and 0 <= step < len(value)):
            raise KeyError(step)
        value = value[step]
    return value


def _matched_prefix(path: Path, rel: Path) -> int:
    """The largest k such that ``path`` ends with the first k steps of ``rel``."""
    for k in range(min(len(rel), len(path)), 0, -1):
        if tuple(path[len(path) - k:]) == tuple(rel[:k]):
            return k
    return 0


def subject_of(candidates: list[tuple[int, Path]], rel: Path) -> tuple[int, Path]:
    """The object a finding is about: among the paths starting at its position, the one
    that ends with the longest leading part of the fix path (ties: the shallowest)."""
    best = max(candidates, key=lambda c: (_matched_prefix(c[1], rel), -len(c[1])))
    k = _matched_prefix(best[1], rel)
    return best[0], best[1][:len(best[1]) - k]


def _present(value: Any) -> bool:
    return value not in (None, "", [], {})


def ops_for(finding: Finding, spec: FixSpec, docs: list[Document],
            index: dict[tuple[int, int], list[tuple[int, Path]]]) -> list[Op] | str:
    """The operations that fix ``finding``, or why it cannot be fixed."""
    where = (finding.span.start_line - 1, finding.span.start_column - 1)
    candidates = index.get(where)
    if not candidates:
        return "the finding's position is not a key or item of this file"
    if spec.kind == "remove":
        # the key or item itself (the deepest path starting there), or path below it
        doc, path = max(candidates, key=lambda c: len(c[1]))
        if spec.path:
            doc, subject = subject_of(candidates, spec.path)
            path = (*subject, *spec.path)
        if not path:
            return "a whole document is not removed"
        return [Op(doc, path, "remove", rule_id=finding.rule_id)]
    if spec.kind == "bind-loopback":
        # the port item (a long-syntax item starts where its first key does)
        doc, path = min(candidates, key=lambda c: len(c[1]))
        try:
            port = node_at(docs[doc].value, path)
        except KeyError:
            return "the finding's port is not in this file"
        if isinstance(port, dict):
            return [Op(doc, (*path, "host_ip"), "set", "127.0.0.1", finding.rule_id)]
        bound = loopback_port(str(port)) if isinstance(port, (str, int)) else None
        if bound is None:
            return "not a port mapping this fix understands"
        return [Op(doc, path, "set", bound, finding.rule_id)]
    doc, subject = subject_of(candidates, spec.path)
    root = docs[doc].value if doc < len(docs) else None
    try:
        node = node_at(root, subject)
    except KeyError:
        return "the finding's object is not in this file"
    if not isinstance(node, dict):
        return "the finding is not about a mapping this fix can edit"
    for rel in spec.unless:
        try:
            if _present(node_at(node, rel)):
                return f"not applied: the object sets {'.'.join(map(str, rel))}"
        except KeyError:
            continue
    if spec.kind == "set":
        return [Op(doc, (*subject, *spec.path), "set", spec.value, finding.rule_id)]
    if spec.kind == "ensure-item":
        return [Op(doc, (*subject, *spec.path), "ensure-item", spec.value, finding.rule_id)]
    if spec.kind == "add-except":
        ops = list(_except_ops(doc, subject, node, spec.value or (), finding.rule_id))
        return ops or "no CIDR peer of this rule contains the excluded addresses"
    return f"unknown fix kind {spec.kind!r}"


def loopback_port(text: str) -> str | None:
    """A Compose short-syntax port published on 127.0.0.1 only (``[::1]`` for an IPv6
    wildcard): ``80`` -> ``127.0.0.1::80``, ``8080:80`` -> ``127.0.0.1:8080:80``,
    ``0.0.0.0:8080:80/udp`` -> ``127.0.0.1:8080:80/udp``."""
    spec, slash, proto = text.strip().partition("/")
    if spec.startswith("["):
        close = spec.find("]")
        if close < 0 or spec[close + 1:close + 2] != ":":
            return None
        return "[::1]:" + spec[close + 2:] + slash + proto
    parts = spec.split(":")
    if len(parts) == 1:
        bound = f"127.0.0.1::{spec}"
    elif len(parts) == 2:
        bound = f"127.0.0.1:{spec}"
    elif len(parts) == 3:
        bound = f"127.0.0.1:{parts[1]}:{parts[2]}"
    else:
        return None
    return bound + slash + proto


def _except_ops(doc: int, subject: Path, rule: dict[str, Any], cidrs: Iterable[str],
                rule_id: str) -> Iterator[Op]:
    """``except`` entries for each CIDR peer (NetworkPolicy ``to[].ipBlock``, Cilium
    ``toCIDRSet[]``) whose CIDR contains an excluded network of the same family."""
    peers: list[tuple[Path, Any]] = []
    to = rule.get("to")
    if isinstance(to, list):
        for i, peer in enumerate(to):
            if isinstance(peer, dict) and isinstance(peer.get("ipBlock"), dict):
                peers.append((("to", i, "ipBlock"), peer["ipBlock"]))
    cidr_set = rule.get("toCIDRSet")
    if isinstance(cidr_set, list):
        for i, peer in enumerate(cidr_set):
            if isinstance(peer, dict):
                peers.append((("toCIDRSet", i), peer))
    for rel, peer in peers:
        try:
            net = ipaddress.ip_network(str(peer.get("cidr")), strict=False)
        except ValueError:
            continue
        for text in cidrs:
            excluded = ipaddress.ip_network(text, strict=False)
            # an except equal to the cidr is invalid
            if excluded.version == net.version and excluded != net and \
                    excluded.subnet_of(net):  # type: ignore[arg-type]
                yield Op(doc, (*subject, *rel, "except"), "ensure-item", text, rule_id)
