"""Configuration: ``.netlint.yaml`` or ``[tool.netlint]`` in ``pyproject.toml``.

Found by walking up from the first scanned path (or given with ``--config``), validated by
``schemas/config.schema.json``; errors name the file, line and key.  Precedence is
defaults < config file < command line: the CLI applies its options over what this returns.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from netlint.errors import UsageError
from netlint.options import ScanOptions
from netlint.source import Source
from netlint.yamlnodes import Document, locate, parse_documents

if TYPE_CHECKING:
    from netlint.registry import Rule

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
    except (OSError, ValueError) as err:  # UnicodeDecodeError is a ValueError
        raise UsageError(f"{path}: cannot read TOML: {err}") from None
    section = data.get("tool", {}).get("netlint")
    return section if isinstance(section, dict) else None


def load_config(path: str) -> tuple[dict[str, Any], str]:
    """Read and validate a config file; returns (settings, directory it is relative to)."""
    from jsonschema import Draft202012Validator

    from netlint.registry import did_you_mean, schema

    base = os.path.dirname(os.path.abspath(path))
    doc = None
    if path.endswith(".toml"):
        data = _pyproject_section(Path(path)) or {}
    else:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as err:
            raise UsageError(f"{path}: cannot read config: {err.strerror}") from None
        except UnicodeDecodeError as err:
            raise UsageError(f"{path}: not UTF-8 text (byte 0x{err.object[err.start]:02x} at "
                             f"offset {err.start}); the config must be UTF-8") from None
        docs, error = parse_documents(Source(path, text))
        if error is not None:
            raise UsageError(f"{path}:{error.line0 + 1}:{error.col0 + 1}: {error.message}")
        data = docs[0].value if docs else {}
        doc = docs[0] if docs else None
        if data is None:
            data = {}
    if not isinstance(data, dict):
        raise UsageError(f"{path}:1: the configuration must be a mapping")
    known_keys = schema("config.schema.json")["properties"]
    for key in data:
        if key not in known_keys:
            raise UsageError(f"{_where(path, doc, (key,))}: unknown key '{key}'"
                             f"{did_you_mean(str(key), known_keys)} (known: "
                             f"{', '.join(sorted(known_keys))})")
    errors = list(Draft202012Validator(schema("config.schema.json")).iter_errors(data))
    if errors:
        first = min(errors, key=lambda e: list(map(str, e.absolute_path)))
        key = ".".join(map(str, first.absolute_path)) or "<top>"
        where = _where(path, doc, tuple(first.absolute_path))
        raise UsageError(f"{where}: key '{key}': {first.message}")
    return dict(data), base


def _where(path: str, doc: Document | None, keys: tuple[Any, ...]) -> str:
    """``file:line:col`` of a key in a YAML config; the file alone for TOML."""
    if doc is None:
        return path
    _, span = locate(doc, keys)
    return f"{path}:{span.start_line}:{span.start_column}"


def check_rule_references(path: str, rules: Mapping[str, Rule]) -> None:
    """Every rule id, tag or target a config names exists, and every ``params:`` override
    is one its rule declares, with a valid value.  Runs once the rules are loaded (they
    may come from the config's own ``rules:`` directories); errors name the file and line
    and suggest the closest name."""
    from netlint.registry import (
        did_you_mean,
        located_params_problem,
        params_problem,
        unknown_selector,
    )

    data, doc = _read(path)
    problems: list[tuple[tuple[Any, ...], str]] = []
    for key in ("select", "ignore"):
        for i, name in enumerate(data.get(key) or ()):
            problem = unknown_selector(rules, name)
            if problem:
                problems.append(((key, i), problem))
    for glob, names in (data.get("per-path-ignores") or {}).items():
        for i, name in enumerate(names):
            problem = unknown_selector(rules, name)
            if problem:
                problems.append((("per-path-ignores", glob, i), problem))
    for key in ("severity", "params"):
        for rid in data.get(key) or {}:
            if rid not in rules:
                problems.append(((key, rid), f"unknown rule id '{rid}'"
                                 f"{did_you_mean(rid, rules)} (see `netlint rules`)"))
    for rid, override in (data.get("params") or {}).items():
        rule = rules.get(rid)
        if rule is None:
            continue
        if rule.template == "builtin":
            if override:
                problems.append((("params", rid, next(iter(override))),
                                 f"rule '{rid}' takes no parameters"))
            continue
        merged = {**rule.params, **override}
        found = located_params_problem(rule.module, merged)
        if found is not None:
            where, message = found
            problems.append((("params", rid, *where), message))
            continue
        problem = params_problem(rule, merged)  # what has no single key (a bad regex)
        if problem:
            problems.append((("params", rid), problem))
    if problems:
        keys, message = problems[0]
        raise UsageError(f"{_where(path, doc, keys)}: key '{'.'.join(map(str, keys))}': "
                         f"{message}")


def _read(path: str) -> tuple[dict[str, Any], Document | None]:
    """The config's settings and, for YAML, its document (for line numbers)."""
    if path.endswith(".toml"):
        return _pyproject_section(Path(path)) or {}, None
    docs, _ = parse_documents(Source(path, Path(path).read_text(encoding="utf-8")))
    if not docs or not isinstance(docs[0].value, dict):
        return {}, None
    return docs[0].value, docs[0]


def apply_config(options: ScanOptions, data: dict[str, Any], base: str) -> ScanOptions:
    """Settings from a config file over the defaults."""
    simple = {
        "select": "select", "ignore": "ignore", "exclude": "exclude",
        "pss-version": "pss_version", "pss-level": "pss_level", "namespace": "namespace",
        "fail-on": "fail_on", "max-file-size": "max_file_size", "jobs": "jobs",
        "compose-ignore-env": "compose_ignore_env", "cache": "cache",
        "render": "render", "helm-set": "helm_set", "render-timeout": "render_timeout",
    }
    for key, attr in simple.items():
        if key in data:
            setattr(options, attr, data[key])
    if "severity" in data:
        options.severity_overrides.update(data["severity"])
    if "params" in data:
        for rid, params in data["params"].items():
            options.rule_params.setdefault(rid, {}).update(params)
    options.config_dir = base
    if "per-path-ignores" in data:
        options.per_path_ignores.update(data["per-path-ignores"])
    if "cache-dir" in data:
        options.cache_dir = os.path.join(base, os.path.expanduser(data["cache-dir"]))
    if "rules" in data:
        options.rule_dirs.extend(os.path.join(base, d) for d in data["rules"])
    # paths in the config are relative to the config file's directory
    for key, attr in (("helm-binary", "helm_binary"), ("kustomize-binary", "kustomize_binary")):
        if key in data:
            value = data[key]
            setattr(options, attr, value if value == "sdk" or os.sep not in value
                    else os.path.join(base, value))
    if "helm-values" in data:
        options.helm_values.extend(os.path.join(base, v) for v in data["helm-values"])
    for chart, settings in data.get("charts", {}).items():
        options.chart_values.setdefault(os.path.join(base, chart), []).extend(
            os.path.join(base, v) for v in settings.get("values", []))
    return options
