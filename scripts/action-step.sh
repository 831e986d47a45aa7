#!/usr/bin/env bash
# The action's upload-check and report steps (netlint.github_action), run with the Python
# of netlint's virtualenv.  Kept in a script so they can be tested locally
# (tests/test_action.py).
#
#   action-step.sh upload-check   decide on the code scanning upload (fork, Dependabot)
#   action-step.sh report         job summary + annotations from $NETLINT_SARIF
#
# The report runs even when an earlier step failed (if: always()); without a working
# netlint it still writes a one-line job summary instead of failing a second time.
set -uo pipefail

python=
if [ -n "${NETLINT_VENV:-}" ]; then
  if [ -x "$NETLINT_VENV/bin/python" ]; then python="$NETLINT_VENV/bin/python"
  elif [ -x "$NETLINT_VENV/Scripts/python" ]; then python="$NETLINT_VENV/Scripts/python"; fi
fi
if [ -z "$python" ] || ! "$python" -c "import netlint.github_action" 2> /dev/null; then
  if [ "${1:-}" = report ] && [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
    printf '## netlint\n\nnetlint is not installed (see the Install netlint step); nothing was scanned.\n\n' \
      >> "$GITHUB_STEP_SUMMARY"
  fi
  echo "::error title=netlint::netlint is not installed (see the Install netlint step)"
  exit 1
fi
case "${1:-}" in
  upload-check) exec "$python" -m netlint.github_action upload-check ;;
  report) exec "$python" -m netlint.github_action report "${NETLINT_SARIF:-}" ;;
  *) echo "usage: action-step.sh upload-check|report" >&2; exit 2 ;;
esac
