"""Compose services that run as root: no ``user:``, or a root user or UID 0."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from netlint.loaders.compose import compose_services, is_unresolved
from netlint.templates.base import RuleContext, Violation
from netlint.yamlnodes import Document

TARGETS = ("compose",)
PARAMS_SCHEMA: dict[str, Any] = {"type": "object", "additionalProperties": False}

ROOT_NAMES = frozenset({"root", "0"})


def services(doc: Document) -> Iterator[tuple[str, Mapping[str, Any]]]:
    for name, svc, _path in compose_services(doc):
        yield name, svc


def is_root_user(user: Any) -> bool:
    text = str(user).strip()
    return text.split(":", 1)[0].strip() in ROOT_NAMES


def check(doc: Document, params: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    for name, svc in services(doc):
        if is_unresolved(svc.get("user")):
            continue  # depends on an unset variable: compose-unset-variable reports it
        if "user" not in svc or svc["user"] is None or str(svc["user"]).strip() == "":
            yield Violation(
                ("services", name),
                f"service '{name}' sets no user: it runs as the image's default user, which "
                "is root unless the image says otherwise; add user: \"<uid>:<gid>\"",
            )
        elif is_root_user(svc["user"]):
            yield Violation(
                ("services", name, "user"),
                f"service '{name}' runs as root (user: {svc['user']}); use a non-zero UID",
            )
