"""Secrets written literally in a Compose service's ``environment``.

A value is a secret when its variable name looks like one (``*_PASSWORD``, ``*_TOKEN``,
``*_SECRET``, ``*_KEY``, ...) or when the value itself has the shape of a provider key or a
URL with a password.  File paths (``/run/secrets/...``, ``*.pem``, ``*_FILE`` variables),
public keys and certificates, and obvious placeholders (``<...>``, ``changeme``, ``xxx``,
``your_..._here``) are not literal secrets.  ``${VAR}`` references (resolved from
``.env`` or the environment) are the recommended form and are not reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from netlint.loaders.compose import compose_services, environment, is_interpolated
from netlint.templates.base import RuleContext, Violation
from netlint.yamlnodes import Document

TARGETS = ("compose",)
PARAMS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "key_pattern": {"type": "string"},
        "value_patterns": {"type": "object", "additionalProperties": {"type": "string"}},
        "ignore_values": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["key_pattern", "value_patterns"],
    "additionalProperties": False,
}

# bounded repeats: no quadratic backtracking on long values
_URL_PASSWORD = re.compile(r"\b[a-z][a-z0-9+.-]{0,31}://[^\s:/@]{0,256}:([^\s@/]{1,256})@",
                           re.IGNORECASE)
_PATH = re.compile(r"^(/|\./|\.\./|~/)[^\s]*$")  # a path to a key file, not the key
_DEFAULT = re.compile(r"\$\{[A-Za-z_][A-Za-z0-9_]*:?-([^${}]+)\}")  # ${VAR:-literal}
_REFERENCE = re.compile(r"\$\{[^{}]*\}|\$[A-Za-z_][A-Za-z0-9_]*")
# not secrets: a file holding one (Docker secrets, key files), a public key or
# certificate, an obvious placeholder the user must replace
_SECRET_FILE = re.compile(r"^(/run/secrets/|/var/run/secrets/)|\.(pem|crt|cer|key|p12|pfx|jks"
                          r"|keystore|json)$", re.IGNORECASE)
_PUBLIC = re.compile(r"^(ssh-(rsa|ed25519|dss)|ecdsa-sha2-|sk-ssh-|-----BEGIN (PUBLIC KEY|"
                     r"CERTIFICATE|RSA PUBLIC KEY|PGP PUBLIC KEY BLOCK)-----)")
_PUBLIC_NAME = re.compile(r"(^|_)(PUBLIC_?KEY|PUBKEY|PUB_KEY|CERT|CERTIFICATE)S?$|_PUBLIC$",
                          re.IGNORECASE)
_PLACEHOLDER = re.compile(
    r"^(<[^<>]*>|\[[^\[\]]*\]|\{\{[^{}]*\}\}|x{3,}|\*{3,}|\.{3,}|-+|_+|"
    r"(please[-_ ]?)?(change|replace|set|fill|update)[-_ ]?(me|it|this|this[-_ ].*)|"
    r"changeme.*|your[-_ ].*|.*[-_ ]here|placeholder.*|todo|tbd|redacted)$",
    re.IGNORECASE)


def not_a_secret(var: str, value: str) -> bool:
    """A path to a secret file, a public key or certificate, or an obvious placeholder."""
    return bool(_SECRET_FILE.search(value) or _PUBLIC.match(value)
                or _PUBLIC_NAME.search(var) or _PLACEHOLDER.match(value))


_SECRET_FLAG = re.compile(
    r"^--?(requirepass|masterauth|password|passwd|pass|token|secret|api[-_]?key|auth[-_]?token)"
    r"(?:=(.*))?$", re.IGNORECASE)


def _compiled(ctx: RuleContext, params: Mapping[str, Any]) -> tuple[Any, dict[str, Any]]:
    key = f"literal-secret:{ctx.rule.id}"
    hit = ctx.shared.get(key)
    if hit is None:
        hit = (re.compile(params["key_pattern"], re.IGNORECASE),
               {label: re.compile(p) for label, p in params["value_patterns"].items()})
        ctx.shared[key] = hit
    return hit  # type: ignore[no-any-return]


def check(doc: Document, params: Mapping[str, Any], ctx: RuleContext) -> Iterator[Violation]:
    key_re, value_res = _compiled(ctx, params)
    ignored = {v.lower() for v in params.get("ignore_values", [])}
    for name, svc, path in compose_services(doc):
        for var, value in environment(svc):
            if value is None or isinstance(value, bool):
                continue
            referenced = is_interpolated(value)
            # judge what is written: ${VAR} parts are references, the rest is literal
            raw = _written(value)
            text = _REFERENCE.sub("", raw) if referenced else raw
            bare = text.strip().strip("'\"").strip()
            if (not bare or bare.lower() in ignored) and not referenced:
                continue  # empty ("" in list syntax too) or a flag-like value
            where = (*path, "environment", var)
            label = next((lbl for lbl, rx in value_res.items() if rx.search(text)), None)
            if label is not None:
                yield Violation(where, f"service '{name}': {var} holds a literal {label}")
                continue
            url = _URL_PASSWORD.search(raw) if "://" in raw else None
            if url and "$" not in url.group(1):
                yield Violation(where, f"service '{name}': {var} holds a URL with a literal "
                                "password")
                continue
            if not key_re.search(var) or var.upper().endswith("_FILE"):
                continue
            if not referenced and not _PATH.match(bare) and not not_a_secret(var, bare):
                # (a path names a key file)
                yield Violation(where, f"service '{name}': {var} is set to a literal value")
            elif referenced and any(d.strip().strip("'\"").lower() not in ignored
                                    for d in _DEFAULT.findall(raw)):
                yield Violation(where, f"service '{name}': {var} falls back to a literal "
                                "default written in the file")
        yield from _command_secrets(name, svc, path)


def _command_secrets(name: str, svc: Mapping[str, Any], path: tuple[Any, ...]
                     ) -> Iterator[Violation]:
    """``command: redis-server --requirepass hunter2``: a literal secret on the command line."""
    command = svc.get("command")
    if isinstance(command, str):
        words: list[tuple[str, tuple[Any, ...]]] = [(w, (*path, "command"))
                                                    for w in _written(command).split()]
    elif isinstance(command, list):
        words = [(_written(w), (*path, "command", i)) for i, w in enumerate(command)]
    else:
        return
    for i, (word, where) in enumerate(words):
        m = _SECRET_FLAG.match(word)
        if m is None:
            continue
        value = m.group(2)
        if value is None and i + 1 < len(words):
            value = words[i + 1][0]
            if value.startswith("-"):
                continue
        if value and "$" not in value:
            yield Violation(where, f"service '{name}': command passes {m.group(1)} with a "
                            "literal value")


def _written(value: Any) -> str:
    """The text as written in the file (``${VAR}`` references kept)."""
    return value.raw if is_interpolated(value) else str(value)  # type: ignore[no-any-return]
