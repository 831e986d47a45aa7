"""Config path patterns (``exclude``, ``per-path-ignores``): gitignore syntax, relative to
the directory of the config file that holds them.

The same pattern means the same files whatever the current directory and however a file
was named (walked from a directory or passed by pre-commit).  ``.gitignore`` rules, as
implemented by ``pathspec``: a pattern with a ``/`` at its start or in its middle is
anchored at the config file's directory (``charts/*/templates``); one without (``*.gen.yaml``,
``vendor``) matches at any depth; a pattern that matches a directory covers everything under
it; ``**`` crosses directories; ``!`` re-includes.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from functools import cached_property


class PathPatterns:
    """Patterns from one config file, matched against paths relative to ``base``."""

    def __init__(self, patterns: Iterable[str], base: str = "") -> None:
        self.patterns = [p for p in patterns if p.strip()]
        self.base = os.path.abspath(base or ".")

    def __bool__(self) -> bool:
        return bool(self.patterns)

    @cached_property
    def _spec(self):  # type: ignore[no-untyped-def]
        import pathspec  # imported only when a config has patterns (start-up time)

        return pathspec.GitIgnoreSpec.from_lines(self.patterns)

    def relative(self, path: str) -> str | None:
        """``path`` relative to the config directory, '/'-separated ("" for the directory
        itself); None outside it."""
        try:
            rel = os.path.relpath(os.path.abspath(path), self.base)
        except ValueError:  # another drive on Windows
            return None
        if rel == os.curdir:
            return ""
        if rel == os.pardir or rel.startswith(os.pardir + os.sep):
            return None
        return rel.replace(os.sep, "/")

    def matches(self, path: str, is_dir: bool = False) -> bool:
        """Whether a file (or, with ``is_dir``, a directory) is covered by a pattern."""
        if not self.patterns:
            return False
        rel = self.relative(path)
        if not rel:  # outside the config directory, or that directory itself
            return False
        return self.matches_relative(rel, is_dir)

    def matches_relative(self, rel: str, is_dir: bool = False) -> bool:
        """:meth:`matches` for a path already relative to the config directory (a walk
        computes its directory's once, not once per file)."""
        return bool(self._spec.match_file(rel + "/" if is_dir else rel))
