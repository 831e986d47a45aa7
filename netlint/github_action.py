"""The GitHub Action's steps that are not the scan itself (see action.yml).

``python -m netlint.github_action COMMAND``:

``split VAR``
    Split the environment variable ``VAR`` (an action input) into shell-style words and
    write them NUL-separated to stdout, never evaluating them.  Broken quoting is one
    ``::error`` line and exit code 2, not a traceback.
``upload-check``
    Decide whether the SARIF upload to code scanning can work.  Pull requests from forks
    and events triggered by Dependabot run with a read-only ``GITHUB_TOKEN`` (GitHub:
    "Automatic token authentication", "Troubleshooting Dependabot on GitHub Actions"), so
    the upload would fail the job; then the upload is skipped with a notice and the SARIF
    is offered as a workflow artifact instead.  Writes ``upload``, ``artifact`` and
    ``artifact-name`` to ``$GITHUB_OUTPUT``.
``report SARIF``
    Always write the job summary (counts per severity and rule, the most severe findings
    with links to the lines and the rule docs) to ``$GITHUB_STEP_SUMMARY`` and print
    workflow annotations for the most severe findings, capped at GitHub's limits of 10
    annotations of each level per step.

Everything that came from a scanned file (messages, paths) is escaped for the workflow
command or Markdown it goes into, so a file cannot inject a command or markup.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import sys
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from netlint.reporters.github import _cell, escape_data, escape_property

ANNOTATIONS_PER_LEVEL = 10  # GitHub shows at most 10 per level (error/warning/notice) per step
SUMMARY_TOP = 30  # findings listed in the job summary
MESSAGE_CHARS = 300  # longer messages are cut in the summary (annotations carry all of it)
_LEVEL_RANK = {"error": 3, "warning": 2, "note": 1, "none": 0}
_ANNOTATION = {"error": "error", "warning": "warning", "note": "notice", "none": "notice"}
# events whose token is read-only when the pull request comes from another repository
_PR_EVENTS = frozenset({"pull_request", "pull_request_review", "pull_request_review_comment"})
DEPENDABOT = "dependabot[bot]"


def _log_text(text: str) -> str:
    """One line of plain log text: no line breaks, so nothing can start a command."""
    return escape_data(" ".join(str(text).split()))


# --- split -----------------------------------------------------------------------------

def split_input(name: str, value: str) -> list[str]:
    try:
        return shlex.split(value)
    except ValueError as err:
        raise InputError(f"the '{name}' input is not valid shell-style words ({err}); "
                         "quote names with spaces as 'my dir' and close every quote") from err


class InputError(Exception):
    pass


# --- upload-check ----------------------------------------------------------------------

@dataclass(frozen=True)
class UploadDecision:
    upload: bool
    artifact: bool
    reason: str  # why the upload is skipped ("" when it is not)


def read_only_reason(env: Mapping[str, str], event: Mapping[str, Any]) -> str:
    """Why this workflow's GITHUB_TOKEN cannot write security events ("" if it can)."""
    name = env.get("GITHUB_EVENT_NAME", "")
    actor = env.get("GITHUB_ACTOR", "")
    triggering = env.get("GITHUB_TRIGGERING_ACTOR", actor)
    pr = event.get("pull_request")
    if name in _PR_EVENTS and isinstance(pr, dict):
        head_repo = (pr.get("head") or {}).get("repo")  # null: the fork was deleted
        head = head_repo.get("full_name") if isinstance(head_repo, dict) else None
        base = env.get("GITHUB_REPOSITORY", "")
        if head_repo is None or (head and base and head != base) or (
                isinstance(head_repo, dict) and head_repo.get("fork") and head != base):
            return (f"this pull request comes from a fork ({head or 'a deleted repository'}"
                    "), and GitHub gives such workflows a read-only token")
    if DEPENDABOT in (actor, triggering) and name not in ("pull_request_target",
                                                          "workflow_dispatch"):
        return "Dependabot triggered this workflow, and GitHub gives it a read-only token"
    return ""


