"""Effective scan options: defaults < config file < command line, already merged."""

from __future__ import annotations

from dataclasses import dataclass, field

LATEST_PSS_VERSION = (1, 37)


@dataclass
class ScanOptions:
    select: list[str] = field(default_factory=list)  # empty: every rule
    ignore: list[str] = field(default_factory=list)
    severity_overrides: dict[str, str] = field(default_factory=dict)
    rule_params: dict[str, dict[str, object]] = field(default_factory=dict)
    per_path_ignores: dict[str, list[str]] = field(default_factory=dict)
    exclude: list[str] = field(default_factory=list)
    rule_dirs: list[str] = field(default_factory=list)
    pss_version: str = "latest"
    pss_level: str = "auto"  # "auto" (from --select) | "baseline" | "restricted" | "namespace"
    namespace: str = "default"  # namespace of objects that do not name one
    fail_on: str = "warning"
    include_suppressed: bool = False
    max_file_size: int = 10 * 1024 * 1024
    jobs: int = 0  # worker processes; 0: one per core (small scans stay in-process)
    envoy_validate: bool = False
    compose_ignore_env: bool = False
    # Compose may read include/extends/env_file files outside the scanned tree and its
    # repository (never /proc, /dev or /sys)
    compose_allow_outside: bool = False
    config_file: str | None = None
    # the directory `exclude` and `per-path-ignores` patterns are relative to: the config
    # file's ("" = the current directory)
    config_dir: str = ""
    root: str = "."  # directory SARIF uris are relative to
    # cross-file joins (netlint/model/units.py): "unit" | "scan" | globs that each form one
    join_scope: str | list[str] = "unit"
    clouds: list[str] = field(default_factory=list)  # opt-in metadata endpoints ("alibaba")
    # the directories scanned (and given as --context): the fallback join units
    scan_roots: list[str] = field(default_factory=list)
    # the incremental cache (netlint/cache.py): the command line turns it on unless
    # --no-cache or `cache: false`; None: the user's cache directory
    cache: bool = False
    cache_dir: str | None = None
    # Helm charts and kustomizations (netlint/render/)
    render: bool = True  # --no-render: read their files as plain manifests, as before
    helm_values: list[str] = field(default_factory=list)  # --helm-values, in order
    helm_set: list[str] = field(default_factory=list)  # --helm-set key=value
    chart_values: dict[str, list[str]] = field(default_factory=dict)  # chart dir -> files
    helm_binary: str | None = None  # a path, a name on PATH, or "sdk"
    kustomize_binary: str | None = None  # kustomize, or kubectl (run as `kubectl kustomize`)
    render_timeout: float = 60.0  # seconds per chart or kustomization
    # compliance views (netlint/compliance): templates whose COLLECT runs even when none of
    # their rules is selected, and collector names whose records the scan result keeps
    collect_templates: list[str] = field(default_factory=list)
    keep_records: list[str] = field(default_factory=list)
    # reports show each finding's fix (JSON, SARIF): computed while checking, where each
    # file is parsed anyway, and kept in the incremental cache (netlint/fix/report.py)
    finding_fixes: bool = False


def parse_pss_version(text: str) -> tuple[int, int]:
    """``latest`` or ``v1.N`` -> (1, N); versions newer than the newest known clamp to it."""
    from netlint.errors import UsageError

    if text == "latest":
        return LATEST_PSS_VERSION
    major, _, minor = text.removeprefix("v").partition(".")
    if not text.startswith("v") or major != "1" or not minor.isdigit() or (
        len(minor) > 1 and minor.startswith("0")
    ):
        raise UsageError(f"--pss-version: expected 'latest' or 'v1.N', got '{text}'")
    return min((1, int(minor)), LATEST_PSS_VERSION)
