from pathlib import Path

import pytest

from ingest.identify import identify, not_a_disclosure, parse_file_name
from ingest.model import Document, Paragraph
from ingest.pipeline import ingest_file
from ingest.readers import read_document
from tests.realdata import realdata_path


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("广元市朝天区人民政府办公室2020年度部门决算.tika.txt", ("广元市朝天区人民政府办公室", 2020, "final_account")),
        ("上海市普陀区人民政府万里街道办事处24年预算.pdf", ("上海市普陀区人民政府万里街道办事处", 2024, "budget")),
        ("上海市普陀区司法局2026年区级部门预算.pdf", ("上海市普陀区司法局", 2026, "budget")),
        ("上海市普陀区财政局部门25年预算.pdf", ("上海市普陀区财政局", 2025, "budget")),
        ("示例县财政局2024年度部门决算-情况说明.docx", ("示例县财政局", 2024, "final_account")),
        ("附件2_部门决算模板.pdf", (None, None, "final_account")),
    ],
)
def test_parse_file_name(name: str, expected: tuple):
    assert parse_file_name(Path(name)) == expected


def test_title_in_body_wins_over_file_name():
    doc = Document(
        source_file="x.docx", file_format="docx",
        blocks=(Paragraph("示例县教育局2023年度部门决算", 0), Paragraph("2023年度收入总计10.00万元。", 1)),
    )
    ident = identify(doc, Path("scan_0001.docx"))
    assert (ident.department_name, ident.fiscal_year, ident.doc_type) == ("示例县教育局", 2023, "final_account")
    assert ident.department_source == "content"


def test_unknown_department_is_named_so():
    doc = Document(source_file="x.txt", file_format="txt", blocks=(Paragraph("无标题", 0),))
    ident = identify(doc, Path("x.txt"))
    assert ident.department_name == "未识别部门"
    assert ident.fiscal_year is None


def test_sichuan_seed_identity_from_name_and_content():
    path = realdata_path("seed_sichuan/广元市朝天区人民政府办公室2020年度部门决算.tika.txt")
    ident = identify(read_document(path), path)
    assert ident.department_name == "广元市朝天区人民政府办公室"
    assert ident.fiscal_year == 2020
    assert ident.doc_type == "final_account"
    assert ident.department_source == "file_name+content"
    assert ident.year_source == "file_name+content"


def test_wrapped_cover_title_and_body_mentions():
    doc = Document(
        source_file="x.pdf", file_format="pdf",
        blocks=(
            Paragraph("示例县自然", 0, page=1),
            Paragraph("资源局", 1, page=1),
            Paragraph("2024年度部门决算", 2, page=1),
            Paragraph("目 录", 3, page=2),
            Paragraph("纳入示例县自然资源局2024年度部门决算编制范围的单位包括：", 4, page=5),
        ),
    )
    ident = identify(doc, Path("upload.pdf"))
    assert (ident.department_name, ident.fiscal_year, ident.doc_type) == ("示例县自然资源局", 2024, "final_account")


def test_labelled_department_beats_region_title():
    doc = Document(
        source_file="x.pdf", file_format="pdf",
        blocks=(Paragraph("示例县2025年县级部门预算", 0, page=1), Paragraph("预算主管部门：示例县司法局", 1, page=1)),
    )
    ident = identify(doc, Path("a.pdf"))
    assert (ident.department_name, ident.fiscal_year, ident.doc_type) == ("示例县司法局", 2025, "budget")


def test_a_unit_line_is_never_a_department():
    doc = Document(source_file="x.pdf", file_format="pdf", blocks=(
        Paragraph("某某大学 2023 年度部门决算", 0, page=1),
        Paragraph("单位名称： 单位：万元", 1, page=2),
    ))
    ident = identify(doc, Path("某某大学2023年度部门决算.pdf"))
    assert ident.department_name == "某某大学"
    assert ident.doc_type == "final_account" and ident.doc_level == "department"
    assert ident.confidence >= 0.9


def test_unit_level_budget_from_title():
    doc = Document(source_file="x.pdf", file_format="pdf", blocks=(Paragraph("某某局2026年区级单位预算", 0, page=1),))
    ident = identify(doc, Path("x.pdf"))
    assert (ident.doc_type, ident.doc_level) == ("budget", "unit")
    assert 0 < ident.confidence < 0.9


