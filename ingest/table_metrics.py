"""Metric facts of a recognised table: row labels read through the typed metric catalogue.

This module owns turning the long-form rows of the summary, 三公, economic and 财政拨款支出 tables
(``ingest.table_long_form``) into :class:`~ingest.model.MetricFact`: which column names a row's metric,
how a label is spelled out for the catalogue (side, 财政拨款, 总计), the basis (budget / actual) of a
measure, and the project figures of a 绩效 table. The catalogue is :class:`~ingest.catalog.MetricCatalog`.
"""

from __future__ import annotations

import re

from ingest.catalog import MetricCatalog
from ingest.model import CellFact, MetricFact
from ingest.standard_tables import StandardTable
from ingest.table_long_form import _SIDE_ZH, _RowCells
from ingest.table_recognition import PROCUREMENT_KEY
from ingest.tables_grid import is_total_label

_PERF_METRICS = {"budget": "project_budget", "actual": "project_actual"}


def _performance_facts(cells: list[CellFact], unit: str) -> list[MetricFact]:
    return [
        MetricFact(metric=_PERF_METRICS[c.measure], basis=c.measure, amount=c.amount, unit=unit,
                   source_kind="table", page=c.page, locator=c.locator, evidence=c.evidence)
        for c in cells
    ]


_WIDER_THAN_SANGONG = re.compile(r"会议费|培训费")


_FISCAL_EXPENDITURE_COLUMNS = {
    "expenditure_general_budget": "general_budget_expenditure",
    "expenditure_govfund": "govfund_expenditure",
    "expenditure_soe_capital": "soe_capital_expenditure",
}


_FISCAL_EXPENDITURE_TOTALS = {
    "total": "fiscal_expenditure_total", "basic": "fiscal_basic_expenditure", "project": "fiscal_project_expenditure",
}


def _metric_facts(row: _RowCells, std: StandardTable, unit: str, catalog: MetricCatalog) -> list[MetricFact]:
    facts: list[MetricFact] = []
    if std.key == "budget_admin_operating":
        # 机关运行经费支出预算表: its 合计 row is the year's 机关运行经费 (the coded rows are lines)
        return [
            MetricFact(metric="admin_operating_cost", basis="budget", amount=c.amount, unit=unit,
                       source_kind="table", page=c.page, locator=c.locator, evidence=c.evidence)
            for c in row.cells if row.code is None and is_total_label(row.label) and c.measure == "total"
        ]
    if std.key == PROCUREMENT_KEY:
        return _procurement_facts(row, unit)
    if std.layout == "economic" and (row.code is not None or not is_total_label(row.label)):
        return facts  # only 人员经费合计 / 公用经费合计 name a metric; coded rows are lines
    wider_total = std.layout == "sangong" and any(_WIDER_THAN_SANGONG.search(c.row_label) for c in row.cells)
    for c in row.cells:
        if wider_total and c.row_label in ("合计", "总计"):
            continue  # the table's 合计 also holds 会议费 and 培训费: the 三公 total is its 三公 小计
        fiscal_column = _FISCAL_EXPENDITURE_COLUMNS.get(c.measure) if std.key.endswith("fiscal_summary") else None
        if fiscal_column is not None and re.sub(r"\s", "", c.row_label) == "本年支出合计":
            # 财政拨款收入支出决算总表: 本年支出合计 by fund column
            facts.append(MetricFact(
                metric=fiscal_column, basis=_basis(c.measure, std), amount=c.amount, unit=unit,
                source_kind="table", page=c.page, locator=c.locator, evidence=c.evidence,
            ))
            continue
        if std.key in ("fiscal_expenditure", "budget_fiscal_expenditure") and is_total_label(
                c.row_label) and c.measure in _FISCAL_EXPENDITURE_TOTALS:
            # 财政拨款支出决算表 (高等学校): its 合计 row is the year's 财政拨款 expenditure, 基本 and 项目
            facts.append(MetricFact(
                metric=_FISCAL_EXPENDITURE_TOTALS[c.measure], basis=_basis(c.measure, std), amount=c.amount,
                unit=unit, source_kind="table", page=c.page, locator=c.locator, evidence=c.evidence,
            ))
            continue
        # summary tables: only the side's own column (决算数 / 合计) names the row's metric
        if std.layout == "summary" and c.measure not in (row.side, f"{row.side}_total"):
            continue
        label = _metric_label(c.row_label, row.side, std, row.grand_total)
        metric = _match(catalog, label, unit)
        if metric is None and label != c.row_label:
            metric = _match(catalog, c.row_label, unit)
        if metric is None and std.layout == "sangong" and "公务用车" in c.measure_label and "公务用车" not in label:
            metric = _match(catalog, f"公务用车{label}", unit)  # 购置费 / 运行费 under 公务用车购置及运行费
        if metric is None:
            continue
        facts.append(MetricFact(
            metric=metric, basis=_basis(c.measure, std), amount=c.amount, unit=unit, source_kind="table",
            page=c.page, locator=c.locator, evidence=c.evidence,
        ))
    return facts


_PROCUREMENT_KINDS = {"货物": "procurement_goods", "工程": "procurement_works", "服务": "procurement_services"}
_PROCUREMENT_HEAD = re.compile(r"^[一二三四五六七八九十]+、\s*(货物|工程|服务)")


def _procurement_facts(row: _RowCells, unit: str) -> list[MetricFact]:
    """政府采购支出预算表: its 合计 is the year's 政府采购 budget, its numbered heads (一、货物 二、工程 三、服务) the
    budget of each kind; the lines under them (专项, 经济科目, 采购物品) name no metric."""
    label = re.sub(r"\s", "", row.label)
    head = _PROCUREMENT_HEAD.match(label)
    metric = "procurement_total" if row.code is None and is_total_label(label) else (
        _PROCUREMENT_KINDS[head.group(1)] if head else None)
    if metric is None:
        return []
    return [
        MetricFact(metric=metric, basis="budget", amount=c.amount, unit=unit, source_kind="table", page=c.page,
                   locator=c.locator, evidence=c.evidence)
        for c in row.cells if c.measure == "total"
    ]


def _metric_label(label: str, side: str, std: StandardTable, grand_total: bool = False) -> str:
    """The label as the catalogue should read it: summary rows get their side (and 财政拨款) spelled out."""
    fiscal = std.key.endswith("fiscal_summary")
    if grand_total and side:
        return f"{'财政拨款' if fiscal else ''}{_SIDE_ZH[side]}总计"
    if std.layout == "sangong" and (label in ("合计", "小计") or re.fullmatch(r"“?三公”?经费(小计|合计)", label)):
        return "三公经费合计"
    if not side:
        return label
    side_zh = _SIDE_ZH[side]
    label = re.sub(r"^[一二三四五六七八九十]+、|^[0-9]+[.．、]", "", label)
    if label in ("总计", "合计", "小计"):
        return f"{'财政拨款' if fiscal else ''}{side_zh}{label}"
    if label.startswith("本年") and fiscal:
        return f"本年财政拨款{label[2:]}"
    if not re.search(r"收入|支出|结转|结余", label):
        return f"{label}{side_zh}"
    return label


def _basis(measure: str, std: StandardTable) -> str:
    if measure in ("budget", "actual"):
        return measure
    if measure.startswith("budget"):
        return "budget"
    return "budget" if std.kind == "budget" else "actual"


def _match(catalog: MetricCatalog, label: str, unit: str) -> str | None:
    """The metric key the catalogue gives a label."""
    metric = catalog.match(label, unit)
    return metric.key if metric is not None else None
