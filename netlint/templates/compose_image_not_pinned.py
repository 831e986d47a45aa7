"""Compose images without a tag, with ``latest``, or not pinned by digest."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from netlint.loaders.compose import compose_services, is_unresolved
from netlint.templates.base import RuleContext, Violation
from netlint.yamlnodes import Document

TARGETS = ("compose",)
PARAMS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"require_digest": {"type": "boolean"}},
    "additionalProperties": False,
}


def image_tag(image: str) -> tuple[str | None, bool]:
    """(tag, has digest) of an image reference."""
    ref, _, digest = image.partition("@")
    last = ref.rsplit("/", 1)[-1]
    tag = last.split(":", 1)[1] if ":" in last else None
    return tag, bool(digest)


def check(doc: Document, params: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    require_digest = params.get("require_digest", True)
    for name, svc, path in compose_services(doc):
        image = svc.get("image")
        if not isinstance(image, str) or not image.strip() or is_unresolved(image):
            continue
        tag, digest = image_tag(image.strip())
        if digest:
            continue
        if tag is None:
            problem = "has no tag, so it means whatever 'latest' is at pull time"
        elif tag == "latest":
            problem = "uses the moving tag 'latest'"
        elif require_digest:
            problem = "is pinned by tag only; tags can be re-pointed, add @sha256:<digest>"
        else:
            continue
        yield Violation((*path, "image"), f"service '{name}': image '{image}' {problem}")
