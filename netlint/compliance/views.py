"""What the compliance views need from a scan, and building them from its result
(shared by ``scan --compliance`` and ``netlint report``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from netlint.compliance import readiness as _readiness
from netlint.options import ScanOptions

READINESS_TEMPLATE = "pss-namespace-enforce"
NETWORK_TEMPLATE = "metadata-reachable"  # any template whose COLLECT is the network model's


def request_records(options: ScanOptions, network: bool = False) -> None:
    """Ask the engine to collect and keep the readiness (and network) records even when
    no selected rule needs them.  The incremental cache is not used then: it may reuse
    the cross-file findings of unchanged files without rebuilding their records, which
    the views read."""
    options.cache = False
    options.collect_templates.append(READINESS_TEMPLATE)
    options.keep_records.append(_readiness.RECORDS)
    if network:
        from netlint.templates._netpol import RECORDS

        options.collect_templates.append(NETWORK_TEMPLATE)
        options.keep_records.append(RECORDS)


@dataclass
class Views:
    frameworks: list[Any]  # FrameworkResult
    readiness: list[_readiness.NamespaceReadiness]
    egress: list[dict[str, Any]] | None


def build(result: Any, options: ScanOptions, frameworks: list[Any], all_rules: Any,
          network: bool = False) -> Views:
    from netlint.compliance.evaluate import evaluate

    egress = None
    if network:
        from netlint.model.egress import model_of
        from netlint.model.report import egress_rows
        from netlint.templates._netpol import RECORDS

        endpoints = None
        override: Any = options.rule_params.get("metadata-endpoint-reachable", {})
        if "endpoints" in override:
            endpoints = [str(e) for e in override["endpoints"]]
        elif "metadata-endpoint-reachable" in all_rules:
            listed: Any = all_rules["metadata-endpoint-reachable"].params.get("endpoints")
            endpoints = [str(e) for e in listed or ()]
        egress = egress_rows(model_of(result.records.get(RECORDS, [])), endpoints or None)
    return Views(
        frameworks=evaluate(result, frameworks, all_rules, options),
        readiness=_readiness.readiness(result.records.get(_readiness.RECORDS)),
        egress=egress,
    )
