"""Render a Helm chart with the real Helm: the ``helm`` binary or the helm-python-sdk.

The result is the stream ``helm template --include-crds`` prints: documents, each after a
``# Source: <chart>/templates/<file>`` comment that mapping.py follows back to the
template.  Values come from the chart's ``values.yaml``, then ``--helm-values`` files and
per-chart ``values`` files from the config, then ``--helm-set`` (Helm's own precedence).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

from netlint.render.tools import RenderError, Tool, run_tool

RELEASE_NAME = "release-name"  # what `helm template` calls a release it is not given


@dataclass(frozen=True)
class HelmValues:
    files: tuple[str, ...] = ()  # values files, lowest precedence first
    sets: tuple[str, ...] = ()  # key=value, as helm's --set


@dataclass
class ChartInfo:
    directory: str
    name: str  # the chart's name in Chart.yaml: the first part of `# Source:` paths
    dependencies: list[dict[str, Any]] = field(default_factory=list)


def read_chart(directory: str) -> ChartInfo:
    """Chart.yaml's name and dependencies (a chart without a readable name is an error,
    as for helm)."""
    path = os.path.join(directory, "Chart.yaml")
    try:
        with open(path, encoding="utf-8") as fh:
            data = yaml.safe_load(fh)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:
        raise RenderError(f"Chart.yaml cannot be read: {_short(err)}") from None
    if not isinstance(data, dict) or not isinstance(data.get("name"), str):
        raise RenderError("Chart.yaml has no 'name'; helm cannot load this chart")
    deps = data.get("dependencies")
    return ChartInfo(directory, data["name"],
                     [d for d in deps if isinstance(d, dict)] if isinstance(deps, list) else [])


def missing_dependencies(info: ChartInfo) -> list[str]:
    """Dependencies named in Chart.yaml but not vendored in ``charts/`` (rendering is
    offline: nothing is downloaded)."""
    charts = os.path.join(info.directory, "charts")
    present: set[str] = set()
    if os.path.isdir(charts):
        for entry in sorted(os.listdir(charts)):
            full = os.path.join(charts, entry)
            if entry.endswith(".tgz"):
                present.add(entry[:-4].rsplit("-", 1)[0])
                present.add(entry[:-4])
            elif os.path.isfile(os.path.join(full, "Chart.yaml")):
                try:
                    present.add(read_chart(full).name)
                except RenderError:
                    present.add(entry)
    missing = []
    for dep in info.dependencies:
        name = dep.get("name")
        if isinstance(name, str) and name not in present:
            missing.append(name)
    return missing


def render_chart(tool: Tool, info: ChartInfo, values: HelmValues, namespace: str,
                 timeout: float) -> str:
    missing = missing_dependencies(info)
    if missing:
        names = ", ".join(missing)
        raise RenderError(f"dependencies named in Chart.yaml are missing from charts/: {names}; "
                          "netlint renders offline: vendor them with `helm dependency build`")
    directory = os.path.abspath(info.directory)
    if tool.name == "helm-sdk":
        request = {"chart": directory, "values": merged_values(values),
                   "release": RELEASE_NAME, "namespace": namespace}
        return run_tool([sys.executable, "-m", "netlint.render.helm_sdk_worker"], timeout,
                        stdin=json.dumps(request).encode())
    argv = [*tool.command, "template", RELEASE_NAME, directory, "--include-crds",
            "--namespace", namespace]
    for path in values.files:
        argv += ["--values", os.path.abspath(path)]
    for assignment in values.sets:
        argv += ["--set", assignment]
    return run_tool(argv, timeout)


def merged_values(values: HelmValues) -> dict[str, Any]:
    """The user's values for the SDK (the chart's own values.yaml is merged by Helm):
    files in order, then ``--set``; a null removes a key, as in Helm."""
    out: dict[str, Any] = {}
    for path in values.files:
        try:
            with open(path, encoding="utf-8") as fh:
                data = yaml.safe_load(fh)
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:
            raise RenderError(f"values file {path} cannot be read: {_short(err)}") from None
        if data is None:
            continue
        if not isinstance(data, dict):
            raise RenderError(f"values file {path} is not a mapping")
        _merge(out, data)
    for assignment in values.sets:
        _merge(out, parse_set(assignment))
    return out


def _merge(into: dict[str, Any], other: Mapping[str, Any]) -> None:
    for key, value in other.items():
        if isinstance(value, Mapping) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = dict(value) if isinstance(value, Mapping) else value


def parse_set(assignment: str) -> dict[str, Any]:
    """``a.b=c,d=e`` as ``helm --set`` reads it for the common cases: dotted keys,
    ``\\.`` for a dot inside a key, ``\\,`` for a comma in a value, scalars typed as YAML
    (``true``, ``1``, ``null``).  List indices (``a[0]``) are for the helm binary."""
    out: dict[str, Any] = {}
    for part in _split_unescaped(assignment, ","):
        key, sep, raw = part.partition("=")
        if not sep or not key:
            raise RenderError(f"--helm-set {assignment!r}: expected key=value")
        if "[" in key:
            raise RenderError(f"--helm-set {key!r}: list indices need the helm binary "
                              "(helm-binary); use a values file with the SDK")
        keys = [k.replace("\\.", ".") for k in _split_unescaped(key, ".")]
        value: Any = yaml.safe_load(raw) if raw else ""
        if isinstance(value, (dict, list)):
            value = raw  # helm --set reads {..} and [..] as strings
        node = out
        for k in keys[:-1]:
            node = node.setdefault(k, {})
        node[keys[-1]] = value
    return out


def _split_unescaped(text: str, sep: str) -> list[str]:
    parts, current, i = [], [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text) and text[i + 1] == sep:
            current.append("\\" + sep if sep == "." else sep)
            i += 2
            continue
        if text[i] == sep:
            parts.append("".join(current))
            current = []
        else:
            current.append(text[i])
        i += 1
    parts.append("".join(current))
    return parts


def values_sources(info: ChartInfo, values: HelmValues) -> Sequence[str]:
    """The values files in precedence order, highest first (for naming where a value was
    set): the user's files last-first, then the chart's values.yaml."""
    chart_values = os.path.join(info.directory, "values.yaml")
    files = [*reversed(values.files)]
    if os.path.isfile(chart_values):
        files.append(chart_values)
    return files


def _short(err: Exception) -> str:
    return " ".join(str(err).split())[:300]
