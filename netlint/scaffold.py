"""``netlint new-rule``: write a declarative rule file and its pass/fail fixtures.

The scaffold is a working rule: it validates, its fail fixture fails and its pass fixture
passes, so a user starts from something green and edits it into their policy.
"""

from __future__ import annotations

from pathlib import Path

from netlint.errors import UsageError

_PARAMS = {
    "kubernetes": """\
  match:
    apiVersion: example.com/*        # glob (or a list of globs)
    kind: Widget                     # glob (or a list of globs)
  assert:
    not:
      path: spec.insecure
      equals: true
  message: "{kind}/{name}: {path} is {value}"
""",
    "compose": """\
  for-each: services.*
  assert:
    not:
      path: privileged
      equals: true
  message: "service '{0}': {path} is {value}"
""",
    "envoy": """\
  assert:
    not:
      path: static_resources.listeners[*].address.socket_address.address
      in: ["0.0.0.0", "::"]
  message: "{path} is {value}: the listener accepts connections on every interface"
""",
    "any": """\
  match:
    when:
      path: server
      exists: true
  assert:
    path: server.tls
    equals: true
  message: "{path} is {value}"
""",
}

_FIXTURES = {
    "kubernetes": (
        "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: good\nspec:\n"
        "  insecure: false\n",
        "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: bad\nspec:\n"
        "  insecure: true\n",
    ),
    "compose": (
        "services:\n  web:\n    image: nginx:1.27\n",
        "services:\n  web:\n    image: nginx:1.27\n    privileged: true\n",
    ),
    "envoy": (
        "static_resources:\n  listeners:\n    - name: local\n      address:\n"
        "        socket_address: {address: 127.0.0.1, port_value: 10000}\n",
        "static_resources:\n  listeners:\n    - name: public\n      address:\n"
        "        socket_address: {address: 0.0.0.0, port_value: 10000}\n",
    ),
    "any": (
        "server:\n  port: 8443\n  tls: true\n",
        "server:\n  port: 8080\n  tls: false\n",
    ),
}

_FIXTURE_NAMES = {"compose": "compose.yaml"}

# the upstream reference of what each target reads: a real page to start from (the
# user's own policy page belongs first); `any` has none, so it says why, as the rule
# schema requires of an empty list
_REFERENCES = {
    "kubernetes": "    - https://kubernetes.io/docs/reference/kubernetes-api/\n",
    "compose": "    - https://docs.docker.com/reference/compose-file/\n",
    "envoy": "    - https://www.envoyproxy.io/docs/envoy/latest/api-v3/api\n",
}
_NO_REFERENCES = """\
  references: []
  # an empty list needs a reason (or list your policy's page above instead)
  no-references-reason: >-
    A convention of this repository's own YAML files; no upstream document describes it.
"""


def rule_text(rule_id: str, target: str) -> str:
    return f"""\
# A declarative netlint rule (guide: `python -c "import netlint.templates.declarative as d;
# print(d.__doc__)"` or the README's "Writing your own rules").  Try it with:
#   netlint scan <fixtures>/{rule_id}/fail --rules <this directory> --select {rule_id}
id: {rule_id}
title: Describe the bad pattern in a few words
severity: warning              # error | warning | note
security-severity: 5.0         # 0-10, as GitHub code scanning ranks alerts
tags: [security]
target: {target}
template: declarative
params:
{_PARAMS[target]}docs:
  what: >-
    What this rule finds, in a sentence or two.
  why: >-
    Why it matters: what an attacker or an outage does with it.
  example: |
    the configuration this rule flags
  use_instead: |
    the configuration to write instead
{_references(target)}"""


def _references(target: str) -> str:
    if target not in _REFERENCES:
        return _NO_REFERENCES
    return ("  # links shown with the rule (the first one is its help link in SARIF): put your\n"
            "  # policy's page first\n  references:\n" + _REFERENCES[target])


def new_rule(rule_id: str, target: str, rules_dir: str, fixtures_dir: str,
             force: bool = False) -> list[Path]:
    """Write the rule and its fixtures; refuse to overwrite unless ``force``."""
    import re

    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule_id):
        raise UsageError(f"rule id '{rule_id}' must be kebab-case (lower-case words joined "
                         "by '-'), naming the bad pattern")
    from netlint.registry import load_rules

    if rule_id in load_rules():
        raise UsageError(f"'{rule_id}' is a built-in rule id; choose another")
    good, bad = _FIXTURES[target]
    name = _FIXTURE_NAMES.get(target, "example.yaml")
    files = {
        Path(rules_dir) / f"{rule_id}.yaml": rule_text(rule_id, target),
        Path(fixtures_dir) / rule_id / "pass" / name: good,
        Path(fixtures_dir) / rule_id / "fail" / name: bad,
    }
    if not force:
        existing = [str(p) for p in files if p.exists()]
        if existing:
            raise UsageError(f"{existing[0]} exists; use --force to overwrite")
    stale = _other_placeholders(Path(fixtures_dir) / rule_id, target)
    rules_root = Path(rules_dir).resolve()
    fixtures_root = Path(fixtures_dir).resolve()
    if fixtures_root == rules_root or rules_root in fixtures_root.parents:
        raise UsageError("--fixtures must not be inside --dir: every YAML file under a rule "
                         "directory is read as a rule")
    for path in stale:  # --force with another --target: no example from another domain
        path.unlink()
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return list(files)


def _other_placeholders(case_dir: Path, target: str) -> list[Path]:
    """Examples an earlier ``new-rule`` wrote for another target, still unedited (their
    text is exactly the scaffold's); files the user wrote or edited are kept."""
    out = []
    for other, (good, bad) in _FIXTURES.items():
        if other == target:
            continue
        name = _FIXTURE_NAMES.get(other, "example.yaml")
        for side, text in (("pass", good), ("fail", bad)):
            path = case_dir / side / name
            if (name != _FIXTURE_NAMES.get(target, "example.yaml") and path.is_file()
                    and path.read_text(encoding="utf-8") == text):
                out.append(path)
    return out
