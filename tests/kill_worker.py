"""A stand-in for ``netlint.parallel._check_chunk`` whose worker dies (SIGKILL, as the
out-of-memory killer does) on a batch holding ``die.yaml``; importable by worker processes
under every start method.  Used by tests/test_hardening.py."""

from __future__ import annotations

import os
import signal
from collections.abc import Sequence
from typing import Any

from netlint import parallel


def scan_or_die(entries: Sequence[Any]) -> Any:
    if any(os.path.basename(e.path) == "die.yaml" for e in entries):
        os.kill(os.getpid(), signal.SIGKILL)
    # the original: saved by the test under fork, the module's own in a spawned worker
    real = parallel.__dict__.get("_real_check_chunk", parallel._check_chunk)
    return real(entries)
