"""Report data layer, formatting and charts, on marts dbt built from the raw fixture (tests/fixtures_marts.py)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from tests.fixtures_marts import EDUCATION, FINANCE, TOWN
from warehouse.report import data, fmt, svg


@pytest.fixture(scope="module")
def county(dbt_marts: Path) -> data.CountyData:
    return data.load_county(dbt_marts)


def _mart(warehouse: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def test_one_figure_per_metric_prefers_tables(county: data.CountyData):
    dy = county.get(FINANCE, 2024)
    assert dy is not None
    assert dy.actual("income_total") == Decimal("1200.50")  # the table, not the sentence's 1210.50
    assert dy.figures[("general_budget_expenditure", "actual")].source_kind == "table"
    assert dy.figures[("general_budget_expenditure", "budget")].source_kind == "narrative"


def test_indicators_are_the_county_marts(county: data.CountyData, dbt_marts: Path):
    rows = _mart(dbt_marts, "SELECT department_name, fiscal_year, total_expenditure, budget_execution_pct, "
                            "completeness_pct FROM marts.county_department_summary")
    assert len(rows) == 4
    for dept, year, total, execution, complete in rows:
        dy = county.get(dept, year)
        assert dy is not None
        assert data.indicator_value(dy, "expenditure_total") == total
        assert data.indicator_value(dy, "execution_rate") == execution
        assert data.completeness(dy) == complete
    fin = county.get(FINANCE, 2024)
    assert fin is not None and fmt.pct(data.indicator_value(fin, "execution_rate"), 2) == "88.00%"  # as stated


def test_derived_indicators_and_prior_year(county: data.CountyData):
    fin = county.get(FINANCE, 2024)
    edu = county.get(EDUCATION, 2024)
    assert fin is not None and edu is not None
    assert data.indicator_value(fin, "admin_cost_per_staff") == Decimal("2.5")
    assert data.prior_value(fin, "expenditure_total") == Decimal("900.00")  # from the 2023 disclosure
    assert data.prior_value(edu, "expenditure_total") == Decimal("5350.00")  # 4900 − (−450), as stated
    assert data.prior_value(fin, "admin_cost_per_staff") == Decimal(2)
    assert data.prior_value(fin, "sangong_total") == Decimal("20.00")  # last year's row
    assert data.prior_value(edu, "income_total") == Decimal("5500.00")  # 5000 − (−500), as stated
    assert data.prior_value(fin, "procurement_total") is None  # neither last year's row nor a stated change


def test_fiscal_appropriation_is_the_county_marts(county: data.CountyData, dbt_marts: Path):
    fin, town = county.get(FINANCE, 2024), county.get(TOWN, 2024)
    assert fin is not None and town is not None
    assert data.indicator_value(fin, "fiscal_appropriation") == Decimal("1100.50")  # as stated
    assert data.indicator_value(town, "fiscal_appropriation") == Decimal("2800.00")  # 2500 + 300, its kinds
    assert data.income_structure(town)[0] == ("财政拨款收入", Decimal("2800.00"))
    sources = dict(_mart(dbt_marts, "SELECT department_name, fiscal_appropriation_income_source "
                                    "FROM marts.county_department_summary WHERE fiscal_year = 2024"))
    assert sources == {FINANCE: "stated", TOWN: "appropriation_kinds", EDUCATION: None}


def test_peer_groups_and_ranks(county: data.CountyData, dbt_marts: Path):
    fin = county.get(FINANCE, 2024)
    assert fin is not None
    assert county.peer_groups == dict(_mart(dbt_marts, "SELECT department_name, peer_group FROM marts.dim_department"))
    assert county.peer_groups[TOWN] != county.peer_groups[FINANCE] == county.peer_groups[EDUCATION]
    by_key = {c.indicator.key: c for c in data.compare(county, fin)}
    exp = by_key["expenditure_total"]
    assert (exp.peer_rank, exp.peer_size) == (2, 2)  # 教育局 4900 > 财政局 1150.25; the town is not a peer
    assert exp.peer_median == Decimal("3025.125")
    assert exp.change == Decimal("250.25")


def test_findings_are_the_open_failures_of_the_mart(county: data.CountyData, dbt_marts: Path):
    fin = county.get(FINANCE, 2024)
    assert fin is not None
    counts = dict(_mart(dbt_marts, "SELECT status, count(*) FROM marts.fct_check_result WHERE department_name = ? "
                                   "AND fiscal_year = 2024 GROUP BY 1", [FINANCE]))
    assert len(fin.findings) == counts["fail"] and fin.not_evaluable == counts["not_evaluable"]
    assert {f.severity for f in fin.findings} <= {"error", "warning", "info"}  # the registry's severities
    mismatch = next(f for f in fin.findings if f.check_id == "narrative.amount_vs_table" and f.page == 5)
    assert mismatch.severity == "error" and mismatch.title and mismatch.finding_id
    assert "1210.50" in mismatch.message and "10.00" in mismatch.message
    errors = _mart(dbt_marts, "SELECT findings_error FROM marts.county_department_summary "
                              "WHERE department_name = ? AND fiscal_year = 2024", [FINANCE])[0][0]
    assert data.error_count(fin) == errors == 2


def test_unbuilt_marts_are_noted_not_fatal(tmp_path: Path):
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    bare = data.load_county(empty)
    assert bare.years == {} and bare.missing and "marts.fct_check_result" in bare.missing[0]


def test_quarantined_files_listed(county: data.CountyData):
    assert county.documents_quarantined == 1 and county.documents_loaded == 4
    assert [file for _, file, _ in county.quarantined] == ["broken.pdf"]


def test_money_formatting_is_decimal_half_up():
    assert fmt.money(Decimal("1234.565")) == "1,234.57"  # float would round 1234.565 down
    assert fmt.money(Decimal("-0.005")) == "-0.01"
    assert fmt.signed_money(Decimal("3")) == "+3.00"
    assert fmt.pct(Decimal("12.345"), 2, signed=True) == "+12.35%"
    assert fmt.money(None) == fmt.DASH


def test_charts_are_svg_with_one_shape_per_value():
    bars = svg.hbar_chart([("甲", Decimal("5")), ("乙", Decimal("-2")), ("丙", None)], "测试")
    assert bars.startswith("<svg") and bars.count("<rect") == 2 and "-2.00" in bars
    donut = svg.donut_chart([("甲", Decimal("1")), ("乙", Decimal("3")), ("零", Decimal("0"))], "结构")
    assert donut.count("<path") == 2 and "75.0%" in donut and "4.00" in donut
    assert svg.donut_chart([("零", Decimal("0"))], "空") == svg.EMPTY
    assert svg.grouped_bar_chart(["收入"], [("上年", [None]), ("本年", [None])], "空") == svg.EMPTY
    assert "<script" not in bars + donut


def test_the_report_reads_contract_columns_only():
    """Every column the report selects is in the enforced contract of its mart (_marts__models.yml, _checks__…)."""
    import yaml

    from warehouse.dbt import DBT_PROJECT_DIR

    contract: dict[str, set[str]] = {}
    for path in (DBT_PROJECT_DIR / "models" / "marts").rglob("_*__models.yml"):
        for model in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("models", []):
            contract[model["name"]] = {c["name"] for c in model.get("columns", [])}
    summary = {data.COMPLETENESS_COLUMN, *(c for pair in data.SUMMARY_COLUMNS.values() for c in pair)}
    assert summary - contract["county_department_summary"] == set()
    assert set(data.FINDING_COLUMNS.values()) - contract["fct_check_result"] == set()
    assert {i.key for i in data.INDICATORS} == set(data.SUMMARY_COLUMNS)
