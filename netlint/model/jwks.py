"""Validate a JSON Web Key Set (RFC 7517/7518/8037) without any crypto library.

Checks what a verifier would trip over: JSON shape, ``kty``, the curve, and that every
key parameter is base64url of the right length for its curve or type.  Placeholders such
as ``replace-with-your-key-x`` fail here (wrong length, or not base64url at all).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any

EC_SIZES = {"P-256": 32, "P-384": 48, "P-521": 66}
OKP_SIZES = {"Ed25519": 32, "Ed448": 57, "X25519": 32, "X448": 56}
_B64URL = re.compile(r"^[A-Za-z0-9_-]*$")


def b64url(value: Any) -> bytes | None:
    """Decode unpadded base64url; None when the text is not base64url."""
    if not isinstance(value, str) or not value or not _B64URL.match(value) or (
        len(value) % 4 == 1
    ):
        return None
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        return None


def _key_problem(key: Any) -> str | None:
    if not isinstance(key, dict):
        return "is not a JSON object"
    kty = key.get("kty")
    if kty == "EC":
        crv = key.get("crv")
        if crv not in EC_SIZES:
            return f"has unsupported EC curve {crv!r}"
        size = EC_SIZES[crv]
        for coord in ("x", "y"):
            raw = b64url(key.get(coord))
            if raw is None:
                return f"{coord} ({key.get(coord)!r}) is not base64url"
            if len(raw) != size:
                return f"{coord} decodes to {len(raw)} bytes; {crv} needs {size}"
        return None
    if kty == "RSA":
        for part in ("n", "e"):
            raw = b64url(key.get(part))
            if raw is None:
                return f"{part} ({key.get(part)!r}) is not base64url"
        bits = len((b64url(key.get("n")) or b"").lstrip(b"\0")) * 8
        if bits < 1024:
            return f"modulus n is only {bits} bits"
        return None
    if kty == "OKP":
        crv = key.get("crv")
        if crv not in OKP_SIZES:
            return f"has unsupported OKP curve {crv!r}"
        raw = b64url(key.get("x"))
        if raw is None or len(raw) != OKP_SIZES[crv]:
            return f"x is not {OKP_SIZES[crv]} bytes of base64url for {crv}"
        return None
    if kty == "oct":
        return None if b64url(key.get("k")) else "k is not base64url"
    return f"has unknown kty {kty!r}"


def jwks_problem(text: str) -> str | None:
    """Why ``text`` is not a usable JWKS (or PEM public key), or None when it is."""
    stripped = text.strip()
    if stripped.startswith("-----BEGIN"):
        return None if "-----END" in stripped else "PEM block has no END line"
    try:
        data = json.loads(stripped)
    except ValueError as err:
        return f"not valid JSON ({err})"
    if not isinstance(data, dict):
        return "not a JSON object"
    keys = data.get("keys")
    if keys is None and "kty" in data:
        keys = [data]  # a single JWK is accepted too
    if not isinstance(keys, list) or not keys:
        return "has no 'keys' list"
    for i, key in enumerate(keys):
        problem = _key_problem(key)
        if problem is not None:
            kid = key.get("kid") if isinstance(key, dict) else None
            name = f"key {i}" + (f" ('{kid}')" if kid else "")
            return f"{name} {problem}"
    return None
