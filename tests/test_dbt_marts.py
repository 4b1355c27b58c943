"""The dbt marts on a small synthetic county (raw tables written directly, see bench/bench_marts.synthesise_raw).

One dbt build per module (~20 s); the assertions recompute what they check from the raw tables, so a mart that
double counts a split disclosure, shows a superseded revision or loses an unresolved line fails here.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from bench.bench_marts import synthesise_raw
from warehouse.dbt import dbt_build

YEARS = (2018, 2024)
DEPARTMENTS = 10  # department 5 and 10 split their disclosure over two files; 7 has a superseded revision


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    work: Path = tmp_path_factory.mktemp("marts")
    warehouse = work / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        synthesise_raw(con, DEPARTMENTS, YEARS)
    outcome = dbt_build(warehouse, work / "dbt")
    assert outcome.success, outcome.message
    return warehouse, work


@pytest.fixture(scope="module")
def marts(built: tuple[Path, Path]) -> Iterator[duckdb.DuckDBPyConnection]:
    with duckdb.connect(str(built[0]), read_only=True) as con:
        yield con


# the YAML unit tests: tests/test_dbt_unit.py (a unit test, in `make test-fast`)


def rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    return con.sql(sql).fetchall()


def test_every_function_line_has_a_code_or_a_reason(marts: duckdb.DuckDBPyConnection) -> None:
    bad = rows(marts, """
        select name_reported from marts.fct_expenditure_by_function
        where (function_code is null) <> (resolution_method = 'unresolved')
           or (resolution_method = 'unresolved' and resolution_reason is null)""")
    assert bad == []
    raw_lines = rows(marts, """
        select count(*) from raw.line_items join raw.documents using (document_id)
        where classification = 'function' and is_current""")[0][0]
    raw_t1_rows = rows(marts, """
        select count(*) from raw.table_cells join raw.documents using (document_id)
        where table_key = 'income_expenditure_summary' and is_current""")[0][0]
    mart_lines = rows(marts, "select count(*) from marts.fct_expenditure_by_function")[0][0]
    assert mart_lines == raw_lines + raw_t1_rows  # nothing dropped


def test_old_class_name_resolves_as_historical(marts: duckdb.DuckDBPyConnection) -> None:
    found = rows(marts, """
        select distinct fiscal_year, function_code, resolution_method, name_canonical
        from marts.fct_expenditure_by_function
        where name_reported = '医疗卫生与计划生育（类）'""")
    assert found and all(r == (2018, "210", "exact", "医疗卫生与计划生育支出") for r in found)
    renamed = rows(marts, """
        select distinct fiscal_year, resolution_method from marts.fct_expenditure_by_function
        where source_kind = 'table' and table_key = 'income_expenditure_summary' and function_code = '210'""")
    # T1 rows carry today's name: exact in 2024, historical (the code's other name) in 2018
    assert sorted(renamed) == [(2018, "historical"), (2024, "exact")]


def test_narrative_paths_resolve_to_item_codes(marts: duckdb.DuckDBPyConnection) -> None:
    unmatched = rows(marts, """
        select n.name_reported, n.function_code from marts.fct_expenditure_by_function n
        where n.source_kind = 'narrative' and n.level = '项'
          and n.function_code <> regexp_extract(n.locator, 'para:([0-9]+)', 1)""")
    assert unmatched == []  # the synthesiser writes the 项 code into the narrative locator


def test_county_summary_is_the_sum_of_each_departments_t3(marts: duckdb.DuckDBPyConnection) -> None:
    expected = dict(((y, c), v) for y, c, v in rows(marts, """
        select d.fiscal_year, l.code, sum(l.value) from raw.line_items l join raw.documents d using (document_id)
        where d.is_current and l.locator like 'table:expenditure/%' and l.measure = 'total' and l.level = '类'
        group by all"""))
    county = dict(((y, c), v) for y, c, v in rows(marts, """
        select fiscal_year, function_code, amount from marts.county_function_summary
        where level = '类' and measure = 'total'"""))
    assert county == expected
    assert all(isinstance(v, Decimal) for v in county.values())


def test_split_disclosure_counts_once(marts: duckdb.DuckDBPyConnection) -> None:
    (count, total, t3), = rows(marts, """
        select s.document_count, s.total_expenditure,
               (select sum(amount) from marts.fct_expenditure_by_function f
                where f.department_name = s.department_name and f.fiscal_year = s.fiscal_year
                  and f.table_key = 'expenditure' and f.level = '类' and f.measure = 'total')
        from marts.county_department_summary s
        where s.department_name = '示例县第5局' and s.fiscal_year = 2024""")
    assert count == 2
    assert total == t3
    sources = rows(marts, """
        select distinct coalesce(table_key, 'narrative') from marts.fct_expenditure_by_function
        where department_name = '示例县第5局' and is_county_source""")
    assert sources == [("expenditure",)]


def test_only_current_revisions_in_marts_history_kept(marts: duckdb.DuckDBPyConnection) -> None:
    superseded = rows(marts, "select document_id from raw.documents where not is_current")
    assert superseded
    ids = tuple(r[0] for r in superseded)
    for mart in ("fct_disclosure_metric", "fct_expenditure_by_function", "fct_sangong"):
        assert rows(marts, f"select count(*) from marts.{mart} where document_id in {ids!r}") == [(0,)], mart
    history = rows(marts, f"""
        select distinct revision_status from marts.fct_disclosure_metric_history where document_id in {ids!r}""")
    assert history == [("superseded",)]
    statuses = rows(marts, f"select distinct revision_status from marts.dim_document where document_id in {ids!r}")
    assert statuses == [("superseded",)]


def test_department_summary_ratios_and_ranks(marts: duckdb.DuckDBPyConnection) -> None:
    summary = rows(marts, """
        select department_name, peer_group, basic_share_pct, sangong_per_staff, budget_execution_pct,
               rank_in_county, rank_in_peer_group, yoy_growth_pct
        from marts.county_department_summary where fiscal_year = 2024 order by rank_in_county""")
    assert len(summary) == DEPARTMENTS
    assert [r[5] for r in summary] == list(range(1, DEPARTMENTS + 1))
    town = next(r for r in summary if r[0] == "示例县第10镇人民政府")
    assert town[1] == "街道/乡镇" and town[6] == 1  # the only town of its peer group
    assert all(r[2] == Decimal("60.00") for r in summary)  # basic = 60 % of every line
    dept3 = next(r for r in summary if r[0] == "示例县第3局")
    assert dept3[3] == Decimal("0.1543")  # 三公 3.55 万元 / 23 staff, 4 decimals
    assert dept3[4] == Decimal("96.18")  # 一般公共预算 503 actual / 523 budget
    assert all(r[7] is None for r in summary)  # 2018 is not the year before 2024


def test_performance_and_classification_dimensions(marts: duckdb.DuckDBPyConnection) -> None:
    perf = rows(marts, """
        select distinct project_name, execution_rate_pct from marts.fct_performance_target
        where department_name = '示例县第1局' and item = 'budget'""")
    assert perf == [("第1号重点项目", Decimal("95.50"))]
    names = rows(marts, """
        select fiscal_year, name from marts.dim_function_class
        where function_code = '21305' and fiscal_year in (2020, 2021) order by fiscal_year""")
    assert names == [(2020, "扶贫"), (2021, "巩固脱贫攻坚成果衔接乡村振兴")]
