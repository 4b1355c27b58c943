"""The dbt project's YAML unit tests (name resolution, roll-ups, interval comparison, …) — excluded from the
nightly build, a unit test of `make test-fast`. They run in the background from the session's start
(tests/dbt_unit.py, the fixture ``dbt_unit_outcome`` of tests/conftest.py); this test waits for their outcome."""

from __future__ import annotations


def test_dbt_unit_tests_pass(dbt_unit_outcome: dict[str, object]) -> None:
    assert dbt_unit_outcome["success"], dbt_unit_outcome["message"]
    tests = dbt_unit_outcome["tests"]
    assert isinstance(tests, int) and tests >= 4
