"""Find the files to scan, read them safely, and classify each document.

Reading is defensive because anyone can write the files netlint reads: size caps,
binary and encoding checks happen before the parser sees a byte, and every problem becomes
a finding naming the file rather than a silent skip.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from netlint.errors import UsageError
from netlint.pathmatch import PathPatterns
from netlint.source import Source

SCANNED_SUFFIXES = (".yaml", ".yml", ".json")
SKIPPED_DIRS = frozenset(
    {
        ".git", ".hg", ".svn", "node_modules", "vendor", "third_party", "third-party",
        ".venv", "venv", "__pycache__", ".tox", ".mypy_cache", ".pytest_cache",
        ".ruff_cache", ".terraform", ".idea",
        ".netlint",  # netlint's own rule files and their failing examples (`new-rule`)
    }
)
STDIN = "-"
# netlint's own files are configuration for netlint, not for the cluster
OWN_FILES = frozenset({".netlint.yaml", ".netlint.yml", ".netlint-baseline.json"})


@dataclass(frozen=True)
class FileEntry:
    path: str  # filesystem path, or "-" for stdin
    display: str  # what reports show: relative to the working directory when inside it


@dataclass(frozen=True)
class ReadProblem:
    """A file that could not be turned into text: reported as a finding on line 1."""

    rule: str  # "unreadable-file" | "file-too-large" | "parse-error"
    message: str
    line: int = 1
    column: int = 1


def display_path(path: str) -> str:
    if path == STDIN:
        return "<stdin>"
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return path
    return path if rel.startswith("..") else rel


def discover(paths: Iterable[str], exclude: Iterable[str] = (), base: str = ""
             ) -> tuple[list[FileEntry], list[tuple[str, str]]]:
    """Expand the command-line paths into files.

    ``exclude`` patterns are relative to ``base`` (the config file's directory; default:
    the current one) and apply to files named on the command line as well as to walked
    ones: pre-commit names files one by one.  Returns the files and a list of (path,
    problem) for paths that could not be walked (reported as findings, the scan goes on).
    A path that does not exist is a usage error.
    """
    patterns = exclude if isinstance(exclude, PathPatterns) else PathPatterns(exclude, base)
    files: list[FileEntry] = []
    problems: list[tuple[str, str]] = []
    seen: set[object] = set()
    for raw in paths:
        if raw == STDIN:
            files.append(FileEntry(STDIN, "<stdin>"))
            continue
        if not os.path.lexists(raw):
            raise UsageError(f"{raw}: no such file or directory")
        if os.path.isdir(raw):
            if patterns.matches(raw, is_dir=True):
                continue
            display = _display_under(raw)
            for f in _walk(raw, patterns, problems):
                key = _identity(f)
                if key not in seen:
                    seen.add(key)
                    files.append(FileEntry(f, display(f)))
        elif not patterns.matches(raw):
            key = _identity(raw)
            if key not in seen:
                seen.add(key)
                files.append(FileEntry(raw, display_path(raw)))
    return files, problems


def _display_under(root: str) -> Callable[[str], str]:
    """``display_path`` for the files a walk of ``root`` yields, with one ``relpath`` for
    the root instead of one per file (the walk's paths are ``root`` + normalised names, so
    the result is the same)."""
    try:
        rel_root = os.path.relpath(root)
    except ValueError:  # another drive on Windows
        return display_path
    if rel_root.startswith(".."):
        cwd = os.getcwd()
        if (cwd + os.sep).startswith(os.path.abspath(root).rstrip(os.sep) + os.sep):
            return display_path  # the working directory is inside the walk: per file
        return str  # every file is outside the working directory: the path as given

    def display(path: str) -> str:
        if not path.startswith(root):
            return display_path(path)
        rest = path[len(root):].lstrip(os.sep)
        return rest if rel_root == "." else os.path.join(rel_root, rest)

    return display


def _identity(path: str) -> object:
    """What makes two paths the same file (a file named twice, or through a link): the
    device and inode, one stat call; ``realpath`` costs a call per path component."""
    try:
        st = os.stat(path)
    except OSError:
        return os.path.abspath(path)  # unreadable: reported later, never merged
    return (st.st_dev, st.st_ino)


SPECIAL_TREES = ("/proc", "/dev", "/sys")


def tree_roots(path: str) -> list[str]:
    """The real directories a scanned path lets netlint read: the path itself (its folder
    for a file) and the repository it lies in (nearest ``.git`` above it)."""
    real = os.path.realpath(path)
    folder = real if os.path.isdir(real) else os.path.dirname(real)
    roots = [folder]
    here = folder
    while True:
        if os.path.exists(os.path.join(here, ".git")):
            if here != folder:
                roots.append(here)
            break
        parent = os.path.dirname(here)
        if parent == here:
            break
        here = parent
    return roots


def inside(real: str, roots: Iterable[str]) -> bool:
    """Whether the real path ``real`` lies in one of the real directories ``roots`` (and
    not in a special file system, whatever the roots)."""
    if any(real == t or real.startswith(t + os.sep) for t in SPECIAL_TREES):
        return False
    return any(real == r or real.startswith(r.rstrip(os.sep) + os.sep) for r in roots)


def _walk(root: str, exclude: PathPatterns, problems: list[tuple[str, str]]
          ) -> Iterator[str]:
    def onerror(err: OSError) -> None:
        problems.append((err.filename or root, f"cannot read directory: {err.strerror}"))

    roots = tree_roots(root)

    # followlinks=False: a symlink loop cannot make the walk endless
    for dirpath, dirnames, filenames in os.walk(root, onerror=onerror, followlinks=False):
        # the directory relative to the config's, once per directory (None: outside it)
        rel_dir = exclude.relative(dirpath) if exclude else None
        prefix = rel_dir + "/" if rel_dir else ""
        dirnames[:] = sorted(
            d
            for d in dirnames
            if d not in SKIPPED_DIRS
            and not (rel_dir is not None and exclude.matches_relative(prefix + d, is_dir=True))
        )
        for name in sorted(filenames):
            if not name.endswith(SCANNED_SUFFIXES) or name in OWN_FILES:
                continue
            if rel_dir is not None and exclude.matches_relative(prefix + name):
                continue
            path = os.path.join(dirpath, name)
            if os.path.islink(path) and not inside(os.path.realpath(path), roots):
                # a committed link to ~/.aws/credentials or /dev/tty: never read, and
                # its target is not shown
                problems.append((display_path(path), "symbolic link to a file outside the "
                                 "scanned tree; not read"))
                continue
            yield path


READ_CHUNK = 1 << 20


def read_regular(path: str, max_size: int) -> bytes | ReadProblem:
    """The bytes of the regular file ``path``, at most ``max_size`` (else a problem).

    Opened without blocking and checked with ``fstat`` before reading, so a FIFO, a
    device (``/dev/tty``) or a socket named ``*.yaml`` cannot stall the scan; read in
    chunks, so a huge ``max-file-size`` allocates nothing up front.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as err:
        return ReadProblem("unreadable-file", f"cannot read file: {err.strerror or err}")
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            return ReadProblem("unreadable-file", "not a regular file (a pipe, device or "
                               "socket); not read")
        if st.st_size > max_size:
            return ReadProblem(
                "file-too-large",
                f"file is {st.st_size:,} bytes, over the {max_size:,}-byte limit; not read "
                "(raise max-file-size in the config to scan it)",
            )
        chunks: list[bytes] = []
        total = 0
        while total <= max_size:
            chunk = os.read(fd, min(READ_CHUNK, max_size + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    except OSError as err:
        return ReadProblem("unreadable-file", f"cannot read file: {err.strerror or err}")
    finally:
        os.close(fd)
    if total > max_size:  # the file grew while read
        return ReadProblem("file-too-large", f"input is over the {max_size:,}-byte limit; "
                           "not read")
    return b"".join(chunks)


def read_source(entry: FileEntry, max_size: int) -> Source | ReadProblem:
    """Read a file as text, refusing what is too large, binary or not decodable."""
    if entry.path == STDIN:
        try:
            data = _read_stream(sys.stdin.buffer, max_size)
        except OSError as err:
            return ReadProblem("unreadable-file", f"cannot read file: {err.strerror or err}")
        if len(data) > max_size:
            return ReadProblem("file-too-large",
                               f"input is over the {max_size:,}-byte limit; not read")
    else:
        got = read_regular(entry.path, max_size)
        if isinstance(got, ReadProblem):
            return got
        data = got
    text = decode(data)
    if isinstance(text, ReadProblem):
        return text
    return Source(entry.display, text)


def _read_stream(stream: Any, max_size: int) -> bytes:
    chunks: list[bytes] = []
    total = 0
    while total <= max_size:
        chunk = stream.read(min(READ_CHUNK, max_size + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def decode(data: bytes) -> str | ReadProblem:
    """UTF-8 (with or without BOM) or UTF-16/32 with a BOM, as YAML allows."""
    for bom, codec in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError as err:
                return ReadProblem("parse-error", f"invalid {codec.upper()} text: {err.reason}")
    if b"\0" in data[:8192]:
        return ReadProblem("unreadable-file", "binary file (contains NUL bytes); not a YAML or "
                           "JSON document")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        col = err.start - (data.rfind(b"\n", 0, err.start) + 1) + 1
        return ReadProblem("parse-error", f"invalid UTF-8 (byte 0x{data[err.start]:02x}); YAML "
                           "and JSON files must be UTF-8 or carry a UTF-16 BOM", line, col)
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\0" in text:
        return ReadProblem("unreadable-file", "file contains NUL characters; not a YAML or JSON "
                           "document")
    return text


# --- classification -------------------------------------------------------------------

COMPOSE_FILE_NAME = re.compile(r"^(docker-)?compose(\.[\w.-]+)?\.ya?ml$")
COMPOSE_TOP_LEVEL = frozenset(
    {"version", "name", "include", "services", "networks", "volumes", "configs", "secrets",
     "models"}
)
ENVOY_BOOTSTRAP_FIELDS = frozenset(
    {
        "node", "node_context_params", "static_resources", "dynamic_resources",
        "cluster_manager", "hds_config", "flags_path", "stats_sinks", "deferred_stat_options",
        "stats_config", "stats_flush_interval", "stats_flush_on_admin", "watchdog", "watchdogs",
        "tracing", "layered_runtime", "admin", "overload_manager", "enable_dispatcher_stats",
        "header_prefix", "stats_server_version_override", "use_tcp_for_dns_lookups",
        "dns_resolution_config", "typed_dns_resolver_config", "bootstrap_extensions",
        "fatal_actions", "config_sources", "default_config_source", "default_socket_interface",
        "certificate_provider_instances", "inline_headers", "perf_tracing_file_path",
        "default_regex_engine", "xds_delegate_extension", "xds_config_tracker_extension",
        "listener_manager", "application_log_config", "grpc_async_client_manager_config",
        "memory_allocator_manager", "runtime", "stats_matcher",
    }
)


def classify(value: Any, file_name: str) -> str | None:
    """The kind of one document: "kubernetes", "compose", "envoy" or None (not ours)."""
    if not isinstance(value, Mapping):
        return None
    if isinstance(value.get("apiVersion"), str) and isinstance(value.get("kind"), str):
        return "kubernetes"
    keys = {k for k in value if isinstance(k, str)}
    if "static_resources" in keys or "dynamic_resources" in keys:
        return "envoy"
    if isinstance(value.get("services"), Mapping) and all(
        k in COMPOSE_TOP_LEVEL or k.startswith("x-") for k in keys
    ):
        return "compose"
    # a Compose-named file is Compose even with a misspelled top-level key (reported by
    # the Compose rules), as long as it has something Compose would read
    if COMPOSE_FILE_NAME.match(os.path.basename(file_name)) and keys & COMPOSE_TOP_LEVEL:
        return "compose"
    if "admin" in keys and keys <= ENVOY_BOOTSTRAP_FIELDS:
        return "envoy"
    resources = value.get("resources")
    if isinstance(resources, list) and resources and all(
        isinstance(r, Mapping) and "envoy." in str(r.get("@type", "")) for r in resources
    ):
        return "envoy"
    return None
