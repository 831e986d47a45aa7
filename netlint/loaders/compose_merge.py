"""Compose merge rules over positioned values (YMap/YList), per the Compose Specification.

* mappings merge key by key, the later file winning on conflicts;
* sequences append, except ``command``, ``entrypoint`` and ``healthcheck.test`` (the later
  value replaces the earlier one) and the unique resources ``ports``, ``volumes``,
  ``secrets`` and ``configs`` (an entry of the later file replaces the earlier entry with
  the same unique key: the target, or ip/target/published/protocol for ports);
* a value whose type differs between the files is replaced;
* the Compose YAML tags ``!reset`` (drop the earlier value) and ``!override`` (replace it
  instead of merging) are honoured; netlint's YAML layer keeps no tags, so they are read
  from the text at the value's position.

Every entry keeps the position tuple of the file it came from, so a merged map may mix
files and :func:`netlint.yamlnodes.locate` still points at the effective value.
"""

from __future__ import annotations

from typing import Any

from netlint.loaders.compose_values import parse_mount, parse_port
from netlint.yamlnodes import ItemPos, KeyPos, YList, YMap, new_list, new_map

REPLACED = frozenset({"command", "entrypoint", "test"})
UNIQUE = frozenset({"ports", "volumes", "secrets", "configs"})


def merge(base: Any, over: Any, key: Any = None) -> Any:
    """The value of ``over`` merged onto ``base`` (neither is modified)."""
    if isinstance(base, YMap) and isinstance(over, YMap):
        out = new_map()
        for k, v in base.items():
            out[k] = v
            out.pos[k] = base.pos[k]
        for k, v in over.items():
            tag = compose_tag(over.pos[k])
            if tag == "!reset":
                out.pop(k, None)
                out.pos.pop(k, None)
                continue
            if tag == "!override" or k not in out:
                out[k] = v
                out.pos[k] = over.pos[k]
                continue
            merged = merge(out[k], v, k)
            keep_key = merged is not v and isinstance(merged, (YMap, YList))
            out[k] = merged
            if not keep_key:
                out.pos[k] = over.pos[k]
        return out
    if isinstance(base, YList) and isinstance(over, YList) and key not in REPLACED:
        if key in UNIQUE:
            return _merge_unique(base, over, key)
        out_list = new_list()
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
    out = new_list()
    for item, pos in entries.values():
        out.append(item)
        out.pos.append(pos)
    return out


def unique_key(attr: str, item: Any) -> Any:
    """The spec's unique key of an entry of ``ports``/``volumes``/``secrets``/``configs``."""
    if attr == "ports":
        port = parse_port(item)
        if port is None:
            return None
        return (port.host_ip, port.target, port.published, port.protocol)
    if attr == "volumes":
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


def compose_tag(pos: KeyPos) -> str | None:
    """``!reset`` or ``!override`` when the value at ``pos`` is written with that tag."""
    src, line, col = pos[0], pos[5], pos[6]
    text = src.line_text(line + 1)
    if text.startswith("!reset", col):
        return "!reset"
    if text.startswith("!override", col):
        return "!override"
    return None


def drop_resets(value: Any) -> None:
    """Remove entries still tagged ``!reset`` (nothing earlier to reset: the key is unset)."""
    if isinstance(value, YMap):
        for k in [k for k in value if compose_tag(value.pos[k]) == "!reset"]:
            del value[k]
            del value.pos[k]
        for v in value.values():
            drop_resets(v)
    elif isinstance(value, YList):
        for v in value:
            drop_resets(v)
