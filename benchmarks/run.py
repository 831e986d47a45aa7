"""Benchmark netlint against the floor: parsing the same files with PyYAML's libyaml loader.

In one run: generate (or reuse) corpora of N and 4N resources, then time

* the floor: ``yaml.load_all(text, Loader=yaml.CSafeLoader)`` over every file;
* the engine in-process (``Engine(ScanOptions(jobs=...)).scan``), all rules on;
* ``netlint scan`` as a subprocess (wall time and peak memory, ``ru_maxrss``);
* ``netlint --version`` and a scan of one small file (pre-commit latency);
* linearity: seconds per resource at 4N over seconds per resource at N;
* the incremental cache: ``--jobs 1`` scans cold (an empty cache), warm with nothing
  changed, warm after one edited file, and the pre-commit hook's one-file scan with the
  repository as context (about 2,000 files), all as CPU time of the netlint process
  (``getrusage``: a shared machine's noise hits wall time most).

Every cold CLI run gets an empty cache directory of its own, so cold means cold.

    python -m benchmarks.run                    # 10k and 40k resources, prints targets
    python -m benchmarks.run --huge 100000      # also 100k resources (linearity, memory)
    python -m benchmarks.run --smoke            # 200 and 400 resources, no verdicts
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from benchmarks.generate import generate, generate_rendered

ROOT = Path(__file__).resolve().parent.parent
SMALL_FILE = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: app
          image: nginx:1.27
          securityContext:
            runAsNonRoot: true
"""

# targets on a 2-core machine (issues 9 and 17)
MAX_RATIO = 1.3  # cold scan wall time with the default jobs
MAX_COLD_CPU = 2.0  # cold scan CPU time with --jobs 1
MAX_WARM = 0.25  # warm re-scan CPU time, nothing changed
MAX_EDIT = 0.35  # warm re-scan CPU time after one file changed
MAX_PRECOMMIT_S = 0.5  # pre-commit hook wall time, one changed file, warm cache
MAX_HUGE_RSS_MB = 600.0  # --huge (100,000 resources)
MAX_RSS_MB = 400.0
MAX_LINEARITY = 1.25  # seconds/resource at 4N over seconds/resource at N
MAX_VERSION_S = 0.15
MAX_SMALL_FILE_S = 0.4


def corpus(workdir: Path, resources: int, seed: int) -> tuple[Path, dict[str, int]]:
    """A generated corpus, reused when the same size and seed were generated before."""
    path = workdir / f"corpus-{resources}-{seed}"
    stamp = path / ".counts.json"
    if stamp.is_file():
        return path, json.loads(stamp.read_text())
    counts = generate(path, resources, seed)
    stamp.write_text(json.dumps(counts))
    return path, counts


def files_of(path: Path) -> list[Path]:
    return sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml", ".json"))


