"""Report data layer, formatting and charts on a small contract-shaped warehouse written by hand.

``write_mart_warehouse`` is shared by the report, export, sql and BI tests: it writes the marts the way
the dbt contract (and issue 6's fct_check_result) shapes them, in well under a second.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from warehouse.report import data, fmt, svg

FINANCE = "示例县财政局"
EDUCATION = "示例县教育局"
TOWN = "示例县城关镇人民政府"
INJECTION = "=HYPERLINK(\"http://example.invalid\",\"点我\")"

DIM_DOCUMENT = """CREATE TABLE marts.dim_document (document_id VARCHAR NOT NULL, department_name VARCHAR NOT NULL,
    fiscal_year INTEGER, doc_type VARCHAR NOT NULL, source_file VARCHAR NOT NULL, file_sha256 VARCHAR NOT NULL,
    file_format VARCHAR NOT NULL, status VARCHAR NOT NULL, status_reason VARCHAR, page_count INTEGER,
    ingested_at TIMESTAMP WITH TIME ZONE NOT NULL)"""
FCT_METRIC = """CREATE TABLE marts.fct_disclosure_metric (document_id VARCHAR NOT NULL, department_name VARCHAR NOT
    NULL, fiscal_year INTEGER, metric VARCHAR NOT NULL, basis VARCHAR NOT NULL, value DECIMAL(18, 2) NOT NULL,
    decimals INTEGER NOT NULL, raw_text VARCHAR NOT NULL, unit VARCHAR NOT NULL, source_kind VARCHAR NOT NULL,
    page INTEGER, locator VARCHAR NOT NULL, evidence VARCHAR NOT NULL, direction VARCHAR, has_reason BOOLEAN,
    compared_year INTEGER)"""
FCT_CHECK = """CREATE TABLE marts.fct_check_result (run_id VARCHAR, check_id VARCHAR, severity VARCHAR,
    status VARCHAR, department_name VARCHAR, fiscal_year INTEGER, document_id VARCHAR, message VARCHAR,
    expected DECIMAL(18, 2), actual DECIMAL(18, 2), difference DECIMAL(18, 2), evidence VARCHAR, page INTEGER,
    locator VARCHAR)"""

# (department, year) → metric → (basis → value); units 万元 unless listed in UNITS
FIGURES: dict[tuple[str, int], dict[str, dict[str, str]]] = {
    (FINANCE, 2023): {"income_total": {"actual": "1000.00"}, "expenditure_current_year": {"actual": "900.00"},
                      "expenditure_grand_total": {"actual": "1000.00"}, "sangong_total": {"actual": "20.00"},
                      "admin_operating_cost": {"actual": "100.00"}, "staff_actual": {"actual": "50"}},
    (FINANCE, 2024): {"income_total": {"actual": "1200.50", "yoy_change": "200.50"},
                      "income_fiscal_appropriation": {"actual": "1100.50"}, "income_business": {"actual": "60.00"},
                      "carryover_begin": {"actual": "40.00"},
                      "expenditure_current_year": {"actual": "1150.25"},
                      "expenditure_grand_total": {"actual": "1200.50"},
                      "expenditure_basic": {"actual": "800.25"}, "expenditure_project": {"actual": "350.00"},
                      "sangong_total": {"actual": "18.00", "yoy_change": "-2.00"},
                      "sangong_overseas": {"actual": "0.00"}, "sangong_vehicle_purchase": {"actual": "5.00"},
                      "sangong_vehicle_operation": {"actual": "8.00"}, "sangong_reception": {"actual": "5.00"},
                      "admin_operating_cost": {"actual": "120.00"}, "staff_actual": {"actual": "48"},
                      "basic_personnel": {"actual": "600.00"}, "basic_public": {"actual": "200.25"},
                      "procurement_total": {"actual": "88.00"}},
    (EDUCATION, 2024): {"income_total": {"actual": "5000.00", "yoy_change": "-500.00"},
                        "expenditure_current_year": {"actual": "4900.00", "yoy_change": "-450.00"},
                        "expenditure_basic": {"actual": "3000.00"}, "expenditure_project": {"actual": "1900.00"},
                        "sangong_total": {"actual": "30.00"}, "admin_operating_cost": {"actual": "150.00"},
                        "staff_actual": {"actual": "200"}},
    (TOWN, 2024): {"income_total": {"actual": "3000.00"}, "expenditure_current_year": {"actual": "2950.00"},
                   "expenditure_basic": {"actual": "2000.00"}, "expenditure_project": {"actual": "950.00"},
                   "sangong_total": {"actual": "12.00"}, "staff_actual": {"actual": "80"}},
}
UNITS = {"staff_actual": "人"}
BUDGET_SENTENCE = "2024年度一般公共预算财政拨款支出决算数为1100.00万元，调整预算数为1250.00万元，完成预算88.00%。"


def _documents() -> list[tuple]:
    rows = []
    for i, (dept, year) in enumerate(sorted(FIGURES)):
        rows.append((f"doc{i:02d}", dept, year, "final_account", f"inbox/{dept}{year}年度部门决算.pdf", "0" * 64,
                     "pdf", "loaded", None, 12, "2025-01-01 00:00:00+00"))
    rows.append(("docq", "未识别部门", None, "unknown", "inbox/broken.pdf", "1" * 64, "pdf", "quarantined",
                 "无法读取 / unreadable", None, "2025-01-01 00:00:00+00"))
    return rows


def _facts(doc_ids: dict[tuple[str, int], str]) -> list[tuple]:
    rows = []
    for (dept, year), metrics in FIGURES.items():
        for metric, bases in metrics.items():
            for basis, value in bases.items():
                unit = UNITS.get(metric, "万元")
                evidence = f"{metric} | {value}" if metric != "expenditure_basic" else INJECTION
                rows.append((doc_ids[(dept, year)], dept, year, metric, basis, Decimal(value),
                             2 if "." in value else 0, value, unit, "table", 3, f"table:t/row:{metric}", evidence,
                             None, None, None))
    # the 一般公共预算 sentence: actual + budget in one statement; a misread table cell must not pair with it
    doc = doc_ids[(FINANCE, 2024)]
    for basis, value in (("actual", "1100.00"), ("budget", "1250.00"), ("completion_pct", "88.00")):
        rows.append((doc, FINANCE, 2024, "general_budget_expenditure", basis, Decimal(value), 2, value,
                     "%" if basis == "completion_pct" else "万元", "narrative", 9, "section:五/三", BUDGET_SENTENCE,
                     None, None, None))
    rows.append((doc, FINANCE, 2024, "general_budget_expenditure", "actual", Decimal("0.00"), 2, "0.00", "万元",
                 "table", 6, "table:fiscal_summary/row:29", "一、一般公共预算财政拨款 | 0.00", None, None, None))
    return rows


FINDINGS = [
    ("r1", "total_balance", "error", "fail", FINANCE, 2024, "收入总计与支出总计不相等", "1200.50", "1190.50",
     "-10.00", "收入总计 1200.50 | 支出总计 1190.50", 3, "table:income_expenditure/row:1"),
    ("r1", "yoy_consistency", "warning", "fail", FINANCE, 2024, "增减额与两年数不符", "200.50", "190.00",
     "-10.50", INJECTION, 5, "section:一/para:2"),
    ("r1", "narrative_reason", "info", "fail", FINANCE, 2024, "未说明增减原因", None, None, None,
     "比上年增加200.50万元。", 5, "section:一/para:2"),
    ("r1", "total_balance", "error", "pass", FINANCE, 2024, "通过", None, None, None, None, None, None),
    ("r1", "yoy.cross_document", "error", "not_evaluable", FINANCE, 2024, "未载入上年度决算", None, None, None,
     None, 1, None),
    ("r1", "sangong_sum", "error", "fail", TOWN, 2024, "三公经费合计与分项之和不符", "12.00", "11.00", "-1.00",
     "三公经费 12.00", 7, "table:sangong"),
]


def write_mart_warehouse(path: Path, with_checks: bool = True) -> Path:
    """A warehouse whose marts look like dbt's (contract columns), with findings unless ``with_checks`` is off."""
    path.parent.mkdir(parents=True, exist_ok=True)
    docs = _documents()
    doc_ids = {(r[1], r[2]): r[0] for r in docs if r[7] == "loaded"}
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE SCHEMA marts")
        con.execute(DIM_DOCUMENT)
        con.executemany("INSERT INTO marts.dim_document VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", docs)
        con.execute(FCT_METRIC)
        con.executemany("INSERT INTO marts.fct_disclosure_metric VALUES (" + ", ".join("?" * 16) + ")",
                        _facts(doc_ids))
        if with_checks:
            con.execute(FCT_CHECK)
            con.executemany(
                "INSERT INTO marts.fct_check_result (run_id, check_id, severity, status, department_name, "
                "fiscal_year, message, expected, actual, difference, evidence, page, locator) VALUES "
                "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", FINDINGS)
            con.execute("UPDATE marts.fct_check_result f SET document_id = d.document_id FROM marts.dim_document d "
                        "WHERE d.department_name = f.department_name AND d.fiscal_year = f.fiscal_year")
    return path


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> data.CountyData:
    return data.load_county(write_mart_warehouse(tmp_path_factory.mktemp("wh") / "w.duckdb"))


