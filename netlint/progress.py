"""A progress bar on stderr for long scans, only when stderr is a terminal.

Nothing is drawn for small scans (the bar would flash and vanish) or when stderr is a file
or pipe (CI logs, pre-commit), so reports and logs stay clean.
"""

from __future__ import annotations

import sys
from typing import Any

MIN_FILES = 50  # fewer files than this finish too fast for a bar to help


class ScanProgress:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self._bar: Any = None
        self._task: Any = None

    @classmethod
    def for_stderr(cls) -> ScanProgress:
        isatty = getattr(sys.stderr, "isatty", None)
        return cls(bool(isatty and isatty()))

    def update(self, done: int, total: int) -> None:
        if not self.enabled or total < MIN_FILES:
            return
        if self._bar is None:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            self._bar = Progress(
                TextColumn("scanning"), BarColumn(), MofNCompleteColumn(),
                console=Console(file=sys.stderr), transient=True,
            )
            self._bar.start()
            self._task = self._bar.add_task("scan", total=total)
        self._bar.update(self._task, completed=done + 1)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