def _budget(*lines: str) -> Document:
    return Document(source_file="x.pdf", file_format="pdf",
                    blocks=tuple(Paragraph(t, i, page=1 if i < 3 else 5) for i, t in enumerate(lines)))


@pytest.mark.parametrize(
    ("lines", "file_name", "level", "department", "unit"),
    [
        # the cover title; the unit from its label line as printed, the department its 主管部门
        (("示例县2026年单位预算", "主管部门：示例县甲局", "预算单位：示例县甲局执法队", "目 录"), "a.pdf",
         "unit", "示例县甲局", "示例县甲局执法队"),
        # the label line alone: a 预算单位 (本级) belongs to the department it is named like
        (("预算单位：示例县甲局（本级）", "2026年预算说明"), "示例县甲局2026年预算.pdf", "unit", "示例县甲局",
         "示例县甲局（本级）"),
        (("预算主管部门：示例县乙局",), "示例县乙局2026年预算.pdf", "department", "示例县乙局", None),
        # the file name
        (("示例县丙局",), "示例县丙局单位26年预算.pdf", "unit", "示例县丙局", "示例县丙局"),
        # the table titles (部门预算经济分类 is the name of a classification, no level word)
        (("示例县丁局", "x", "y", "2026年预算单位财务收支预算总表"), "示例县丁局2026年预算.pdf", "unit", "示例县丁局",
         "示例县丁局"),
        (("示例县戊局", "x", "y", "2026年一般公共预算基本支出部门预算经济分类预算表"), "示例县戊局2026年预算.pdf",
         "unknown", "示例县戊局", None),
    ],
)
def test_budget_level_and_unit(lines, file_name, level, department, unit):
    ident = identify(_budget(*lines), Path(file_name))
    assert (ident.doc_type, ident.doc_level, ident.department_name, ident.unit_name) == (
        "budget", level, department, unit)


def _doc(*lines: str) -> Document:
    return Document(source_file="x.xlsx", file_format="xlsx",
                    blocks=tuple(Paragraph(t, i, page=1) for i, t in enumerate(lines)))


@pytest.mark.parametrize(
    ("lines", "file_name", "code"),
    [
        # a reviewer's checklist about a disclosure: its title is the form's name
        (("2026年度示例县部门预算公开情况检查表", "部门名称: 示例县司法局"), "检查表_司法局.xlsx", "not_a_disclosure"),
        # our own 审核意见表 (juesuan review export) sent back into the inbox
        (("示例县财政局 2024 年度部门决算审核意见表",), "审核意见表-示例县财政局-2024.xlsx", "not_a_disclosure"),
        (("无标题",), "示例县2026年单位预算公开情况检查表_教育局.xlsx", "not_a_disclosure"),
        # a template: the department is a placeholder
        (("上海市XX局2024年度部门决算",), "附件2_部门决算模板.pdf", "template"),
        (("示例县××单位2026年单位预算",), "模板.xlsx", "template"),
        # disclosures: 某某 is a name like any other, a table title ending in 表 is no form
        (("示例县某某局2024年度部门决算", "2024年度收入总计10.00万元。"), "某某局2024年度部门决算.pdf", None),
        (("示例县教育局2024年部门收支决算总表",), "示例县教育局2024年度部门决算.xlsx", None),
        (("示例县审计局2024年度部门决算",), "示例县审计局2024年度部门决算.pdf", None),
    ],
)
def test_review_forms_and_templates_are_not_disclosures(lines, file_name, code):
    doc = _doc(*lines)
    refused = not_a_disclosure(doc, Path(file_name), identify(doc, Path(file_name)))
    assert (refused.code if refused else None) == code
    if refused:
        assert refused.reason_zh and refused.reason_en


@pytest.mark.parametrize(
    ("rel", "code"),
    [
        ("govbudgetchecker/普陀区2026年部门预算公开情况检查表_司法局.xlsx", "not_a_disclosure"),
        ("govbudgetchecker/附件2_部门决算模板.pdf", "template"),
        ("tianbaoxitong/普陀区2026区级部门预算公开模板.xlsx", "template"),
    ],
)
def test_real_review_form_and_templates_are_quarantined(rel, code):
    result = ingest_file(realdata_path(rel))
    assert result.document is None and result.quarantine is not None
    assert result.quarantine.reason_code == code
