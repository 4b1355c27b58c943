"""The PDF reader: layout, tables and quarantine on synthetic PDFs and on the real Putuo 决算 PDFs.

Synthetic fixtures are built with fpdf2 (test-only dependency, ``pip install fpdf2==2.8.9``).
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from ingest.model import Document, Merge, Paragraph, Table, UnreadableDocument
from ingest.readers import pdf as pdf_reader
from ingest.readers import read_document
from ingest.readers.pdf_layout import Char, Rule, find_grids, group_lines, join_wrapped
from tests.realdata import realdata_path

fpdf = pytest.importorskip("fpdf")

CAIZHENG = "govbudgetchecker/上海市普陀区财政局2024年度部门决算.pdf"
GUIHUA = "govbudgetchecker/上海市普陀区规划和自然资源局2024年度部门决算.pdf"
SHEGONG = "govbudgetchecker/中共上海市普陀区委社会工作部2024年度部门决算.pdf"

NINE_TABLES = (
    "收入支出决算总表",
    "收入决算表",
    "支出决算表",
    "财政拨款收入支出决算总表",
    "一般公共预算财政拨款支出决算表",
    "一般公共预算财政拨款基本支出决算表",
    "“三公”经费支出决算表",
    "政府性基金预算财政拨款收入支出决算表",
    "国有资本经营预算财政拨款收入支出决算表",
)


# ---------------------------------------------------------------- helpers


def _table(doc: Document, title: str, page: int | None = None) -> Table:
    for t in doc.tables:
        if t.title == title and (page is None or t.page == page):
            return t
    raise AssertionError(f"no table {title!r} (page {page}); have {[(t.title, t.page) for t in doc.tables]}")


def _row(table: Table, first: str) -> tuple[str, ...]:
    for r in table.rows:
        if first in r:
            return r
    raise AssertionError(f"no row with {first!r} in {table.title!r}")


def _synthetic(path: Path) -> Path:
    """Two pages: heading, a wrapped paragraph, a captioned ruled table with a merged header."""
    doc = fpdf.FPDF(unit="pt", format="A4")
    doc.set_font("Helvetica", size=10)
    doc.add_page()
    doc.text(72, 72, "1. Overview")
    words = "The quick brown fox jumps over the lazy dog again and again " * 4
    doc.set_xy(72, 90)
    doc.multi_cell(300, 14, words.strip())
    doc.text(72, 200, "Budget table")
    # ruled grid: x edges 72/172/272/372, y edges 210/230/250/270; header row merged over cols 1-2
    xs, ys = (72, 172, 272, 372), (210, 230, 250, 270)
    for y in ys:
        doc.line(xs[0], y, xs[-1], y)
    for i, x in enumerate(xs):
        top = ys[1] if i == 2 else ys[0]  # no rule between the two merged header cells
        doc.line(x, top, x, ys[-1])
    doc.text(80, 224, "Item")
    doc.text(200, 224, "Amounts")
    doc.text(80, 244, "Salaries")
    doc.text(180, 244, "1,234.56")
    doc.text(280, 244, "7.00")
    doc.text(80, 264, "Total")
    doc.text(180, 264, "2,000.00")
    doc.text(280, 264, "8.00")
    doc.add_page()
    doc.text(72, 72, "Second page text")
    doc.output(str(path))
    return path


def _char(text: str, x0: float, top: float, size: float = 10.0) -> Char:
    return Char(text, x0, x0 + size * (1.0 if ord(text) > 0x2E80 else 0.55), top, top + size, size)


# ---------------------------------------------------------------- pure layout


def test_group_lines_orders_by_box_not_by_drawing_order() -> None:
    # the figure is "drawn" last but sits between the words: boxes decide the order
    chars = [_char(c, 10 + 10 * i, 100) for i, c in enumerate("支出万元")]
    chars = [chars[0], chars[1], *(_char(d, 30 + 5.5 * j, 100.5) for j, d in enumerate("18.5")), *chars[2:]]
    chars = [c if c.text not in "万元" else Char(c.text, c.x0 + 22, c.x1 + 22, c.top, c.bottom, c.size)
             for c in chars]
    lines = group_lines([*reversed(chars), _char("下", 10, 120)])
    assert [ln.text for ln in lines] == ["支出18.5万元", "下"]


def test_a_space_drawn_over_the_figure_does_not_split_it() -> None:
    # generated budget PDF (示例县滨江街道办事处2024年部门预算 p.1): a padded text object's space sits at the line
    # start, over the 3 of 340.49 — read 减少340.49万元, not 减少3 40.49万元; a space drawn after a word still separates
    digits = [_char(d, 20 + 5.5 * j, 100) for j, d in enumerate("340.49")]
    chars = [_char("少", 10, 100), digits[0], Char(" ", 20, 22.5, 100, 110, 10.0), *digits[1:],
             _char("万", 53, 100), _char("元", 63, 100)]
    assert group_lines(chars)[0].text == "少340.49万元"
    words = [_char(c, 10 + 5.5 * i, 100) for i, c in enumerate("ab")]
    spaced = [*words, Char(" ", 21, 24, 100, 110, 10.0), _char("c", 24, 100)]
    assert group_lines(spaced)[0].text == "ab c"


def test_join_wrapped_cjk_without_space_latin_with_space() -> None:
    assert join_wrapped(["一般公共预算财政拨款", "收入"]) == "一般公共预算财政拨款收入"
    assert join_wrapped(["本年收入合", "计"]) == "本年收入合计"
    assert join_wrapped(["total", "income"]) == "total income"


def test_find_grids_merged_cell() -> None:
    rules = [Rule(True, y, 0, 200) for y in (0, 20, 40)]
    rules += [Rule(False, 0, 0, 40), Rule(False, 200, 0, 40), Rule(False, 100, 20, 40)]
    (grid,) = find_grids(rules)
    assert (grid.n_rows, grid.n_cols) == (2, 2)
    spans = {(c.row, c.col): (c.rowspan, c.colspan) for c in grid.cells}
    assert spans == {(0, 0): (1, 2), (1, 0): (1, 1), (1, 1): (1, 1)}


# ---------------------------------------------------------------- synthetic PDFs


def test_synthetic_table_paragraph_and_pages(tmp_path: Path) -> None:
    doc = read_document(_synthetic(tmp_path / "t.pdf"))
    assert doc.file_format == "pdf" and doc.page_count == 2
    assert all(b.page in (1, 2) for b in doc.blocks)
    (table,) = doc.tables
    assert table.page == 1 and table.title == "Budget table"
    assert table.rows == (
        ("Item", "Amounts", ""),
        ("Salaries", "1,234.56", "7.00"),
        ("Total", "2,000.00", "8.00"),
    )
    assert table.merges == (Merge(0, 1, 1, 2),)
    texts = [p.text for p in doc.paragraphs]
    assert "1. Overview" in texts and "Second page text" in texts
    # the wrapped multi_cell lines come back as one paragraph
    assert any(t.startswith("The quick brown fox") and t.count("lazy dog") == 4 for t in texts)
    assert not any("Salaries" in t or "2,000.00" in t for t in texts)  # table text stays in the table
    assert [b.index for b in doc.blocks] == list(range(len(doc.blocks)))


def test_encrypted_pdf_is_quarantined(tmp_path: Path) -> None:
    doc = fpdf.FPDF()
    doc.set_encryption(owner_password="owner", user_password="secret")
    doc.add_page()
    doc.set_font("Helvetica", size=12)
    doc.text(20, 20, "confidential")
    path = tmp_path / "enc.pdf"
    doc.output(str(path))
    with pytest.raises(UnreadableDocument) as exc:
        pdf_reader.read(path)
    assert exc.value.code == "encrypted"
    assert "加密" in exc.value.reason_zh and "encrypted" in exc.value.reason_en


def test_image_only_pdf_needs_ocr(tmp_path: Path) -> None:
    from PIL import Image

    img = tmp_path / "scan.png"
    Image.new("RGB", (200, 280), (240, 240, 240)).save(img)
    doc = fpdf.FPDF()
    for _ in range(3):
        doc.add_page()
        doc.image(str(img), x=10, y=10, w=180)
    path = tmp_path / "scan.pdf"
    doc.output(str(path))
    with pytest.raises(UnreadableDocument) as exc:
        pdf_reader.read(path)
    assert exc.value.code == "needs_ocr"
    assert exc.value.reason_zh == "扫描件（仅图像、无文字层），需要 OCR"
    assert exc.value.reason_en == "image-only (scanned) PDF: needs OCR"


def test_blank_pdf_is_empty(tmp_path: Path) -> None:
    doc = fpdf.FPDF()
    doc.add_page()
    path = tmp_path / "blank.pdf"
    doc.output(str(path))
    with pytest.raises(UnreadableDocument) as exc:
        pdf_reader.read(path)
    assert exc.value.code == "empty"


def test_truncated_real_pdf_is_corrupt(tmp_path: Path) -> None:
    data = realdata_path(SHEGONG).read_bytes()
    path = tmp_path / "cut.pdf"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(UnreadableDocument) as exc:
        read_document(path)
    assert exc.value.code == "corrupt"
    assert exc.value.reason_zh and exc.value.reason_en


def test_garbage_with_pdf_header_is_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "junk.pdf"
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 20 + b"\n%%EOF\n")
    with pytest.raises(UnreadableDocument) as exc:
        pdf_reader.read(path)
    assert exc.value.code == "corrupt"


def test_too_many_pages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_reader, "MAX_PAGES", 2)
    doc = fpdf.FPDF()
    doc.set_font("Helvetica", size=12)
    for i in range(3):
        doc.add_page()
        doc.text(20, 20, f"page {i}")
    path = tmp_path / "long.pdf"
    doc.output(str(path))
    with pytest.raises(UnreadableDocument) as exc:
        pdf_reader.read(path)
    assert exc.value.code == "too_large"


def test_concurrent_reads_agree(tmp_path: Path) -> None:
    path = _synthetic(tmp_path / "t.pdf")
    expected = pdf_reader.read(path).blocks
    results: list[object] = []

    def work() -> None:
        for _ in range(5):
            results.append(pdf_reader.read(path).blocks)

    threads = [threading.Thread(target=work) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 15 and all(r == expected for r in results)


# ---------------------------------------------------------------- real documents


@pytest.fixture(scope="module")
def caizheng() -> Document:
    return pdf_reader.read(realdata_path(CAIZHENG))


def test_numbers_back_in_their_sentence(caizheng: Document) -> None:
    texts = [p.text for p in caizheng.paragraphs]
    assert any(t.startswith("机关运行经费支出184.65万元，比2023年度增加2.55万元，增长1.40%。") for t in texts)
    para = next(p for p in caizheng.paragraphs if p.text.startswith("机关运行经费支出184.65万元"))
    assert para.page == 24 and not para.is_heading


def test_wrapped_paragraph_rejoined_and_headings_apart(caizheng: Document) -> None:
    paras = caizheng.paragraphs
    body = next(p for p in paras if p.text.startswith("一般公共预算财政拨款基本支出2336.91万元"))
    # five printed lines make one paragraph; the wrapped line break "退休|费" is gone
    assert "人员经费2152.26万元" in body.text and "公用经费184.65万元" in body.text
    assert body.text.endswith("办公设备购置。") and "\n" not in body.text
    headings = [p for p in paras if p.text == "六、一般公共预算财政拨款基本支出决算情况说明"]
    assert [p.page for p in headings] == [2, 23]  # table of contents, then the section itself
    assert all(p.is_heading for p in headings)


def test_total_table_grid(caizheng: Document) -> None:
    assert caizheng.page_count == 25
    t = _table(caizheng, "收入支出决算总表", page=6)
    assert t.rows[0] == ("收入", "", "支出", "")
    assert Merge(0, 0, 1, 2) in t.merges and Merge(0, 2, 1, 2) in t.merges
    assert t.rows[2] == ("一、一般公共预算财政拨款收入", "2,940.05", "一、一般公共服务支出", "2,106.66")
    assert _row(t, "八、社会保障和就业支出") == ("八、其他收入", "6.20", "八、社会保障和就业支出", "326.71")
    assert _row(t, "本年收入合计") == ("本年收入合计", "2,946.25", "本年支出合计", "2,940.05")
    # the table goes on over the page: the continuation keeps the caption
    cont = _table(caizheng, "收入支出决算总表", page=7)
    assert _row(cont, "年初结转和结余") == ("年初结转和结余", "49.14", "年末结转和结余", "55.34")
    assert _row(cont, "总计") == ("总计", "2,995.39", "总计", "2,995.39")


def test_code_columns_stay_separate(caizheng: Document) -> None:
    income = _table(caizheng, "收入决算表", page=8)
    assert "本年收入合计" in income.rows[0]  # header wrapped inside its cell, rejoined
    assert income.rows[6][:6] == ("201", "06", "01", "行政运行", "1,511.90", "1,511.89")
    assert _row(income, "社会保障和就业支出")[:6] == ("208", "", "", "社会保障和就业支出", "326.72", "326.72")
    gpb = _table(caizheng, "一般公共预算财政拨款支出决算表")
    assert gpb.rows[-1] == ("合计", "", "", "", "2,940.05", "2,336.91", "603.14")
    fin_total = _table(caizheng, "财政拨款收入支出决算总表", page=12)
    assert _row(fin_total, "八、社会保障和就业支出")[3:5] == ("326.71", "326.71")


def test_basic_expenditure_and_sangong(caizheng: Document) -> None:
    basic = _table(caizheng, "一般公共预算财政拨款基本支出决算表", page=17)
    assert _row(basic, "人员经费合计") == (
        "人员经费合计", "", "", "2,152.26", "公用经费合计", "", "", "184.65"
    )
    assert _row(basic, "劳务费") == ("303", "07", "医疗费补助", "", "302", "26", "劳务费", "2.01")
    sangong = _table(caizheng, "财政拨款“三公”经费支出决算表")
    assert sangong.page == 18 and sangong.n_cols == 12
    assert sangong.rows[-1][0] == "0.95" and sangong.rows[-1][10] == "0.95"


def test_table_text_not_repeated_as_paragraphs(caizheng: Document) -> None:
    text = caizheng.text()
    assert "二十六、抗疫特别国债安排的支出" not in text
    assert "机关事业单位基本养老保险缴费支出" not in "".join(
        p.text for p in caizheng.paragraphs if p.page in (8, 9, 15)
    )
    assert "14" in caizheng.meta.get("pages_without_text", "").split(",")


@pytest.mark.parametrize("relative", [CAIZHENG, GUIHUA, SHEGONG])
def test_nine_tables_found_in_each_final_account(relative: str) -> None:
    doc = pdf_reader.read(realdata_path(relative))
    titles = {t.title for t in doc.tables}
    for name in NINE_TABLES:
        assert any(title.endswith(name) for title in titles), (name, titles)
    assert all(isinstance(b, (Paragraph, Table)) and b.page for b in doc.blocks)


def test_other_final_accounts_figures() -> None:
    guihua = pdf_reader.read(realdata_path(GUIHUA))
    sangong = next(t for t in guihua.tables if t.title.endswith("“三公”经费支出决算表"))
    assert sangong.rows[-1] == ("2.85", "0.39", *("0.00",) * 8, "2.85", "0.39")
    sentence = "一般公共预算财政拨款支出9746.50万元，占本年支出合计的99.86%。"
    assert any(sentence in p.text for p in guihua.paragraphs)
    shegong = pdf_reader.read(realdata_path(SHEGONG))
    income = _table(shegong, "收入决算表", page=6)
    assert _row(income, "2013999")[:4] == ("2013999", "其他社会工作事务支出", "202.24", "202.24")
