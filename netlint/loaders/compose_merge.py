"""Compose merge rules over positioned values (YMap/YList), per the Compose Specification.

* mappings merge key by key, the later file winning on conflicts;
* sequences append, except ``command``, ``entrypoint`` and ``healthcheck.test`` (the later
  value replaces the earlier one) and the unique resources ``ports``, ``volumes``,
  ``secrets`` and ``configs`` (an entry of the later file replaces the earlier entry with
  the same unique key: the target, or ip/target/published/protocol for ports);
* a value whose type differs between the files is replaced.

Every entry keeps the position tuple of the file it came from, so a merged map may mix
files and :func:`netlint.yamlnodes.locate` still points at the effective value.
"""

from __future__ import annotations

from typing import Any

from netlint.yamlnodes import ItemPos, KeyPos, YList, YMap

REPLACED = frozenset({"command", "entrypoint", "test"})
UNIQUE = frozenset({"ports", "volumes", "secrets", "configs"})


def merge(base: Any, over: Any, key: Any = None) -> Any:
    """The value of ``over`` merged onto ``base`` (neither is modified)."""
    if isinstance(base, YMap) and isinstance(over, YMap):
        out = YMap()
        for k, v in base.items():
            out[k] = v
            out.pos[k] = base.pos[k]
        for k, v in over.items():
            if k in out:
                merged = merge(out[k], v, k)
                keep_key = merged is not v and isinstance(merged, (YMap, YList))
                out[k] = merged
                if not keep_key:
                    out.pos[k] = over.pos[k]
            else:
                out[k] = v
                out.pos[k] = over.pos[k]
        return out
    if isinstance(base, YList) and isinstance(over, YList) and key not in REPLACED:
        if key in UNIQUE:
            return _merge_unique(base, over, key)
        out_list = YList()
        out_list.extend(base)
        out_list.pos.extend(base.pos)
        out_list.extend(over)
        out_list.pos.extend(over.pos)
        return out_list
    return over


def _merge_unique(base: YList, over: YList, key: str) -> YList:
    entries: dict[Any, tuple[Any, ItemPos]] = {}
    for seq in (base, over):
        for i, item in enumerate(seq):
            ident = unique_key(key, item)
            if ident is None:
                ident = ("item", id(item), i, id(seq))
            entries.pop(ident, None)  # the later entry takes the earlier one's place at the end
            entries[ident] = (item, seq.pos[i])
    out = YList()
    for item, pos in entries.values():
        out.append(item)
        out.pos.append(pos)
    return out


def unique_key(attr: str, item: Any) -> Any:
    """The spec's unique key of an entry of ``ports``/``volumes``/``secrets``/``configs``."""
    if attr == "ports":
        from netlint.loaders.compose import parse_port

        port = parse_port(item)
        if port is None:
            return None
        return (port.host_ip, port.target, port.published, port.protocol)
    if attr == "volumes":
        from netlint.loaders.compose import parse_mount

        mount = parse_mount(item)
        return mount.target if mount is not None else None
    if isinstance(item, str):
        return item  # secrets/configs short syntax: the name is the target
    if isinstance(item, dict):
        return item.get("target") or item.get("source")
    return None


def item_to_keypos(pos: ItemPos) -> KeyPos:
    """A list item's position used as both key and value of a mapping entry."""
    src, line, col, end_line, end_col = pos
    return (src, line, col, end_line, end_col, line, col, end_line, end_col)
