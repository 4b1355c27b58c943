"""The 江苏省人民检察院 2018 预算's two 收支 summary tables, read from its page-text rendering and from the PDF.

The expected cells were written by hand from the pages (p13–15) before the text reader could read them: the
收支预算总表 prints three label/amount blocks side by side (收入; 支出 by 功能分类; 支出 by 支出用途), the
财政拨款收支预算总表 two; blank cells leave no trace in the text.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from ingest.model import Document
from ingest.readers import pdf
from ingest.readers.page_json import page_blocks
from ingest.tables import extract_tables
from tests.realdata import realdata_path
from warehouse.mutation.render import render_document

D = Decimal

# (row label, side measure, value) — every figure the two tables print
SUMMARY_2018 = {
    ("一、财政拨款", "income", D("21940.96")),
    ("1.一般公共预算", "income", D("21940.96")),
    ("三、其他资金", "income", D("14.39")),
    ("当年收入小计", "income", D("21955.35")),
    ("收入合计", "income", D("21955.35")),
    ("四、公共安全支出", "expenditure", D("16458.75")),
    ("八、社会保障和就业支出", "expenditure", D("1836.22")),
    ("十八、住房保障支出", "expenditure", D("3660.38")),
    ("一、基本支出", "expenditure", D("13994.31")),
    ("二、项目支出", "expenditure", D("5573.00")),
    ("三、单位预留机动经费", "expenditure", D("2388.04")),
    ("当年支出小计", "expenditure", D("21955.35")),
    ("支出合计", "expenditure", D("21955.35")),
}
FISCAL_SUMMARY_2018 = {
    ("一、一般公共预算", "income", D("21940.96")),
    ("收入合计", "income", D("21940.96")),
    ("一、基本支出", "expenditure", D("13979.92")),
    ("二、项目支出", "expenditure", D("5573.00")),
    ("三、单位预留机动经费", "expenditure", D("2388.04")),
    ("支出合计", "expenditure", D("21940.96")),
}
DOC = "more/江苏省人民检察院2018年度部门预算.pdf"


def _cells(doc: Document, key: str) -> set[tuple[str, str, Decimal]]:
    return {(c.row_label, c.measure, c.amount.value)
            for c in extract_tables(doc, doc_type="budget").cells if c.table_key == key}


@pytest.fixture(scope="module")
def both() -> tuple[Document, Document]:
    path = realdata_path(DOC)
    from_pdf = pdf.read(path)
    built = page_blocks(list(render_document(from_pdf).pages))
    from_text = Document(source_file=str(path), file_format="page_json", blocks=tuple(built.blocks),
                         page_count=from_pdf.page_count)
    return from_pdf, from_text


@pytest.mark.parametrize("key,expected", [
    ("budget_income_expenditure_summary", SUMMARY_2018),
    ("budget_fiscal_summary", FISCAL_SUMMARY_2018),
])
def test_summary_cells_from_pdf_and_text(both: tuple[Document, Document], key: str,
                                         expected: set[tuple[str, str, Decimal]]) -> None:
    from_pdf, from_text = both
    assert _cells(from_pdf, key) == expected
    assert _cells(from_text, key) == expected


@pytest.mark.parametrize("year", [2018, 2019])
def test_every_pdf_cell_from_the_text(year: int) -> None:
    """Every table cell the PDF gives, the text rendering gives too — the 三公 table's 公务用车运行维护费 included:
    its row prints 8 figures for 9 columns, 小计 = 购置费 + 运行维护费 holds whichever of the two is blank, and the
    document prints the item with that figure elsewhere (the 机关运行经费 table's row 「公务用车运行维护费 267.80」)."""
    path = realdata_path(f"more/江苏省人民检察院{year}年度部门预算.pdf")
    from_pdf = pdf.read(path)
    built = page_blocks(list(render_document(from_pdf).pages))
    from_text = Document(source_file=str(path), file_format="page_json", blocks=tuple(built.blocks),
                         page_count=from_pdf.page_count)

    def cells(doc: Document) -> set[tuple[str, str, str | None, str, str, Decimal]]:
        return {(c.table_key, c.row_label, c.code, c.measure, c.measure_label, c.amount.value)
                for c in extract_tables(doc, doc_type="budget").cells}

    assert cells(from_text) == cells(from_pdf)
    assert not built.unreadable
