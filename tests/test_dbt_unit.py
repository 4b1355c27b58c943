"""The dbt project's YAML unit tests (name resolution, roll-ups, interval comparison, …) — excluded from the
nightly build. dbt needs the tested models' parents to exist: they are built, empty, from the compiled project
(warehouse/build, cached per project fingerprint), so this stays a unit test (`make test-fast`)."""

from __future__ import annotations

from pathlib import Path

import duckdb

from warehouse.build.compile import cache_root, start_compile
from warehouse.build.runner import build
from warehouse.dbt import DBT_PROJECT_DIR, dbt_build
from warehouse.runs import dbt_fingerprint
from warehouse.schema import create_raw_schema_sql


def test_dbt_unit_tests_pass(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        for statement in create_raw_schema_sql():
            con.execute(statement)
    job = start_compile(cache_root(tmp_path / "cache"), dbt_fingerprint(DBT_PROJECT_DIR))
    built = build(warehouse, job.result(), job.seeds_file, data_tests=False, keep_state=False)
    assert built.success, built.message
    outcome = dbt_build(warehouse, tmp_path / "dbt-unit", select="test_type:unit", exclude=None, command="test")
    assert outcome.success, outcome.message
    assert outcome.tests >= 4
