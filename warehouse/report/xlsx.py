"""The department report as a workbook: findings, key figures, chart data (openpyxl, formula-safe)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from warehouse.report.data import (
    EXPENDITURE_PARTS,
    CountyData,
    DepartmentYear,
    compare,
    decided_order,
    finding_order,
    income_structure,
    sangong_structure,
    severity_label,
    structure,
)
from warehouse.review.states import STATE_LABEL
from warehouse.sql import escape_formula

MONEY_FORMAT = "#,##0.00"
PCT_FORMAT = '0.0"%"'


def _row(values: Sequence[Any]) -> list[Any]:
    return [escape_formula(v) for v in values]


def _autosize(ws: Any, widths: Sequence[int]) -> None:
    from openpyxl.utils import get_column_letter

    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w


def _header(ws: Any, names: Sequence[str]) -> None:
    from openpyxl.styles import Font, PatternFill

    ws.append(_row(names))
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E8EDF3")
    ws.freeze_panes = "A2"


def _finish(ws: Any, widths: Sequence[int]) -> None:
    """Column widths and a filter over the header and its rows."""
    from openpyxl.utils import get_column_letter

    _autosize(ws, widths)
    ws.auto_filter.ref = f"A1:{get_column_letter(len(widths))}{max(ws.max_row, 2)}"


def _number(value: Decimal | None) -> Decimal | None:
    """A finding's DECIMAL(38, 6) as the number it displays (1200.500000 → 1200.50), never text."""
    if value is None or not value.is_finite():
        return None
    exponent = value.normalize().as_tuple().exponent
    places = max(2, -exponent) if isinstance(exponent, int) else 2
    return value.quantize(Decimal(1).scaleb(-places))


def write_department_workbook(county: CountyData, dy: DepartmentYear, target: Path) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "审核发现"
    _header(ws, ["编号", "严重程度", "状态", "检查", "说明", "应为", "实为", "差额", "页码", "位置", "原文", "处理意见",
                 "整改情况"])
    if "fct_check_result" not in county.marts:
        ws.append(["暂无数据：审核结果尚未生成"])
    findings = sorted(dy.findings, key=finding_order)
    decided = sorted(dy.decided, key=decided_order)
    for f in findings + decided:
        ws.append(_row([f.finding_id, severity_label(f.severity), STATE_LABEL.get(f.lifecycle, f.lifecycle), f.label,
                        f.message, _number(f.expected), _number(f.actual), _number(f.difference), f.page, f.locator,
                        f.evidence, f.reason, f.response]))
        for cell in ws[ws.max_row][5:8]:
            cell.number_format = MONEY_FORMAT
    _finish(ws, [14, 9, 10, 22, 48, 14, 14, 14, 8, 28, 80, 30, 30])

    ws = wb.create_sheet("主要指标")
    _header(ws, ["指标", "单位", "本年", "上年", "增减", "增减率(%)", "同类中位数", "同类排名", "同类部门数"])
    for c in compare(county, dy):
        ws.append(_row([c.indicator.label, c.indicator.unit, c.current, c.prior, c.change, c.change_pct,
                        c.peer_median, c.peer_rank, c.peer_size]))
        for cell in ws[ws.max_row][2:7]:
            if isinstance(cell.value, Decimal):
                cell.value = cell.value.quantize(Decimal("0.01")) if c.indicator.unit != "人" else cell.value
                cell.number_format = PCT_FORMAT if c.indicator.unit == "%" or cell.column == 6 else MONEY_FORMAT
    _finish(ws, [22, 8, 14, 14, 14, 12, 14, 10, 10])

    ws = wb.create_sheet("图表数据")
    _header(ws, ["图表", "项目", "金额（万元）"])
    charts: list[tuple[str, list[tuple[str, Decimal | None]]]] = [
        ("收入结构", income_structure(dy)),
        ("支出结构", structure(dy, EXPENDITURE_PARTS)),
        ("三公结构", sangong_structure(dy)),
        ("支出功能结构", [(n, v) for n, v in dy.functions]),
    ]
    for chart, items in charts:
        for label, value in items:
            if value is not None:
                ws.append(_row([chart, label, value]))
                ws.cell(ws.max_row, 3).number_format = MONEY_FORMAT
    _finish(ws, [14, 28, 16])

    ws = wb.create_sheet("数据出处")
    _header(ws, ["指标", "口径", "数值", "单位", "来源", "页码", "原文"])
    for (metric, basis), fig in sorted(dy.figures.items()):
        ws.append(_row([metric, basis, fig.value, fig.unit, fig.source_kind, fig.page, fig.evidence]))
    _finish(ws, [30, 14, 14, 8, 10, 8, 90])
    wb.save(str(target))
    return target
