"""Writing reports and baselines without ever destroying a file.

* An output that is, or resolves to, a scanned input is refused: ``-o pod.yaml`` must not
  replace the manifest with its own report.
* A symbolic link at the output path is followed only when the user named that path on the
  command line; a committed ``.netlint-baseline.json -> ../victim`` link is refused.
* Regular files are written atomically: a temporary file in the same directory, flushed
  and fsynced, then renamed over the target.  A write that fails midway (disk full,
  ``ulimit -f``, Ctrl-C) leaves the previous file intact and the temporary file removed.
* Outputs that are not regular files (``/dev/stdout``, a pipe) cannot be renamed over and
  are written directly.

Every failure is an :class:`OutputError` naming the path (exit code 2 in the CLI).
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from typing import IO


class OutputError(Exception):
    """The report or baseline could not be written (the message names the path)."""


def _identity(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def resolve_output(path: str, explicit: bool) -> str:
    """The file to write for ``path``: a symlink is followed only when ``explicit``."""
    if os.path.islink(path):
        if not explicit:
            raise OutputError(f"{path}: is a symbolic link; not followed (name it with "
                              "--output to write through it)")
        return os.path.realpath(path)
    return path


def check_not_input(path: str, inputs: Iterable[str]) -> None:
    """Refuse an output that is (or resolves to: a symlink, a hard link) one of
    ``inputs``.  An output that does not exist is none of them (they were read)."""
    target = _identity(path)
    if target is None:
        return
    for item in inputs:
        if item in ("-", "<stdin>"):
            continue
        if _identity(item) == target:
            raise OutputError(f"{path}: is a scanned input; refusing to overwrite it with the "
                              "report (choose another --output)")


@contextmanager
def atomic_writer(path: str) -> Iterator[IO[str]]:
    """Open ``path`` for writing text; the content replaces the file only on success."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        st = None
    except OSError as err:
        raise OutputError(f"{path}: cannot write: {err.strerror or err}") from None
    if st is not None and not stat.S_ISREG(st.st_mode):
        # a device or a pipe (/dev/stdout): nothing to protect, and no rename possible
        try:
            with open(path, "w", encoding="utf-8") as fh:
                yield fh
        except OSError as err:
            raise OutputError(f"{path}: cannot write: {err.strerror or err}") from None
        return
    folder = os.path.dirname(os.path.abspath(path))
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(path)}.",
                                   suffix=".tmp")
    except OSError as err:
        raise OutputError(f"{path}: cannot write: {err.strerror or err}") from None
    done = False
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        # keep an existing file's permissions; a new one gets the usual umask-based mode
        if st is not None:
            mode = stat.S_IMODE(st.st_mode)
        else:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(tmp, mode)
        os.replace(tmp, path)
        done = True
    except OSError as err:
        raise OutputError(f"{path}: cannot write: {err.strerror or err}; the previous "
                          "file is unchanged") from None
    finally:
        if not done:
            with suppress(OSError):
                os.unlink(tmp)
