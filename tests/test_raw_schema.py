"""The raw schema is declared once (warehouse/schema.py): the DDL, the loader's dtypes and the dbt sources agree."""

from __future__ import annotations

import duckdb
import pytest

from warehouse import schema
from warehouse.load import SNAPSHOT_TABLES, build_frames
from warehouse.schema import RAW_SCHEMA, SOURCE_FILES, TABLES, create_raw_schema_sql, dbt_sources_yaml, frame_schema

# DuckDB's information_schema spelling of the declared types
_INFO_TYPES = {"TIMESTAMPTZ": "TIMESTAMP WITH TIME ZONE", "DECIMAL(18, 4)": "DECIMAL(18,4)"}


def _columns(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[str, str, bool, str | None]]]:
    out: dict[str, list[tuple[str, str, bool, str | None]]] = {}
    for table, name, dtype, nullable, default in con.execute(
            "SELECT table_name, column_name, data_type, is_nullable = 'YES', column_default "
            "FROM information_schema.columns WHERE table_schema = 'raw' ORDER BY table_name, ordinal_position"
    ).fetchall():
        out.setdefault(table, []).append((name, dtype, nullable, default))
    return out


def _declared(table: schema.RawTable) -> list[tuple[str, str, bool]]:
    return [(c.name, _INFO_TYPES.get(c.sql_type, c.sql_type), c.nullable and not c.primary_key) for c in table.columns]


def test_ddl_creates_the_declared_columns_in_order() -> None:
    with duckdb.connect() as con:
        for statement in create_raw_schema_sql():
            con.execute(statement)
        found = _columns(con)
    assert set(found) == set(TABLES)
    for table in RAW_SCHEMA:
        assert [c[:3] for c in found[table.name]] == _declared(table), table.name
        defaults = {c.name: c.default for c in table.columns if c.default is not None}
        assert {n: d for n, _, _, d in found[table.name] if d is not None} == defaults


def test_migrations_bring_an_old_warehouse_to_the_declared_columns() -> None:
    with duckdb.connect() as con:
        con.execute("CREATE SCHEMA raw")
        for table in RAW_SCHEMA:  # the tables as first released: without the migrated columns
            first = ", ".join(c.ddl() for c in table.columns if not c.migrated)
            con.execute(f"CREATE TABLE raw.{table.name} ({first})")
        for statement in create_raw_schema_sql():
            con.execute(statement)
        found = _columns(con)
    for table in RAW_SCHEMA:
        assert sorted(c[0] for c in found[table.name]) == sorted(c.name for c in table.columns)


def test_loader_frames_use_the_declared_dtypes() -> None:
    frames = build_frames([], run_id="r")
    assert set(frames) == set(SNAPSHOT_TABLES)
    for name, frame in frames.items():
        assert {f.name: f.type for f in frame.schema} == frame_schema(name)
        left_out = [c for c in TABLES[name].columns if not c.in_frame]
        assert all(c.nullable or c.default is not None for c in left_out)  # the insert BY NAME leaves them


@pytest.mark.parametrize("source", sorted(SOURCE_FILES))
def test_dbt_sources_yaml_lists_the_declared_columns(source: str) -> None:
    path = schema.DBT_SOURCES_DIR / SOURCE_FILES[source]
    current = path.read_text(encoding="utf-8")
    assert dbt_sources_yaml(source, current) == current, f"run `python -m warehouse.schema` to regenerate {path}"
