"""Readers for .docx, .xlsx, .xls, .html and legacy Office, and the shared input guards.

Fixtures are built in the test from python-docx / openpyxl / xlwt; real templates are read
through ``tests.realdata``.
"""

from __future__ import annotations

import datetime as dt
import io
import struct
import zipfile
from pathlib import Path

import pytest

from ingest.model import Document, Merge, Paragraph, Table, UnreadableDocument
from ingest.readers import docx as docx_reader
from ingest.readers import html as html_reader
from ingest.readers import legacy_office, limits
from ingest.readers import xls as xls_reader
from ingest.readers import xlsx as xlsx_reader
from ingest.readers.xlsx import format_number
from tests.realdata import realdata_path

# --------------------------------------------------------------------------- helpers


def _tables(doc: Document) -> list[Table]:
    return list(doc.tables)


def _kinds(doc: Document) -> list[str]:
    return ["T" if isinstance(b, Table) else ("H" if b.is_heading else "P") for b in doc.blocks]


# --------------------------------------------------------------------------- docx


def _make_docx(path: Path, *, page_break: bool = False) -> None:
    import docx

    d = docx.Document()
    d.add_heading("一、部门概况", level=1)
    d.add_paragraph("本部门主要职能是负责全区财政工作。")
    if page_break:
        d.add_page_break()
    d.add_paragraph("收入支出决算总表")
    d.add_paragraph("单位：万元")
    t = d.add_table(rows=4, cols=4)
    t.cell(0, 0).merge(t.cell(0, 1)).text = "收入"
    t.cell(0, 2).merge(t.cell(0, 3)).text = "支出"
    t.cell(1, 0).merge(t.cell(2, 0)).text = "项目"
    t.cell(1, 1).text = "决算数"
    t.cell(1, 2).text = "项目"
    t.cell(1, 3).text = "决算数"
    t.cell(2, 1).text = "1,234.50"
    t.cell(2, 2).text = "一般公共服务支出"
    t.cell(2, 3).text = "1,234.50"
    t.cell(3, 0).text = "总计"
    nested = t.cell(3, 3).add_table(rows=1, cols=2)
    nested.cell(0, 0).text = "嵌套A"
    nested.cell(0, 1).text = "嵌套B"
    d.add_paragraph("二、收入决算情况说明。本年收入合计1,234.50万元。", style="Heading 2")
    d.add_paragraph("2024年度收入合计比上年增加10.00万元，增长5.00%。")
    t2 = d.add_table(rows=1, cols=2)
    t2.cell(0, 0).text = "A"
    t2.cell(0, 1).text = "B"
    d.save(str(path))


def test_docx_body_order_headings_and_merges(tmp_path: Path) -> None:
    path = tmp_path / "a.docx"
    _make_docx(path)
    doc = docx_reader.read(path)
    assert doc.file_format == "docx"
    assert _kinds(doc) == ["H", "P", "P", "P", "T", "H", "P", "T"]
    assert [b.index for b in doc.blocks] == list(range(len(doc.blocks)))
    assert doc.page_count is None and all(b.page is None for b in doc.blocks)
    t1, t2 = _tables(doc)
    assert t1.title == "收入支出决算总表"  # the unit line between caption and table is skipped
    assert t2.title == ""  # the preceding paragraph is a sentence, not a caption
    assert t1.rows == (
        ("收入", "", "支出", ""),
        ("项目", "决算数", "项目", "决算数"),
        ("", "1,234.50", "一般公共服务支出", "1,234.50"),
        ("总计", "", "", "嵌套A 嵌套B"),
    )
    assert set(t1.merges) == {
        Merge(0, 0, 1, 2),
        Merge(0, 2, 1, 2),
        Merge(1, 0, 2, 1),
    }
    assert t2.rows == (("A", "B"),)


def test_docx_page_breaks_count_pages(tmp_path: Path) -> None:
    path = tmp_path / "p.docx"
    _make_docx(path, page_break=True)
    doc = docx_reader.read(path)
    assert doc.meta["page_basis"] == "explicit"
    pages = [(b.text if isinstance(b, Paragraph) else "<table>", b.page) for b in doc.blocks]
    assert pages[0] == ("一、部门概况", 1)
    assert pages[1][1] == 1
    assert pages[2] == ("收入支出决算总表", 2)
    assert pages[4] == ("<table>", 2)
    assert doc.page_count == 2


