"""A rule's declared fix (``fix:`` in its rule file), validated by schemas/rule.schema.json.

The kinds are implemented once, in the fixer, and any rule (built-in, declarative or a
user's own rule file) can use them:

* ``set``: set the scalar at ``path`` (relative to the object the finding is about),
  creating missing parent mappings;
* ``ensure-item``: make the list at ``path`` contain ``value`` (created when missing);
* ``remove``: remove the key or list item the finding points at (or ``path`` below it);
* ``add-except``: on the CIDR peers of the egress rule the finding points at
  (``to[].ipBlock`` of a NetworkPolicy, ``toCIDRSet[]`` of Cilium) whose CIDR contains
  one of ``value`` (a list of CIDRs), add it to the peer's ``except`` list;
* ``bind-loopback``: publish the Compose port the finding points at on 127.0.0.1 only
  (``"8080:80"`` -> ``"127.0.0.1:8080:80"``; long syntax: ``host_ip: 127.0.0.1``).

The object a finding is about (its *subject*) is found from the finding's position: the
path of the key or item it points at, minus the longest leading part of ``path`` that
this location ends with (a finding on ``securityContext`` of a container, for a fix
path ``securityContext.allowPrivilegeEscalation``, is about the container).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

KINDS = ("set", "ensure-item", "remove", "add-except", "bind-loopback")
SAFETIES = ("safe", "unsafe")


@dataclass(frozen=True)
class FixSpec:
    kind: str
    safety: str
    description: str
    path: tuple[str | int, ...] = ()
    value: Any = None
    # relative paths that, when present with a non-empty value on the subject, make the
    # fix not apply (e.g. drop ALL capabilities only where the container adds none back)
    unless: tuple[tuple[str | int, ...], ...] = ()

    @property
    def safe(self) -> bool:
        return self.safety == "safe"


def fix_spec(data: Mapping[str, Any] | None) -> FixSpec | None:
    """The FixSpec of a rule file's (schema-validated) ``fix`` mapping."""
    if not data:
        return None
    return FixSpec(
        kind=str(data["kind"]),
        safety=str(data["safety"]),
        description=str(data["description"]),
        path=_path(data.get("path")),
        value=data.get("value"),
        unless=tuple(_path(p) for p in data.get("unless") or ()),
    )


def _path(value: Any) -> tuple[str | int, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(value.split(".")) if value else ()
    return tuple(value)


def rule_fix(rule: Any) -> FixSpec | None:
    """A rule's fix, with what it takes from the rule's params: ``add-except`` without a
    ``value`` excludes the rule's ``endpoints`` (``ip:port``) as host networks."""
    spec: FixSpec | None = getattr(rule, "fix", None)
    if spec is not None and spec.kind == "add-except" and spec.value is None:
        params = getattr(rule, "params", None) or {}
        spec = replace(spec, value=endpoint_networks(params.get("endpoints") or ()))
    return spec


def endpoint_networks(endpoints: Any) -> list[str]:
    """``ip:port`` endpoints as host networks (``/32``, ``/128``)."""
    out = []
    for text in endpoints:
        host = str(text).rsplit(":", 1)[0].strip("[]")
        out.append(host + ("/128" if ":" in host else "/32"))
    return out