def decide_upload(env: Mapping[str, str], event: Mapping[str, Any]) -> UploadDecision:
    upload_input = env.get("INPUT_UPLOAD", "auto").strip().lower() or "auto"
    artifact_input = env.get("INPUT_ARTIFACT", "auto").strip().lower() or "auto"
    for name, value in (("upload", upload_input), ("artifact", artifact_input)):
        if value not in ("auto", "true", "false"):
            raise InputError(f"the '{name}' input must be auto, true or false")
    if upload_input == "false":
        upload, reason = False, "the 'upload' input is false"
    elif upload_input == "true":
        upload, reason = True, ""
    else:
        reason = read_only_reason(env, event)
        upload = not reason
    artifact = artifact_input == "true" or (artifact_input == "auto" and not upload)
    return UploadDecision(upload, artifact, reason)


def artifact_name(env: Mapping[str, str]) -> str:
    """The artifact's name: the input, or netlint-sarif-<job>-<category> (names must be
    unique within a workflow run)."""
    given = env.get("INPUT_ARTIFACT_NAME", "").strip()
    if given:
        name = given
    else:
        parts = ["netlint-sarif", env.get("GITHUB_JOB", ""), env.get("INPUT_CATEGORY", "")]
        name = "-".join(p for p in parts if p)
    # characters upload-artifact refuses: " : < > | * ? \r \n \ /
    return re.sub(r'[":<>|*?\r\n\\/]+', "-", name)[:200] or "netlint-sarif"


def _load_event(env: Mapping[str, str]) -> dict[str, Any]:
    path = env.get("GITHUB_EVENT_PATH", "")
    if not path:
        return {}
    try:
        with open(path, encoding="utf-8") as fh:
            event = json.load(fh)
    except (OSError, ValueError):
        return {}
    return event if isinstance(event, dict) else {}


def _append(path: str, text: str) -> None:
    if path:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(text)


def upload_check(env: Mapping[str, str]) -> int:
    decision = decide_upload(env, _load_event(env))
    name = artifact_name(env)
    _append(env.get("GITHUB_OUTPUT", ""),
            f"upload={str(decision.upload).lower()}\nartifact={str(decision.artifact).lower()}"
            f"\nartifact-name={name}\nskip-reason={_log_text(decision.reason)}\n")
    if not decision.upload:
        where = (f"The SARIF report is attached to this workflow run as the artifact "
                 f"'{name}'" if decision.artifact else "The SARIF report is not uploaded")
        notice = (f"Code scanning upload skipped: {decision.reason}. {where}; the findings "
                  "are in the job summary and annotations.")
        print(f"::notice title=netlint::{_log_text(notice)}")
    return 0


# --- report ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Result:
    rule_id: str
    level: str
    message: str
    uri: str  # repository-relative, or an absolute file:// URI
    relative: bool
    line: int
    column: int
    end_line: int
    end_column: int
    security: float


def read_results(sarif: Mapping[str, Any]) -> tuple[list[Result], dict[str, dict[str, Any]]]:
    """Unsuppressed results of every run, and the rule descriptors by id."""
    results: list[Result] = []
    rules: dict[str, dict[str, Any]] = {}
    for run in sarif.get("runs") or []:
        descriptors = ((run.get("tool") or {}).get("driver") or {}).get("rules") or []
        for d in descriptors:
            if isinstance(d, dict) and isinstance(d.get("id"), str):
                rules[d["id"]] = d
        for r in run.get("results") or []:
            if r.get("suppressions"):
                continue
            rule_id = str(r.get("ruleId", ""))
            rule = rules.get(rule_id, {})
            level = str(r.get("level") or (rule.get("defaultConfiguration") or {}).get(
                "level") or "warning")
            location = ((r.get("locations") or [{}])[0].get("physicalLocation") or {})
            artifact = location.get("artifactLocation") or {}
            region = location.get("region") or {}
            try:
                security = float((rule.get("properties") or {}).get("security-severity", 0))
            except (TypeError, ValueError):
                security = 0.0
            start_line = int(region.get("startLine", 1))
            start_column = int(region.get("startColumn", 1))
            results.append(Result(
                rule_id=rule_id, level=level if level in _LEVEL_RANK else "warning",
                message=str((r.get("message") or {}).get("text", "")),
                uri=str(artifact.get("uri", "")), relative="uriBaseId" in artifact,
                line=start_line, column=start_column,
                end_line=int(region.get("endLine", start_line)),
                end_column=int(region.get("endColumn", start_column + 1)),
                security=security,
            ))
    return results, rules


