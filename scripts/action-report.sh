#!/usr/bin/env bash
# The optional report step of action.yml (input `report: true`): the HTML report
# (`netlint report`, one self-contained page) for the workflow artifact, and its Markdown
# form appended to the job summary.  Inputs arrive in environment variables and are split
# by Python's shlex (netlint.github_action split), never by the shell.
#
#   INPUT_PATHS          files/directories, as for the scan step (default .)
#   NETLINT_REPORT_FILE  where to write the HTML report (default netlint-report.html)
#   NETLINT_VENV         virtualenv netlint is installed in (else python3 on PATH)
#   GITHUB_OUTPUT        receives report-file and report-written
#   GITHUB_STEP_SUMMARY  receives the Markdown report
#
# Never fails the job: the scan step's exit code decides that.
set -uo pipefail

python=python3
if [ -n "${NETLINT_VENV:-}" ]; then
  if [ -x "$NETLINT_VENV/bin/python" ]; then python="$NETLINT_VENV/bin/python"
  else python="$NETLINT_VENV/Scripts/python"; fi
fi
output_file="${GITHUB_OUTPUT:-/dev/null}"
report="${NETLINT_REPORT_FILE:-netlint-report.html}"
case "$report" in
  *$'\n'* | *$'\r'* | "") echo "::warning title=netlint::report file must be one line"; exit 0 ;;
esac

export INPUT_PATHS="${INPUT_PATHS:-.}"
words="$(mktemp)"
trap 'rm -f -- "$words"' EXIT
paths=()
if ! "$python" -m netlint.github_action split INPUT_PATHS > "$words"; then
  cat -- "$words"; exit 0
fi
while IFS= read -r -d '' word; do paths+=("$word"); done < "$words"
[ "${#paths[@]}" -gt 0 ] || paths=(.)

mkdir -p -- "$(dirname -- "$report")"
if "$python" -m netlint report --output "$report" -- "${paths[@]}"; then
  printf 'report-file=%s\nreport-written=true\n' "$report" >> "$output_file"
else
  echo "::warning title=netlint::the HTML report could not be written"
  printf 'report-written=false\n' >> "$output_file"
fi
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  "$python" -m netlint report --format markdown -- "${paths[@]}" >> "$GITHUB_STEP_SUMMARY" \
    || echo "::warning title=netlint::the Markdown report could not be written"
fi
exit 0
