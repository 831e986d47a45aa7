"""Configuration: ``.netlint.yaml`` or ``[tool.netlint]`` in ``pyproject.toml``.

Found by walking up from the first scanned path (or given with ``--config``), validated by
``schemas/config.schema.json``; errors name the file, line and key.  Precedence is
defaults < config file < command line: the CLI applies its options over what this returns.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from netlint.errors import UsageError
from netlint.options import ScanOptions
from netlint.source import Source
from netlint.yamlnodes import locate, parse_documents

CONFIG_NAMES = (".netlint.yaml", ".netlint.yml")


def find_config(start: str) -> str | None:
    """The nearest config file at or above ``start`` (a file or directory)."""
    here = Path(start if start != "-" else ".").resolve()
    if not here.is_dir():
        here = here.parent
    for directory in (here, *here.parents):
        for name in CONFIG_NAMES:
            candidate = directory / name
            if candidate.is_file():
                return str(candidate)
        pyproject = directory / "pyproject.toml"
        if pyproject.is_file() and _pyproject_section(pyproject) is not None:
            return str(pyproject)
        if (directory / ".git").exists():
            break  # do not leave the repository
    return None


def _toml():  # type: ignore[no-untyped-def]
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    return tomllib


def _pyproject_section(path: Path) -> dict[str, Any] | None:
    try:
        data = _toml().loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise UsageError(f"{path}: cannot read TOML: {err}") from None
    section = data.get("tool", {}).get("netlint")
    return section if isinstance(section, dict) else None


def load_config(path: str) -> tuple[dict[str, Any], str]:
    """Read and validate a config file; returns (settings, directory it is relative to)."""
    from jsonschema import Draft202012Validator

    from netlint.registry import schema

    base = os.path.dirname(os.path.abspath(path))
    doc = None
    if path.endswith(".toml"):
        data = _pyproject_section(Path(path)) or {}
    else:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as err:
            raise UsageError(f"{path}: cannot read config: {err.strerror}") from None
        docs, error = parse_documents(Source(path, text))
        if error is not None:
            raise UsageError(f"{path}:{error.line0 + 1}:{error.col0 + 1}: {error.message}")
        data = docs[0].value if docs else {}
        doc = docs[0] if docs else None
        if data is None:
            data = {}
    if not isinstance(data, dict):
        raise UsageError(f"{path}:1: the configuration must be a mapping")
    errors = list(Draft202012Validator(schema("config.schema.json")).iter_errors(data))
    if errors:
        first = min(errors, key=lambda e: list(map(str, e.absolute_path)))
        key = ".".join(map(str, first.absolute_path)) or "<top>"
        where = path
        if doc is not None:
            _, span = locate(doc, tuple(first.absolute_path))
            where = f"{path}:{span.start_line}:{span.start_column}"
        message = first.message
        if first.validator == "additionalProperties" and not first.absolute_path:
            message = f"unknown key: {message}"
        raise UsageError(f"{where}: key '{key}': {message}")
    return dict(data), base


def apply_config(options: ScanOptions, data: dict[str, Any], base: str) -> ScanOptions:
    """Settings from a config file over the defaults."""
    simple = {
        "select": "select", "ignore": "ignore", "exclude": "exclude",
        "pss-version": "pss_version", "pss-level": "pss_level", "namespace": "namespace",
        "fail-on": "fail_on", "max-file-size": "max_file_size", "jobs": "jobs",
        "compose-ignore-env": "compose_ignore_env",
        "join-scope": "join_scope", "clouds": "clouds",
    }
    for key, attr in simple.items():
        if key in data:
            setattr(options, attr, data[key])
    if "severity" in data:
        options.severity_overrides.update(data["severity"])
    if "params" in data:
        for rid, params in data["params"].items():
            options.rule_params.setdefault(rid, {}).update(params)
    if "per-path-ignores" in data:
        options.per_path_ignores.update(data["per-path-ignores"])
    if "rules" in data:
        options.rule_dirs.extend(os.path.join(base, d) for d in data["rules"])
    return options
