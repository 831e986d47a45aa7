"""Autofix: turn findings of rules that declare a ``fix:`` into minimal, faithful edits.

Modules, each importing only downwards:

* ``spec``: a rule's declared fix (kind, path, value, safety);
* ``plan``: findings -> edit operations on the documents of one file (by position);
* ``intended``: what the documents must look like after the operations (plain values);
* ``splice``: text-level edits at the positions the parser recorded;
* ``roundtrip``: the same operations through ruamel.yaml's round-trip loader;
* ``apply``: per file: try ruamel, check it changed only what it should, else splice;
  verify the result re-parses to the intended values, then write atomically;
* ``default_deny``: generated default-deny egress NetworkPolicies.
"""