def _docx_with_body(tmp_path: Path, body: str, name: str = "raw.docx") -> Path:
    """A minimal hand-written .docx (for markup python-docx cannot produce)."""
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        zf.writestr("word/document.xml", f'<?xml version="1.0"?><w:document {ns}><w:body>{body}</w:body></w:document>')
    return path


def test_docx_rendered_page_breaks_vmerge_gridspan_and_revisions(tmp_path: Path) -> None:
    body = (
        '<w:p><w:pPr><w:outlineLvl w:val="0"/></w:pPr><w:r><w:t>第一部分</w:t></w:r></w:p>'
        '<w:p><w:r><w:t xml:space="preserve">保留</w:t></w:r><w:del><w:r><w:delText>删除</w:delText></w:r></w:del>'
        '<w:r><w:br w:type="page"/></w:r></w:p>'
        '<w:p><w:r><w:lastRenderedPageBreak/><w:t>第二页</w:t></w:r></w:p>'
        '<w:tbl><w:tblGrid><w:gridCol/><w:gridCol/><w:gridCol/></w:tblGrid>'
        '<w:tr><w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>科目</w:t></w:r></w:p></w:tc>'
        '<w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr><w:p><w:r><w:t>金额</w:t></w:r></w:p></w:tc></w:tr>'
        '<w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc>'
        '<w:tc><w:p><w:r><w:t>预算</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>决算</w:t></w:r></w:p></w:tc></w:tr>'
        '<w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr>'
        '<w:tc><w:p><w:r><w:t>1.00</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>2.00</w:t></w:r></w:p></w:tc></w:tr>'
        "</w:tbl>"
    )
    doc = docx_reader.read(_docx_with_body(tmp_path, body))
    # lastRenderedPageBreak present: only those count (the hard break is not counted twice)
    assert doc.meta["page_basis"] == "rendered"
    p1, p2, p3, table = doc.blocks
    assert (p1.text, p1.is_heading, p1.page) == ("第一部分", True, 1)
    assert (p2.text, p2.page) == ("保留", 1)
    assert (p3.text, p3.page) == ("第二页", 2)
    assert isinstance(table, Table)
    assert table.rows == (("科目", "金额", ""), ("", "预算", "决算"), ("", "1.00", "2.00"))
    assert set(table.merges) == {Merge(0, 0, 2, 1), Merge(0, 1, 1, 2)}
    assert table.page == 2 and doc.page_count == 2


def test_docx_speed_twenty_pages(tmp_path: Path) -> None:
    """~20 pages: 120 paragraphs + 9 tables of 20×6; prints ms/file (measured for the report)."""
    import time

    import docx

    d = docx.Document()
    for i in range(9):
        d.add_heading(f"{i + 1}. 收入支出决算总表", level=2)
        for j in range(13):
            d.add_paragraph(f"第{i}节第{j}段：本年收入合计1,234.{j:02d}万元，比上年增加12.30万元，增长1.00%。" * 3)
        t = d.add_table(rows=20, cols=6)
        for r in range(20):
            for c in range(6):
                t.cell(r, c).text = f"{r * 6 + c}.00"
        d.add_page_break()
    path = tmp_path / "big.docx"
    d.save(str(path))
    start = time.perf_counter()
    runs = 3
    for _ in range(runs):
        doc = docx_reader.read(path)
    ms = (time.perf_counter() - start) * 1000 / runs
    print(f"docx reader: {ms:.1f} ms/file ({path.stat().st_size} bytes, {len(doc.blocks)} blocks)")
    assert len(doc.tables) == 9 and doc.tables[8].rows[19][5] == "119.00"
    assert doc.page_count == 10
    assert ms < 2000


# --------------------------------------------------------------------------- number formats


