"""Workloads that no network policy isolates for egress (they may connect anywhere),
within their join unit (``join-scope``).

A pod on the host's network counts as not isolated whatever selects it: NetworkPolicy
does not govern host-network pods on most network plugins (Kubernetes leaves it
undefined).  The message names the cloud metadata endpoints the workload can reach (the
``metadata-block`` family): no policy at all must never look safer than an explicit
allow, which ``metadata-endpoint-reachable`` reports as an error.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from netlint.model.egress import metadata_endpoints
from netlint.templates._netpol import COLLECT as COLLECT  # records, not documents
from netlint.templates._netpol import models
from netlint.templates.base import Project, RuleContext, Violation

SCOPE = "project"
TARGETS = ("kubernetes",)
PROJECT_KINDS = ("kubernetes",)  # the network model reads Kubernetes objects only
PARAMS_SCHEMA: dict[str, Any] = {"type": "object", "additionalProperties": False}


def check_project(project: Project, params: Mapping[str, Any], ctx: RuleContext
                  ) -> Iterator[Violation]:
    endpoints = metadata_endpoints(ctx.options)
    for m in models(project, ctx):
        for w in m.workloads:
            if m.isolated(w):
                continue
            reachable = [str(ep) for ep in endpoints if m.decide(w, ep).allowed]
            metadata = (f", including the cloud metadata endpoint(s) {', '.join(reachable)}"
                        if reachable else "")
            if w.host_network:
                yield Violation(
                    w.path,
                    f"{w.label} in namespace '{w.namespace}' uses the host's network "
                    "(hostNetwork: true), which network policies do not govern on most "
                    f"network plugins: it may connect to any address{metadata}",
                    location=w.location, context=w.context)
                continue
            near = m.almost(w)
            hint = ("; almost: " + "; ".join(near[:3])) if near else (
                "; no policy in its unit selects it with Egress")
            yield Violation(
                w.path,
                f"{w.label} in namespace '{w.namespace}' is not isolated for egress: it may "
                f"connect to any address{metadata}{hint}",
                location=w.location, context=w.context,
            )
