"""``juesuan sql``: read-only queries as table / csv / json, also while a nightly run swaps the warehouse."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from flows.cli import main
from warehouse.sql import WarehouseUnavailable, format_csv, format_json, format_table, query

NEGATIVE_SQL = ("SELECT department_name, value FROM marts.fct_disclosure_metric "
                "WHERE basis = 'yoy_change' AND value < 0 ORDER BY value")



@pytest.fixture(scope="module")
def warehouse(dbt_marts: Path) -> Path:
    """The marts dbt built from the raw fixture (tests/fixtures_marts.py); the tests only read it."""
    return dbt_marts


def test_query_returns_decimals_and_formats(warehouse: Path):
    result = query(warehouse, NEGATIVE_SQL)
    assert result.columns == ("department_name", "value")
    assert result.rows[0][1] == Decimal("-500.00")
    table = format_table(result)
    assert table.splitlines()[2].endswith("-500.00") and "(3 行 rows)" in table
    assert json.loads(format_json(result), parse_float=Decimal)[0]["value"] == Decimal("-500.00")
    assert "-500.00" in format_json(result)  # exact decimal text, never a float repr
    assert format_csv(result).splitlines()[1].endswith(",-500.00")  # negative numbers are not escaped


def test_table_aligns_chinese_by_display_width(warehouse: Path):
    lines = format_table(query(warehouse, NEGATIVE_SQL)).splitlines()
    from warehouse.sql import _width

    assert len({_width(line) for line in lines[1:5]}) == 1  # separator and rows end in one column


def test_writes_are_refused(warehouse: Path):
    with pytest.raises(duckdb.Error, match="read-only"):
        query(warehouse, "DELETE FROM marts.dim_document")
    assert query(warehouse, "SELECT count(*) FROM marts.dim_document").rows[0][0] == 5


def test_missing_warehouse(tmp_path: Path):
    with pytest.raises(WarehouseUnavailable, match="not found"):
        query(tmp_path / "nope.duckdb", "SELECT 1")


def test_cli_formats(warehouse: Path, capsys):
    assert main(["sql", "--warehouse", str(warehouse), "--format", "json", NEGATIVE_SQL]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[0] == {"department_name": "示例县教育局", "value": -500.0}
    assert main(["sql", "--warehouse", str(warehouse), "--format", "csv", "SELECT '=1+1' AS f, -2 AS n"]) == 0
    assert capsys.readouterr().out.splitlines()[1] == "'=1+1,-2"
    assert main(["sql", "--warehouse", str(warehouse), "SELECT * FROM marts.no_such_table"]) == 2
    assert "SQL 错误" in capsys.readouterr().err


ROWS_PER_GENERATION = 40_000
WRITER = """
import os, shutil, sys, duckdb
live, build, generations = sys.argv[1], sys.argv[2], int(sys.argv[3])
for gen in range(2, generations + 2):
    shutil.copy(live, build)
    con = duckdb.connect(build)
    con.execute("DROP TABLE marts.heartbeat")
    con.execute("CREATE TABLE marts.heartbeat AS SELECT ?::INTEGER AS gen, range AS i, "
                "md5(range::VARCHAR) AS payload FROM range(? * ?)", [gen, gen, {rows}])
    con.execute("CHECKPOINT")
    con.close()
    os.replace(build, live)  # what the nightly run's publish step does
