"""The incremental cache: what loading and checking one file produced, reused while the
file is unchanged, so a re-scan parses only what changed.

One cache file per *partition*: the netlint code and version, the rules (built-in and the
user's rule files, by content), every option that changes per-file results, and the
working directory (reports show paths relative to it) all go into the partition's name,
so a cache is never reused across any of them.  The context set (``--context``) is not
part of it: a file's own findings do not depend on it, and cross-file findings are
recomputed from the records of exactly the files of this scan (or reused only when the
ordered identities of all of those files are the same, see :meth:`ScanCache.project`).

Per file the cache keeps its signature (size, mtime, ctime, inode) and a hash of its
text; a file whose signature changed but whose text hashes the same (a ``touch``, a
``git checkout``) is a hit, and a file modified less than ``RACY_SECONDS`` before it was
cached is always compared by hash (a change within the file system's time granularity
leaves the signature alone).

The cache is a local file, still never trusted blindly: it is JSON (never pickle), it
starts with a header naming its format and partition, and every entry is checked for
shape and types as it is read; anything else is ignored (a miss) and rewritten.  Writes
go to a temporary file in the same directory and are renamed into place, so concurrent
scans never see a half-written cache (the last writer wins; each is complete).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from typing import Any

from netlint.discovery import FileEntry, read_source
from netlint.findings import Finding, Severity
from netlint.source import Source, Span
from netlint.suppressions import Suppression

FORMAT = 1
MAGIC = "netlint-cache"
RACY_SECONDS = 2.0
MAX_ENTRIES = 200_000  # per partition; the least recently used go first
MAX_PARTITIONS = 16  # cache files kept in the cache directory; the oldest go first
SEVERITIES = {s.value: s for s in Severity}
SCOPES = frozenset({"line", "file", "object"})


def default_cache_dir() -> str:
    """``NETLINT_CACHE_DIR``, else the user's cache directory (as ruff's and pip's):
    ``$XDG_CACHE_HOME/netlint`` or ``~/.cache/netlint`` on Linux, ``~/Library/Caches/
    netlint`` on macOS, ``%LOCALAPPDATA%\\netlint\\Cache`` on Windows."""
    explicit = os.environ.get("NETLINT_CACHE_DIR")
    if explicit:
        return explicit
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or os.path.expanduser("~")
        return os.path.join(base, "netlint", "Cache")
    if sys.platform == "darwin":
        return os.path.expanduser("~/Library/Caches/netlint")
    base = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
    return os.path.join(base, "netlint")


def text_hash(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def signature(st: os.stat_result) -> list[int]:
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


def partition_name(material: Any) -> str:
    """The cache file's name for this key material (any JSON-able value)."""
    blob = json.dumps(material, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()[:32]


class BadEntry(ValueError):
    """A cache entry of the wrong shape: treated as a miss."""


def _need(ok: bool) -> None:
    if not ok:
        raise BadEntry


def _int(value: Any) -> int:
    _need(type(value) is int)
    return int(value)


def _str(value: Any) -> str:
    _need(type(value) is str)
    return str(value)


def _list(value: Any) -> list[Any]:
    _need(type(value) is list)
    return list(value)


def _span(a: Any, b: Any, c: Any, d: Any) -> Span:
    return Span(_int(a), _int(b), _int(c), _int(d))


# --- findings and suppressions as plain lists (the file's path is implied) ------------

def encode_finding(f: Finding) -> list[Any]:
    s = f.span
    return [f.rule_id, s.start_line, s.start_column, s.end_line, s.end_column, f.message,
            f.severity.value, f.context]


def decode_finding(data: Any, path: str) -> Finding:
    if type(data) is not list or len(data) != 8:
        raise BadEntry
    rule, sl, sc, el, ec, message, severity, context = data
    level = SEVERITIES.get(severity) if type(severity) is str else None
    if (level is None or type(rule) is not str or type(message) is not str
            or type(context) is not str or type(sl) is not int or type(sc) is not int
            or type(el) is not int or type(ec) is not int):
        raise BadEntry
    return Finding(path, Span(sl, sc, el, ec), rule, message, level, context=context)


def encode_suppression(s: Suppression) -> list[Any]:
    span = s.span
    return [list(s.ids), span.start_line, span.start_column, span.end_line, span.end_column,
            s.scope, s.lines[0], s.lines[1], s.reason]


def decode_suppression(data: Any, path: str) -> Suppression:
    ids, sl, sc, el, ec, scope, first, last, reason = _list(data)
    _need(scope in SCOPES)
    return Suppression(path, tuple(_str(i) for i in _list(ids)), _span(sl, sc, el, ec),
                       _str(scope), (_int(first), _int(last)), _str(reason))


@dataclass
class Hit:
    """A usable cache entry, and the file's text when it was read to compare hashes."""

    entry: dict[str, Any]
    text: str | None
    readable: bool  # False: the file could not be read when it was cached (no source)


def file_text(path: str, entry: FileEntry, max_size: int, digest: str) -> Source:
    """The source of a file that was read (and checked) already, its text read again only
    if a reporter shows it (the text and SARIF reports read the files with findings; JSON
    and GitHub none).  See :func:`reread`."""
    source = Source(path, "")
    source.forget_text(functools.partial(reread, entry, max_size, digest))
    return source


def reread(entry: FileEntry, max_size: int, digest: str) -> str:
    """The text of ``entry`` read again; a file changed since it was checked (its text no
    longer hashes to ``digest``) reads as empty text, never as a text the findings were
    not computed on."""
    source = read_source(entry, max_size)
    text = source.text if isinstance(source, Source) else ""
    return text if text_hash(text) == digest else ""


class ScanCache:
    """The entries of one partition: ``lookup`` and ``put`` per file, ``save`` once."""

    def __init__(self, directory: str, name: str) -> None:
        self.directory = directory
        self.path = os.path.join(directory, f"{name}.json")
        self.project_path = os.path.join(directory, f"{name}.project.json")
        self.fixes_path = os.path.join(directory, f"{name}.fixes.json")
        self.compose_path = os.path.join(directory, f"{name}.compose.json")
        self.name = name
        self._entries: dict[str, dict[str, Any]] | None = None
        # the entries this scan adds go straight to the next cache file, a temporary file
        # renamed into place by save(): a 40,000-resource scan's entries, held until the
        # end, were 150 MB as nested lists and still 65 MB as JSON text
        self._writer: _EntryWriter | None = None
        self._new_project: dict[str, Any] | None = None
        self._new_compose: dict[str, Any] | None = None
        self._fixes: dict[str, Any] | None = None  # path -> [text hash, work, fixes]
        self._fixes_changed = False
        self.hits = 0  # files taken from the cache (counted by the checker)
        self.misses = 0

    # --- reading ---------------------------------------------------------------------

    def _load(self) -> dict[str, dict[str, Any]]:
        if self._entries is None:
            self._entries = {}
            data = _read_json(self.path)
            if (isinstance(data, dict) and data.get("magic") == MAGIC
                    and data.get("format") == FORMAT and data.get("partition") == self.name
                    and isinstance(data.get("files"), dict)):
                self._entries = {k: v for k, v in data["files"].items()
                                 if isinstance(k, str) and isinstance(v, dict)}
        return self._entries

    def lookup(self, path: str, display: str, read_text: Any) -> Hit | None:
        """The entry of ``path`` when it is still valid: same display path and either
        the same signature (not racy) or the same text.  ``read_text()`` returns the file's
        text (or None when it cannot be read); it is called only to compare hashes."""
        entry = self._load().get(path)
        if entry is None or entry.get("display") != display:
            return None
        try:
            now = signature(os.stat(path))
        except OSError:
            return None
        same_sig = entry.get("sig") == now and not entry.get("racy")
        stored_hash = entry.get("hash")
        if stored_hash is None:  # could not be read when cached: only the signature tells
            return Hit(entry, None, False) if same_sig else None
        if not isinstance(stored_hash, str):
            return None  # a corrupt entry: ignored and rewritten
        if same_sig:
            return Hit(entry, None, True)
        text = read_text()
        sig = entry.get("sig")
        if text is None or not (isinstance(sig, list) and sig and sig[0] == now[0]
                                and text_hash(text) == stored_hash):
            return None
        # touched, or racy when cached: the same text; remember the new signature
        self._add(path, {**entry, "sig": now, "racy": _racy(now)})
        return Hit(entry, text, True)

    def put(self, path: str, entry: dict[str, Any], digest: str | None) -> None:
        """Remember ``entry`` for ``path``; ``digest``: the hash of the text it was made
        from (None: unreadable).  The file's signature is added here."""
        try:
            now = signature(os.stat(path))
        except OSError:
            return
        entry["sig"] = now
        entry["racy"] = _racy(now)
        entry["hash"] = digest
        old = self._load().get(path)
        if old is not None and old.get("sig") == now and not entry["racy"] and (
                {k: v for k, v in old.items() if k != "used"}
                == json.loads(json.dumps(entry))):
            # what the cache holds already (a Compose file, assembled afresh every scan):
            # one new entry would make save() write the whole partition again
            return
        self._add(path, entry)

    def _add(self, path: str, entry: dict[str, Any]) -> None:
        if self._writer is None:
            self._writer = _EntryWriter(self.directory, self.name)
        self._writer.add(path, entry)

    def project(self, key: str) -> list[Any] | None:
        """The cross-file rules' findings of a scan whose inputs had this key (kept in a
        file of their own beside the partition's, ``<partition>.project.json``)."""
        data = _read_json(self.project_path)
        if (isinstance(data, dict) and data.get("magic") == MAGIC
                and data.get("format") == FORMAT and data.get("partition") == self.name
                and data.get("key") == key and isinstance(data.get("findings"), list)):
            return list(data["findings"])
        return None

    def put_project(self, key: str, findings: list[Any]) -> None:
        self._new_project = {"magic": MAGIC, "format": FORMAT, "partition": self.name,
                             "key": key, "findings": findings}

    def compose(self, key: str) -> dict[str, Any] | None:
        """What :meth:`put_compose` stored for a scan whose Compose documents had this key
        (``<partition>.compose.json``; netlint/check_compose.py)."""
        data = _read_json(self.compose_path)
        if (isinstance(data, dict) and data.get("magic") == MAGIC
                and data.get("format") == FORMAT and data.get("partition") == self.name
                and data.get("key") == key and isinstance(data.get("value"), dict)):
            return dict(data["value"])
        return None

    def put_compose(self, key: str, value: dict[str, Any]) -> None:
        self._new_compose = {"magic": MAGIC, "format": FORMAT, "partition": self.name,
                             "key": key, "value": value}

    def report_fixes(self, path: str) -> list[Any] | None:
        """What :meth:`put_report_fixes` stored for ``path``: the fixes of the findings
        the check step could not fix on its own parse (Compose and cross-file findings),
        kept in ``<partition>.fixes.json``."""
        if self._fixes is None:
            data = _read_json(self.fixes_path)
            self._fixes = {}
            if (isinstance(data, dict) and data.get("magic") == MAGIC
                    and data.get("format") == FORMAT and data.get("partition") == self.name
                    and isinstance(data.get("files"), dict)):
                self._fixes = data["files"]
        stored = self._fixes.get(path)
        return stored if isinstance(stored, list) else None

    def put_report_fixes(self, path: str, value: list[Any]) -> None:
        if self.report_fixes(path) != value:
            assert self._fixes is not None
            self._fixes[path] = value
            self._fixes_changed = True

    # --- writing ---------------------------------------------------------------------

    def save(self) -> None:
        """Finish the cache file this scan wrote: its entries, then the partition's other
        entries (the least recently used dropped beyond the bound), renamed into place;
        and the cross-file findings.  A cache that cannot be written is no error (the next
        scan is cold)."""
        writer, self._writer = self._writer, None
        if writer is not None:
            old = [(path, entry) for path, entry in self._load().items()
                   if path not in writer.paths]
            self._entries = None
            room = max(0, MAX_ENTRIES - len(writer.paths))
            if len(old) > room:
                old = sorted(old, key=lambda kv: _used(kv[1]), reverse=True)[:room]
            for path, entry in old:
                writer.add(path, entry, stamp=False)
            if writer.finish(self.path):
                self._trim()
        if self._new_project is not None:
            _write_json(self.directory, self.project_path, self._new_project)
            self._new_project = None
        if self._new_compose is not None:
            _write_json(self.directory, self.compose_path, self._new_compose)
            self._new_compose = None
        if self._fixes_changed and self._fixes is not None:
            # bounded like the entries: the files of the last scans that had such findings
            files = dict(list(self._fixes.items())[-MAX_ENTRIES:])
            _write_json(self.directory, self.fixes_path, {
                "magic": MAGIC, "format": FORMAT, "partition": self.name, "files": files})
            self._fixes_changed = False

    def _trim(self) -> None:
        """Keep the cache directory bounded: the newest ``MAX_PARTITIONS`` cache files,
        and no temporary file an interrupted scan left an hour ago."""
        try:
            names = os.listdir(self.directory)
        except OSError:
            return
        now = time.time()
        caches = []
        for name in names:
            full = os.path.join(self.directory, name)
            try:
                mtime = os.stat(full).st_mtime
            except OSError:
                continue
            if name.startswith(".tmp-") and now - mtime > 3600:
                _remove(full)
            elif len(name) == 37 and name.endswith(".json"):
                caches.append((mtime, full))
        for _mtime, full in sorted(caches, reverse=True)[MAX_PARTITIONS:]:
            _remove(full)
            _remove(full[:-len(".json")] + ".project.json")
            _remove(full[:-len(".json")] + ".fixes.json")
            _remove(full[:-len(".json")] + ".compose.json")


def _read_json(path: str) -> Any:
    """The JSON value in ``path``, or None when there is none or it is not JSON."""
    try:
        with open(path, "rb") as fh:
            return json.loads(fh.read())
    except (OSError, ValueError, RecursionError):
        return None


def _write_json(directory: str, path: str, data: Any) -> bool:
    """Write ``data`` to ``path`` atomically: a temporary file renamed into place."""
    try:
        os.makedirs(directory, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(json.dumps(data, separators=(",", ":")))
            os.replace(tmp, path)
        except BaseException:
            _remove(tmp)
            raise
    except OSError:
        return False
    return True


class _EntryWriter:
    """A partition's next cache file, written entry by entry to a temporary file in the
    cache directory; ``finish`` renames it into place (concurrent scans never see half a
    cache: the last one to finish wins, each complete).  Once writing fails it writes
    nothing more, and ``finish`` leaves the cache as it was."""

    def __init__(self, directory: str, name: str) -> None:
        self.paths: set[str] = set()
        self.stamp = int(time.time())
        self.tmp = ""
        self.fh: Any = None
        try:
            os.makedirs(directory, exist_ok=True)
            fd, self.tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=".json")
            self.fh = os.fdopen(fd, "w", encoding="utf-8")
            head = json.dumps({"magic": MAGIC, "format": FORMAT, "partition": name},
                              separators=(",", ":"))
            self.fh.write(head[:-1] + ',"files":{')
        except OSError:
            self._fail()

    def add(self, path: str, entry: dict[str, Any], stamp: bool = True) -> None:
        """Write ``entry`` (stamped as used now, unless ``stamp`` is False); the first entry
        for a path wins, and at most ``MAX_ENTRIES`` are written."""
        if self.fh is None or path in self.paths or len(self.paths) >= MAX_ENTRIES:
            return
        if stamp:
            entry = {**entry, "used": self.stamp}
        text = json.dumps(path) + ":" + json.dumps(entry, separators=(",", ":"))
        try:
            self.fh.write("," + text if self.paths else text)
        except OSError:
            self._fail()
            return
        self.paths.add(path)

    def finish(self, path: str) -> bool:
        if self.fh is None:
            return False
        try:
            self.fh.write("}}")
            self.fh.close()
            os.replace(self.tmp, path)
        except OSError:
            self._fail()
            return False
        return True

    def _fail(self) -> None:
        if self.fh is not None:
            with contextlib.suppress(OSError):
                self.fh.close()
        self.fh = None
        if self.tmp:
            _remove(self.tmp)


def _racy(sig: list[int]) -> bool:
    return abs(time.time_ns() - sig[1]) < RACY_SECONDS * 1e9


def _used(entry: dict[str, Any]) -> int:
    used = entry.get("used")
    return used if isinstance(used, int) else 0


def _remove(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)
