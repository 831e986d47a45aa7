"""The engine's modules follow the data's way and import only downwards.

discover -> render (Helm, Kustomize) -> load -> check (rules, then the per-file and cross-file
runs) -> resolve ->
engine (wires the steps) -> report -> command line.  A module may import modules of its
own step or of earlier steps, never of a later one, and no import cycle exists anywhere
(imports inside functions and under ``TYPE_CHECKING`` count too: a cycle hidden in a
function is still a cycle).
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "netlint"

STEPS = ("base", "discover", "render", "load", "rules", "check", "resolve", "engine", "report",
         "cli")

# module (or package prefix) -> step; the longest matching prefix decides
MODULE_STEPS = {
    # what every step uses: values, positions, options, parsing, finding factories
    "netlint": "base",  # the package itself (__version__)
    "netlint._rules": "base",  # the shipped rule files (data)
    "netlint.errors": "base",
    "netlint.version": "base",
    "netlint.source": "base",
    "netlint.findings": "base",
    "netlint.severities": "base",
    "netlint.options": "base",
    "netlint.yamlnodes": "base",
    "netlint.places": "base",
    "netlint.progress": "base",
    "netlint.fingerprints": "base",
    "netlint.uris": "base",
    "netlint.escaping": "base",  # scanned text made safe for terminals and CI logs
    "netlint.output": "base",  # atomic report and baseline writing
    "netlint.pathmatch": "base",  # config path patterns (discovery and resolve use them)
    "netlint.discovery": "discover",
    # Helm charts and kustomizations rendered by the real tools, with their mappers
    "netlint.render": "render",
    "netlint.loaders": "load",
    "netlint.suppressions": "load",
    "netlint.load": "load",
    "netlint.skips": "load",
    "netlint.cache": "load",
    # the rules: registry, templates and the models they share (the Envoy index is one)
    "netlint.registry": "rules",
    "netlint.templates": "rules",
    "netlint.model": "rules",
    "netlint.loaders.envoy": "rules",
    "netlint.plan": "check",
    "netlint.check": "check",
    "netlint.check_compose": "check",  # the Compose findings kept by the cache
    "netlint.parallel": "check",
    "netlint.redaction": "check",  # environment values out of findings
    "netlint.resolve": "resolve",
    "netlint.baseline": "resolve",
    "netlint.engine": "engine",
    # compliance: PSS readiness records and the PSP mapping are read by rule templates;
    # the frameworks are rule metadata; evaluating and rendering them is reporting
    "netlint.compliance": "report",
    "netlint.compliance.readiness": "rules",
    "netlint.compliance.psp": "rules",
    "netlint.compliance.frameworks": "rules",
    "netlint._frameworks": "base",
    "netlint.reporters": "report",
    # autofix: a rule's declared fix is rule data; the edits are computed while checking
    # (where the file is parsed; reporters show them) or on reported findings; `netlint
    # fix` scans, writes and scans again
    "netlint.fix.spec": "base",
    "netlint.fix": "check",
    "netlint.fix.run": "cli",
    "netlint.fix.command": "cli",
    "netlint.fix.default_deny": "cli",
    "netlint.cli": "cli",
    "netlint.__main__": "cli",
    "netlint.config": "cli",
    "netlint.docs": "cli",
    "netlint.scaffold": "cli",
    "netlint.github_action": "cli",  # the Action's steps around the scan
    "netlint.ruletest": "cli",  # `netlint test`: runs whole scans
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _step(module: str) -> str:
    best = max((m for m in MODULE_STEPS if module == m or module.startswith(m + ".")),
               key=len, default=None)
    assert best is not None, f"{module}: add it to MODULE_STEPS in {__file__}"
    return MODULE_STEPS[best]


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in PACKAGE.rglob("*.py")}


def _imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """netlint modules that ``path`` imports (``from netlint.x import y`` counts as
    ``netlint.x.y`` when that is a module, else ``netlint.x``)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "netlint")
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0 \
                and node.module.split(".")[0] == "netlint":
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                found.add(sub if sub in modules else node.module)
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(path, modules) - {name} for name, path in modules.items()}


def test_every_module_has_a_step() -> None:
    for name in _modules():
        assert _step(name) in STEPS


def test_no_module_imports_a_later_step() -> None:
    order = {step: i for i, step in enumerate(STEPS)}
    wrong = [
        f"{name} ({_step(name)}) imports {target} ({_step(target)})"
        for name, targets in sorted(_graph().items())
        for target in sorted(targets)
        if order[_step(target)] > order[_step(name)]
    ]
    assert not wrong, "imports against the data's way:\n" + "\n".join(wrong)


def test_no_import_cycles() -> None:
    graph = _graph()
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    cycles: list[str] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for target in sorted(graph.get(node, ())):
            if target not in graph:
                continue  # a name imported from a package's __init__
            if state.get(target) == 1:
                cycles.append(" -> ".join([*path[path.index(target):], target]))
            elif target not in state:
                visit(target, [*path, target])
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def test_the_check_catches_a_later_import(tmp_path: Path) -> None:
    """The test above can fail: a load-step module importing the engine is caught."""
    bad = tmp_path / "netlint" / "load.py"
    bad.parent.mkdir()
    bad.write_text("from netlint.engine import Engine\n", encoding="utf-8")
    imported = _imports(bad, {"netlint.engine": bad})
    assert imported == {"netlint.engine"}
    assert STEPS.index(_step("netlint.engine")) > STEPS.index(_step("netlint.load"))
