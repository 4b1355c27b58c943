from pathlib import Path

import pytest

from ingest.model import Paragraph, Table, UnreadableDocument
from ingest.readers import detect_format, read_document
from ingest.readers.text import parse_tika_text
from tests.realdata import realdata_path

SAMPLE = (
    "[bookmark: _Toc1]一、收入支出决算总体情况说明\n"
    "2023年度收入总计100.00万元。\n"
    "\n"
    "\t项目名称\n"
    "\t示例项目\n"
    "\n"
    "\t预算数:\n"
    "\t12.50\n"
    "\n"
    "\t满意度\n"
    "\t达\n"
    "95%\n"
    "\n"
    "\n"
    "\n"
    "\t第二张表\n"
    "\t\n"
    "\n"
    "二、其他说明\n"
)


def test_tika_text_paragraphs_and_tables():
    blocks = parse_tika_text(SAMPLE)
    paragraphs = [b for b in blocks if isinstance(b, Paragraph)]
    tables = [b for b in blocks if isinstance(b, Table)]
    assert paragraphs[0].text == "一、收入支出决算总体情况说明"
    assert paragraphs[0].is_heading
    assert not paragraphs[1].is_heading
    assert "[bookmark" not in "".join(p.text for p in paragraphs)
    assert len(tables) == 2
    assert tables[0].rows == (("项目名称", "示例项目"), ("预算数:", "12.50"), ("满意度", "达\n95%"))
    assert tables[1].rows == (("第二张表", ""),)
    assert paragraphs[-1].text == "二、其他说明"
    assert [b.index for b in blocks] == sorted(b.index for b in blocks)


def test_gbk_text_is_detected(tmp_path: Path):
    path = tmp_path / "示例县财政局2023年度部门决算.txt"
    path.write_bytes(SAMPLE.encode("gbk"))
    doc = read_document(path)
    assert doc.encoding == "gb18030"
    assert doc.paragraphs[1].text == "2023年度收入总计100.00万元。"


def test_binary_and_empty_text_are_quarantined(tmp_path: Path):
    empty = tmp_path / "a.txt"
    empty.write_bytes(b"")
    with pytest.raises(UnreadableDocument) as exc:
        read_document(empty)
    assert exc.value.code == "empty" and "空" in exc.value.reason_zh
    binary = tmp_path / "b.txt"
    binary.write_bytes(b"\x00\x01\x02garbage" * 10)
    with pytest.raises(UnreadableDocument) as exc:
        read_document(binary)
    assert exc.value.code == "binary"


def test_format_is_detected_from_content(tmp_path: Path):
    fake = tmp_path / "report.docx"
    fake.write_bytes(b"%PDF-1.7\n...")
    assert detect_format(fake) == "pdf"


def test_sichuan_seed_structure():
    doc = read_document(realdata_path("seed_sichuan/广元市朝天区人民政府办公室2020年度部门决算.tika.txt"))
    assert doc.encoding == "utf-8"
    titles = [t.title for t in doc.tables]
    assert titles.count("项目支出绩效目标完成情况表") == 3
    headings = [p.text for p in doc.paragraphs if p.is_heading]
    assert "七、“三公”经费财政拨款支出决算情况说明" in headings
    assert all("[bookmark" not in p.text for p in doc.paragraphs)
