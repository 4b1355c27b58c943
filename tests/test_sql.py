"""``juesuan sql``: read-only queries as table / csv / json, also while a nightly run swaps the warehouse."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from flows.cli import main
from tests.test_report_data import write_mart_warehouse
from warehouse.sql import WarehouseUnavailable, format_csv, format_json, format_table, query

NEGATIVE_SQL = ("SELECT department_name, value FROM marts.fct_disclosure_metric "
                "WHERE basis = 'yoy_change' AND value < 0 ORDER BY value")


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_mart_warehouse(tmp_path_factory.mktemp("sql") / "w.duckdb")


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
