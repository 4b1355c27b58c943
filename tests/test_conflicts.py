"""Conflicting filings (issue 18): two different current documents of one department, year and kind are two
versions, not a split filing — a document.conflict error on both, and the county marts use neither.

One dbt build on a small synthetic county (bench/bench_marts.synthesise_raw): department 3 gets a second version
with one figure changed; department 4 gets an identical copy (same figures: agreeing, not a conflict); department
5's disclosure is split over a narrative and a tables file (a split, not a conflict); department 6 has two files
of one unit that differ (a conflict) and a third unit file of another unit (not one).
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from bench.bench_marts import synthesise_raw
from warehouse.dbt import dbt_build

DOC_TABLES = ("line_items", "metric_facts", "recognised_tables", "table_cells", "text_blocks")


def _copy(con: duckdb.DuckDBPyConnection, department: str, suffix: str) -> tuple[str, str]:
    """A second current document of the department's 2024 tables file: the same rows under a new id."""
    old = con.execute("select document_id from raw.documents where department_name = ? and fiscal_year = 2024 "
                      "and logical_key like '%/tables'", [department]).fetchall()[0][0]
    new = f"{old[:10]}{suffix}"
    con.execute("insert into raw.documents select * replace (? as document_id, logical_key || ? as logical_key, "
                "source_file || ? as source_file, md5(file_sha256 || ?) as file_sha256) from raw.documents "
                "where document_id = ?", [new, suffix, suffix, suffix, old])
    for table in DOC_TABLES:
        con.execute(f"insert into raw.{table} select * replace (? as document_id) from raw.{table} "
                    "where document_id = ?", [new, old])
    return old, new


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[duckdb.DuckDBPyConnection, dict[str, str]]]:
    work: Path = tmp_path_factory.mktemp("conflicts")
    warehouse = work / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        synthesise_raw(con, 6, (2024,))
        first, second = _copy(con, "示例县第3局", "v2")
        con.execute("update raw.metric_facts set value = value + 100 where document_id = ? "
                    "and metric = 'expenditure_current_year' and basis = 'actual'", [second])
        _copy(con, "示例县第4局", "cp")
        _, unit = _copy(con, "示例县第2局", "unit")  # the 单位决算 of one unit: other figures, another disclosure
        con.execute("update raw.metric_facts set value = value / 2 where document_id = ?", [unit])
        con.execute("insert into raw.text_blocks values (?, 0, 1, 'heading', '示例县第2局2024年度单位决算')", [unit])
        # what identification reads from that title (ingest.identify: doc_level)
        con.execute("update raw.documents set doc_level = 'unit' where document_id = ?", [unit])
        # department 6: two files of one unit (the unit identification names) that differ, and another unit
        units = {}
        named = (("ua", "示例县第6局执法队"), ("ub", "示例县第6局执法队"), ("uc", "示例县第6局（本级）"))
        for suffix, unit_name in named:
            _, units[suffix] = _copy(con, "示例县第6局", suffix)
            con.execute("update raw.documents set doc_level = 'unit', unit_name = ? where document_id = ?",
                        [unit_name, units[suffix]])
        con.execute("update raw.metric_facts set value = value + 7 where document_id = ? "
                    "and metric = 'expenditure_current_year' and basis = 'actual'", [units["ub"]])
        con.execute("update raw.metric_facts set value = value / 2 where document_id = ?", [units["uc"]])
        ids = {"first": first, "second": second, **units}
    outcome = dbt_build(warehouse, work / "dbt")
    assert outcome.success, outcome.message
    with duckdb.connect(str(warehouse), read_only=True) as con:
        yield con, ids


def test_two_versions_are_a_conflict_on_both(county) -> None:
    con, ids = county
    failed = dict(con.execute(
        "select document_id, message from marts.fct_check_result where check_id = 'document.conflict' "
        "and status = 'fail'").fetchall())
    assert set(failed) == {ids["first"], ids["second"], ids["ua"], ids["ub"]}  # ua/ub: one unit, two files
    message = failed[ids["first"]]
    assert "不一致" in message and "v2" in message and "请撤回其中一份" in message
    severity, = con.execute("select distinct severity from marts.fct_check_result "
                            "where check_id = 'document.conflict'").fetchall()
    assert severity == ("error",)


def test_two_files_of_one_unit_conflict_and_other_units_do_not(county) -> None:
    """The scope of a 单位预算/单位决算 is its unit as identification names it (raw.documents.unit_name)."""
    con, ids = county
    failed = {d for d, in con.execute(
        "select document_id from marts.fct_check_result where check_id = 'document.conflict' and status = 'fail' "
        "and document_id in (?, ?, ?)", [ids["ua"], ids["ub"], ids["uc"]]).fetchall()}
    assert failed == {ids["ua"], ids["ub"]}


def test_a_split_filing_and_an_identical_copy_are_not_conflicts(county) -> None:
    con, _ = county
    summary = {d: (p, f) for d, p, f in con.execute(
        "select department_name, sum(passed), sum(failed) from marts.check_summary "
        "where check_id = 'document.conflict' group by 1").fetchall()}
    assert summary["示例县第4局"] == (2, 0) and summary["示例县第5局"] == (2, 0)  # a copy, a split
    assert summary["示例县第2局"] == (2, 0)  # a 部门决算 and a 单位决算: two disclosures, not two versions
    assert summary["示例县第1局"] == (1, 0) and summary["示例县第3局"] == (0, 2)


def test_county_marts_never_sum_two_versions(county) -> None:
    con, _ = county
    departments = {d for d, in con.execute(
        "select department_name from marts.county_department_summary where fiscal_year = 2024").fetchall()}
    assert "示例县第3局" not in departments  # neither version, until one is withdrawn
    assert {"示例县第4局", "示例县第5局"} <= departments
    sources = con.execute("select count(*) from marts.fct_expenditure_by_function "
                          "where department_name = '示例县第3局' and is_county_source").fetchall()[0][0]
    assert sources == 0
    copy_count, = con.execute("select document_count from marts.county_department_summary "
                              "where department_name = '示例县第4局'").fetchall()[0]
    assert copy_count == 2
    county_total = con.execute(
        "select sum(amount) from marts.county_function_summary where level = '类' and measure = 'total' "
        "and fiscal_year = 2024").fetchall()[0][0]
    per_department = con.execute(
        "select sum(amount) from marts.fct_expenditure_by_function where is_county_source and level = '类' "
        "and measure = 'total' and fiscal_year = 2024").fetchall()[0][0]
    assert county_total == per_department and isinstance(county_total, Decimal)


def test_each_version_is_checked_on_its_own(county) -> None:
    """The other rules see each version as a filing of its own (never the two mixed); a split stays one filing."""
    con, ids = county
    keys = dict(con.execute("select document_id, filing_key from intermediate.int_check_documents "
                            "where department_name in ('示例县第3局', '示例县第5局')").fetchall())
    assert keys[ids["first"]] != keys[ids["second"]]
    split = {k for d, k in keys.items() if d not in ids.values()}
    assert split == {"示例县第5局|2024|final_account"}
