"""Host paths that hand over the host when a container mounts them.

Shared by Compose bind mounts and Kubernetes ``hostPath`` volumes, so both report the
same paths.  A path is sensitive when it is one of the listed paths, lies under one, or
is a directory holding one (mounting ``/var/run`` exposes ``/var/run/docker.sock``); ``/``
itself only matches ``/``.  A few files under a sensitive directory hold no credential and
no control over the host (``/etc/localtime``, ``/etc/timezone``): mounting them is the
usual way to share the host's clock settings and is not reported.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable

# the defaults of the rules' ``paths`` params (kept here so Compose and Kubernetes agree)
SENSITIVE_PATHS = (
    "/", "/proc", "/sys", "/etc", "/root", "/boot", "/dev",
    "/var/run/docker.sock", "/run/docker.sock", "/var/lib/docker",
    "/var/run/containerd", "/run/containerd", "/var/lib/containerd",
    "/var/run/crio", "/run/crio", "/var/lib/kubelet", "/etc/kubernetes",
    "~/.ssh", "~/.aws", "~/.kube", "~/.docker", "~/.config/gcloud", "~/.azure",
)
# directories that are sensitive themselves and one level down (a user's home holds
# ``.ssh``), but not deeper (``/home/me/app/data`` is ordinary data)
HOME_DIRS = ("/home", "/Users")
# directory names that hold credentials wherever they are
CREDENTIAL_DIRS = frozenset({".ssh", ".aws", ".kube", ".docker", ".gnupg", ".azure"})
# credential-free host files under sensitive directories: the clock settings in any mode
# (the usual way to share the host's time zone) ...
HARMLESS_FILES = ("/etc/localtime", "/etc/timezone", "/usr/share/zoneinfo")
# ... and public, credential-free files when mounted read-only (written, /etc/hosts or
# /etc/resolv.conf would redirect the host's own name resolution)
HARMLESS_READ_ONLY = (
    "/etc/hostname", "/etc/machine-id", "/etc/os-release", "/etc/resolv.conf", "/etc/hosts",
    "/etc/ssl/certs", "/etc/ca-certificates", "/etc/pki/ca-trust/extracted",
    "/etc/pki/tls/certs", "/etc/group", "/etc/passwd",
)


def normalise(source: str) -> str:
    """A POSIX host path with ``.`` and ``..`` folded and no trailing slash; ``~`` stays
    (the home of whoever runs Compose); "" for a relative path or a named volume."""
    text = source.strip().replace("\\", "/")
    if text == "~" or text.startswith("~/"):
        return "~" + posixpath.normpath(text[1:] or "/").rstrip("/") if text != "~" else "~"
    if not text.startswith("/"):
        return ""
    return posixpath.normpath(text).replace("//", "/")


def sensitive(source: str, paths: Iterable[str] = SENSITIVE_PATHS, read_only: bool = False,
              harmless: Iterable[str] = HARMLESS_FILES) -> str | None:
    """The sensitive path ``source`` is, lies under, or contains, else None."""
    norm = normalise(source)
    if not norm:
        return None
    if read_only:
        harmless = (*harmless, *HARMLESS_READ_ONLY)
    if any(norm == h or norm.startswith(h.rstrip("/") + "/") for h in harmless):
        return None
    parts = norm.split("/")
    credential = next((p for p in parts if p in CREDENTIAL_DIRS), None)
    if credential is not None:
        return "/".join(parts[:parts.index(credential) + 1])
    for home in HOME_DIRS:
        if norm == home or (norm.startswith(home + "/") and norm.count("/") == 2):
            return norm
    for p in paths:
        if norm == p or (p != "/" and norm.startswith(p.rstrip("/") + "/")):
            return p
        if norm not in ("/", "~") and p.startswith(norm + "/"):
            return p
        if norm == "~" and p.startswith("~/"):
            return p
    return None


def describe(source: str, hit: str) -> str:
    """``/var/run, which holds /var/run/docker.sock`` or just the path."""
    root = normalise(source).rstrip("/")
    if root and hit != root and hit.startswith(root + "/"):
        return f"{source}, which holds {hit}"
    return source
