"""BI connections (docs/bi.md): SQLAlchemy via duckdb-engine opens the warehouse read-only; the Parquet route."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from tests.test_report_data import write_mart_warehouse
from warehouse.export import export_marts


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_mart_warehouse(tmp_path_factory.mktemp("bi") / "w.duckdb")


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
            f"SELECT count(*), sum(value) FROM read_parquet('{tmp_path}/fct_disclosure_metric.parquet') "
            "WHERE basis = 'actual' AND metric = 'income_total'").fetchone()
    assert n == 4 and total == Decimal("10200.50")