@pytest.mark.parametrize(
    ("value", "fmt", "shown"),
    [
        (1234.5, "0.00", "1234.50"),
        (1234.5, "#,##0.00", "1,234.50"),
        (1234.4999999999998, "0.00", "1234.50"),
        (0.1 + 0.2, "General", "0.3"),
        (2.675, "0.00", "2.68"),
        (0.12499999999999999, "0.00", "0.13"),  # Excel rounds to 15 digits first: 0.125000000000000
        (-0.001, "0.00", "0.00"),
        (-1234.5, "#,##0.00;(#,##0.00)", "(1,234.50)"),
        (-1234.5, "#,##0.00", "-1,234.50"),
        (0.1234, "0.00%", "12.34%"),
        (0, '#,##0.00;-#,##0.00;"-"', "-"),
        (12, '[$¥-804]#,##0.00', "¥12.00"),
        (7, '0"万元"', "7万元"),
        (1234567, "#,##0,", "1,235"),
        (42, "[Red]0.0", "42.0"),
        (3, "@", "3"),
        (1_000_000, "General", "1000000"),
    ],
)
def test_format_number_displayed_text(value: float, fmt: str, shown: str) -> None:
    assert format_number(value, fmt) == shown


# --------------------------------------------------------------------------- xlsx


def _make_xlsx(path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "收支总表"
    ws["A1"] = "收入支出决算总表"
    ws.merge_cells("A1:D1")
    ws["A2"] = "编制单位：某局"
    ws["D2"] = "单位：万元"
    ws["A3"] = "项目"
    ws.merge_cells("A3:A4")
    ws["B3"] = "金额"
    ws.merge_cells("B3:D3")
    ws["B4"], ws["C4"], ws["D4"] = "预算数", "决算数", "完成率"
    ws["A5"] = "一般公共服务支出"
    ws["B5"] = 1234.5
    ws["B5"].number_format = "#,##0.00"
    ws["C5"] = 1234.4999999999998
    ws["C5"].number_format = "0.00"
    ws["D5"] = 0.9876
    ws["D5"].number_format = "0.00%"
    ws["A6"] = dt.datetime(2024, 12, 31)
    ws["A6"].number_format = "yyyy-mm-dd"
    ws["B6"] = 5
    ws["C6"] = "=B6*2"  # no cached value: reads as ''
    ws.cell(row=6, column=200).number_format = "0.00"  # formatted but empty: must not widen the grid
    hidden = wb.create_sheet("隐藏")
    hidden["A1"] = "不应读出"
    hidden.sheet_state = "hidden"
    notes = wb.create_sheet("说明")
    notes["A1"] = "情况说明"
    notes["A2"] = "本年收入合计1,234.50万元。\n比上年增加10.00万元。"
    wb.save(str(path))


def test_xlsx_grid_merges_formats_and_sheets(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    _make_xlsx(path)
    doc = xlsx_reader.read(path)
    assert doc.file_format == "xlsx" and doc.page_count == 3
    assert doc.meta["hidden_sheets_skipped"] == "1"
    assert "不应读出" not in doc.text() and all("不应读出" not in str(t.rows) for t in doc.tables)
    first = doc.blocks[0]
    assert isinstance(first, Paragraph) and first.text == "收入支出决算总表" and first.is_heading
    assert first.page == 1
    (table,) = doc.tables
    assert table.title == "收支总表 收入支出决算总表" and table.page == 1
    assert table.rows == (
        ("编制单位：某局", "", "", "单位：万元"),
        ("项目", "金额", "", ""),
        ("", "预算数", "决算数", "完成率"),
        ("一般公共服务支出", "1,234.50", "1234.50", "98.76%"),
        ("2024-12-31", "5", "", ""),
    )
    assert set(table.merges) == {Merge(1, 0, 2, 1), Merge(1, 1, 1, 3)}
    notes = [b for b in doc.blocks if isinstance(b, Paragraph) and b.page == 3]
    assert [p.text for p in notes] == ["情况说明", "本年收入合计1,234.50万元。", "比上年增加10.00万元。"]
    assert notes[0].is_heading and not notes[1].is_heading


def test_real_xlsx_department_template() -> None:
    path = realdata_path("tianbaoxitong/普陀区2026区级部门预算公开模板.xlsx")
    doc = xlsx_reader.read(path)
    assert doc.page_count == 17
    assert {b.page for b in doc.blocks} == set(range(1, 18))
    titles = {t.title for t in doc.tables}
    assert "部门收支总表 2026年部门财务收支预算总表" in titles
    sg = next(t for t in doc.tables if t.title.startswith("部门“三公”经费"))
    assert sg.page == 15
    assert sg.rows[2][:4] == ("合计", "因公出国(境)费", "公务接待费", "公务用车购置及运行费")
    assert sg.rows[0][-1] == "单位:万元"
    assert doc.blocks[0].text == "上海市普陀区2026年区级部门预算"
    # formatted-but-empty columns (the dimension says 253) are cut off
    assert max(t.n_cols for t in doc.tables) <= 9


def test_real_xls_matches_xlsx_unit_template() -> None:
    doc_xls = xls_reader.read(realdata_path("tianbaoxitong/普陀区2026区级单位预算公开模板.xls"))
    doc_xlsx = xlsx_reader.read(realdata_path("tianbaoxitong/普陀区2026区级单位预算公开模板.xlsx"))
    assert doc_xls.page_count == 16 and doc_xlsx.page_count == 16
    assert doc_xls.file_format == "xls"
    t10 = next(t for t in doc_xls.tables if t.page == 10)
    assert t10.title == "单位财政拨款收支总表 2026年预算单位财政拨款收支预算总表"
    assert [(t.title, t.rows, t.merges) for t in doc_xls.tables] == [
        (t.title, t.rows, t.merges) for t in doc_xlsx.tables
    ]
    assert doc_xls.text() == doc_xlsx.text()


# --------------------------------------------------------------------------- xls


def test_xls_grid_merges_formats_hidden(tmp_path: Path) -> None:
    xlwt = pytest.importorskip("xlwt")
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("收支总表")
    ws.write_merge(0, 0, 0, 2, "收入支出决算总表")
    ws.write_merge(1, 2, 0, 0, "项目")
    ws.write_merge(1, 1, 1, 2, "金额")
    ws.write(2, 1, "预算数")
    ws.write(2, 2, "决算数")
    ws.write(3, 0, "一般公共服务支出")
    ws.write(3, 1, 1234.5, xlwt.easyxf(num_format_str="#,##0.00"))
    ws.write(3, 2, 1234.4999999999998, xlwt.easyxf(num_format_str="0.00"))
    ws.write(4, 0, dt.date(2024, 12, 31), xlwt.easyxf(num_format_str="YYYY-MM-DD"))
    ws.write(4, 1, 0.5, xlwt.easyxf(num_format_str="0.0%"))
    hidden = wb.add_sheet("隐藏")
    hidden.write(0, 0, "不应读出")
    hidden.visibility = 1
    path = tmp_path / "t.xls"
    wb.save(str(path))
    doc = xls_reader.read(path)
    assert doc.page_count == 2 and doc.meta["hidden_sheets_skipped"] == "1"
    assert doc.blocks[0].text == "收入支出决算总表"
    (table,) = doc.tables
    assert table.title == "收支总表 收入支出决算总表"
    assert table.rows == (
        ("项目", "金额", ""),
        ("", "预算数", "决算数"),
        ("一般公共服务支出", "1,234.50", "1234.50"),
        ("2024-12-31", "50.0%", ""),
    )
    assert set(table.merges) == {Merge(0, 0, 2, 1), Merge(0, 1, 1, 2)}


# --------------------------------------------------------------------------- html


def test_html_gbk_colspan_rowspan_caption_nested(tmp_path: Path) -> None:
    page = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
        "<title>忽略</title><style>p{}</style></head><body>"
        "<h1>某局2024年度部门决算</h1><p>一、部门概况<br>主要职能：财政管理。</p>"
        "<p>收入支出决算总表</p>"
        "<table><tr><th rowspan=2>项目</th><th colspan=2>金额</th></tr>"
        "<tr><td>预算数</td><td>决算数</td></tr>"
        "<tr><td>合计</td><td>1,234.50</td><td><table><tr><td>嵌</td><td>套</td></tr></table></td></tr>"
        "</table>"
        "<table><caption>表二 支出决算表</caption><tr><td>A</td></tr></table>"
        "<ul><li>名词解释</li></ul><script>var x = '<p>no</p>';</script></body></html>"
    )
    path = tmp_path / "p.html"
    path.write_bytes(page.encode("gbk"))
    doc = html_reader.read(path)
    assert doc.encoding == "gb18030"
    assert _kinds(doc) == ["H", "P", "P", "P", "T", "T", "P"]
    assert doc.blocks[0].text == "某局2024年度部门决算"
    assert doc.blocks[2].text == "主要职能：财政管理。"
    t1, t2 = doc.tables
    assert t1.title == "收入支出决算总表" and t2.title == "表二 支出决算表"
    assert t1.rows == (("项目", "金额", ""), ("", "预算数", "决算数"), ("合计", "1,234.50", "嵌 套"))
    assert set(t1.merges) == {Merge(0, 0, 2, 1), Merge(0, 1, 1, 2)}
    assert "no" not in doc.text() and "忽略" not in doc.text()


def test_html_encoding_fallbacks(tmp_path: Path) -> None:
    utf8 = tmp_path / "u.html"
    utf8.write_bytes("\ufeff<p>一般公共预算财政拨款</p>".encode())
    assert html_reader.read(utf8).blocks[0].text == "一般公共预算财政拨款"
    nometa = tmp_path / "g.html"
    nometa.write_bytes(("<p>" + "一般公共预算财政拨款支出决算表，本年支出合计。" * 20 + "</p>").encode("gb18030"))
    doc = html_reader.read(nometa)
    assert doc.blocks[0].text.startswith("一般公共预算财政拨款支出决算表")


# --------------------------------------------------------------------------- guards


def _code(fn: object, path: Path) -> str:
    with pytest.raises(UnreadableDocument) as err:
        fn(path)  # type: ignore[operator]
    assert err.value.reason_zh and err.value.reason_en
    return err.value.code


@pytest.mark.parametrize("reader", [docx_reader.read, xlsx_reader.read, xls_reader.read, html_reader.read])
def test_empty_file_refused(tmp_path: Path, reader: object) -> None:
    path = tmp_path / "empty.bin"
    path.write_bytes(b"")
    assert _code(reader, path) == "empty"


def test_truncated_zip_is_corrupt(tmp_path: Path) -> None:
    good = tmp_path / "good.docx"
    _make_docx(good)
    data = good.read_bytes()
    bad = tmp_path / "bad.docx"
    bad.write_bytes(data[: len(data) // 2])
    assert _code(docx_reader.read, bad) == "corrupt"
    bad_x = tmp_path / "bad.xlsx"
    bad_x.write_bytes(data[: len(data) // 2])
    assert _code(xlsx_reader.read, bad_x) == "corrupt"


def test_zip_bomb_and_size_limits(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("word/document.xml", b"<a>" + b"0" * (20 * 1024 * 1024) + b"</a>")
    assert _code(docx_reader.read, bomb) == "zip_bomb"
    assert _code(xlsx_reader.read, bomb) == "zip_bomb"
    small = limits.Limits(max_file_bytes=10)
    with pytest.raises(UnreadableDocument) as err:
        limits.check_file(bomb, small)
    assert err.value.code == "too_large"
    with pytest.raises(UnreadableDocument) as err:
        limits.check_zip(bomb, limits.Limits(max_unzipped_bytes=1024, max_ratio=1e9))
    assert err.value.code == "too_large"


def test_xml_entities_refused(tmp_path: Path) -> None:
    body = '<!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]><d>&b;</d>'
    for name, reader in (("e.docx", docx_reader.read), ("e.xlsx", xlsx_reader.read)):
        path = tmp_path / name
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("[Content_Types].xml", "<Types/>")
            zf.writestr("word/document.xml" if name.endswith("docx") else "xl/workbook.xml",
                        '<?xml version="1.0"?>\n<!-- c -->' + body)
        assert _code(reader, path) == "xml_entities"
    limits.check_xml_prolog(b'<?xml version="1.0"?><!-- x --><root/>', "ok.xml")  # no error


def _ole_file(stream_names: list[str]) -> bytes:
    """A minimal valid compound file: one FAT sector, one directory sector, empty streams."""
    end, free = 0xFFFFFFFE, 0xFFFFFFFF
    header = bytearray(512)
    header[0:8] = limits.OLE_MAGIC
    struct.pack_into("<HHHHH", header, 0x18, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIIII", header, 0x28, 0, 1, 1, 0, 4096, end, 0, end, 0)
    struct.pack_into("<109I", header, 0x4C, 0, *([free] * 108))
    fat = struct.pack("<128I", 0xFFFFFFFD, end, *([free] * 126))
    entries = b""
    names = ["Root Entry", *stream_names][:4]
    for i, name in enumerate(names):
        raw = name.encode("utf-16-le") + b"\0\0"
        entry = bytearray(128)
        entry[0:len(raw)] = raw
        struct.pack_into("<HBB", entry, 64, len(raw), 5 if i == 0 else 2, 1)
        right = i + 1 if 0 < i < len(names) - 1 else free
        child = 1 if i == 0 and len(names) > 1 else free
        struct.pack_into("<III", entry, 68, free, right, child)
        struct.pack_into("<IQ", entry, 116, end, 0)
        entries += bytes(entry)
    directory = entries.ljust(512, b"\0")
    return bytes(header) + fat + directory


def test_encrypted_ooxml_refused(tmp_path: Path) -> None:
    data = _ole_file(["EncryptionInfo", "EncryptedPackage"])
    for name, reader in (
        ("secret.docx", docx_reader.read),
        ("secret.xlsx", xlsx_reader.read),
        ("secret.doc", legacy_office.read),
        ("secret.xls", xls_reader.read),
    ):
        path = tmp_path / name
        path.write_bytes(data)
        assert _code(reader, path) == "encrypted"
    assert limits.ole_stream_names(tmp_path / "secret.doc") == frozenset(
        {"Root Entry", "EncryptionInfo", "EncryptedPackage"}
    )


def test_legacy_doc_without_libreoffice(tmp_path: Path) -> None:
    if legacy_office.find_soffice() is not None:
        pytest.skip("LibreOffice is installed here; the needs_libreoffice path cannot be reached")
    path = tmp_path / "old.doc"
    path.write_bytes(_ole_file(["WordDocument", "1Table"]))
    with pytest.raises(UnreadableDocument) as err:
        legacy_office.read(path)
    assert err.value.code == "needs_libreoffice"
    assert "LibreOffice" in err.value.reason_zh and "LibreOffice" in err.value.reason_en


def test_legacy_et_with_biff_workbook_is_read_without_libreoffice(tmp_path: Path) -> None:
    xlwt = pytest.importorskip("xlwt")
    wb = xlwt.Workbook(encoding="utf-8")
    wb.add_sheet("表一").write(0, 0, "财政拨款")
    buf = io.BytesIO()
    wb.save(buf)
    path = tmp_path / "book.et"
    path.write_bytes(buf.getvalue())
    doc = legacy_office.read(path)
    assert doc.file_format == "et" and doc.meta["converted_via"] == "none (BIFF workbook)"
    assert doc.blocks[0].text == "财政拨款"


# --------------------------------------------------------------------------- disguised formats


def test_xls_named_html_and_spreadsheetml(tmp_path: Path) -> None:
    fake = tmp_path / "export.xls"
    fake.write_bytes(
        '<html><meta charset="utf-8"><table><tr><td colspan="2">支出决算表</td></tr>'
        "<tr><td>合计</td><td>1,234.50</td></tr></table></html>".encode()
    )
    doc = xls_reader.read(fake)
    assert doc.file_format == "xls" and doc.meta["content"] == "html"
    assert doc.tables[0].rows == (("支出决算表", ""), ("合计", "1,234.50"))
    assert doc.tables[0].title == "支出决算表"  # a first row merged across the table is the title
    assert docx_reader.banner_title((("表", ""), ("a", "b")), (Merge(0, 0, 1, 1),)) == ""

    xml = (
        '<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
        'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet" xmlns:x="urn:schemas-microsoft-com:office:excel">'
        '<Styles><Style ss:ID="n2"><NumberFormat ss:Format="Standard"/></Style></Styles>'
        '<Worksheet ss:Name="收入决算表"><Table>'
        '<Row><Cell ss:MergeAcross="2"><Data ss:Type="String">收入决算表</Data></Cell></Row>'
        '<Row><Cell><Data ss:Type="String">项目</Data></Cell><Cell ss:Index="3" ss:StyleID="n2">'
        '<Data ss:Type="Number">1234.5</Data></Cell></Row>'
        "</Table></Worksheet>"
        '<Worksheet ss:Name="隐藏"><Table><Row><Cell><Data ss:Type="String">不应读出</Data></Cell></Row></Table>'
        "<x:WorksheetOptions><x:Visible>SheetHidden</x:Visible></x:WorksheetOptions></Worksheet></Workbook>"
    )
    ml = tmp_path / "ml.xls"
    ml.write_bytes(xml.encode())
    doc = xls_reader.read(ml)
    assert doc.meta["content"] == "spreadsheetml" and doc.page_count == 2
    assert doc.blocks[0].text == "收入决算表"
    assert doc.tables[0].rows == (("项目", "", "1,234.50"),)
    assert doc.tables[0].title == "收入决算表"


def test_doc_saved_as_mht_web_archive(tmp_path: Path) -> None:
    html_part = "<html><body><h2>三、名词解释</h2><p>机关运行经费：指……</p></body></html>".encode("gb18030")
    import base64

    mht = (
        b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"XX\"\r\n\r\n--XX\r\n"
        b"Content-Type: text/html; charset=\"gb2312\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + base64.encodebytes(html_part)
        + b"\r\n--XX--\r\n"
    )
    path = tmp_path / "report.doc"
    path.write_bytes(mht)
    doc = legacy_office.read(path)
    assert doc.file_format == "doc" and doc.meta["converted_via"] == "none (mht content)"
    assert [(p.text, p.is_heading) for p in doc.paragraphs] == [("三、名词解释", True), ("机关运行经费：指……", False)]


def test_xlsx_formula_reads_cached_value(tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"], ws["B1"] = "合计", 1.5
    ws["C1"] = "=B1*2.333"
    ws["C1"].number_format = "#,##0.00"
    src = tmp_path / "src.xlsx"
    wb.save(str(src))
    path = tmp_path / "cached.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(path, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                assert b"<f>B1*2.333</f><v></v>" in data
                data = data.replace(b"<f>B1*2.333</f><v></v>", b"<f>B1*2.333</f><v>3.4994999999999998</v>")
            zout.writestr(item, data)
    doc = xlsx_reader.read(path)
    assert doc.tables[0].rows == (("合计", "1.5", "3.50"),)


def test_dispatch_through_read_document(tmp_path: Path) -> None:
    from ingest.readers import read_document

    secret = tmp_path / "secret.xlsx"
    secret.write_bytes(_ole_file(["EncryptionInfo", "EncryptedPackage"]))
    with pytest.raises(UnreadableDocument) as err:
        read_document(secret)
    assert err.value.code == "encrypted"
    good = tmp_path / "t.xlsx"
    _make_xlsx(good)
    assert read_document(good).file_format == "xlsx"
    d = tmp_path / "a.docx"
    _make_docx(d)
    assert read_document(d).file_format == "docx"


def test_docx_block_merge_and_zip_member_encryption_flag(tmp_path: Path) -> None:
    import docx

    d = docx.Document()
    t = d.add_table(rows=4, cols=4)
    t.cell(1, 1).merge(t.cell(2, 2)).text = "块"
    t.cell(3, 3).text = "z"
    path = tmp_path / "m.docx"
    d.save(str(path))
    (table,) = docx_reader.read(path).tables
    assert table.merges == (Merge(1, 1, 2, 2),)
    assert table.rows[1] == ("", "块", "", "") and table.rows[2] == ("", "", "", "")
    # flip the "encrypted" bit of every member in the central directory
    data = bytearray(path.read_bytes())
    pos = data.find(b"PK\x01\x02")
    while pos >= 0:
        data[pos + 8] |= 0x1
        pos = data.find(b"PK\x01\x02", pos + 4)
    locked = tmp_path / "locked.docx"
    locked.write_bytes(bytes(data))
    assert _code(docx_reader.read, locked) == "encrypted"
