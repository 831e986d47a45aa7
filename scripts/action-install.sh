#!/usr/bin/env bash
# The install steps of action.yml, kept in a script so they can be tested locally
# (tests/test_action.py).
#
#   action-install.sh key       write key=<cache key> to $GITHUB_OUTPUT
#   action-install.sh install   make $NETLINT_VENV a virtualenv with netlint in it
#
#   NETLINT_PYTHON  the Python to build the virtualenv with (actions/setup-python's)
#   NETLINT_SOURCE  netlint's source tree (the action's own checkout)
#   NETLINT_VENV    where the virtualenv lives (actions/cache restores it there)
#
# The cache key covers the OS, the Python, the pinned requirements and netlint's own files,
# so a restored virtualenv is reused only for exactly what it was built from.  The key is
# also written into the virtualenv, and a restored one that does not match it or cannot
# run netlint is rebuilt: a stale or broken cache costs an install, never a wrong result.
set -euo pipefail

mode="${1:-install}"
python="${NETLINT_PYTHON:-python3}"
source_dir="${NETLINT_SOURCE:?NETLINT_SOURCE is not set}"
venv="${NETLINT_VENV:?NETLINT_VENV is not set}"

cache_key() {
  "$python" - "$source_dir" <<'PY'
import hashlib
import os
import platform
import sys

root = sys.argv[1]
digest = hashlib.sha256()
digest.update(f"{sys.version}\0{sys.executable}\0".encode())
for top in ("pyproject.toml", "scripts/action-requirements.txt", "netlint", "rules", "schemas"):
    path = os.path.join(root, top)
    files = [path] if os.path.isfile(path) else sorted(
        os.path.join(d, f) for d, dirs, names in os.walk(path)
        for f in names if "__pycache__" not in d and not f.endswith(".pyc"))
    for name in sorted(files):
        digest.update(os.path.relpath(name, root).replace(os.sep, "/").encode() + b"\0")
        with open(name, "rb") as fh:
            digest.update(fh.read() + b"\0")
major, minor = sys.version_info[:2]
print(f"netlint-{platform.system()}-{platform.machine()}-py{major}.{minor}-"
      f"{digest.hexdigest()[:24]}")
PY
}

key=$(cache_key)
if [ "$mode" = key ]; then
  echo "key=$key" >> "${GITHUB_OUTPUT:-/dev/null}"
  echo "netlint install cache key: $key"
  exit 0
fi

if [ -x "$venv/bin/python" ]; then py="$venv/bin/python"; else py="$venv/Scripts/python"; fi
if [ -f "$venv/netlint-install-key" ] && [ "$(cat "$venv/netlint-install-key")" = "$key" ] \
   && "$py" -m netlint --version > /dev/null 2>&1; then
  echo "netlint: using the cached install ($key)"
else
  [ ! -e "$venv" ] || echo "netlint: the cached install does not match; reinstalling"
  rm -rf -- "$venv"
  "$python" -m venv "$venv"
  if [ -x "$venv/bin/python" ]; then py="$venv/bin/python"; else py="$venv/Scripts/python"; fi
  pip=("$py" -m pip --disable-pip-version-check --quiet)
  # exact versions of every dependency, so a new release elsewhere cannot change the run
  "${pip[@]}" install --no-deps -r "$source_dir/scripts/action-requirements.txt"
  "${pip[@]}" install --no-deps "$source_dir"
  "${pip[@]}" check
  printf '%s' "$key" > "$venv/netlint-install-key"
fi
"$py" -m netlint --version
