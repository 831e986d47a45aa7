"""The Compose step of a scan with the incremental cache: the findings of the assembled
projects, reused while everything they were made of answers the same.

The per-file cache cannot hold a Compose file's findings: a project is assembled from
several files (base and override files, ``include``, ``extends``, env files) and from
interpolation variables.  So the scan's Compose findings are kept as a whole
(``<partition>.compose.json``), with their inputs:

* each scanned Compose document: its file, its place in the file and the file's text;
* every answer the file system gave the loader (real paths, whether a file exists, the
  text or bytes of each referenced file, or why it could not be read:
  ``loaders/compose.FileSystem``);
* every interpolation variable looked up (none of them set in the environment, unless
  the scan ignores the environment), the scan roots and the home directory (``~/``
  paths).

A scan whose inputs all answer the same gets the stored findings without assembling a
project; any difference and the projects are assembled and checked again.  Nothing is
stored when a value from the environment was used, or a value from an env file that
reports hide (netlint/redaction.py): the findings would carry it.
"""

from __future__ import annotations

import os
from typing import Any

from netlint.cache import ScanCache, decode_finding, encode_finding, text_hash
from netlint.discovery import STDIN
from netlint.findings import Finding
from netlint.load import Loaded, add_compose_sources, compose_roots
from netlint.options import ScanOptions


def compose_key(cache: ScanCache | None, loaded: Loaded, options: ScanOptions
                ) -> str | None:
    """The identity of the scanned Compose documents (None: none, or not cacheable)."""
    docs = [d for d in loaded.documents if d.kind == "compose"]
    if cache is None or not docs or any(
            d.source.path in (STDIN, "<stdin>") or d.cache.get("compose_assembled")
            for d in docs):
        return None
    hashes: dict[int, str] = {}
    parts = [cache.name, repr(compose_roots(loaded, options)), os.path.expanduser("~")]
    for d in docs:
        digest = hashes.get(id(d.source))
        if digest is None:
            digest = hashes[id(d.source)] = text_hash(d.source.text)
        parts.append(f"{d.source.path}\0{d.index}\0{digest}")
    return text_hash("\n".join(parts))


def replay(cache: ScanCache, key: str, loaded: Loaded, options: ScanOptions
           ) -> list[Finding] | None:
    """The Compose rules' findings stored for ``key`` when every input answers the same;
    ``loaded`` then is as assembling would leave it (referenced files among its sources,
    their suppressions, the loader's errors) but without the Compose documents, which no
    other step reads.  None: assemble and check."""
    from netlint.loaders.compose import FileSystem

    stored = cache.compose(key)
    if stored is None:
        return None
    try:
        unset = stored["unset"]
        if not isinstance(unset, list) or not all(isinstance(n, str) for n in unset):
            return None
        if not options.compose_ignore_env and any(name in os.environ for name in unset):
            return None
        answers = stored["answers"]
        if not isinstance(answers, dict):
            return None
        read = FileSystem.unchanged(answers, options.max_file_size)
        if read is None:
            return None
        by_display = {s.path: s for s in read.values()}
        sources = [by_display[p] for p in stored["sources"]]
        errors = [decode_finding(f[1:], f[0]) for f in stored["errors"]]
        findings = [decode_finding(f[1:], f[0]) for f in stored["findings"]]
    except (KeyError, TypeError, ValueError, IndexError):
        return None  # malformed: assembled again, and rewritten
    add_compose_sources(loaded, sources)
    loaded.findings.extend(errors)
    loaded.documents = [d for d in loaded.documents if d.kind != "compose"]
    return findings


def store(cache: ScanCache, key: str, assembled: Any, errors: list[Finding],
          findings: list[Finding], options: ScanOptions) -> None:
    """Keep the Compose findings of this scan with what they were made of (nothing when
    a value from the environment or a hidden env-file value went into them)."""
    if assembled is None or assembled.substituted:
        return
    unset = sorted(assembled.looked_up)
    if not options.compose_ignore_env and any(name in os.environ for name in unset):
        return
    cache.put_compose(key, {
        "answers": assembled.answers,
        "unset": unset,
        "sources": [s.path for s in assembled.sources],
        "errors": [[f.path, *encode_finding(f)] for f in errors],
        "findings": [[f.path, *encode_finding(f)] for f in findings],
    })
