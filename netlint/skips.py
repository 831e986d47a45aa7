"""Which JSON/YAML files that netlint cannot parse or read are not its business.

netlint is given every ``*.yaml``/``*.yml``/``*.json`` file (pre-commit passes whatever a
commit touches), and many of those are not configuration it checks: a ``tsconfig.json``
with comments (JSONC), a 14 MB ``package-lock.json``, the Go templates of a Helm chart.
Failing a commit on them blocks work without finding a risk, so:

* A file that cannot be parsed (``parse-error``) or is over the size limit
  (``file-too-large``) is **skipped** (counted in the summary, listed with ``--verbose``)
  when it is not recognisably a manifest; otherwise the finding stands and fails the run.
* **Recognisably a manifest** means: by name, a Compose file name (``compose.yaml``,
  ``docker-compose.override.yml``, ...); by content, the word ``apiVersion`` or a ``kind:``
  naming an object kind (``kind: Deployment``; not ``"kind": "build"``), in any case and
  with YAML/JSON escapes decoded (Kubernetes), a ``services:`` key (Compose), or
  ``static_resources``, ``dynamic_resources`` or an Envoy type URL.  The
  test is on the raw text, so it holds for a file that does not parse, and padding cannot
  hide a marker: an over-size file is read to the end (up to ``SNIFF_LIMIT``; a larger
  one always fails).
* A **Helm chart template** (a file under ``templates/`` in a directory holding
  ``Chart.yaml``) that does not parse is template source, not YAML: it is skipped with that
  reason even though it mentions ``apiVersion`` and ``kind``.  Helm rendering checks what
  it produces; with rendering off (``--no-render``) such files are skipped, never failed.

Unreadable files (permissions, binary content) and hostile YAML (``yaml-alias-bomb``,
``yaml-too-deep``) are always findings.
"""

from __future__ import annotations

import os
import re

from netlint.discovery import COMPOSE_FILE_NAME
from netlint.escaping import escape_text

SKIPPABLE_PROBLEMS = frozenset({"parse-error", "file-too-large"})
SNIFF_LIMIT = 256 * 1024 * 1024  # bytes read to look for markers in an over-size file
_CHUNK = 1024 * 1024
_OVERLAP = 64  # longer than any marker, so a marker split across chunks is still found

_ESCAPE = re.compile(r"\\(?:x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8}))")
_KUBERNETES_API = re.compile(r"apiversion", re.IGNORECASE)
# `kind:` naming an object kind (capitalised: Deployment, Pod), not `"kind": "build"`
_KUBERNETES_KIND = re.compile(r"""(?i:\bkind)["']?\s*:\s*["']?[A-Z]""")
_OTHER_MARKERS = re.compile(
    r"""["']?\bservices["']?\s*:"""  # Compose
    r"|static_resources|dynamic_resources|type\.googleapis\.com/envoy\.",  # Envoy
    re.IGNORECASE,
)


def _unescape(text: str) -> str:
    """Decode \\xXX, \\uXXXX and \\UXXXXXXXX (YAML double-quoted and JSON escapes), so an
    escaped key is seen as the word it spells."""
    def char(m: re.Match[str]) -> str:
        code = int(next(g for g in m.groups() if g), 16)
        return chr(code) if code < 0x110000 else ""
    return _ESCAPE.sub(char, text) if "\\" in text else text


class _Markers:
    """Markers seen so far in a text read piece by piece."""

    def __init__(self) -> None:
        self.found = False

    def feed(self, text: str) -> None:
        text = _unescape(text)
        self.found = self.found or any(
            marker.search(text) for marker in (_KUBERNETES_API, _KUBERNETES_KIND,
                                               _OTHER_MARKERS))


def named_like_a_manifest(path: str) -> bool:
    return bool(COMPOSE_FILE_NAME.match(os.path.basename(path)))


def looks_like_a_manifest(path: str, text: str) -> bool:
    if named_like_a_manifest(path):
        return True
    markers = _Markers()
    markers.feed(text)
    return markers.found


def helm_chart_template(path: str) -> bool:
    """Under a ``templates`` directory whose parent holds ``Chart.yaml``."""
    if path in ("-", "<stdin>"):
        return False
    directory = os.path.dirname(os.path.abspath(path))
    while True:
        parent = os.path.dirname(directory)
        if os.path.basename(directory) == "templates" and os.path.isfile(
                os.path.join(parent, "Chart.yaml")):
            return True
        if parent == directory:
            return False
        directory = parent


def _file_looks_like_a_manifest(path: str) -> bool:
    """The marker test on a file too large to parse, read in chunks; a file larger than
    SNIFF_LIMIT or one that cannot be read counts as a manifest (fail closed)."""
    if named_like_a_manifest(path):
        return True
    markers = _Markers()
    try:
        if os.path.getsize(path) > SNIFF_LIMIT:
            return True
        with open(path, "rb") as fh:
            tail = ""
            while chunk := fh.read(_CHUNK):
                text = tail + chunk.decode("utf-8", errors="replace")
                markers.feed(text)
                if markers.found:
                    return True
                tail = text[-_OVERLAP:]
    except OSError:
        return True
    return False


def skip_unparseable(path: str, text: str, error: str) -> str | None:
    """Why a file whose text does not parse is skipped, or None when it must fail."""
    if helm_chart_template(path):
        return ("Helm chart template (under templates/ beside Chart.yaml): template "
                "source, not YAML; render the chart to check what it produces")
    if looks_like_a_manifest(path, text):
        return None
    return (f"does not parse ({error}) and is not recognisably a Kubernetes, Compose or "
            "Envoy file")


def skip_unread(path: str, rule: str, message: str) -> str | None:
    """Why a file that was not read (over the size limit, undecodable) is skipped, or
    None when the finding must stand."""
    if rule not in SKIPPABLE_PROBLEMS or path in ("-", "<stdin>"):
        return None
    if helm_chart_template(path):
        return ("Helm chart template (under templates/ beside Chart.yaml) that cannot be "
                f"read: {message}")
    if _file_looks_like_a_manifest(path):
        return None
    return f"{message}; not recognisably a Kubernetes, Compose or Envoy file"


def skipped_lines(reasons: dict[str, str]) -> list[str]:
    """``scan --verbose``: one line per skipped file, in path order."""
    return [f"netlint: skipped {escape_text(path)}: {escape_text(reason)}"
            for path, reason in sorted(reasons.items())]
