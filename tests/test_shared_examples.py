"""The configurations from the security guides netlint was designed from
(``../shared/examples``): each real problem a careful reviewer names is reported on its line,
and the well-scoped ones stay clean.  Skips when ../shared is absent."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import scan

EXPECTED: dict[str, set[tuple[str, int]]] = {
    "calico-ssh.yaml": {("ingress-from-anywhere-to-management-port", 11)},
    "compose-loki.yaml": {
        ("compose-service-runs-as-root", 4),  # no user: runs as root
        ("compose-image-not-pinned", 5),  # :latest
        ("compose-service-unrestricted-egress", 6),  # ICC off does not restrict egress
    },
    "k8s-loki-egress.yaml": {
        ("dns-egress-to-any-destination", 14),
        ("egress-to-any-destination", 21),  # to: [] on 443 allows every destination
    },
    "envoy-egress.yaml": {
        ("envoy-listener-plaintext", 6),
        ("envoy-jwt-invalid-jwks", 35),
        ("envoy-jwt-forwards-token", 37),
        ("envoy-forward-proxy-metadata-reachable", 53),
    },
    "lokistack.yaml": {("lokistack-network-policies-disabled", 16)},
    "k8s-sandbox-egress.yaml": set(),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_reviewer_findings_are_reported_on_their_lines(shared_dir: Path, name: str) -> None:
    result = scan([str(shared_dir / "examples" / name)])
    found = {(f.rule_id, f.span.start_line) for f in result.findings}
    assert EXPECTED[name] <= found
    if not EXPECTED[name]:
        assert found == set()


def test_restricted_pod_in_loki_example_has_no_pss_finding(shared_dir: Path) -> None:
    result = scan([str(shared_dir / "examples" / "k8s-loki-egress.yaml")])
    assert not [f for f in result.findings if f.rule_id.startswith(("pss-", "k8s-"))]
