"""netlint: a policy-as-code linter for network and workload security configuration."""

__version__ = "0.1.0"
