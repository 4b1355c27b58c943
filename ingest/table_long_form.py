"""Long form of a recognised table: data rows become cells, line items, codes and levels.

This module owns reading the rows of a recognised table (``ingest.table_recognition``): every numeric
cell becomes a :class:`~ingest.model.CellFact` (with its header path as measure; the 三公 items and their
basis when the items are columns; the label/value cells of a 绩效 table), codes are joined over
类/款/项 columns and page breaks and levelled (by code or by indentation), summary rows get their
年初/年末 breakdown and grand-total labels, and function/economic rows become
:class:`~ingest.model.LineItem`. Amounts are never converted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Literal

from ingest.amounts import parse_amount
from ingest.model import CellFact, LineItem, Table
from ingest.standard_tables import StandardTable
from ingest.table_recognition import TableAnalysis, TableGroup, items_in_columns
from ingest.tables_grid import (
    Block,
    CodeState,
    clean,
    code_level,
    indent_depth,
    is_total_label,
    join_code,
    measure_key,
    split_code_and_name,
)

_PROJECT_NAME = re.compile(r"^项目名称[:：]?(.*)$")
_PERF_LABEL = re.compile(
    r"^(?:(?P<budget>(?:年初|全年|调整)?预算(?:数|金额))|(?P<actual>(?:全年)?执行数|实际支出数?|决算数))[:：]?$"
)
_ROW_UNIT = re.compile(r"[（(](万元|元)[）)]")


def _performance_cells(group: TableGroup, unit: str) -> list[CellFact]:
    """Figures of a 项目支出绩效目标完成情况表 written as label cells followed by value cells
    ('预算执行情况(万元) | 预算数: | 926.97 | 执行数: | 880.49'); the row label is the project's name
    (from the '项目名称' row above). Empty when the table has no such label cells."""
    cells: list[CellFact] = []
    a = group.analysis
    project = ""
    for table, _ in group.fragments:
        for r, row in enumerate(table.rows):
            texts = [clean(c) for c in row]
            filled = [(c, t) for c, t in enumerate(texts) if t]
            named = _PROJECT_NAME.match(filled[0][1]) if filled else None
            if named:
                project = named.group(1) or (filled[1][1] if len(filled) > 1 else "")
                continue
            row_unit = next((m.group(1) for t in texts if (m := _ROW_UNIT.search(t))), unit)
            if row_unit != unit:
                continue  # a figure in another unit than the table's: not mixed into its cells
            for i, (_, t) in enumerate(filled[:-1]):
                m = _PERF_LABEL.match(t)
                value_col, value = filled[i + 1]
                amount = parse_amount(value)
                if m is None or amount is None:
                    continue
                measure = "budget" if m.group("budget") else "actual"
                cells.append(CellFact(
                    table_key=a.key, table_title=a.title, row_index=r, col_index=value_col, row_label=project,
                    code=None, measure=measure, measure_label=f"{filled[0][1]}/{t.rstrip(':：')}",
                    amount=amount, page=table.page, evidence=" | ".join(texts),
                    locator=f"table:{a.key}/block:{table.index}/row:{r}/col:{value_col}",
                ))
    return cells


@dataclass(frozen=True, slots=True)
class _RowCells:
    """The cells of one block of one data row, with the row's label and code."""

    label: str
    code: str | None
    level: str | None
    side: str
    cells: tuple[CellFact, ...]
    grand_total: bool = False


def _fragment_rows(
    table: Table, first: int, a: TableAnalysis, std: StandardTable, carried: tuple[CodeState, ...],
) -> tuple[list[_RowCells], tuple[CodeState, ...]]:
    out: list[_RowCells] = []
    states = list(carried)
    indents = sorted({indent_depth(_cell(table.rows[r], b.name_col)) for b in a.blocks
                      if b.name_col is not None for r in range(first, table.n_rows)})
    ranks = {width: i for i, width in enumerate(indents)} if len(indents) > 1 else {}
    for r in range(first, table.n_rows):
        row = table.rows[r]
        evidence = " | ".join(clean(c) for c in row)
        unplaced: dict[str, str] = {}  # side -> a label of this row whose own block has no figure
        for bi, block in enumerate(a.blocks):
            rc, states[bi] = _block_row(table, r, row, block, a, std, states[bi], evidence, ranks)
            if rc is None:
                continue
            if not rc.label and rc.cells and rc.side and unplaced.get(rc.side):
                # a total printed across two blocks of one side (当年支出小计 under 功能分类, its figure under
                # 支出用途): the figure takes the label
                label = unplaced.pop(rc.side)
                rc = replace(rc, label=label, cells=tuple(replace(c, row_label=label) for c in rc.cells))
            elif rc.label and not rc.cells and rc.side:
                unplaced[rc.side] = rc.label
            out.append(rc)
    return out, tuple(states)