def most_severe_first(results: Sequence[Result]) -> list[Result]:
    return sorted(results, key=lambda r: (-_LEVEL_RANK[r.level], -r.security, r.uri, r.line,
                                          r.column, r.rule_id))


def annotation_lines(results: Sequence[Result], rules: Mapping[str, dict[str, Any]],
                per_level: int = ANNOTATIONS_PER_LEVEL) -> list[str]:
    """Workflow commands for the most severe results, at most ``per_level`` of each
    annotation level, then one plain log line per level saying how many were left out."""
    shown: Counter[str] = Counter()
    total = Counter(_ANNOTATION[r.level] for r in results)
    lines = []
    for r in most_severe_first(results):
        kind = _ANNOTATION[r.level]
        if shown[kind] >= per_level:
            continue
        shown[kind] += 1
        title = str((rules.get(r.rule_id, {}).get("shortDescription") or {}).get("text", ""))
        props = []
        if r.relative and r.uri and r.uri != "stdin":
            props += [f"file={escape_property(r.uri)}", f"line={r.line}",
                      f"endLine={r.end_line}", f"col={r.column}"]
            if r.end_line == r.line:
                props.append(f"endColumn={r.end_column}")
        props.append(f"title={escape_property(f'netlint {r.rule_id}: {title}'.strip())}")
        where = "" if r.relative else f"{r.uri}:{r.line}:{r.column}: "
        lines.append(f"::{kind} {','.join(props)}::{escape_data(where + r.message)}")
    for kind in ("error", "warning", "notice"):
        if total[kind] > shown[kind]:
            lines.append(f"netlint: annotated the {shown[kind]} most severe of {total[kind]} "
                         f"{kind} findings (GitHub shows {per_level} per level and step); "
                         "all of them are in the job summary counts and the SARIF report")
    return lines


def _file_link(env: Mapping[str, str], r: Result) -> str:
    where = f"{r.uri}:{r.line}:{r.column}"
    server = env.get("GITHUB_SERVER_URL", "https://github.com").rstrip("/")
    repo, sha = env.get("GITHUB_REPOSITORY", ""), env.get("GITHUB_SHA", "")
    if not (r.relative and repo and sha and r.uri and r.uri != "stdin"):
        return _cell(where)
    url = f"{server}/{quote(repo)}/blob/{quote(sha)}/{quote(r.uri, safe='/')}#L{r.line}"
    return f"[{_cell(where)}](<{url}>)"


def _rule_link(rules: Mapping[str, dict[str, Any]], rule_id: str) -> str:
    uri = str(rules.get(rule_id, {}).get("helpUri", ""))
    text = f"`{_cell(rule_id).replace('`', '')}`"
    if uri.startswith("https://") and not any(c in uri for c in "<> \t\r\n()"):
        return f"[{text}](<{uri}>)"
    return text


