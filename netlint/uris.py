"""Paths for the outside world: the repository root and repository-relative URIs
(what code scanning and baselines match files by)."""

from __future__ import annotations

import os
from pathlib import Path


def repository_root(start: str = ".") -> str:
    """The nearest directory at or above ``start`` holding ``.git`` (else ``start``)."""
    here = Path(start).resolve()
    for directory in (here, *here.parents):
        if (directory / ".git").exists():
            return str(directory)
    return str(here)


def relative_uri(path: str, root: str) -> str:
    """A repository-relative, '/'-separated path (what code scanning matches files by)."""
    if path in ("<stdin>", "-"):
        return "stdin"
    absolute = os.path.abspath(path)
    try:
        rel = os.path.relpath(absolute, root)
    except ValueError:
        rel = absolute
    if rel.startswith(".."):
        rel = absolute
    return rel.replace(os.sep, "/")