def timed(fn: Callable[[], Any]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process) of one call."""
    before = resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter()
    fn()
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_SELF)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def parse_floor(files: list[Path]) -> None:
    for f in files:
        with open(f, encoding="utf-8") as fh:
            for _ in yaml.load_all(fh.read(), Loader=yaml.CSafeLoader):
                pass


def engine_scan(path: Path, jobs: int) -> Any:
    from netlint.engine import Engine
    from netlint.options import ScanOptions

    return Engine(ScanOptions(jobs=jobs)).scan([str(path)])


def netlint_cmd() -> list[str]:
    exe = shutil.which("netlint", path=os.path.dirname(sys.executable))
    return [exe] if exe else [sys.executable, "-m", "netlint"]


_ENV: dict[str, str] = {}


def cli_env(workdir: Path) -> None:
    """Subprocesses may cache bytecode (in the work directory) even where the environment
    forbids it: an installed netlint has compiled bytecode, and start-up is measured."""
    _ENV.update(os.environ)
    _ENV.pop("PYTHONDONTWRITEBYTECODE", None)
    _ENV["PYTHONPYCACHEPREFIX"] = str(workdir / "pycache")


def run_cli(args: list[str], cwd: Path | None = None) -> tuple[float, float, float, int]:
    """Wall seconds, CPU seconds (with workers), peak RSS in MB, exit code of one run.

    The peak is ``ru_maxrss`` of the netlint process, which Linux raises to the largest of
    the worker processes it waited for when one of them was larger.
    """
    start = time.perf_counter()
    proc = subprocess.Popen([*netlint_cmd(), *args], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, cwd=cwd, env=_ENV or None)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, proc.returncode


def measure(path: Path, counts: dict[str, int], jobs: int, repeat: int) -> dict[str, Any]:
    """Best of ``repeat`` rounds; each round runs the floor, the engine and the CLI in turn,
    so a busy machine slows all three alike rather than one of them."""
    files = files_of(path)
    best: dict[str, float] = {}
    findings = internal = 0
    rss = 0.0
    result: list[Any] = []

    def keep(name: str, value: float) -> None:
        best[name] = min(best.get(name, float("inf")), value)

    for _ in range(repeat):
        wall, cpu = timed(lambda: parse_floor(files))
        keep("floor_s", wall)
        keep("floor_cpu_s", cpu)
        wall, _ = timed(lambda: result.append(engine_scan(path, jobs)))
        keep("engine_s", wall)
        findings = len(result[-1].findings)
        internal = sum(f.rule_id == "internal-error" for f in result[-1].findings)
        del result[:]
        wall, cpu, peak, code = run_cli(["scan", str(path), "--format", "json", "-o",
                                         os.devnull, "--fail-on", "never", "--jobs", str(jobs),
                                         "--cache-dir", fresh_cache_dir()])
        if code != 0:
            raise SystemExit(f"netlint scan exited {code} on {path}")
        keep("cli_s", wall)
        keep("cli_cpu_s", cpu)
        rss = max(rss, peak)
    return {"resources": counts["resources"], "files": len(files), **best, "rss_mb": rss,
            "findings": findings, "internal_errors": internal}


def measure_fix(path: Path, workdir: Path) -> dict[str, Any]:
    """``netlint fix`` (safe fixes) on a fresh copy of a corpus: wall and CPU seconds, what
    it reported, and whether a second run (``--diff``) would change anything."""
    copy = workdir / f"fix-{path.name}"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(path, copy)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen([*netlint_cmd(), "fix", str(copy), "--fail-on", "never"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            env=_ENV or None)
    _, err = proc.communicate()
    wall = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"netlint fix exited {proc.returncode} on {copy}: {err}")
    summary = next((line for line in err.splitlines() if " fixed " in line), "")
    again = subprocess.run([*netlint_cmd(), "fix", str(copy), "--diff"], capture_output=True,
                           text=True, env=_ENV or None, check=False)
    shutil.rmtree(copy, ignore_errors=True)
    cpu = (usage.ru_utime - children.ru_utime) + (usage.ru_stime - children.ru_stime)
    return {"fix_s": wall, "fix_cpu_s": cpu,
            "fix_summary": summary.removeprefix("netlint: "),
            "fix_second_run_changes": again.returncode != 0}


_CACHES: list[str] = []


def fresh_cache_dir() -> str:
    """An empty cache directory: a cold scan pays for writing the cache, as a first run."""
    path = tempfile.mkdtemp(prefix="netlint-bench-cache-")
    _CACHES.append(path)
    return path


def scan_args(path: Path | str, cache: str, jobs: int = 1) -> list[str]:
    return ["scan", str(path), "--format", "json", "-o", os.devnull, "--fail-on", "never",
            "--jobs", str(jobs), "--cache-dir", cache]


def best_cli(args: list[str], repeat: int, cwd: Path | None = None,
             before: Callable[[int], None] | None = None) -> tuple[float, float, float]:
    """Best wall and CPU seconds (and the peak MB) of ``repeat`` runs."""
    walls, cpus, peak = [], [], 0.0
    for i in range(repeat):
        if before is not None:
            before(i)
        wall, cpu, rss, code = run_cli(args, cwd)
        if code != 0:
            raise SystemExit(f"netlint {' '.join(args)} exited {code}")
        walls.append(wall)
        cpus.append(cpu)
        peak = max(peak, rss)
    return min(walls), min(cpus), peak


def edit_file(corpus_dir: Path, kind: str) -> tuple[Path, Callable[[int], None]]:
    """A Deployment file and an edit of it, different on every call: its image (what the
    cross-file rules read stays the same) or a pod label (they must run again)."""
    def editable(p: Path) -> bool:
        text = p.read_text()
        return "kind: Deployment" in text and "image: " in text and "app: " in text

    target = next(p for p in sorted(corpus_dir.rglob("*.yaml")) if editable(p))
    original = target.read_text()

    def edit(i: int) -> None:
        if kind == "image":
            text = original.replace("image: ", f"image: edited{i}.example/", 1)
        else:
            text = original.replace("app: ", f"app: edited{i}-", 1)
        target.write_text(text)

    return target, edit


def cache_runs(small_path: Path, workdir: Path, repeat: int, smoke: bool) -> dict[str, float]:
    """Cold ``--jobs 1`` CPU, and warm re-scans: unchanged, after one edited file, and the
    pre-commit case (one file scanned with the repository as context) in a repository of
    about 2,000 files."""
    out: dict[str, float] = {}
    files = files_of(small_path)
    out["floor_cpu_s"] = min(timed(lambda: parse_floor(files))[1] for _ in range(repeat))
    colds = [run_cli(scan_args(small_path, fresh_cache_dir()))[:2] for _ in range(repeat)]
    out["cold_j1_s"], out["cold_j1_cpu_s"] = min(c[0] for c in colds), min(c[1] for c in colds)
    out["nocache_j1_cpu_s"] = min(
        run_cli([*scan_args(small_path, "unused")[:-2], "--no-cache"])[1] for _ in range(repeat))
    cache = fresh_cache_dir()
    best_cli(scan_args(small_path, cache), 1)  # fill the cache
    out["warm_s"], out["warm_cpu_s"], _ = best_cli(scan_args(small_path, cache), repeat)
    # edits need a copy of the corpus (the corpus itself is reused between runs)
    copy = workdir / "edited-copy"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(small_path, copy)
    for kind in ("image", "label"):
        cache = fresh_cache_dir()
        best_cli(scan_args(copy, cache), 1)
        _, edit = edit_file(copy, kind)
        wall, cpu, _ = best_cli(scan_args(copy, cache), repeat, before=edit)
        out[f"edit_{kind}_s"], out[f"edit_{kind}_cpu_s"] = wall, cpu
    shutil.rmtree(copy, ignore_errors=True)
    # pre-commit: `netlint scan --allow-empty --context . FILE` in the repository
    repo, _ = corpus(workdir, 60 if smoke else 3_550, 7)
    out["repo_files"] = len(files_of(repo))
    changed, edit = edit_file(repo, "image")
    hook = ["scan", "--allow-empty", "--context", ".", str(changed.relative_to(repo)),
            "--fail-on", "never"]
    cache = fresh_cache_dir()
    best_cli([*hook, "--cache-dir", cache], 1, cwd=repo)  # the previous commit's run
    out["precommit_s"], out["precommit_cpu_s"], _ = best_cli(
        [*hook, "--cache-dir", cache], repeat + 2, cwd=repo, before=edit)
    out["precommit_nocache_s"] = best_cli([*hook, "--no-cache"], 1, cwd=repo)[0]
    return out


def measure_rendering(workdir: Path, smoke: bool) -> dict[str, Any] | None:
    """Helm charts and kustomize overlays: time in the renderers (helm / helm-python-sdk,
    kustomize / kubectl) apart from netlint's own scan of the rendered output."""
    from netlint.engine import Engine
    from netlint.options import ScanOptions
    from netlint.render.tools import find_helm, find_kustomize

    helm, kustomize = find_helm(None), find_kustomize(None)
    if helm is None or kustomize is None:
        return None
    charts, templates, overlays = (2, 5, 2) if smoke else (20, 10, 10)
    path = workdir / f"rendered-{charts}-{templates}-{overlays}"
    counts = generate_rendered(path, charts, templates, overlays)
    started = time.perf_counter()
    result = Engine(ScanOptions()).scan([str(path)])
    total = time.perf_counter() - started
    stats = result.stats
    return {**counts, "units": stats.rendered_units, "render_s": stats.render_seconds,
            "scan_s": total - stats.render_seconds, "total_s": total,
            "findings": len(result.findings), "helm": helm.label, "kustomize": kustomize.label,
            "internal_errors": sum(f.rule_id == "internal-error" for f in result.findings)}