def _cell(row: tuple[str, ...], c: int | None) -> str:
    return row[c] if c is not None and c < len(row) else ""


def _block_row(
    table: Table, r: int, row: tuple[str, ...], block: Block, a: TableAnalysis, std: StandardTable,
    state: CodeState, evidence: str, indent_ranks: dict[int, int],
) -> tuple[_RowCells | None, CodeState]:
    raw_name = _cell(row, block.name_col)
    code, state = join_code(tuple(_cell(row, c) for c in block.code_cols), state)
    name_code, label = split_code_and_name(raw_name)
    if code is None and name_code is not None:
        code, state = join_code((name_code,), state)
    if block.more_name_cols:
        # a list layout: the group cell and the item cell (一般公共预算资金 | 小计; | 公共财政拨款资金)
        label = "".join(clean(_cell(row, c)) for c in (block.name_col, *block.more_name_cols)
                        if c is not None and parse_amount(_cell(row, c)) is None)
    if not label:
        # a label written in a code column (合计, 人员经费合计) or in the first label cell
        label = next((split_code_and_name(_cell(row, c))[1] for c in block.code_cols
                      if clean(_cell(row, c)) and parse_amount(_cell(row, c)) is None), "")
    if not label and not block.code_cols and block.name_col is None and len(a.blocks) == 1:
        label = "合计"  # a table of amount columns only (合计 | 基本支出 | 项目支出 …): its one row is the total
    if clean(label) in _COLUMN_NUMBER_LABELS:
        return None, state  # the row of column numbers (栏次 1 2 3 …) is not data
    level = code_level(code)
    if level is None and code is None and indent_ranks and label and not is_total_label(label):
        level = ("类", "款", "项")[min(indent_ranks.get(indent_depth(raw_name), 0), 2)]
    cells: list[CellFact] = []
    for c in block.amount_cols:
        text = _cell(row, c)
        amount = parse_amount(text) if text.strip() else None
        if amount is None:
            continue
        path = a.paths[c] if c < len(a.paths) else ()
        if std.layout == "sangong" and items_in_columns(a.paths):
            row_label, measure = _sangong_item(path), _sangong_basis(path, std)
        else:
            implicit = "budget" if std.kind == "budget" else "actual"
            row_label, measure = label, measure_key(path, block.side, std.layout, implicit)
        cells.append(CellFact(
            table_key=a.key, table_title=a.title, row_index=r, col_index=c, row_label=row_label,
            code=code, measure=measure, measure_label="/".join(path), amount=amount, page=table.page,
            locator=f"table:{a.key}/block:{table.index}/row:{r}/col:{c}", evidence=evidence,
        ))
    if not cells and not label:
        return None, state
    return _RowCells(label, code, level, block.side, tuple(cells)), state


_COLUMN_NUMBER_LABELS = frozenset({"栏次", "行次"})
_CURRENT_TOTAL = re.compile(r"^(?:本年|当年)(?:收入|支出)?(?:合计|小计)$")
_GRAND_TOTAL = re.compile(r"^(?:收入|支出)?(?:合计|总计)$")


