"""Hand-written marts for the export, sql and BI tests (a few contract columns, written in well under a second),
of the same departments and figures as the dbt-built fixture.

The report tests do not use these: they read marts dbt built from a raw fixture (tests/fixtures_marts.py).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb

from tests.fixtures_marts import FIGURES, FINANCE, INJECTION, TOWN, UNITS

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