def test_one_figure_per_metric_prefers_tables(county: data.CountyData):
    dy = county.get(FINANCE, 2024)
    assert dy is not None
    assert dy.actual("income_total") == Decimal("1200.50")
    assert dy.figures[("general_budget_expenditure", "actual")].source_kind == "table"
    assert len(dy.candidates[("general_budget_expenditure", "actual")]) == 2


def test_execution_rate_pairs_actual_and_budget_of_one_statement(county: data.CountyData):
    dy = county.get(FINANCE, 2024)
    assert dy is not None
    rate = data.indicator_value(dy, "execution_rate")
    assert rate is not None and fmt.pct(rate, 2) == "88.00%"  # 1100 / 1250, not the misread 0.00 cell


def test_derived_indicators_and_prior_year(county: data.CountyData):
    fin = county.get(FINANCE, 2024)
    edu = county.get(EDUCATION, 2024)
    assert fin is not None and edu is not None
    assert data.indicator_value(fin, "admin_cost_per_staff") == Decimal("2.5")
    assert data.prior_value(county, fin, "expenditure_total") == Decimal("900.00")  # from the 2023 disclosure
    assert data.prior_value(county, edu, "expenditure_total") == Decimal("5350.00")  # 4900 − (−450), as stated
    assert data.prior_value(county, fin, "admin_cost_per_staff") == Decimal(2)


