"""Render one chart with the helm-python-sdk (Helm v4's engine) in a child process.

Run by netlint/render/helm.py as ``python -m netlint.render.helm_sdk_worker`` so that a
hostile chart (a template looping for ever, a huge output) is bounded by the same timeout
and sandboxed environment as the ``helm`` binary.  Input on stdin (JSON): chart
directory, values, release name, namespace.  Output on stdout: the rendered stream with
``# Source:`` comments, as ``helm template --include-crds`` prints it.
"""

from __future__ import annotations

import json
import sys


def main() -> int:
    request = json.loads(sys.stdin.read())
    try:
        from helm_python import Chart
    except ImportError as err:  # pragma: no cover - checked before starting us
        print(f"helm-python-sdk is not importable: {err}", file=sys.stderr)
        return 3
    try:
        with Chart.load(request["chart"]) as chart:
            name = chart.name
            crds = chart.crds
            manifests = chart.render(request["values"], name=request["release"],
                                     namespace=request["namespace"], is_install=True)
    except Exception as err:  # the SDK's errors carry Helm's own message
        print(str(err), file=sys.stderr)
        return 1
    out = []
    for crd in crds:  # --include-crds: CRDs first, as helm template prints them
        filename = str(crd.get("filename") or crd.get("name") or "crds")
        source = filename if filename.startswith(name + "/") else f"{name}/{filename}"
        out.append(f"---\n# Source: {source}\n{crd.get('data', '')}\n")
    for path in sorted(manifests):
        text = manifests[path]
        if not path.endswith((".yaml", ".yml", ".json")) or not text.strip():
            continue  # NOTES.txt and templates that rendered to nothing
        out.append(f"---\n# Source: {path}\n{text}\n")
    sys.stdout.write("".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
