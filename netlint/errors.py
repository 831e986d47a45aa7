"""Errors that stop a run with exit code 2 (usage and configuration problems)."""

from __future__ import annotations


class UsageError(Exception):
    """A problem with how netlint was called or configured; names file and key."""