def verdict(ok: bool, smoke: bool) -> str:
    return "(smoke: no verdict)" if smoke else ("met" if ok else "NOT MET")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="netlint benchmark")
    parser.add_argument("--resources", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=None,
                        help="size of the linearity corpus (default: 4x --resources)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=0,
                        help="netlint --jobs (default 0: what netlint picks)")
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs")
    parser.add_argument("--workdir", default=None, help="where corpora are kept (reused)")
    parser.add_argument("--smoke", action="store_true",
                        help="tiny corpora, one run each, no verdicts (CI)")
    parser.add_argument("--json", dest="json_out", default=None, help="also write results here")
    parser.add_argument("--huge", type=int, default=0,
                        help="also scan a corpus of this many resources (e.g. 100000): "
                        "linearity and memory")
    args = parser.parse_args(argv)
    if args.smoke:
        args.resources, args.repeat = min(args.resources, 200), 1
    large = args.large or (2 if args.smoke else 4) * args.resources
    latency_runs = 2 if args.smoke else 5
    workdir = Path(args.workdir or os.path.join(tempfile.gettempdir(), "netlint-bench"))
    workdir.mkdir(parents=True, exist_ok=True)
    cli_env(workdir)

    print(f"netlint benchmark: {os.cpu_count()} cores, jobs={args.jobs}, seed={args.seed}, "
          f"best of {args.repeat}")
    small_path, small_counts = corpus(workdir, args.resources, args.seed)
    large_path, large_counts = corpus(workdir, large, args.seed)
    runs = [measure(small_path, small_counts, args.jobs, args.repeat),
            measure(large_path, large_counts, args.jobs, max(1, args.repeat - 1))]

    print(f"\n{'resources':>10} {'files':>7} {'libyaml s':>10} {'engine s':>9} {'cli s':>7} "
          f"{'cli/floor':>9} {'res/s':>8} {'peak MB':>8} {'findings':>9}   CPU s: libyaml, cli")
    for r in runs:
        print(f"{r['resources']:>10} {r['files']:>7} {r['floor_s']:>10.2f} {r['engine_s']:>9.2f} "
              f"{r['cli_s']:>7.2f} {r['cli_s'] / r['floor_s']:>9.2f} "
              f"{r['resources'] / r['cli_s']:>8.0f} {r['rss_mb']:>8.0f} {r['findings']:>9}   "
              f"{r['floor_cpu_s']:.2f}, {r['cli_cpu_s']:.2f}")

    fixed = measure_fix(small_path, workdir)
    print(f"\nfix of {small_counts['resources']} resources (safe fixes, ruamel.yaml only for "
          f"the files that change): {fixed['fix_s']:.2f} s wall, {fixed['fix_cpu_s']:.2f} s CPU; "
          f"{fixed['fix_summary']}; "
          f"second run would change files: {fixed['fix_second_run_changes']}")

    with tempfile.TemporaryDirectory() as tmp:
        small_file = Path(tmp) / "deployment.yaml"
        small_file.write_text(SMALL_FILE)
        version_s = min(run_cli(["--version"])[0] for _ in range(latency_runs))
        single_s = min(run_cli(["scan", str(small_file), "--fail-on", "never"], Path(tmp))[0]
                       for _ in range(latency_runs))

    base, big = runs
    smoke = args.smoke
    cached = cache_runs(small_path, workdir, args.repeat, smoke)
    huge = measure(*corpus(workdir, args.huge, args.seed), args.jobs, 1) if args.huge else None
    for path in _CACHES:
        shutil.rmtree(path, ignore_errors=True)

    ratio = base["cli_s"] / base["floor_s"]
    engine_ratio = base["engine_s"] / base["floor_s"]
    linearity = (big["cli_s"] / big["resources"]) / (base["cli_s"] / base["resources"])
    rss = max(r["rss_mb"] for r in runs)
    internal = sum(r["internal_errors"] for r in runs)
    cpu_ratio = base["cli_cpu_s"] / base["floor_cpu_s"]
    floor_cpu = cached["floor_cpu_s"]
    cold_j1 = cached["cold_j1_cpu_s"] / floor_cpu
    warm = cached["warm_cpu_s"] / floor_cpu
    edit_image = cached["edit_image_cpu_s"] / floor_cpu
    edit_label = cached["edit_label_cpu_s"] / floor_cpu
    results: list[tuple[str, bool]] = []

    def report(text: str, ok: bool) -> None:
        results.append((text, ok))
        print(f"{text}: {verdict(ok, smoke)}")

    n = base["resources"]
    print(f"\ncold (empty cache), {n} resources; ratios to the libyaml load_all floor:")
    report(f"  default jobs: {ratio:.2f}x wall ({engine_ratio:.2f}x in-process engine; CPU "
           f"{cpu_ratio:.2f}x, all processes) (target <= {MAX_RATIO}x wall)", ratio <= MAX_RATIO)
    report(f"  --jobs 1: CPU {cold_j1:.2f}x ({cached['cold_j1_cpu_s']:.2f} s vs floor "
           f"{floor_cpu:.2f} s; --no-cache {cached['nocache_j1_cpu_s'] / floor_cpu:.2f}x) "
           f"(target <= {MAX_COLD_CPU}x)", cold_j1 <= MAX_COLD_CPU)
    report(f"  peak memory at {big['resources']} resources {rss:.0f} MB (target < "
           f"{MAX_RSS_MB:.0f} MB)", rss < MAX_RSS_MB)
    report(f"  linearity: s/resource at {big['resources']} over s/resource at {n} = "
           f"{linearity:.2f} (target <= {MAX_LINEARITY})", linearity <= MAX_LINEARITY)
    if huge is not None:
        huge_linearity = (huge["cli_s"] / huge["resources"]) / (base["cli_s"] / n)
        report(f"  {huge['resources']} resources: s/resource {huge_linearity:.2f}x that at {n}"
               f" (target <= {MAX_LINEARITY}), peak {huge['rss_mb']:.0f} MB (target < "
               f"{MAX_HUGE_RSS_MB:.0f} MB)",
               huge_linearity <= MAX_LINEARITY and huge["rss_mb"] < MAX_HUGE_RSS_MB)
    print(f"warm (cache filled by the previous run), {n} resources, --jobs 1; CPU ratios:")
    report(f"  unchanged: {warm:.2f}x ({cached['warm_cpu_s']:.2f} s CPU, "
           f"{cached['warm_s']:.2f} s wall) (target <= {MAX_WARM}x)", warm <= MAX_WARM)
    report(f"  one file edited (an image): {edit_image:.2f}x ({cached['edit_image_cpu_s']:.2f} s"
           f" CPU) (target <= {MAX_EDIT}x)", edit_image <= MAX_EDIT)
    report(f"  one file edited (a pod label: cross-file rules run again): {edit_label:.2f}x "
           f"({cached['edit_label_cpu_s']:.2f} s CPU) (target <= {MAX_EDIT}x)",
           edit_label <= MAX_EDIT)
    report(f"  pre-commit, one changed file, --context . over {cached['repo_files']:.0f} files: "
           f"{cached['precommit_s']:.3f} s wall ({cached['precommit_cpu_s']:.3f} s CPU; "
           f"{cached['precommit_nocache_s']:.3f} s without the cache) (target < "
           f"{MAX_PRECOMMIT_S} s)", cached["precommit_s"] < MAX_PRECOMMIT_S)
    print("start-up:")
    report(f"  netlint --version: {version_s:.3f} s (target < {MAX_VERSION_S} s)",
           version_s < MAX_VERSION_S)
    report(f"  single small file scan: {single_s:.3f} s (target < {MAX_SMALL_FILE_S} s)",
           single_s < MAX_SMALL_FILE_S)
    rendering = measure_rendering(workdir, smoke)
    if rendering is None:
        print("rendering: skipped (no Helm or no Kustomize renderer installed)")
    else:
        print(f"rendering: {rendering['charts']} charts and {rendering['overlays']} kustomize "
              f"overlays ({rendering['units']} units, {rendering['resources']} resources; "
              f"{rendering['helm']}, {rendering['kustomize']}): render "
              f"{rendering['render_s']:.2f} s, scan {rendering['scan_s']:.2f} s, "
              f"{rendering['findings']} findings")
        internal += rendering["internal_errors"]
    print(f"internal-error findings: {internal}")
    if args.json_out:
        Path(args.json_out).write_text(json.dumps({
            "runs": runs, "ratio": ratio, "engine_ratio": engine_ratio, "cpu_ratio": cpu_ratio,
            "rss_mb": rss, "linearity": linearity, "version_s": version_s,
            "single_file_s": single_s, "cache": cached, "huge": huge, "rendering": rendering,
            "targets": [{"target": text.strip(), "met": ok} for text, ok in results],
            **fixed,
        }, indent=2))
    if internal or fixed["fix_second_run_changes"]:
        return 1
    return 0 if smoke or all(ok for _, ok in results) else 3

if __name__ == "__main__":
    sys.exit(main())
