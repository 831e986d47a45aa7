"""Compose services that run as root: no ``user:`` (a missing hardening default, one
rule), or an explicit root user or UID 0 (an explicit setting, another rule): the rule's
``report`` param says which.  A partially interpolated ``user:`` such as ``0:${GID}`` is
checked on its known part (the user before the colon)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from netlint.loaders.compose import compose_services, is_unresolved
from netlint.templates.base import RuleContext, Violation
from netlint.yamlnodes import Document

TARGETS = ("compose",)
PARAMS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "report": {"enum": ["missing", "explicit", "both"],
                   "description": "missing: no user set; explicit: user is root or 0"},
    },
}

ROOT_NAMES = frozenset({"root", "0"})


def services(doc: Document) -> Iterator[tuple[str, Mapping[str, Any]]]:
    for name, svc, _path in compose_services(doc):
        yield name, svc


def is_root_user(user: Any) -> bool:
    text = str(user).strip()
    return text.split(":", 1)[0].strip() in ROOT_NAMES


def known_user(value: Any) -> str | None:
    """The user part of ``user:`` when it is known: an unset variable in the group part
    (``0:${GID}``) leaves the user known; one in the user part leaves it unknown."""
    if not is_unresolved(value):
        return str(value)
    raw = getattr(value, "raw", "") or ""
    user = raw.split(":", 1)[0]
    return None if "$" in user or not user.strip() else user


def check(doc: Document, params: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    report = params.get("report", "both")
    for name, svc in services(doc):
        if is_unresolved(svc.get("user")):
            user = known_user(svc["user"])
            if user is not None and is_root_user(user) and report != "missing":
                yield Violation(
                    ("services", name, "user"),
                    f"service '{name}' runs as root (user: {user} whatever the group "
                    "variable holds); use a non-zero UID",
                )
            continue  # otherwise it depends on an unset variable: compose-unset-variable
        if "user" not in svc or svc["user"] is None or str(svc["user"]).strip() == "":
            if report == "explicit":
                continue
            yield Violation(
                ("services", name),
                f"service '{name}' sets no user: it runs as the image's default user, which "
                "is root unless the image says otherwise; add user: \"<uid>:<gid>\"",
            )
        elif is_root_user(svc["user"]) and report != "missing":
            yield Violation(
                ("services", name, "user"),
                f"service '{name}' runs as root (user: {svc['user']}); use a non-zero UID",
            )
