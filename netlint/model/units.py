"""Join units: which files' policies, Namespaces and workloads may see each other.

Cross-file rules (the network model) join objects by namespace only inside one *unit*, so
a default-deny policy in ``tests/`` or ``overlays/dev/`` never isolates a workload in
``deploy/`` or ``overlays/prod/``.  ``join-scope`` (config) chooses:

* ``unit`` (default): the nearest directory upwards (not above the scanned directory the
  file was found under) that holds a ``kustomization.yaml``, a ``Chart.yaml`` or a
  ``.netlint.yaml``; else that scanned directory.  Files named one by one on the command
  line (pre-commit passes changed files) outside every scanned directory form one unit
  together, and so does standard input;
* ``scan``: the whole scan is one unit (netlint before 0.x: every file joins every file);
* a list of globs: the files each glob matches form one unit (first matching glob wins);
  files no glob matches fall back to ``unit``.

Only ``stat`` calls are made (does a marker file exist), inside the scanned tree.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable, Sequence

MARKERS = ("kustomization.yaml", "kustomization.yml", "Kustomization", "Chart.yaml",
           ".netlint.yaml")
SCAN = "scan"
UNIT = "unit"
COMMAND_LINE = "<command line>"


class Units:
    """``unit_of(display_path)`` -> the unit's name (a directory, a glob, or a marker)."""

    def __init__(self, scope: str | Sequence[str] = UNIT, roots: Iterable[str] = ()) -> None:
        self.scope = scope
        self.roots = sorted({os.path.abspath(r) for r in roots if r != "-" and os.path.isdir(r)},
                            key=len, reverse=True)  # innermost first
        self._markers: dict[str, bool] = {}
        self._cache: dict[str, str] = {}

    def unit_of(self, path: str) -> str:
        got = self._cache.get(path)
        if got is None:
            got = self._cache[path] = self._resolve(path)
        return got

    def _resolve(self, path: str) -> str:
        if self.scope == SCAN:
            return ""
        if not isinstance(self.scope, str):
            norm = path.replace("\\", "/")
            for glob in self.scope:
                if fnmatch.fnmatch(norm, glob) or fnmatch.fnmatch(norm, f"*/{glob}"):
                    return f"glob {glob}"
        if path.startswith("<"):  # <stdin>
            return COMMAND_LINE
        full = os.path.abspath(path)
        root = next((r for r in self.roots if full.startswith(r.rstrip(os.sep) + os.sep)),
                    None)
        if root is not None:
            stop = root
        else:
            cwd = os.getcwd()
            stop = cwd if full.startswith(cwd.rstrip(os.sep) + os.sep) else os.path.dirname(full)
        here = os.path.dirname(full)
        while True:
            if self._has_marker(here):
                return here
            if here == stop or len(here) <= len(stop):
                break
            parent = os.path.dirname(here)
            if parent == here:
                break
            here = parent
        return root if root is not None else COMMAND_LINE

    def _has_marker(self, directory: str) -> bool:
        got = self._markers.get(directory)
        if got is None:
            got = self._markers[directory] = any(
                os.path.isfile(os.path.join(directory, m)) for m in MARKERS)
        return got


def display_unit(unit: str) -> str:
    """A unit's name for messages: relative to the working directory when inside it."""
    if not unit or unit.startswith(("<", "glob ")):
        return unit or "the scan"
    rel = os.path.relpath(unit)
    return unit if rel.startswith("..") else (rel if rel != "." else "./")
