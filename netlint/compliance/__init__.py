"""Compliance views of a scan: control frameworks (``frameworks/*.yaml``), control status
and scores, and Pod Security Standards readiness per namespace."""
