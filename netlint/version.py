"""``netlint --version``: the program and the rule set it ships.

Kept free of heavy imports (no yaml, jsonschema or rich): the rule set's identity is the
number of built-in rule files and a hash of their bytes, read straight from the package.
"""

from __future__ import annotations

import hashlib
import os

from netlint import __version__


def ruleset_version() -> tuple[int, str]:
    """(number of built-in rules, first 12 hex digits of a SHA-256 over their files)."""
    import netlint._rules as rules_package

    root = os.path.dirname(os.path.abspath(rules_package.__file__ or ""))
    digest = hashlib.sha256()
    count = 0
    for target in sorted(os.listdir(root)):
        folder = os.path.join(root, target)
        if not os.path.isdir(folder) or target.startswith(("_", ".")):
            continue
        for name in sorted(os.listdir(folder)):
            if not name.endswith(".yaml"):
                continue
            count += 1
            digest.update(f"{target}/{name}\0".encode())
            with open(os.path.join(folder, name), "rb") as fh:
                digest.update(fh.read())
            digest.update(b"\0")
    return count, digest.hexdigest()[:12]


def version_text() -> str:
    count, digest = ruleset_version()
    return f"netlint {__version__}\nrule set: {count} built-in rules, sha256 {digest}"
