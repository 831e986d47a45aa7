"""Ask a real Envoy (``envoy --mode validate``) about each bootstrap file (opt-in).

Runs only with ``--envoy-validate``; the binary comes from PATH (the CLI checks that it
exists).  Envoy is executed, never the scanned file; the file is only read by Envoy.
Files are validated in parallel, each in the file's directory so relative paths resolve
as they would for a deployment started there.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from netlint.source import Source
from netlint.templates.base import Project, RuleContext, Violation
from netlint.yamlnodes import Document, Path

SCOPE = "project"
TARGETS = ("envoy",)
PROJECT_KINDS = ("envoy",)  # reads Envoy documents only
# reports nothing without --envoy-validate: its documents are not kept for it then
ONLY_WITH = "envoy_validate"
PARAMS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {"timeout_seconds": {"type": "number", "minimum": 1}},
}

_ERROR = re.compile(r"error initializing configuration '[^']*': (.*)")
_MAX_MESSAGE = 600
# offsets into Envoy's internal JSON rendering of the YAML: meaningless to a reader, and
# not stable from run to run
_OFFSET = re.compile(r",? *near \d+:\d+ \(offset \d+\)")


def is_bootstrap(doc: Document) -> bool:
    return isinstance(doc.value, Mapping) and "resources" not in doc.value


def validate(envoy: str, path: str, timeout: float) -> str | None:
    """Envoy's reason for rejecting ``path``, or None when it accepts it."""
    try:
        proc = subprocess.run(
            [envoy, "--mode", "validate", "-c", os.path.abspath(path), "-l", "critical",
             "--disable-hot-restart"],
            capture_output=True, text=True, timeout=timeout, check=False,
            cwd=os.path.dirname(os.path.abspath(path)) or ".",
        )
    except subprocess.TimeoutExpired:
        return f"envoy --mode validate did not finish within {timeout:g} seconds"
    except OSError as err:
        return f"could not run envoy: {err}"
    if proc.returncode == 0:
        return None
    out = proc.stderr + proc.stdout
    match = _ERROR.search(out)
    text = match.group(1).strip() if match else ""
    if not text or text.startswith("goo.gle/"):
        # a proto dump follows; the reason is the line after it (": Proto constraint ...")
        reasons = [line[2:] for line in out.splitlines() if line.startswith(": ")]
        text = reasons[-1] if reasons else (out.strip().splitlines() or ["(no message)"])[-1]
    text = _THREAD.sub("", text)
    return _OFFSET.sub("", " ".join(text.split()))[:_MAX_MESSAGE]


_THREAD = re.compile(r"\s*thread=\d+\s*$")
_AT = re.compile(r"@ ([A-Za-z0-9_.\[\]]+):")
_NO_FIELD = re.compile(r"no such field: '([^']+)'")
_STEP = re.compile(r"([A-Za-z0-9_]+)|\[(\d+)\]")


def message_path(message: str) -> Path:
    """The document path Envoy's message names (``@ static_resources.clusters[0]`` and
    ``no such field: 'x'``), so the finding lands on the offending line; () if none."""
    at = _AT.search(message)
    if at is None:
        return ()
    steps: list[str | int] = [
        name if name else int(index) for name, index in _STEP.findall(at.group(1))
    ]
    field = _NO_FIELD.search(message)
    if field:
        steps.append(field.group(1))
    return tuple(steps)


def check_project(project: Project, params: Mapping[str, Any], ctx: RuleContext
                  ) -> Iterator[Violation]:
    if not ctx.options.envoy_validate:
        return
    envoy = shutil.which("envoy")
    if envoy is None:
        return  # the CLI refuses the flag without a binary; a library caller gets nothing
    by_source: dict[int, tuple[Source, Document]] = {}
    for doc in project.of_kind("envoy"):
        if doc.source.path != "<stdin>" and is_bootstrap(doc) and doc.index == 0:
            by_source.setdefault(id(doc.source), (doc.source, doc))
    timeout = float(params.get("timeout_seconds", 30))
    items = list(by_source.values())
    with ThreadPoolExecutor(max_workers=min(8, os.cpu_count() or 1)) as pool:
        verdicts = list(pool.map(lambda item: validate(envoy, item[0].path, timeout), items))
    for (_source, doc), verdict in zip(items, verdicts, strict=True):
        if verdict is not None:
            yield Violation(message_path(verdict), f"Envoy rejects this configuration: "
                            f"{verdict}", doc=doc, context="envoy-config-rejected")
