#!/usr/bin/env bash
# The scan step of action.yml, kept in a script so it can be tested locally
# (tests/test_action.py).  Every input arrives in an environment variable and is split into
# words by Python's shlex (never by the shell), so input text is never executed.
#
#   INPUT_PATHS       files/directories, spaces or newlines, shell-style quoting (default .)
#   INPUT_ARGS        extra netlint scan options, shell-style quoting
#   INPUT_SARIF_FILE  where to write SARIF (default netlint.sarif)
#   INPUT_FAIL_ON     error | warning | note | never (default warning)
#   NETLINT_VENV      virtualenv netlint is installed in (else python3/netlint on PATH)
#   GITHUB_OUTPUT     file receiving exit-code, sarif-file and sarif-written
#
# Always exits 0 once it has recorded netlint's exit code, so the upload step runs; the
# action's last step fails the job from the recorded code.
set -uo pipefail

python=python3
if [ -n "${NETLINT_VENV:-}" ]; then
  if [ -x "$NETLINT_VENV/bin/python" ]; then python="$NETLINT_VENV/bin/python"
  else python="$NETLINT_VENV/Scripts/python"; fi
fi
output_file="${GITHUB_OUTPUT:-/dev/null}"
sarif="${INPUT_SARIF_FILE:-netlint.sarif}"
fail_on="${INPUT_FAIL_ON:-warning}"

record() {  # record name value: one line per output; values never hold newlines
  printf '%s=%s\n' "$1" "$2" >> "$output_file"
}

case "$sarif" in
  *$'\n'* | *$'\r'* | "")
    echo "::error title=netlint::sarif-file must be one non-empty line"
    record exit-code 2; record sarif-written false; exit 0 ;;
esac
record sarif-file "$sarif"

# shell-style words -> NUL-separated, without ever evaluating them; broken quoting is one
# ::error line naming the input (netlint.github_action split, which writes it where the
# words would go), not a traceback
export INPUT_PATHS="${INPUT_PATHS:-.}" INPUT_ARGS="${INPUT_ARGS:-}"
words="$(mktemp)"
trap 'rm -f -- "$words"' EXIT
paths=()
args=()
if "$python" -m netlint.github_action split INPUT_PATHS > "$words"; then
  while IFS= read -r -d '' word; do paths+=("$word"); done < "$words"
  if "$python" -m netlint.github_action split INPUT_ARGS > "$words"; then
    while IFS= read -r -d '' word; do args+=("$word"); done < "$words"
  else
    cat -- "$words"; record exit-code 2; record sarif-written false; exit 0
  fi
else
  cat -- "$words"; record exit-code 2; record sarif-written false; exit 0
fi
[ "${#paths[@]}" -gt 0 ] || paths=(.)

mkdir -p -- "$(dirname -- "$sarif")"
rm -f -- "$sarif"
# our --format/--output/--fail-on come last so the extra args cannot turn SARIF off
"$python" -m netlint scan ${args[@]+"${args[@]}"} --format sarif --output "$sarif" \
  --fail-on "$fail_on" -- "${paths[@]}"
code=$?
echo "netlint exit code: $code"
record exit-code "$code"
if [ -s "$sarif" ]; then record sarif-written true; else record sarif-written false; fi
exit 0
