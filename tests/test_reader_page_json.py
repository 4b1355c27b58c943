"""Page-text JSON reader: standard tables rebuilt from text lines (ingest.readers.text_tables)."""

from __future__ import annotations

from decimal import Decimal

from ingest.readers.page_json import page_blocks, read
from ingest.readers.text_tables import SCHEMAS, Token, place_amounts, tokenise_line
from ingest.tables import extract_tables
from tests.realdata import realdata_path

YICHUAN = "govbudgetchecker/page_texts_2025_final/上海市普陀区人民政府宜川路街道办事处2025年度部门决算.page_texts.json"


def test_tokenise_codes_numbers_labels():
    assert tokenise_line("201 01 01 行政运行 1,234.50 0.00") == (
        Token("code", "2010101"), Token("label", "行政运行"), Token("number", "1,234.50"), Token("number", "0.00"))
    assert [t.kind for t in tokenise_line("2010301行政运行 7.70")] == ["code", "label", "number"]
    assert [t.kind for t in tokenise_line("上海市 2025 年度")] == ["label", "label", "label"]


def test_blank_cells_are_placed_by_the_row_sums():
    block = next(s for s in SCHEMAS if s.key == "sangong").blocks[0]
    cells, left_out = place_amounts(["31.47", "19.86", "30.67", "19.56", "30.67", "19.56", "0.80", "0.30"], block)
    assert cells[:2] == ["31.47", "19.86"] and cells[4:6] == ["30.67", "19.56"] and cells[10:] == ["0.80", "0.30"]
    assert left_out == 2  # 公务用车购置费 or 运行维护费: ambiguous, left out


def test_wrapped_names_and_children_resolve_columns():
    page = "\n".join([
        "一般公共预算财政拨款支出决算表", "单位：万元", "项目", "合计 基本支出 项目支出", "科目名称", "科目编码",
        "合计 30.00 10.00 20.00", "一般公共服务", "201 20.00 20.00", "支出", "208 10.00 10.00",
        "注：本表反映部门本年度一般公共预算财政拨款支出情况。",
    ])
    built = page_blocks([page])
    ex = extract_tables(_doc(built.blocks))
    got = {(c.code or c.row_label, c.measure): c.amount.value for c in ex.cells}
    assert got[("201", "project")] == Decimal("20.00") and got[("208", "basic")] == Decimal("10.00")
    assert ("201", "basic") not in got
    assert next(c.row_label for c in ex.cells if c.code == "201") == "一般公共服务支出"


def _doc(blocks):
    from ingest.model import Document

    return Document(source_file="t.json", file_format="page_json", blocks=tuple(blocks))


def test_yichuan_tables_and_known_defects():
    doc = read(realdata_path(YICHUAN))
    assert doc.meta["text_tables"] == "8"
    ex = extract_tables(doc)
    cells = {(c.table_key, c.code or c.row_label, c.measure): c.amount.value for c in ex.cells}
    classes = sum(v for (k, code, m), v in cells.items() if k == "income" and m == "total" and len(code) == 3)
    assert classes == Decimal("20323.19") and cells[("income", "合计", "total")] == Decimal("20323.21")
    assert cells[("general_budget_basic", "30217", "total")] == Decimal("8.31")
    assert cells[("sangong", "公务接待费", "actual")] == Decimal("0.30")
    assert cells[("general_budget_basic", "30109", "total")] == Decimal("269.86")
