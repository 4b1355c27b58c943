"""Shared fixtures: one Prefect test harness per session for every flow test; one compiled dbt project for every
run of the session (and the next ones: it is keyed by the project's fingerprint)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from flows.settings import QUIET_PREFECT_ENV

for _key, _value in QUIET_PREFECT_ENV.items():  # before prefect is imported by any test
    os.environ.setdefault(_key, _value)
# every test warehouse (and every `juesuan run` a test starts) reuses the compiled project instead of compiling
os.environ.setdefault("JUESUAN_BUILD_CACHE", str(Path(tempfile.gettempdir()) / f"juesuan-build-cache-{os.getuid()}"))


@pytest.fixture(scope="session")
def prefect_harness():
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: runs whole builds (warehouse, dbt, Prefect); not in `make test-fast`")
