"""预算 vs 决算 in the review reports: what each department-year planned (its 预算 document), what its 决算 says
the 年初预算 was, what it spent, and the execution rate (决算 ÷ 预算) — read from ``marts.fct_budget_execution``.

Department page: the key items side by side (一般公共预算财政拨款支出, 本年支出合计, 三公, 机关运行经费, the 类 lines).
County page: execution rates ranked per department, and per 类 over the departments that have both.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape

import duckdb

from warehouse.report import svg
from warehouse.report.fmt import DASH, money, pct

# the metrics shown, in this order (item_code of fct_budget_execution, item_kind metric)
METRICS: tuple[tuple[str, str], ...] = (
    ("general_budget_expenditure", "一般公共预算财政拨款支出"),
    ("expenditure_current_year", "本年支出合计"),
    ("sangong_total", "“三公”经费"),
    ("admin_operating_cost", "机关运行经费"),
)
# a function line is compared within one fund scope: 一般公共预算 first, else all funds, else 财政拨款
SCOPE_ORDER: tuple[str, ...] = ("general_budget", "all_funds", "fiscal")
SCOPE_ZH = {"general_budget": "一般公共预算", "all_funds": "全部资金", "fiscal": "财政拨款"}
TOP_N = 15


@dataclass(frozen=True, slots=True)
class BudgetLine:
    """One item of a department-year: 预算 (the budget document), 年初预算 as the 决算 states it, 决算, rate."""

    kind: str  # metric | function
    code: str
    name: str
    fund_scope: str
    budget: Decimal | None  # 万元, from the 预算 document
    initial_stated: Decimal | None  # 万元, the 年初预算 the 决算 quotes
    final: Decimal | None  # 万元
    rate: Decimal | None  # 决算 ÷ 预算 × 100 (the budget document, else the stated 年初预算)
    matches: bool | None  # the 决算's 年初预算 equals the budget document's figure


def load_budget_lines(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, int], list[BudgetLine]]:
    """Per (department, year): its metrics and 类 lines, one fund scope per line (SCOPE_ORDER)."""
    metric_codes = [code for code, _ in METRICS]
    rows = con.execute("""
        SELECT department_name, fiscal_year, item_kind, item_code, item_name, fund_scope, budget_amount,
               budget_initial_stated, final_amount, execution_rate_pct, initial_matches_budget
        FROM marts.fct_budget_execution
        WHERE (item_kind = 'metric' AND item_code IN (SELECT unnest(?)))
           OR (item_kind = 'function' AND item_level = '类' AND fund_scope IN ('general_budget', 'all_funds', 'fiscal'))
        ORDER BY department_name, fiscal_year, item_kind DESC, item_code
    """, [metric_codes]).fetchall()
    names = dict(METRICS)
    by_item: dict[tuple[str, int, str, str], list[BudgetLine]] = defaultdict(list)
    for dept, year, kind, code, name, scope, budget, initial, final, rate, matches in rows:
        if dept is None or year is None or (budget is None and final is None and initial is None):
            continue
        line = BudgetLine(kind, code, names.get(code, name or code), scope, budget, initial, final, rate, matches)
        by_item[(dept, int(year), kind, code)].append(line)
    out: dict[tuple[str, int], list[BudgetLine]] = defaultdict(list)
    for (dept, year, _, _), lines in by_item.items():
        both = [ln for ln in lines if ln.budget is not None and ln.final is not None]
        pool = both or lines
        out[(dept, year)].append(min(pool, key=lambda ln: SCOPE_ORDER.index(ln.fund_scope)
                                     if ln.fund_scope in SCOPE_ORDER else len(SCOPE_ORDER)))
    for lines in out.values():
        lines.sort(key=lambda ln: (ln.kind != "metric", metric_codes.index(ln.code) if ln.code in metric_codes
                                   else 0, ln.code))
    return dict(out)


def headline_rate(lines: Sequence[BudgetLine]) -> BudgetLine | None:
    """The department-year's execution rate: 一般公共预算财政拨款支出, else 本年支出合计."""
    for code, _ in METRICS[:2]:
        line = next((ln for ln in lines if ln.kind == "metric" and ln.code == code and ln.rate is not None), None)
        if line is not None:
            return line
    return None


def _n(text: str) -> str:
    return f'<td class="n">{escape(text)}</td>'


