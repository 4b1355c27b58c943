"""Shared fixtures: one Prefect test harness per session for every flow test; one compiled dbt project for every
run of the session (and the next ones: it is keyed by the project's fingerprint)."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from flows.settings import QUIET_PREFECT_ENV
from tests.dbt_unit import UnitRun

# the session fixture dbt_marts (marts dbt built from a raw fixture): registered here once, so that every module
# that reads it shares one build (a fixture imported into each test module would be built once per module)
pytest_plugins = ["tests.fixtures_marts"]

for _key, _value in QUIET_PREFECT_ENV.items():  # before prefect is imported by any test
    os.environ.setdefault(_key, _value)
# every test warehouse (and every `juesuan run` a test starts) reuses the compiled project instead of compiling
os.environ.setdefault("JUESUAN_BUILD_CACHE", str(Path(tempfile.gettempdir()) / f"juesuan-build-cache-{os.getuid()}"))


@pytest.fixture(scope="session")
def prefect_harness():
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


# modules whose tests build warehouses (a run, dbt, the compiled project), start Prefect or a browser, and every test
# that reads the marts dbt builds from the raw fixture (BUILT_FIXTURES): marked slow here, in one place, so that
# `make test-fast` (pytest -m "not slow") keeps the unit tests (and the dbt unit tests) only
SLOW_MODULES = frozenset({
    "test_bi", "test_budget_checks", "test_budget_completeness_real", "test_checks_real", "test_conflicts",
    "test_dbt_marts", "test_flow",
    "test_function_classification_real", "test_hardening_inbox", "test_hardening_runs", "test_ops_serve",
    "test_registry_coverage", "test_reliability",
    "test_report",
    "test_report_browser", "test_review_loop", "test_sql",
})
BUILT_FIXTURES = frozenset({"dbt_marts"})  # session fixtures that run a dbt build (tests/fixtures_marts.py)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: runs whole builds (warehouse, dbt, Prefect); not in `make test-fast`")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        slow_module = item.module is not None and item.module.__name__.rsplit(".", 1)[-1] in SLOW_MODULES
        if slow_module or BUILT_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
    # the tests that wait for a background run go last, so that the others run meanwhile
    items.sort(key=_waits_for_background)


# The dbt YAML unit tests are one dbt process of most of a minute on one core (tests/dbt_unit.py): started in the
# background once the session's tests are known, when one of them asks for its outcome, so that the other tests
# use the second core meanwhile; ``dbt_unit_outcome`` waits for it.
BACKGROUND_FIXTURES = frozenset({"dbt_unit_outcome"})
UNIT_RUN = pytest.StashKey[UnitRun]()


def _waits_for_background(item: pytest.Item) -> bool:
    return bool(BACKGROUND_FIXTURES & set(getattr(item, "fixturenames", ())))


def pytest_collection_finish(session: pytest.Session) -> None:
    if any(_waits_for_background(item) for item in session.items):
        session.config.stash[UNIT_RUN] = UnitRun.start(Path(tempfile.mkdtemp(prefix="juesuan-dbt-unit-")))


def pytest_sessionfinish(session: pytest.Session) -> None:
    run = session.config.stash.get(UNIT_RUN, None)
    if run is not None:
        run.stop()
        shutil.rmtree(run.work, ignore_errors=True)


@pytest.fixture(scope="session")
def dbt_unit_outcome(request: pytest.FixtureRequest) -> dict[str, object]:
    return request.config.stash[UNIT_RUN].outcome()
