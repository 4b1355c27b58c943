"""BI connections (docs/bi.md): SQLAlchemy via duckdb-engine opens the warehouse read-only; the Parquet route."""

from __future__ import annotations

import json
import os
import subprocess
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from tests.fixtures_marts import copy_marts
from warehouse.export import export_marts


@pytest.fixture(scope="module")
def warehouse(dbt_marts: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the marts dbt built from the raw fixture (a test opens it for writing)."""
    return copy_marts(dbt_marts, tmp_path_factory.mktemp("bi") / "w.duckdb")


def test_sqlalchemy_duckdb_engine_reads_read_only(warehouse: Path):
    pytest.importorskip("duckdb_engine", reason="duckdb-engine==0.17.0 not installed (pip install duckdb-engine)")
    import sqlalchemy as sa

    engine = sa.create_engine(f"duckdb:///{warehouse}", connect_args={"read_only": True})
    try:
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT version()")).scalar() == f"v{duckdb.__version__}"
            value = conn.execute(sa.text(
                "SELECT value FROM marts.fct_disclosure_metric WHERE basis = 'yoy_change' ORDER BY value LIMIT 1"
            )).scalar()
            assert value == Decimal("-500.00")
            tables = sa.inspect(conn).get_table_names(schema="marts")
            assert {"dim_document", "fct_disclosure_metric", "fct_check_result"} <= set(tables)
            with pytest.raises(sa.exc.DBAPIError, match="read-only"):
                conn.execute(sa.text("DELETE FROM marts.dim_document"))
    finally:
        engine.dispose()
    # the engine left no handle behind: a writer can open the file again
    duckdb.connect(str(warehouse)).close()


def test_two_read_only_clients_at_once(warehouse: Path):
    with duckdb.connect(str(warehouse), read_only=True) as a, duckdb.connect(str(warehouse), read_only=True) as b:
        assert a.execute("SELECT count(*) FROM marts.dim_document").fetchone() == \
            b.execute("SELECT count(*) FROM marts.dim_document").fetchone()


def test_parquet_route_for_tools_without_duckdb(warehouse: Path, tmp_path: Path):
    export_marts(warehouse, "parquet", tmp_path)
    with duckdb.connect() as con:  # any Parquet reader will do; this is the one the docs show
        n, total = con.execute(
            f"SELECT count(*), sum(value) FROM read_parquet('{tmp_path}/fct_department_metric.parquet') "
            "WHERE basis = 'actual' AND metric = 'income_total'").fetchone()
    assert n == 4 and total == Decimal("10200.50")


# ---- every mart of a real build: SQLAlchemy reflection, and the v1.4 BI copy read by DuckDB 1.4 ----------------

DUCKDB14_PYTHON = Path(os.environ.get("JUESUAN_DUCKDB14_PYTHON", "/tmp/duckdb14/bin/python"))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from flows.nightly import run_consolidation
    from flows.options import RunOptions
    from samplegen import generate_county

    root = tmp_path_factory.mktemp("bi-built")
    generate_county(root / "inbox", departments=2, years=(2024,), seed=2, defect_rate=0.5, formats=("txt",))
    warehouse = root / "data" / "warehouse.duckdb"
    report = run_consolidation(root / "inbox", warehouse, RunOptions(workers=0), tracked=False)
    assert report.ok, report.reason
    return warehouse


def test_sqlalchemy_inspects_and_autoloads_every_mart(built: Path):
    """duckdb+juesuan:// (warehouse/bi.py): get_columns, get_pk_constraint and autoload work on every mart with
    SQLAlchemy 2 — plain duckdb-engine 0.17.0 fails there on pg_catalog.pg_collation."""
    pytest.importorskip("duckdb_engine", reason="duckdb-engine==0.17.0 not installed (pip install duckdb-engine)")
    import sqlalchemy as sa

    with duckdb.connect(str(built), read_only=True) as con:
        marts = {r[0]: r[1] for r in con.execute(
            "SELECT table_name, count(*) FROM information_schema.columns WHERE table_schema = 'marts' "
            "GROUP BY 1").fetchall()}
    engine = sa.create_engine(f"duckdb+juesuan:///{built}", connect_args={"read_only": True})
    try:
        inspector = sa.inspect(engine)
        assert "warehouse.marts" in inspector.get_schema_names()
        views = set(inspector.get_view_names(schema="marts"))  # pipeline_run
        assert set(inspector.get_table_names(schema="marts")) | views == set(marts) and len(marts) >= 15
        for mart, n_columns in marts.items():
            for schema in ("marts", "warehouse.marts"):  # SQL Lab's plain name and Superset's <file>.marts
                columns = inspector.get_columns(mart, schema=schema)
                assert len(columns) == n_columns and all(c["type"] is not None for c in columns), mart
                assert inspector.get_pk_constraint(mart, schema=schema)["constrained_columns"] == []
            table = sa.Table(mart, sa.MetaData(), schema="marts", autoload_with=engine)
            assert len(table.columns) == n_columns
        money = sa.Table("fct_check_result", sa.MetaData(), schema="marts", autoload_with=engine).c.expected.type
        assert isinstance(money, sa.Numeric) and (money.precision, money.scale) == (38, 6)
        with engine.connect() as conn:
            table = sa.Table("dim_department", sa.MetaData(), schema="marts", autoload_with=conn)
            assert conn.execute(sa.select(sa.func.count()).select_from(table)).scalar() == 2
    finally:
        engine.dispose()


def test_bi_copy_opens_in_duckdb_1_4(built: Path, tmp_path: Path):
    if not DUCKDB14_PYTHON.is_file():
        pytest.skip(f"no DuckDB 1.4 reader at {DUCKDB14_PYTHON} (python3.11 -m venv /tmp/duckdb14 && "
                    "/tmp/duckdb14/bin/pip install 'duckdb==1.4.*')")
    from flows.cli import main

    assert main(["export", "--format", "bi", "--warehouse", str(built), "--out", str(tmp_path)]) == 0
    copy = tmp_path / "juesuan-bi.duckdb"
    with duckdb.connect(str(built), read_only=True) as con:
        expected = {m: con.execute(f'SELECT count(*) FROM marts."{m}"').fetchone()[0] for (m,) in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'marts'").fetchall()}
        money = con.execute("SELECT sum(value) FROM marts.fct_disclosure_metric").fetchone()[0]
    script = (
        "import duckdb, json, sys\n"
        "con = duckdb.connect(sys.argv[1], read_only=True)\n"
        "marts = [r[0] for r in con.execute(\"SELECT table_name FROM information_schema.tables "
        "WHERE table_schema = 'marts'\").fetchall()]\n"
        "out = {m: con.execute(f'SELECT count(*) FROM marts.\"{m}\"').fetchone()[0] for m in marts}\n"
        "out['_sum'] = str(con.execute('SELECT sum(value) FROM marts.fct_disclosure_metric').fetchone()[0])\n"
        "out['_version'] = duckdb.__version__\n"
        "print(json.dumps(out))\n"
    )
    proc = subprocess.run([str(DUCKDB14_PYTHON), "-c", script, str(copy)], capture_output=True, text=True,
                          timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    seen = json.loads(proc.stdout)
    assert seen.pop("_version").startswith("1.4.")
    assert Decimal(seen.pop("_sum")) == money  # DECIMAL stays DECIMAL
    assert seen == expected