def department_section(lines: Sequence[BudgetLine], has_mart: bool) -> str:
    """预算 vs 决算, item by item, for one department-year."""
    if not has_mart:
        return '<p class="empty">暂无数据：预算执行数据集市（marts.fct_budget_execution）尚未生成。</p>'
    if not lines:
        return '<p class="empty">暂无数据：未载入本部门同年度的预算，决算也未引用年初预算。</p>'
    rows = []
    for ln in lines:
        mismatch = ln.matches is False
        check = "不一致" if mismatch else ("一致" if ln.matches else DASH)
        scope = "" if ln.kind == "metric" else f"（{SCOPE_ZH.get(ln.fund_scope, ln.fund_scope)}）"
        label = ln.name if ln.kind == "metric" else f"{ln.code} {ln.name}"
        rows.append(
            f"<tr><td>{escape(label)}{escape(scope)}</td>" + _n(money(ln.budget)) + _n(money(ln.initial_stated))
            + _n(money(ln.final)) + _n(pct(ln.rate, 2))
            + f'<td class="{"up" if mismatch else ""}">{escape(check)}</td></tr>'
        )
    return ('<table><thead><tr><th>项目</th><th class="n">预算（预算文件）</th><th class="n">年初预算（决算所述）</th>'
            '<th class="n">决算</th><th class="n">执行率</th><th>年初预算与预算文件</th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>'
            '<p class="note">执行率 = 决算 ÷ 预算 × 100%（有预算文件时按预算文件，否则按决算所述的年初预算）；'
            '金额单位万元。「不一致」即检查 budget.final_quotes_budget 的发现。</p>')


def county_section(departments: dict[str, Sequence[BudgetLine]], dept_link: Callable[[str], str]) -> str:
    """Execution rates ranked per department, and per 类 over the departments with both figures (``dept_link``
    renders a department's name with the link to its page)."""
    ranked = sorted(((d, line) for d, lines in departments.items() if (line := headline_rate(lines)) is not None),
                    key=lambda dl: dl[1].rate or Decimal(0))
    if not ranked:
        return '<p class="empty">暂无数据：没有同时载入预算和决算（或决算引用年初预算）的部门。</p>'
    bars = [(d, line.rate) for d, line in ranked if line.rate is not None]
    note = f"执行率最低的 {TOP_N} 个部门，共 {len(bars)} 个" if len(bars) > TOP_N else f"共 {len(bars)} 个部门"
    chart = svg.hbar_chart(bars[:TOP_N], "预算执行率", value_fmt=lambda v: pct(v, 1), width=380)
    rows = "".join(
        f"<tr><td>{dept_link(d)}</td><td>{escape(line.name)}</td>" + _n(money(line.budget or line.initial_stated))
        + _n(money(line.final)) + _n(pct(line.rate, 2)) + "</tr>"
        for d, line in ranked
    )
    table = ('<table><thead><tr><th>部门</th><th>口径</th><th class="n">预算</th><th class="n">决算</th>'
             f'<th class="n">执行率</th></tr></thead><tbody>{rows}</tbody></table>')
    by_class: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    names: dict[str, str] = {}
    for lines in departments.values():
        for ln in lines:
            if ln.kind == "function" and ln.budget and ln.final is not None:
                by_class[ln.code][0] += ln.budget
                by_class[ln.code][1] += ln.final
                names[ln.code] = ln.name
    class_rows = sorted(((f"{code} {names[code]}", b, f, f / b * 100) for code, (b, f) in by_class.items() if b),
                        key=lambda r: r[3])
    functions = "".join(f"<tr><td>{escape(n)}</td>" + _n(money(b)) + _n(money(f)) + _n(pct(r, 2)) + "</tr>"
                        for n, b, f, r in class_rows)
    function_table = ('<table><thead><tr><th>功能分类（类）</th><th class="n">预算合计</th><th class="n">决算合计</th>'
                      f'<th class="n">执行率</th></tr></thead><tbody>{functions}</tbody></table>') if class_rows else (
        '<p class="empty">暂无数据：没有可对照的功能分类预算。</p>')
    return ('<div class="grid">'
            f'<div class="panel"><h3>各部门预算执行率（决算 ÷ 预算）</h3>{chart}'
            f'<p class="note">{escape(note)}</p></div>'
            f'<div class="panel"><h3>按功能分类（类）的执行率</h3>{function_table}</div></div>'
            f"{table}"
            '<p class="note">口径：一般公共预算财政拨款支出，没有时为本年支出合计；预算取本部门同年度预算文件，'
            "没有时取决算所述的年初预算。</p>")

