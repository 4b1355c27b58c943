"""预算 vs 决算 in the review reports (warehouse.report.budget): loading from marts.fct_budget_execution and the two
sections (department page, county page)."""

from __future__ import annotations

from decimal import Decimal

import duckdb

from warehouse.report.budget import BudgetLine, county_section, department_section, headline_rate, load_budget_lines


def _execution(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("CREATE SCHEMA marts")
    con.execute("""CREATE TABLE marts.fct_budget_execution (department_name VARCHAR, fiscal_year INTEGER,
        item_kind VARCHAR, item_code VARCHAR, item_level VARCHAR, item_name VARCHAR, fund_scope VARCHAR,
        budget_amount DECIMAL(18, 6), budget_initial_stated DECIMAL(18, 2), final_amount DECIMAL(18, 2),
        execution_rate_pct DECIMAL(18, 2), initial_matches_budget BOOLEAN)""")
    con.executemany("INSERT INTO marts.fct_budget_execution VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
        ("甲局", 2024, "metric", "general_budget_expenditure", None, "一般公共预算财政拨款支出", "general_budget",
         Decimal("100"), Decimal("100.00"), Decimal("90.00"), Decimal("90.00"), True),
        ("甲局", 2024, "metric", "sangong_total", None, "三公经费合计", "general_budget",
         Decimal("10"), Decimal("9.00"), Decimal("8.00"), Decimal("80.00"), False),
        # a 类 line in two fund scopes: the 一般公共预算 one is shown
        ("甲局", 2024, "function", "201", "类", "一般公共服务支出", "all_funds",
         Decimal("80"), None, Decimal("79.00"), Decimal("98.75"), None),
        ("甲局", 2024, "function", "201", "类", "一般公共服务支出", "general_budget",
         Decimal("60"), None, Decimal("54.00"), Decimal("90.00"), None),
        ("甲局", 2024, "function", "20101", "款", "人大事务", "general_budget",
         Decimal("60"), None, Decimal("54.00"), Decimal("90.00"), None),
        ("乙局", 2024, "metric", "expenditure_current_year", None, "本年支出合计", "all_funds",
         Decimal("50"), None, Decimal("55.00"), Decimal("110.00"), None),
        ("乙局", 2024, "function", "201", "类", "一般公共服务支出", "general_budget",
         Decimal("40"), None, Decimal("44.00"), Decimal("110.00"), None),
    ])


def test_lines_per_department_year_one_scope_per_item() -> None:
    with duckdb.connect() as con:
        _execution(con)
        lines = load_budget_lines(con)
    first = lines[("甲局", 2024)]
    assert [(ln.kind, ln.code, ln.fund_scope) for ln in first] == [
        ("metric", "general_budget_expenditure", "general_budget"), ("metric", "sangong_total", "general_budget"),
        ("function", "201", "general_budget")]  # 款 lines are not shown
    assert first[1].name == "“三公”经费" and first[1].matches is False
    assert headline_rate(first).rate == Decimal("90.00")
    assert headline_rate(lines[("乙局", 2024)]).code == "expenditure_current_year"  # no 一般公共预算 figure


def test_department_and_county_sections() -> None:
    with duckdb.connect() as con:
        _execution(con)
        lines = load_budget_lines(con)
    page = department_section(lines[("甲局", 2024)], has_mart=True)
    assert "预算（预算文件）" in page and "年初预算（决算所述）" in page and "90.00%" in page and "不一致" in page
    assert "未载入本部门同年度的预算" in department_section([], has_mart=True)
    assert "尚未生成" in department_section([], has_mart=False)
    county = county_section({"甲局": lines[("甲局", 2024)], "乙局": lines[("乙局", 2024)]}, lambda d: d)
    # ranked lowest first; by function: Σ 决算 ÷ Σ 预算 over the departments = 98 ÷ 100
    assert county.index("甲局") < county.index("乙局")
    assert "201 一般公共服务支出" in county and "98.00%" in county
    empty = BudgetLine("metric", "sangong_total", "“三公”经费", "general_budget", None, None, Decimal("1"), None, None)
    assert "暂无数据" in county_section({"丙局": [empty]}, lambda d: d)