print("done")
""".replace("{rows}", str(ROWS_PER_GENERATION))


def test_queries_answer_while_nightly_run_replaces_the_warehouse(warehouse: Path, tmp_path: Path):
    live = tmp_path / "live.duckdb"
    live.write_bytes(warehouse.read_bytes())
    with duckdb.connect(str(live)) as con:
        con.execute(f"CREATE TABLE marts.heartbeat AS SELECT 1::INTEGER AS gen, range AS i, md5(range::VARCHAR) "
                    f"AS payload FROM range({ROWS_PER_GENERATION})")
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(live), str(tmp_path / "build.duckdb"), "6"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen: set[int] = set()
    answered = 0
    deadline = time.monotonic() + 60
    try:
        while writer.poll() is None and time.monotonic() < deadline:
            (gen, n, docs), = query(live, "SELECT max(gen), count(*), (SELECT count(*) FROM marts.dim_document) "
                                          "FROM marts.heartbeat").rows
            assert n == gen * ROWS_PER_GENERATION and docs == 5  # one consistent generation per query
            seen.add(gen)
            answered += 1
    finally:
        out, err = writer.communicate(timeout=60)
    assert writer.returncode == 0 and "done" in out, err
    assert answered >= 5 and len(seen) >= 2, (answered, seen)  # the queries ran across swaps
    assert query(live, "SELECT max(gen) FROM marts.heartbeat").rows[0][0] == 7


# --- the SQL door cannot reach the machine (issue 18, item 1) ---------------------------------------------------

def _door_statements(outside: Path, secret: Path) -> list[str]:
    """Statements that would read ``secret`` or write under ``outside`` if external access were on."""
    o = str(outside)
    return [
        f"SELECT * FROM read_csv('{secret}')",
        f"SELECT * FROM read_text('{secret}')",
        f"SELECT * FROM read_blob('{secret}')",
        f"SELECT * FROM glob('{secret.parent}/*')",
        f"SELECT * FROM '{secret}'",
        f"COPY marts.dim_document TO '{o}/copy.csv'",
        f"COPY (SELECT 'import os; os.system(\"touch {o}/pwned\")') TO '{o}/evil.pth' (FORMAT csv, HEADER false)",
        f"COPY marts.dim_document TO '{o}/copy.parquet' (FORMAT parquet)",
        f"EXPORT DATABASE '{o}/export'",
        f"ATTACH '{o}/new.duckdb' AS other",
        f"ATTACH '{o}/rw.duckdb' AS other (READ_WRITE)",
        "INSTALL httpfs",
        "LOAD httpfs",
        "SET enable_external_access = true",
        "RESET enable_external_access",
        "SET lock_configuration = false",
        "SET memory_limit = '100GB'",
        "PRAGMA enable_profiling = 'json'",
        f"SET profiling_output = '{o}/profile.json'",
        f"SET temp_directory = '{o}'",
        "CREATE SECRET s (TYPE s3, KEY_ID 'k', SECRET 'v')",
    ]


def _tree(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


def test_sql_door_refuses_files_extensions_and_settings(warehouse: Path, tmp_path: Path, capsys):
    from warehouse.sql import StatementRefused

    outside = tmp_path / "outside"
    outside.mkdir()
    secret = tmp_path / "secret.csv"
    secret.write_text("user,password\nroot,hunter2\n", encoding="utf-8")
    before, wh_before = _tree(tmp_path), warehouse.read_bytes()
    for sql in _door_statements(outside, secret):
        with pytest.raises(StatementRefused, match="refused") as refused:
            query(warehouse, sql)
        assert "SQL 入口" in str(refused.value) and "hunter2" not in str(refused.value), sql
        assert main(["sql", "--warehouse", str(warehouse), "--format", "csv", sql]) == 2, sql
        out, err = capsys.readouterr()
        assert out == "" and "SQL 入口只能读取数据仓库" in err and "refused" in err and "Traceback" not in err, sql
    assert _tree(tmp_path) == before  # nothing was written anywhere, not even next to the warehouse
    assert warehouse.read_bytes() == wh_before
    assert not (Path.home() / ".duckdb" / "stored_secrets" / "s.duckdb_secret").exists()


def test_sql_door_keeps_introspection(warehouse: Path):
    assert ("dim_document",) in query(warehouse, "SHOW TABLES FROM marts").rows or \
        "dim_document" in {r[2] for r in query(warehouse, "SHOW ALL TABLES").rows}
    assert "department_name" in {r[0] for r in query(warehouse, "DESCRIBE marts.dim_document").rows}
    assert "department_name" in {r[1] for r in query(warehouse, "PRAGMA table_info('marts.dim_document')").rows}
    tables = query(warehouse, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'marts'").rows
    assert ("fct_disclosure_metric",) in tables
    assert query(warehouse, "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'marts'").rows[0][0]
    assert query(warehouse, "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'marts'").rows[0][0] >= 3
    assert query(warehouse, "SELECT current_database()").rows == [(warehouse.stem,)]  # named by the file
    settings = query(warehouse, "SELECT current_setting('enable_external_access'), "
                                "current_setting('lock_configuration'), current_setting('autoload_known_extensions'),"
                                " current_setting('autoinstall_known_extensions')").rows
    assert settings == [(False, True, False, False)]
    assert query(warehouse, "SUMMARIZE marts.dim_document").rows


def test_every_analyst_connection_is_sandboxed(warehouse: Path, tmp_path: Path):
    """report and export open the warehouse through ``read_only``: the same locked settings."""
    from warehouse.sql import read_only

    with read_only(warehouse) as con:
        assert con.execute("SELECT current_setting('enable_external_access'), "
                           "current_setting('lock_configuration')").fetchall() == [(False, True)]
        with pytest.raises(duckdb.Error, match="disabled by configuration"):
            con.execute(f"COPY (SELECT 1) TO '{tmp_path}/x.csv'")
    assert not (tmp_path / "x.csv").exists()


def test_new_query_sees_a_publish_while_the_process_holds_the_old_file(warehouse: Path, tmp_path: Path):
    """DuckDB caches one instance per file and process: the door opens its own, so it sees the new warehouse."""
    live, build = tmp_path / "live.duckdb", tmp_path / "build.duckdb"
    live.write_bytes(warehouse.read_bytes())
    build.write_bytes(warehouse.read_bytes())
    with duckdb.connect(str(build)) as con:
        con.execute("DELETE FROM marts.dim_document WHERE status = 'quarantined'")
    pooled = duckdb.connect(str(live), read_only=True)  # e.g. a BI pool in the same process
    try:
        os.replace(build, live)  # the publish step
        assert query(live, "SELECT count(*) FROM marts.dim_document").rows[0][0] < 5
        # a plain new connection joins the cached instance and still reads the old file
        with duckdb.connect(str(live), read_only=True) as stale:
            assert stale.execute("SELECT count(*) FROM marts.dim_document").fetchone()[0] == 5
    finally:
        pooled.close()
    with duckdb.connect(str(live), read_only=True) as fresh:  # once the pool let go, plain connections are fresh
        assert fresh.execute("SELECT count(*) FROM marts.dim_document").fetchone()[0] < 5


BI_SAFE = {"enable_external_access": False, "lock_configuration": True, "temp_directory": "",
           "autoinstall_known_extensions": False, "autoload_known_extensions": False}


def test_bi_recipes_are_locked_and_see_the_latest_publish(warehouse: Path, tmp_path: Path):
    """docs/bi.md: SQLAlchemy with NullPool reconnects per checkout; a pooling engine needs dispose()."""
    pytest.importorskip("duckdb_engine", reason="duckdb-engine==0.17.0 not installed (pip install duckdb-engine)")
    import sqlalchemy as sa
    from sqlalchemy.pool import NullPool

    live, build = tmp_path / "live.duckdb", tmp_path / "build.duckdb"
    live.write_bytes(warehouse.read_bytes())
    build.write_bytes(warehouse.read_bytes())
    with duckdb.connect(str(build)) as con:
        con.execute("DELETE FROM marts.dim_document WHERE status = 'quarantined'")
    count = sa.text("SELECT count(*) FROM marts.dim_document")
    args = {"read_only": True, "config": BI_SAFE}
    null_pool = sa.create_engine(f"duckdb:///{live}", poolclass=NullPool, connect_args=args)
    pooled = sa.create_engine(f"duckdb:///{live}", connect_args=args)
    try:
        for engine in (null_pool, pooled):
            with engine.connect() as conn:
                assert conn.execute(count).scalar() == 5
                with pytest.raises(sa.exc.DBAPIError, match="disabled by configuration"):
                    conn.execute(sa.text(f"SELECT * FROM read_text('{tmp_path}/build.duckdb')"))
                conn.rollback()
                with pytest.raises(sa.exc.DBAPIError, match="configuration has been locked"):
                    conn.execute(sa.text("SET enable_external_access = true"))
        os.replace(build, live)  # the nightly publish
        with pooled.connect() as conn:  # the pooled connection still reads the old generation
            assert conn.execute(count).scalar() == 5
        pooled.dispose()
        with null_pool.connect() as conn:
            assert conn.execute(count).scalar() == 4
        with pooled.connect() as conn:  # after dispose() the pool reconnects to the new file
            assert conn.execute(count).scalar() == 4
    finally:
        null_pool.dispose()
        pooled.dispose()
