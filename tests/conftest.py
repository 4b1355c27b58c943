"""Shared fixtures: one Prefect test harness per session for every flow test."""

from __future__ import annotations

import os

import pytest

from flows.settings import QUIET_PREFECT_ENV

for _key, _value in QUIET_PREFECT_ENV.items():  # before prefect is imported by any test
    os.environ.setdefault(_key, _value)


@pytest.fixture(scope="session")
def prefect_harness():
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield
