"""Multi-block 收支 summary tables read from text lines (ingest.readers.text_summary)."""

from __future__ import annotations

from ingest.readers.text_summary import read_summary_pairs

HEADER = ["收入 支出", "项目 预算数 按功能分类 按经费用途", "项目 预算数 项目 预算数"]


def _cells(lines: list[str]) -> list[tuple[str, ...]] | None:
    grid = read_summary_pairs(HEADER, [(1, line) for line in lines])
    return None if grid is None else [cells for _, cells in grid.rows]


def test_blocks_placed_by_numbering_and_sides():
    rows = _cells([
        "一、财政拨款收入 100.00 一、一般公共服务支出 60.00 一、人员经费 70.00",
        "二、事业收入 20.00 二、教育支出 一、公用经费 30.00",  # a numbering that restarts is no block's
        "三、其他收入 三、卫生健康支出 60.00",
        "收入合计 120.00 支出合计 120.00",
    ])
    assert rows is None  # 「一、公用经费」 continues no block: the reading is refused, not guessed
    rows = _cells([
        "一、财政拨款收入 100.00 一、一般公共服务支出 60.00 一、人员经费 70.00",
        "二、事业收入 20.00 二、教育支出 二、公用经费 30.00",
        "三、其他收入 三、卫生健康支出 60.00",
        "四、住房保障支出",
        "收入合计 120.00 支出合计 120.00",
    ])
    assert rows is not None
    # 三、卫生健康支出 60.00 could continue either 支出 block's numbering: the sums put it under 功能分类
    assert rows[2] == ("三、其他收入", "", "三、卫生健康支出", "60.00", "", "")
    assert rows[3] == ("", "", "四、住房保障支出", "", "", "")
    assert rows[4] == ("收入合计", "120.00", "", "", "支出合计", "120.00")  # a side's total: its last block


def test_a_defect_in_one_cell_keeps_the_table():
    rows = _cells([
        "一、财政拨款收入 100.00 一、一般公共服务支出 60.00 一、人员经费 70.00",
        "二、事业收入 20.00 二、教育支出 60.00 二、公用经费 30.00",
        "收入合计 125.00 支出合计 120.00",  # 收入合计 edited: the 支出 blocks' sums still hold
    ])
    assert rows is not None and rows[2][:2] == ("收入合计", "125.00")


def test_no_identity_holding_is_no_reading():
    assert _cells([
        "一、财政拨款收入 100.00 一、一般公共服务支出 61.00 一、人员经费 71.00",
        "二、事业收入 20.00 二、教育支出 60.00 二、公用经费 30.00",
        "收入合计 125.00 支出合计 123.00",
    ]) is None