def job_summary(results: Sequence[Result], rules: Mapping[str, dict[str, Any]],
                env: Mapping[str, str], top: int = SUMMARY_TOP) -> str:
    code = env.get("NETLINT_EXIT_CODE", "")
    fail_on = env.get("INPUT_FAIL_ON", "warning") or "warning"
    lines = ["## netlint", ""]
    by_level = Counter(r.level for r in results)
    files = len({r.uri for r in results})
    if results:
        counts = ", ".join(f"{by_level[level]} {level}{'s' if by_level[level] != 1 else ''}"
                           for level in ("error", "warning", "note") if by_level[level])
        lines.append(f"**{len(results)} finding{'s' if len(results) != 1 else ''}** in "
                     f"{files} file{'s' if files != 1 else ''}: {counts}.")
    else:
        lines.append("**No findings.**")
    verdict = {"0": f"passes (nothing at or above fail-on: {fail_on})",
               "1": f"fails: findings at or above fail-on: {fail_on}"}.get(
        code, f"fails: netlint exited with code {code or 'unknown'} (usage or configuration "
              "error; see the Scan step's log)")
    lines += ["", f"The job {_cell(verdict)}."]
    if env.get("NETLINT_UPLOAD") == "false":
        reason = env.get("NETLINT_SKIP_REASON", "")
        artifact = env.get("NETLINT_ARTIFACT_NAME", "")
        lines += [""]
        lines.append(f"Not uploaded to code scanning: {_cell(reason)}." + (
            f" The SARIF report is the workflow artifact `{_cell(artifact)}`."
            if env.get("NETLINT_ARTIFACT") == "true" else ""))
    elif env.get("NETLINT_UPLOAD") == "true":
        category = env.get("INPUT_CATEGORY", "")
        lines += ["", "Uploaded to code scanning" + (
            f" (category `{_cell(category)}`)." if category else ".")]
    if not results:
        return "\n".join(lines) + "\n\n"
    lines += ["", "| severity | findings |", "| --- | ---: |"]
    lines += [f"| {level} | {by_level[level]} |" for level in ("error", "warning", "note")
              if by_level[level]]
    per_rule = Counter((r.rule_id, r.level) for r in results)
    lines += ["", "| rule | severity | findings | title |", "| --- | --- | ---: | --- |"]
    for (rule_id, level), n in sorted(per_rule.items(),
                                      key=lambda kv: (-_LEVEL_RANK[kv[0][1]], -kv[1], kv[0])):
        title = str((rules.get(rule_id, {}).get("shortDescription") or {}).get("text", ""))
        lines.append(f"| {_rule_link(rules, rule_id)} | {level} | {n} | {_cell(title)} |")
    ranked = most_severe_first(results)[:top]
    heading = (f"### The {len(ranked)} most severe of {len(results)} findings"
               if len(results) > len(ranked) else "### Findings")
    lines += ["", heading, "", "| severity | location | rule | message |",
              "| --- | --- | --- | --- |"]
    for r in ranked:
        message = r.message if len(r.message) <= MESSAGE_CHARS else (
            r.message[:MESSAGE_CHARS] + "...")
        lines.append(f"| {r.level} | {_file_link(env, r)} | {_rule_link(rules, r.rule_id)} "
                     f"| {_cell(message)} |")
    return "\n".join(lines) + "\n\n"


def report(env: Mapping[str, str], sarif_path: str) -> int:
    sarif: dict[str, Any] = {}
    problem = ""
    if sarif_path and os.path.isfile(sarif_path):
        try:
            with open(sarif_path, encoding="utf-8") as fh:
                sarif = json.load(fh)
        except (OSError, ValueError) as err:
            problem = f"cannot read the SARIF report: {err}"
    else:
        problem = "netlint wrote no SARIF report"
    if problem:
        summary = ("## netlint\n\n" + _cell(problem) + f" (exit code "
                   f"{_cell(env.get('NETLINT_EXIT_CODE', '') or 'unknown')}); see the Scan "
                   "step's log.\n\n")
        _append(env.get("GITHUB_STEP_SUMMARY", ""), summary)
        print(f"netlint: {_log_text(problem)}")
        return 0
    results, rules = read_results(sarif)
    _append(env.get("GITHUB_STEP_SUMMARY", ""), job_summary(results, rules, env))
    for line in annotation_lines(results, rules):
        print(line)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    env = os.environ
    try:
        if args[:1] == ["split"] and len(args) == 2:
            words = split_input(args[1].removeprefix("INPUT_").lower(), env.get(args[1], ""))
            sys.stdout.write("".join(w + "\0" for w in words))
            return 0
        if args == ["upload-check"]:
            return upload_check(env)
        if args[:1] == ["report"] and len(args) == 2:
            return report(env, args[1])
    except InputError as err:
        print(f"::error title=netlint::{_log_text(str(err))}")
        return 2
    print("usage: python -m netlint.github_action split VAR | upload-check | report SARIF",
          file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
