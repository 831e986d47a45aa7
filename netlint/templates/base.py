"""The contract between the engine and rule templates.

A template is a module in ``netlint/templates/`` named in a rule file's ``template:``.
It declares:

* ``TARGETS``: document kinds it reads ("kubernetes", "compose", "envoy" or "any");
* ``PARAMS_SCHEMA``: JSON schema of the rule file's ``params`` (validated at load);
* either ``check(doc, params, ctx) -> Iterable[Violation]`` (run once per document of a
  target kind), or, for checks that need the whole scan (cross-file joins, namespaces),
  ``check_project(project, params, ctx) -> Iterable[Violation]`` with ``SCOPE = "project"``;
  a project-scope template should also declare ``PROJECT_KINDS`` (e.g. ``("kubernetes",)``):
  only documents of those kinds are kept in memory and sent back from ``--jobs`` workers
  (every kind when it declares none);
* optionally ``COLLECT = (name, function)`` (project scope): ``function(doc, options)``
  runs on each document of ``PROJECT_KINDS`` as it is loaded (in the workers too) and
  returns a small picklable record; ``check_project`` then reads
  ``project.records[name]`` (one record per document, in scan order) and the documents
  are not kept.  Records must hold what findings need (e.g. ``(source, span)`` and the
  context, see ``places.place``).  ``COLLECT = (name, function, (encode, decode))`` lets
  the incremental cache keep the records as plain data (see ``plan.Codec``);
* optionally ``scope(options) -> "document" | "project"`` when the scope depends on the
  options (a module with both ``check`` and ``check_project``, e.g. the PSS controls).
* optionally ``ONLY_WITH = "<ScanOptions flag>"`` (project scope) for an opt-in template
  that reports nothing unless the flag is set: its ``PROJECT_KINDS`` are not kept then;

Templates report *paths*; the engine turns them into exact spans.  A violation of a
project-scope template names the document its path is relative to.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from netlint.source import Source, Span
from netlint.yamlnodes import Document, Path

if TYPE_CHECKING:
    from netlint.options import ScanOptions
    from netlint.registry import Rule


@dataclass(frozen=True)
class Violation:
    """What a template found: where (a path into a document) and what (a message).

    ``message`` names the specific offender ("container 'debug' sets privileged: true");
    the rule's title and docs carry the generic remediation.
    ``context`` is a line-independent identity of the offender used for fingerprints
    and baselines; the engine derives one from the path when it is empty.
    """

    path: Path = ()
    message: str = ""
    doc: Document | None = None  # required for project-scope templates
    location: tuple[Source, Span] | None = None  # an explicit place instead of a path
    context: str = ""
    # a milder severity for this one finding (e.g. a note where the risk is only future);
    # never higher than the rule's, and a configured severity override still wins
    lower_to: str = ""


@dataclass
class RuleContext:
    """What a template may know besides its document: the rule and the scan options."""

    rule: Rule
    options: ScanOptions
    shared: dict[str, Any] = field(default_factory=dict)  # per-scan cache shared by rules


@dataclass
class Project:
    """Every document of one scan, for cross-file templates."""

    documents: list[Document]
    # records collected per document while loading (a template's ``COLLECT``), by name
    records: dict[str, list[Any]] = field(default_factory=dict)

    def of_kind(self, kind: str) -> Iterator[Document]:
        return (d for d in self.documents if d.kind == kind)


CheckResult = Iterable[Violation]