def _grand_total_labels(rows: list[_RowCells], seen_current: set[str], budget: bool = False) -> list[_RowCells]:
    """A bare 合计 after the side's 本年（当年）…合计 row of a summary table is the side's 总计
    (the grand total that adds the carry-overs): flagged, so its metric is read as 收入总计 / 支出总计. In a
    budget's 总表 without any 本年 row (财政拨款收支预算总表: numbered rows, then 收入合计) the 合计 is the 总计."""
    out: list[_RowCells] = []
    for row in rows:
        label = clean(row.label)
        if _CURRENT_TOTAL.match(label):
            seen_current.add(row.side)
        elif (row.side in seen_current or budget) and _GRAND_TOTAL.match(label) and row.side in _SIDE_ZH:
            row = replace(row, grand_total=True)
        out.append(row)
    return out


_CARRY_HEAD = re.compile(r"^(年初|年末)(?:财政拨款)?结转和?结余$")
_SUB_ITEM = re.compile(r"^(?:[一二三四五六七八九十]+、|[0-9]+[.．、]|[（(][一二三四五六七八九十0-9]+[）)])(.+)$")


def _breakdown_labels(rows: list[_RowCells], open_heads: dict[str, str]) -> list[_RowCells]:
    """Numbered rows under '年初（财政拨款）结转和结余' name their fund only ('一、一般公共预算财政拨款'):
    their label becomes '年初一般公共预算财政拨款结转和结余', so they are not read as the income rows."""
    out: list[_RowCells] = []
    for row in rows:
        label = clean(row.label)
        head = _CARRY_HEAD.match(label)
        sub = _SUB_ITEM.match(label)
        if head:
            open_heads[row.side] = head.group(1)
        elif sub and row.side in open_heads and not re.search(r"结转|结余", label):
            new_label = f"{open_heads[row.side]}{sub.group(1)}结转和结余"
            row = _RowCells(new_label, row.code, row.level, row.side,
                            tuple(replace(c, row_label=new_label) for c in row.cells))
        elif label:
            open_heads.pop(row.side, None)
        out.append(row)
    return out


def _sangong_item(path: tuple[str, ...]) -> str:
    """The 三公 item a column stands for: its header path without the basis and the table group; the 小计 of the
    三公 group itself (beside 会议费 and 培训费 under one 合计) is 「“三公”经费小计」."""
    parts = [p for p in path if not re.fullmatch(r"预算数|决算数|预算|决算|本年|上年", p)]
    parts = [re.sub(r"(预算|决算)数?$", "", p) for p in parts]
    group = next((p for p in parts if re.search(r"三公", p)), None)
    parts = [p for p in parts if p and not (re.search(r"三公", p) and len(parts) > 1)]
    if len(parts) > 1 and parts[-1] == "小计":
        return parts[-2]
    if parts == ["小计"] and group:
        return f"{group}小计"
    return parts[-1] if parts else ""


def _sangong_basis(path: tuple[str, ...], std: StandardTable) -> str:
    """预算数 / 决算数 as the header says; a column naming neither is the table's own kind."""
    joined = "".join(path)
    if re.search(r"决算", path[-1] if path else "") or (std.kind == "final" and "预算" not in joined):
        return "actual"
    if re.search(r"预算", joined) or std.kind == "budget":
        return "budget"
    return "actual"


_FUNCTION_KEYS = frozenset({
    "income", "expenditure", "general_budget_expenditure", "govfund", "soe_capital", "fiscal_expenditure",
    "budget_income", "budget_expenditure", "budget_general_expenditure",
    "budget_govfund", "budget_soe_capital", "budget_fiscal_expenditure",
})
_ECONOMIC_KEYS = frozenset({"general_budget_basic", "budget_general_basic", "budget_fiscal_basic",
                            "budget_admin_operating"})


def _line_items(row: _RowCells, std: StandardTable) -> list[LineItem]:
    if std.key in _FUNCTION_KEYS:
        classification: Literal["function", "economic"] = "function"
    elif std.key in _ECONOMIC_KEYS:
        classification = "economic"
    else:
        return []
    if row.code is None and (row.level is None or is_total_label(row.label)):
        return []
    return [
        LineItem(
            classification=classification, code=row.code, level=row.level, name_reported=row.label,
            measure=c.measure, amount=c.amount, source_kind="table", page=c.page, locator=c.locator,
            evidence=c.evidence,
        )
        for c in row.cells
    ]


_SIDE_ZH = {"income": "收入", "expenditure": "支出"}