def test_peer_groups_and_ranks(county: data.CountyData):
    fin = county.get(FINANCE, 2024)
    assert fin is not None
    assert county.peer_groups[TOWN] == "乡镇（街道）" and county.peer_groups[FINANCE] == "县级部门"
    by_key = {c.indicator.key: c for c in data.compare(county, fin)}
    exp = by_key["expenditure_total"]
    assert (exp.peer_rank, exp.peer_size) == (2, 2)  # 县级部门: 教育局 4900 > 财政局 1150.25; the town is not a peer
    assert exp.peer_median == Decimal("3025.125")
    assert exp.change == Decimal("250.25")


def test_findings_exclude_passes_and_keep_evidence(county: data.CountyData):
    fin = county.get(FINANCE, 2024)
    assert fin is not None
    assert sorted(f.severity for f in fin.findings) == ["error", "info", "warning"]
    err = next(f for f in fin.findings if f.severity == "error")
    assert (err.page, err.expected, err.difference) == (3, Decimal("1200.50"), Decimal("-10.00"))
    assert data.error_count(fin) == 1
    assert fin.not_evaluable == 1  # not_evaluable is counted, not shown as a finding


def test_missing_marts_are_noted_not_fatal(tmp_path: Path):
    county = data.load_county(write_mart_warehouse(tmp_path / "w.duckdb", with_checks=False))
    assert any("fct_check_result" in m for m in county.missing)
    assert all(not dy.findings for dy in county.years.values())
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    bare = data.load_county(empty)
    assert bare.years == {} and len(bare.missing) >= 3


def test_completeness_counts_core_figures(county: data.CountyData):
    fin, town = county.get(FINANCE, 2024), county.get(TOWN, 2024)
    assert fin is not None and town is not None
    assert data.completeness(fin) > data.completeness(town)
    assert data.completeness(town) == Decimal(100) * 6 / len(data.CORE_METRICS)


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
