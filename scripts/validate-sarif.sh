#!/usr/bin/env bash
# Validate netlint's SARIF with Microsoft's SARIF multitool and GitHub's ingestion rules
# (rule kinds Sarif + Ghas: what code scanning's upload enforces).  Called by .ci/run after
# the tests.  Needs Node.js (npm) and network access to the npm registry the first time;
# the tool is a self-contained binary from @microsoft/sarif-multitool (no .NET install).
#
# The multitool exits 0 even when it reports errors, and prints its help (also exit 0) on
# a bad argument, so this script reads the SARIF log it writes and fails on any result of
# level "error" or on a log that was not written.
#
#   scripts/validate-sarif.sh               validate SARIF from examples/ and the fixtures
#   scripts/validate-sarif.sh FILE.sarif... validate these files instead
set -euo pipefail
targets=()
for arg in "$@"; do targets+=("$(cd "$(dirname -- "$arg")" && pwd)/$(basename -- "$arg")"); done
cd "$(dirname "$0")/.."

version="${SARIF_MULTITOOL_VERSION:-5.7.0}"
tool_dir="${SARIF_MULTITOOL_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/netlint/sarif-multitool-$version}"
python="${PYTHON:-.venv/bin/python}"
work=$(mktemp -d)
trap 'rm -rf -- "$work"' EXIT

command -v npm >/dev/null || { echo "validate-sarif: npm is not installed" >&2; exit 2; }
if [ ! -d "$tool_dir/node_modules/@microsoft/sarif-multitool" ]; then
  echo "+ npm install @microsoft/sarif-multitool@$version (into $tool_dir)"
  mkdir -p "$tool_dir"
  npm install --prefix "$tool_dir" --no-save --no-audit --no-fund --loglevel=error \
    "@microsoft/sarif-multitool@$version" >&2
fi
# the package's bin.js runs the platform binary through a shell; call the binary directly
binary=$(cd "$tool_dir" && node -p "require('@microsoft/sarif-multitool')")
[ -f "$binary" ] || { echo "validate-sarif: no multitool binary for this platform" >&2; exit 2; }
chmod u+x "$binary"  # its postinstall does this, but npm may skip install scripts

# SARIF to check: the examples (the README's scan), and the fixtures with suppressed
# findings included (parse errors become toolExecutionNotifications, suppressions appear)
scan() {  # scan OUT ARGS...: netlint exits 1 when it finds something; 2+ is a failure
  local out=$1; shift
  local rc=0
  "$python" -m netlint scan "$@" --format sarif --output "$out" 2>/dev/null || rc=$?
  if [ "$rc" -gt 1 ]; then echo "validate-sarif: netlint scan $* failed ($rc)" >&2; exit 2; fi
}
if [ "${#targets[@]}" -eq 0 ]; then
  scan "$work/examples.sarif" examples
  scan "$work/fixtures.sarif" tests/fixtures --include-suppressed --allow-empty
  # a file outside the repository: an absolute file:// URI without uriBaseId
  mkdir -p "$work/outside dir"
  cp examples/deployment-web.yaml "$work/outside dir/"
  scan "$work/outside.sarif" examples/deployment-web.yaml "$work/outside dir"
  # rendered Helm charts and overlays: findings on templates and patches, relatedLocations
  scan "$work/rendered.sarif" tests/render_fixtures --allow-empty
  targets=("$work/examples.sarif" "$work/fixtures.sarif" "$work/outside.sarif" "$work/rendered.sarif")
fi

status=0
n=0
for sarif in "${targets[@]}"; do
  n=$((n + 1))
  log="$work/validation-$n.sarif"
  echo "+ Sarif.Multitool validate --rule-kind 'Sarif;Ghas' $(basename "$sarif")"
  # the target goes first: list options (--rule-kind, --level, --log) swallow the words
  # that follow them
  # the multitool skips files over 10,000 KB (and then reports "no valid analysis
  # targets"); raise its limit to the file's size (GitHub accepts up to 10 MB gzipped)
  size_kb=$(( ($(wc -c < "$sarif") + 1023) / 1024 + 1 ))
  [ "$size_kb" -gt 10000 ] || size_kb=10000
  "$binary" validate "$sarif" --rule-kind "Sarif;Ghas" --level "Error;Warning;Note" \
    --max-file-size-in-kb "$size_kb" \
    --output "$log" --log ForceOverwrite > "$work/console.txt" 2>&1 || true
  if grep -q " error ERR" "$work/console.txt"; then
    grep " error ERR" "$work/console.txt" >&2
    status=1
  fi
  "$python" - "$log" "$sarif" <<'PY' || status=1
import json
import re
import sys


def describe(run, result):
    """The result's message: its text, or its rule's message string filled in."""
    message = result.get("message", {})
    args = message.get("arguments", [])
    if message.get("text"):
        return message["text"]
    for rule in run.get("tool", {}).get("driver", {}).get("rules", []):
        if rule.get("id") == result.get("ruleId"):
            template = rule.get("messageStrings", {}).get(message.get("id"), {}).get("text")
            if template:
                return re.sub(r"\{(\d+)\}", lambda m: str(args[int(m.group(1))])
                              if int(m.group(1)) < len(args) else m.group(0), template)
    return " / ".join(args)


log_path, target = sys.argv[1], sys.argv[2]
try:
    with open(log_path, encoding="utf-8") as fh:
        log = json.load(fh)
except (OSError, ValueError) as err:
    sys.exit(f"validate-sarif: the multitool wrote no readable log for {target}: {err}")
counts = {"error": 0, "warning": 0, "note": 0}
for run in log.get("runs", []):
    for result in run.get("results", []):
        level = result.get("level", "warning")
        counts[level] = counts.get(level, 0) + 1
        if level in ("error", "warning"):
            print(f"  {level} {result.get('ruleId')}: {describe(run, result)}",
                  file=sys.stderr)
    for invocation in run.get("invocations", []):
        for note in invocation.get("toolExecutionNotifications", []):
            if note.get("level", "warning") == "error":
                counts["error"] += 1
                print(f"  tool error: {note.get('message', {}).get('text')}", file=sys.stderr)
print(f"  {target.rsplit('/', 1)[-1]}: {counts['error']} errors, {counts['warning']} "
      f"warnings, {counts['note']} notes (notes are advice, not GitHub requirements)")
sys.exit(1 if counts["error"] else 0)
PY
done
if [ "$status" -ne 0 ]; then
  echo "validate-sarif: SARIF does not pass GitHub's ingestion rules" >&2
else
  echo "validate-sarif: OK"
fi
exit "$status"
