"""Standard-table recognition and long form (ingest.tables and its table_* modules).

Synthetic grids mimic the real layouts (Putuo 2024 决算, Shanghai 2026 预算) with their figures;
the real PDFs are read through ingest.readers.pdf when it is importable.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from ingest.model import Document, Merge, Paragraph, Table
from ingest.table_recognition import STANDARD_TABLES, classify_title
from ingest.tables import extract_tables
from ingest.tables_grid import CodeState, join_code
from tests.realdata import realdata_path


def _doc(*blocks: tuple[str, list[list[str]] | str, int]) -> Document:
    """Blocks from (kind, content, page): kind 'p' = paragraph text, 't' = table rows."""
    out: list[Paragraph | Table] = []
    for kind, content, page in blocks:
        if kind == "p":
            assert isinstance(content, str)
            out.append(Paragraph(text=content, index=len(out), page=page))
        else:
            assert isinstance(content, list)
            width = max(len(r) for r in content)
            rows = tuple(tuple(r) + ("",) * (width - len(r)) for r in content)
            out.append(Table(rows=rows, index=len(out), page=page))
    return Document(source_file="synthetic.pdf", file_format="pdf", blocks=tuple(out))


def _cell(ex, key: str, label: str, measure: str) -> Decimal:
    found = [c.amount.value for c in ex.cells if c.table_key == key and c.row_label == label and c.measure == measure]
    assert len(found) == 1, (key, label, measure, found)
    return found[0]


# ---- titles -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("title", "key"), [
    ("收入支出决算总表", "income_expenditure_summary"),
    ("表一 收入支出决算总表", "income_expenditure_summary"),
    ("附表3 支出决算表", "expenditure"),
    ("财决01表 收入支出决算总表", "income_expenditure_summary"),
    ("财政拨款收入支出决算总表", "fiscal_summary"),
    ("一般公共预算财政拨款支出决算表", "general_budget_expenditure"),
    ("5.一般公共预算财政拨款支出决算表", "general_budget_expenditure"),
    ("一般公共预算财政拨款基本支出决算表", "general_budget_basic"),
    ("一般公共预算财政拨款“三公”经费支出决算表", "sangong"),
    ('财政拨款"三公"经费支出决算表', "sangong"),
    ("财政拨款 三公 经费支出决算表", "sangong"),
    ("政府性基金预算财政拨款收入支出决算表", "govfund"),
    ("国有资本经营预算财政拨款支出决算表", "soe_capital"),
    ("收 入 决 算 表", "income"),
    ("2026年部门财务收支预算总表", "budget_income_expenditure_summary"),
    ("2026年部门收入预算总表", "budget_income"),
    ("2026年部门财政拨款收支预算总表", "budget_fiscal_summary"),
    ("2026年部门一般公共预算支出功能分类预算表", "budget_general_expenditure"),
    ("2026年部门一般公共预算基本支出部门预算经济分类预算表", "budget_general_basic"),
    ("2026年部门“三公”经费和机关运行经费预算表", "budget_sangong"),
    ("项目支出绩效目标完成情况表", "performance"),
    ("第二部分 上海市普陀区财政局2024年度部门决算表", None),
    ("一、收入支出决算总体情况说明", None),
    ("收入决算表……………………3", None),
])
def test_classify_title(title: str, key: str | None) -> None:
    assert classify_title(title) == key
    if key is not None:
        assert key in STANDARD_TABLES


def test_nine_final_tables_are_defined() -> None:
    numbers = sorted(t.number for t in STANDARD_TABLES.values() if t.kind == "final" and t.number is not None)
    assert numbers == list(range(1, 10))


# ---- codes --------------------------------------------------------------------------------------

def test_join_code_carries_parents_down() -> None:
    code, st = join_code(("201", "", ""), CodeState())
    assert code == "201"
    code, st = join_code(("201", "06", ""), st)
    assert code == "20106"
    code, st = join_code(("", "", "01"), st)
    assert code == "2010601"
    code, st = join_code(("", "07", "01"), st)
    assert code == "2010701"
    assert join_code(("2010\n301",), CodeState())[0] == "2010301"
    assert join_code(("201 06 01",), CodeState())[0] == "2010601"
    assert join_code(("类", "款", "项"), CodeState())[0] is None


# ---- T1 收入支出决算总表 (Putuo 财政局 2024 layout, figures of the real table) -------------------

def _t1_rows() -> list[list[str]]:
    return [
        ["收入", "", "支出", ""],
        ["项目", "决算数", "项目", "决算数"],
        ["一、一般公共预算财政拨款收入", "2,940.05", "一、一般公共服务支出", "2,106.66"],
        ["二、政府性基金预算财政拨款收入", "", "二、外交支出", ""],
        ["八、其他收入", "6.20", "八、社会保障和就业支出", "326.71"],
        ["", "", "九、卫生健康支出", "60.99"],
        ["", "", "十九、住房保障支出", "445.69"],
        ["本年收入合计", "2,946.25", "本年支出合计", "2,940.05"],
    ]


def test_t1_side_by_side_blocks_and_page_continuation() -> None:
    doc = _doc(
        ("p", "收入支出决算总表", 6),
        ("p", "单位：万元", 6),
        ("t", _t1_rows(), 6),
        ("p", "7", 7),  # a page number between the fragments does not break the table
        ("t", [["使用非财政拨款结余（含专用结余）", "", "结余分配", ""],
               ["年初结转和结余", "49.14", "年末结转和结余", "55.34"],
               ["总计", "2,995.39", "总计", "2,995.39"]], 7),
    )
    ex = extract_tables(doc)
    assert [(r.key, r.unit, r.unit_stated, r.fragments) for r in ex.recognised] == [
        ("income_expenditure_summary", "万元", True, (2, 4))]
    assert _cell(ex, "income_expenditure_summary", "本年收入合计", "income") == Decimal("2946.25")
    assert _cell(ex, "income_expenditure_summary", "八、社会保障和就业支出", "expenditure") == Decimal("326.71")
    assert _cell(ex, "income_expenditure_summary", "总计", "income") == Decimal("2995.39")
    assert _cell(ex, "income_expenditure_summary", "总计", "expenditure") == Decimal("2995.39")
    # empty cells are skipped, displayed decimals kept
    assert not [c for c in ex.cells if c.row_label == "二、外交支出"]
    c = next(c for c in ex.cells if c.row_label == "八、其他收入")
    assert c.amount.decimals == 2 and c.page == 6
    assert c.locator == f"table:income_expenditure_summary/block:2/row:{c.row_index}/col:1"
    assert c.evidence.startswith("八、其他收入 | 6.20 | 八、社会保障和就业支出")
    assert ex.lines == []  # the summary carries no classification lines


def test_t4_measures_per_column() -> None:
    doc = _doc(
        ("p", "财政拨款收入支出决算总表", 12),
        ("t", [
            ["收入", "", "支出", "", "", "", ""],
            ["项目", "决算数", "项目", "合计", "一般公共预算财政拨款", "政府性基金预算财政拨款",
             "国有资本经营预算财政拨款"],
            ["一、一般公共预算财政拨款", "2,940.05", "一、一般公共服务支出", "2,106.66", "2,106.66", "", ""],
            ["", "", "八、社会保障和就业支出", "326.71", "326.71", "", ""],
            ["总计", "2,961.68", "总计", "2,961.68", "2,961.68", "", ""],
        ], 12),
    )
    ex = extract_tables(doc)
    assert ex.recognised[0].key == "fiscal_summary"
    assert ex.recognised[0].unit_stated is False and ex.recognised[0].unit == "万元"
    assert _cell(ex, "fiscal_summary", "八、社会保障和就业支出", "expenditure_total") == Decimal("326.71")
    assert _cell(ex, "fiscal_summary", "八、社会保障和就业支出", "expenditure_general_budget") == Decimal("326.71")
    assert _cell(ex, "fiscal_summary", "总计", "income") == Decimal("2961.68")


# ---- T2/T3/T5 with split 类/款/项 columns --------------------------------------------------------

def _t5_rows() -> list[list[str]]:
    return [
        ["项目", "", "", "", "合计", "基本支出", "项目支出"],
        ["支出功能分类", "", "", "科目名称", "", "", ""],
        ["科目编码", "", "", "", "", "", ""],
        ["类", "款", "项", "", "", "", ""],
        ["201", "", "", "一般公共服务支出", "2,106.66", "1,503.52", "603.14"],
        ["201", "06", "", "财政事务", "2,106.66", "1,503.52", "603.14"],
        ["201", "06", "01", "行政运行", "1,511.89", "1,503.52", "8.37"],
        ["201", "06", "02", "一般行政管理事务", "10.00", "", "10.00"],
        ["208", "", "", "社会保障和就业支出", "326.72", "326.72", ""],
    ]


def test_t5_split_codes_and_continuation_without_header() -> None:
    merges = (Merge(0, 0, 1, 4), Merge(1, 0, 1, 3), Merge(1, 3, 3, 1), Merge(0, 4, 4, 1),
              Merge(0, 5, 4, 1), Merge(0, 6, 4, 1))
    t1 = Table(rows=tuple(tuple(r) for r in _t5_rows()), index=1, page=15, merges=merges,
               title="一般公共预算财政拨款支出决算表")
    t2 = Table(rows=(("", "05", "01", "行政单位离退休", "84.65", "84.65", ""),
                     ("合计", "", "", "", "2,940.05", "2,336.91", "603.14")), index=2, page=16,
               title="一般公共预算财政拨款支出决算表")
    doc = Document("x.pdf", "pdf", (Paragraph("单位：万元", 0, 15), t1, t2))
    ex = extract_tables(doc)
    assert [(r.key, r.fragments, r.n_rows) for r in ex.recognised] == [
        ("general_budget_expenditure", (1, 2), 7)]
    got = {(c.code, c.measure): c.amount.value for c in ex.cells}
    assert got[("208", "total")] == Decimal("326.72")
    assert got[("2010601", "project")] == Decimal("8.37")
    assert ("2010602", "basic") not in got  # empty cell
    # the 款 code of the next page is completed from the 类 carried over the page break
    assert got[("2080501", "basic")] == Decimal("84.65")
    assert _cell(ex, "general_budget_expenditure", "合计", "basic") == Decimal("2336.91")
    # codes are never amounts
    assert not [c for c in ex.cells if c.col_index < 4]
    levels = {(li.code, li.level) for li in ex.lines}
    assert {("201", "类"), ("20106", "款"), ("2010601", "项")} <= levels
    assert all(li.classification == "function" for li in ex.lines)
    assert not [li for li in ex.lines if li.name_reported == "合计"]


def test_t2_single_code_column_and_measures() -> None:
    doc = _doc(
        ("p", "收入决算表", 8),
        ("t", [
            ["项目", "", "本年收入合计", "财政拨款收入", "上级补助收入", "事业收入", "经营收入",
             "附属单位上缴收入", "其他收入"],
            ["功能分类科目编码", "科目名称", "", "", "", "", "", "", ""],
            ["合计", "", "307.82", "307.82", "", "", "", "", ""],
            ["201", "一般公共服务支出", "264.87", "264.87", "", "", "", "", "0.00"],
            ["20139", "社会工作事务", "264.87", "264.87", "", "", "", "", ""],
            ["2101101 行政单位医疗", "", "2.22", "2.22", "—", "-", "", "", ""],
        ], 8),
    )
    ex = extract_tables(doc)
    assert ex.recognised[0].key == "income"
    measures = {c.measure for c in ex.cells}
    assert measures == {"total", "fiscal_appropriation", "other"}
    zero = [c for c in ex.cells if c.measure == "other"]
    assert len(zero) == 1 and zero[0].amount.value == 0 and zero[0].code == "201"
    assert _cell(ex, "income", "合计", "total") == Decimal("307.82")
    med = [c for c in ex.cells if c.code == "2101101"]
    assert {c.row_label for c in med} == {"行政单位医疗"} and len(med) == 2


def test_indented_names_without_codes_get_levels() -> None:
    doc = _doc(
        ("p", "支出决算表", 3),
        ("t", [
            ["项目", "本年支出合计", "基本支出", "项目支出"],
            ["合计", "100.00", "60.00", "40.00"],
            ["一般公共服务支出", "100.00", "60.00", "40.00"],
            ["\u3000\u3000财政事务", "100.00", "60.00", "40.00"],
            ["\u3000\u3000\u3000\u3000行政运行", "60.00", "60.00", ""],
        ], 3),
    )
    ex = extract_tables(doc)
    lv = {li.name_reported: li.level for li in ex.lines}
    assert lv == {"一般公共服务支出": "类", "财政事务": "款", "行政运行": "项"}


# ---- T6 side-by-side 人员经费 / 公用经费 -----------------------------------------------------------

def test_t6_two_economic_groups_side_by_side() -> None:
    doc = _doc(
        ("p", "一般公共预算财政拨款基本支出决算表", 16),
        ("p", "单位：万元", 16),
        ("t", [
            ["经济分类", "", "科目名称", "决算数", "经济分类", "", "科目名称", "决算数"],
            ["科目编码", "", "", "", "科目编码", "", "", ""],
            ["类", "款", "", "", "类", "款", "", ""],
            ["301", "", "工资福利支出", "2,082.85", "302", "", "商品和服务支出", "171.07"],
            ["301", "01", "基本工资", "262.33", "302", "01", "办公费", "21.21"],
            ["301", "03", "奖金", "", "302", "17", "公务接待费", ""],
            ["303", "", "对个人和家庭的补助", "69.41", "310", "", "资本性支出", "13.58"],
            ["人员经费合计", "", "", "2,152.26", "公用经费合计", "", "", "184.65"],
        ], 16),
    )
    ex = extract_tables(doc)
    assert ex.recognised[0].key == "general_budget_basic"
    got = {(li.code, li.name_reported): li.amount.value for li in ex.lines}
    assert got == {
        ("301", "工资福利支出"): Decimal("2082.85"), ("302", "商品和服务支出"): Decimal("171.07"),
        ("30101", "基本工资"): Decimal("262.33"), ("30201", "办公费"): Decimal("21.21"),
        ("303", "对个人和家庭的补助"): Decimal("69.41"), ("310", "资本性支出"): Decimal("13.58"),
    }
    assert all(li.classification == "economic" and li.measure == "total" for li in ex.lines)
    assert _cell(ex, "general_budget_basic", "人员经费合计", "total") == Decimal("2152.26")
    assert _cell(ex, "general_budget_basic", "公用经费合计", "total") == Decimal("184.65")


# ---- T7 三公 with 预算数/决算数 ---------------------------------------------------------------------

def test_t7_items_in_columns_with_budget_and_actual() -> None:
    doc = _doc(
        ("p", "财政拨款“三公”经费支出决算表", 18),
        ("p", "单位：万元", 18),
        ("t", [
            ["财政拨款“三公”经费", "", "", "", "", "", "", "", "", "", "", ""],
            ["合计", "", "因公出国（境）费", "", "公务用车购置及运行费", "", "", "", "", "", "公务接待费", ""],
            ["", "", "", "", "小计", "", "公务用车购置费", "", "公务用车运行费", "", "", ""],
            ["", "", "", "", "", "", "", "", "", "", "", ""],
            ["预算数", "决算数"] * 6,
            ["3.50", "2.10", "", "", "2.55", "1.80", "", "", "2.55", "1.80", "0.95", "0.30"],
        ], 18),
    )
    ex = extract_tables(doc)
    assert ex.recognised[0].key == "sangong"
    got = {(c.row_label, c.measure): c.amount.value for c in ex.cells}
    assert got == {
        ("合计", "budget"): Decimal("3.50"), ("合计", "actual"): Decimal("2.10"),
        ("公务用车购置及运行费", "budget"): Decimal("2.55"), ("公务用车购置及运行费", "actual"): Decimal("1.80"),
        ("公务用车运行费", "budget"): Decimal("2.55"), ("公务用车运行费", "actual"): Decimal("1.80"),
        ("公务接待费", "budget"): Decimal("0.95"), ("公务接待费", "actual"): Decimal("0.30"),
    }


def test_budget_sangong_unit_from_title_line() -> None:
    doc = _doc(
        ("p", "2026年部门“三公”经费和机关运行经费预算表", 21),
        ("p", "编制部门：某某局 单位:万元", 21),
        ("t", [
            ["“三公”经费预算数", "", "", "", "", "", "机关运行经费预算数"],
            ["合计", "因公出国(境)费", "公务接待费", "公务用车购置及运行费", "", "", ""],
            ["", "", "", "小计", "购置费", "运行费", ""],
            ["10.81", "0", "0.83", "9.98", "0", "9.98", "217.83"],
        ], 21),
    )
    ex = extract_tables(doc)
    r = ex.recognised[0]
    assert (r.key, r.unit, r.unit_stated) == ("budget_sangong", "万元", True)
    got = {(c.row_label, c.measure): c.amount.value for c in ex.cells}
    assert got[("公务用车购置及运行费", "budget")] == Decimal("9.98")
    assert got[("机关运行经费", "budget")] == Decimal("217.83")
    assert got[("因公出国(境)费", "budget")] == Decimal("0")


def test_budget_table_in_yuan_keeps_figures() -> None:
    doc = _doc(
        ("p", "2026年部门支出预算总表", 12),
        ("p", "编制部门：某某局 单位：元", 12),
        ("t", [
            ["项目", "", "", "", "支出预算", "", ""],
            ["功能分类科目编码", "", "", "功能分类科目名称", "合计", "基本支出", "项目支出"],
            ["类", "款", "项", "", "", "", ""],
            ["204", "", "", "公共安全支出", "87267272.44", "16726725.44", "70540547.00"],
        ], 12),
    )
    ex = extract_tables(doc)
    assert ex.recognised[0].key == "budget_expenditure" and ex.recognised[0].unit == "元"
    got = {c.measure: c.amount.value for c in ex.cells}
    assert got == {"total": Decimal("87267272.44"), "basic": Decimal("16726725.44"),
                   "project": Decimal("70540547.00")}


def test_header_alone_recognises_untitled_table_and_title_needs_header() -> None:
    untitled = _doc(("t", [
        ["项目", "本年支出合计", "基本支出", "项目支出", "上缴上级支出", "经营支出", "对附属单位补助支出"],
        ["合计", "10.00", "10.00", "", "", "", ""],
    ], 1))
    assert [r.key for r in extract_tables(untitled).recognised] == ["expenditure"]
    # a title followed by a grid that is not that table (a unit list) is not recognised
    wrong = _doc(("p", "收入决算表", 1), ("t", [["序号", "单位名称"], ["1", "本级"]], 1))
    assert extract_tables(wrong).recognised == []


def test_narrative_between_tables_breaks_continuation() -> None:
    doc = _doc(
        ("p", "支出决算表", 1),
        ("t", [["项目", "本年支出合计", "基本支出"], ["合计", "10.00", "10.00"]], 1),
        ("p", "本部门本年度支出主要用于保障机构正常运转和完成各项工作任务，具体情况如下所述。", 2),
        ("t", [["甲", "1.00", "1.00"]], 2),
    )
    ex = extract_tables(doc)
    assert [r.fragments for r in ex.recognised] == [(1,)]


# ---- real documents -----------------------------------------------------------------------------

FINAL_2024 = (
    "govbudgetchecker/上海市普陀区财政局2024年度部门决算.pdf",
    "govbudgetchecker/上海市普陀区规划和自然资源局2024年度部门决算.pdf",
    "govbudgetchecker/中共上海市普陀区委社会工作部2024年度部门决算.pdf",
)
NINE = ["income_expenditure_summary", "income", "expenditure", "fiscal_summary", "general_budget_expenditure",
        "general_budget_basic", "sangong", "govfund", "soe_capital"]


def _read_pdf(rel: str):
    path = realdata_path(rel)
    pdf = pytest.importorskip("ingest.readers.pdf")
    return pdf.read(Path(path))


@pytest.mark.parametrize("rel", FINAL_2024)
def test_real_final_accounts_have_the_nine_tables(rel: str) -> None:
    ex = extract_tables(_read_pdf(rel))
    assert [r.key for r in ex.recognised] == NINE
    assert all(r.unit == "万元" and r.unit_stated for r in ex.recognised)
    # T2 合计 = Σ 类 within rounding, from the extracted cells
    total = [c for c in ex.cells if c.table_key == "income" and c.row_label == "合计" and c.measure == "total"]
    classes = [li.amount.value for li in ex.lines if li.locator.startswith("table:income/")
               and li.level == "类" and li.measure == "total"]
    assert len(total) == 1 and abs(total[0].amount.value - sum(classes)) <= Decimal("0.005") * len(classes)


def test_real_caizhengju_2024_key_cells() -> None:
    ex = extract_tables(_read_pdf(FINAL_2024[0]))
    # 社会保障和就业支出: 326.71 in the summaries, 326.72 in the line tables (a real inconsistency)
    assert _cell(ex, "income_expenditure_summary", "八、社会保障和就业支出", "expenditure") == Decimal("326.71")
    assert _cell(ex, "fiscal_summary", "八、社会保障和就业支出", "expenditure_total") == Decimal("326.71")
    t5 = {c.measure: c.amount.value for c in ex.cells
          if c.table_key == "general_budget_expenditure" and c.code == "208"}
    assert t5 == {"total": Decimal("326.72"), "basic": Decimal("326.72")}
    assert _cell(ex, "income_expenditure_summary", "总计", "income") == Decimal("2995.39")
    assert _cell(ex, "general_budget_basic", "公用经费合计", "total") == Decimal("184.65")
    assert _cell(ex, "sangong", "公务接待费", "budget") == Decimal("0.95")
    t5_lines = {li.code: li.amount.value for li in ex.lines
                if li.locator.startswith("table:general_budget_expenditure/") and li.measure == "total"}
    assert t5_lines["2210203"] == Decimal("258.50")  # on the continuation page
    eco = {li.code for li in ex.lines if li.classification == "economic"}
    assert {"30101", "30239", "31002"} <= eco


def test_real_budget_2026_tables_in_yuan() -> None:
    ex = extract_tables(_read_pdf("govbudgetchecker/上海市普陀区司法局2026年区级部门预算.pdf"))
    keys = [r.key for r in ex.recognised]
    assert keys == ["budget_income_expenditure_summary", "budget_income", "budget_expenditure",
                    "budget_fiscal_summary", "budget_general_expenditure", "budget_govfund",
                    "budget_soe_capital", "budget_general_basic", "budget_sangong"]
    units = {r.key: r.unit for r in ex.recognised}
    assert units["budget_expenditure"] == "元" and units["budget_sangong"] == "万元"
    got = {c.measure: c.amount.value for c in ex.cells if c.table_key == "budget_expenditure" and c.code == "204"}
    assert got == {"total": Decimal("87267272.44"), "basic": Decimal("16726725.44"),
                   "project": Decimal("70540547.00")}


# ---- metric facts through a catalogue -----------------------------------------------------------

class _FakeCatalog:
    """Maps exact labels to keys, answering like ingest.catalog (an object with .key, or None)."""

    def __init__(self, table: dict[str, str]) -> None:
        self.table = table

    def match(self, label: str, unit: str | None = None):
        key = self.table.get(label)
        return type("M", (), {"key": key})() if key else None


def test_metric_facts_from_summary_and_sangong_rows() -> None:
    doc = _doc(("p", "收入支出决算总表", 6), ("t", _t1_rows(), 6),
               ("p", "财政拨款“三公”经费支出决算表", 18),
               ("t", [["合计", "", "公务接待费", ""], ["预算数", "决算数", "预算数", "决算数"],
                      ["0.95", "0.30", "0.95", "0.30"]], 18))
    catalog = _FakeCatalog({"本年收入合计": "income_current_year", "一般公共预算财政拨款收入": "income_gb",
                            "三公经费合计": "sangong_total", "公务接待费": "sangong_reception"})
    ex = extract_tables(doc, catalog)
    got = {(f.metric, f.basis): (f.amount.value, f.source_kind, f.unit) for f in ex.facts}
    assert got == {
        ("income_current_year", "actual"): (Decimal("2946.25"), "table", "万元"),
        ("income_gb", "actual"): (Decimal("2940.05"), "table", "万元"),
        ("sangong_total", "budget"): (Decimal("0.95"), "table", "万元"),
        ("sangong_total", "actual"): (Decimal("0.30"), "table", "万元"),
        ("sangong_reception", "budget"): (Decimal("0.95"), "table", "万元"),
        ("sangong_reception", "actual"): (Decimal("0.30"), "table", "万元"),
    }


def test_fiscal_summary_rows_get_their_own_metric_keys() -> None:
    from ingest.catalog import load_metric_catalog
    from ingest.model import Document, Paragraph, Table
    from ingest.tables import extract_tables

    grid = (
        ("收入", "", "支出", "", "", "", ""),
        ("项目", "决算数", "项目", "合计", "一般公共预算财政拨款", "政府性基金预算财政拨款",
         "国有资本经营预算财政拨款"),
        ("一、一般公共预算财政拨款", "100.00", "一、一般公共服务支出", "90.00", "90.00", "", ""),
        ("本年收入合计", "100.00", "本年支出合计", "90.00", "90.00", "", ""),
        ("年初财政拨款结转和结余", "5.00", "年末财政拨款结转和结余", "15.00", "15.00", "", ""),
        ("总计", "105.00", "总计", "105.00", "105.00", "", ""),
    )
    doc = Document("t.pdf", "pdf", (Paragraph("财政拨款收入支出决算总表", 0), Table(grid, 1)))
    facts = {(f.metric, f.amount.value) for f in extract_tables(doc, load_metric_catalog()).facts}
    assert ("fiscal_income_total", Decimal("100.00")) in facts
    assert ("fiscal_expenditure_total", Decimal("90.00")) in facts
    assert ("general_budget_expenditure", Decimal("90.00")) in facts
    assert ("fiscal_total", Decimal("105.00")) in facts
    assert ("income_current_year", Decimal("100.00")) not in facts


# ---- issue 4 part 3: split headers, title+unit rows, T4 breakdown, Sichuan 绩效 tables --------------

_SANGONG_HEAD = [
    ["合计", "", "因公出国（境）费", "", "公务用车购置及运行费", "", "", "", "", "", "公务接待费", ""],
    ["", "", "", "", "小计", "", "公务用车购置费", "", "公务用车运行费", "", "", ""],
    ["预算数", "决算数"] * 6,
]
_SANGONG_DATA = ["20.09", "11.46", "1.74", "0.00", "11.97", "7.60", "0.00", "0.00", "11.97", "7.60", "6.38", "3.86"]


def _sangong_checks(ex) -> None:
    assert _cell(ex, "sangong", "合计", "budget") == Decimal("20.09")
    assert _cell(ex, "sangong", "合计", "actual") == Decimal("11.46")
    assert _cell(ex, "sangong", "因公出国（境）费", "actual") == Decimal("0.00")
    assert _cell(ex, "sangong", "公务用车购置费", "budget") == Decimal("0.00")
    assert _cell(ex, "sangong", "公务接待费", "actual") == Decimal("3.86")
    facts = {(f.metric, f.basis): f.amount.value for f in ex.facts}
    assert facts[("sangong_total", "actual")] == Decimal("11.46")
    assert facts[("sangong_overseas", "actual")] == Decimal("0.00")


def test_sangong_title_with_unit_in_the_same_row() -> None:
    title = ["一般公共预算财政拨款“三公”经费支出决算表", "单位：万元"] + [""] * 10
    ex = extract_tables(_doc(("t", [title, *_SANGONG_HEAD, _SANGONG_DATA], None)))
    _sangong_checks(ex)


def test_header_cut_by_the_page_end_is_joined() -> None:
    ex = extract_tables(_doc(
        ("p", "一般公共预算财政拨款“三公”经费支出决算表", 4),
        ("p", "单位：万元", 4),
        ("t", _SANGONG_HEAD[:1], 4),
        ("t", [*_SANGONG_HEAD[1:], _SANGONG_DATA], 5),
    ))
    _sangong_checks(ex)
    assert {c.page for c in ex.cells if c.table_key == "sangong"} == {5}


def test_fiscal_summary_carryover_breakdown_rows_are_named_by_their_head() -> None:
    rows = [
        ["收入", "", "支出", "", "", "", ""],
        ["项目", "决算数", "项目", "合计", "一般公共预算财政拨款", "政府性基金预算财政拨款",
         "国有资本经营预算财政拨款"],
        ["一、一般公共预算财政拨款", "13876.98", "一、一般公共服务支出", "13428.14", "13428.14", "", ""],
        ["本年收入合计", "13876.98", "本年支出合计", "13428.14", "13428.14", "", ""],
        ["年初财政拨款结转和结余", "465.00", "年末财政拨款结转和结余", "913.84", "913.84", "", ""],
        ["一、一般公共预算财政拨款", "465.00", "年末一般公共预算财政拨款结转和结余", "913.84", "913.84", "", ""],
        ["二、政府性基金预算财政拨款", "0.00", "年末政府性基金预算财政拨款结转和结余", "", "", "", ""],
        ["总计", "14341.98", "总计", "14341.98", "14341.98", "", ""],
    ]
    ex = extract_tables(_doc(("p", "财政拨款收入支出决算总表", 1), ("t", rows, 1)))
    assert _cell(ex, "fiscal_summary", "一、一般公共预算财政拨款", "income") == Decimal("13876.98")
    assert _cell(ex, "fiscal_summary", "年初一般公共预算财政拨款结转和结余", "income") == Decimal("465.00")
    assert _cell(ex, "fiscal_summary", "年初政府性基金预算财政拨款结转和结余", "income") == Decimal("0.00")
    facts = [(f.metric, f.amount.value) for f in ex.facts]
    assert facts.count(("fiscal_total", Decimal("14341.98"))) == 1
    assert [v for m, v in facts if m == "income_general_budget_appropriation"] == [Decimal("13876.98")]


def test_sichuan_performance_table_label_cells() -> None:
    def project(name: str, budget: str, actual: str) -> list[list[str]]:
        return [
            ["项目支出绩效目标完成情况表", "", "", "", ""],
            ["(2023年度)", "", "", "", ""],
            ["项目名称", name, "", "", ""],
            ["预算单位", "示例县城关镇人民政府", "", "", ""],
            ["预算执行情况(万元)", "预算数:", budget, "执行数:", actual],
            ["一级指标", "二级指标", "三级指标", "预期指标值", "实际完成指标值"],
            ["满意度指标", "服务对象满意度指标", "服务对象满意度", "90%以上", "98%"],
        ]
    ex = extract_tables(_doc(("t", project("重点工作专项经费", "546.45", "538.10"), 2),
                             ("t", project("业务运转项目", "545.93", "514.41"), 3)))
    cells = [(c.row_label, c.measure, c.amount.raw) for c in ex.cells if c.table_key == "performance"]
    assert cells == [
        ("重点工作专项经费", "budget", "546.45"), ("重点工作专项经费", "actual", "538.10"),
        ("业务运转项目", "budget", "545.93"), ("业务运转项目", "actual", "514.41"),
    ]
    facts = [(f.metric, f.basis, f.amount.raw, f.unit) for f in ex.facts]
    assert facts[:2] == [("project_budget", "budget", "546.45", "万元"), ("project_actual", "actual", "538.10", "万元")]
    assert all(f.locator.startswith("table:performance/") for f in ex.facts)


# --- self-verifying tables (ingest.table_verify) -------------------------------------------------------

def _verify_cells(rows: list[tuple[str | None, str, list[str]]], measures: list[str]) -> list:
    from decimal import Decimal

    from ingest.model import Amount, CellFact
    cells = []
    for r, (code, label, values) in enumerate(rows):
        for c, (m, v) in enumerate(zip(measures, values, strict=True)):
            if v:
                cells.append(CellFact(
                    table_key="expenditure", table_title="支出决算表", row_index=r, col_index=c + 2,
                    row_label=label, code=code, measure=m, measure_label=m,
                    amount=Amount(Decimal(v), 2, v), page=1, locator=f"table:expenditure/block:1/row:{r}/col:{c + 2}",
                    evidence="",
                ))
    return cells


_EXPENDITURE_ROWS = [
    (None, "合计", ["300.00", "200.00", "100.00"]),
    ("201", "一般公共服务支出", ["180.00", "120.00", "60.00"]),
    ("20101", "人大事务", ["180.00", "120.00", "60.00"]),
    ("2010101", "行政运行", ["120.00", "120.00", ""]),
    ("2010199", "其他人大事务支出", ["60.00", "", "60.00"]),
    ("208", "社会保障和就业支出", ["120.00", "80.00", "40.00"]),
    ("20805", "行政事业单位养老支出", ["120.00", "80.00", "40.00"]),
    ("2080505", "机关事业单位基本养老保险缴费支出", ["80.00", "80.00", ""]),
    ("2080506", "机关事业单位职业年金缴费支出", ["40.00", "", "40.00"]),
]


def _expenditure_template():
    from ingest.templates import load_template_catalog
    return load_template_catalog().choose("final_account", "").table("expenditure")


def test_consistent_table_holds_every_identity():
    from ingest.table_verify import verify_table
    v = verify_table(_verify_cells(_EXPENDITURE_ROWS, ["total", "basic", "project"]), _expenditure_template())
    assert v.identities and v.n_failed == 0 and v.reliable and v.confidence == 1.0


def test_rounding_alone_never_breaks_an_identity():
    from ingest.table_verify import verify_table
    v = verify_table(_verify_cells([
        (None, "合计", ["100.01", "33.34", "66.66"]),
        ("201", "a", ["50.00", "16.67", "33.33"]), ("208", "b", ["50.00", "16.67", "33.33"])],
        ["total", "basic", "project"]), _expenditure_template())
    assert v.n_failed == 0  # 100.01 vs 100.00: within 3 × 0.005


def test_one_wrong_cell_is_left_to_the_identity_checks():
    from ingest.table_verify import verify_table
    rows = list(_EXPENDITURE_ROWS)
    rows[3] = ("2010101", "行政运行", ["130.00", "120.00", ""])  # a digit misprinted in one cell
    v = verify_table(_verify_cells(rows, ["total", "basic", "project"]), _expenditure_template())
    assert v.n_failed >= 2 and v.reliable  # its row and its column break; one cell explains both
    assert all(c.parse_reliable for c in v.cells)


def test_a_shifted_column_makes_the_table_unreliable():
    from ingest.table_verify import verify_table
    rows = [(code, label, [vals[0], vals[2], vals[1]]) if code and len(code) == 7 else (code, label, vals)
            for code, label, vals in _EXPENDITURE_ROWS]  # basic and project swapped in every 项 row
    v = verify_table(_verify_cells(rows, ["total", "basic", "project"]), _expenditure_template())
    assert not v.reliable and "上下级科目汇总不符" in v.reason_zh
    assert not any(c.parse_reliable for c in v.cells)


def test_an_of_which_column_is_found_by_the_identities():
    from ingest.table_verify import verify_table
    from ingest.templates import load_template_catalog
    income = load_template_catalog().choose("final_account", "").table("income")
    rows = [(None, "合计", ["150.00", "100.00", "50.00", "30.00"]),
            ("205", "教育支出", ["150.00", "100.00", "50.00", "30.00"]),
            ("20502", "普通教育", ["150.00", "100.00", "50.00", "30.00"])]
    # the '其中：教育收费' header was lost: the fourth column reads as another component
    v = verify_table(_verify_cells(rows, ["total", "fiscal_appropriation", "business", "other"]), income)
    assert v.remapped and v.n_failed == 0
    assert {c.measure for c in v.cells if c.col_index == 5} == {"business_of_which"}


def test_template_families_are_data():
    from ingest.templates import load_template_catalog
    cat = load_template_catalog()
    higher = cat.choose("final_account", "表1：高等学校收支决算总表")
    assert higher is not None and higher.name == "higher_education_final"
    assert set(higher.tables) == {"income_expenditure_summary", "income", "expenditure", "fiscal_expenditure"}
    assert cat.choose("final_account", "收入支出决算总表").name == "shanghai_final"
    assert cat.choose("budget", "").doc_type == "budget"


def test_a_budget_template_family_is_chosen_by_its_own_words():
    """A budget's family (which tables it requires) is chosen by the words its template prints: the Shanghai
    template's 财务收支预算总表, the Jiangsu 三公经费、会议费、培训费 table (twelve tables), a 教育部直属 university's
    four tables; a budget of none of them has the default family, which requires nothing."""
    from ingest.templates import load_template_catalog
    cat = load_template_catalog()

    def required(family):
        return {k for k, t in family.tables.items() if t.required}

    shanghai = cat.choose("budget", "目录\n2025年部门财务收支预算总表\n2025年部门收入预算总表")
    assert shanghai.name == "shanghai_budget" and len(required(shanghai)) == 9
    jiangsu = cat.choose("budget", "九、一般公共预算“三公”经费、会议费、培训费支出预算表\n十、政府性基金支出预算表")
    assert jiangsu.name == "jiangsu_budget" and len(required(jiangsu)) == 12  # 公开01–12表, 政府采购 the twelfth
    assert "budget_procurement" in required(jiangsu)
    university = cat.choose("budget", "西南大学是教育部直属，教育部、农业农村部、重庆市共建的重点综合大学")
    assert university.name == "higher_education_budget"
    assert required(university) == {"budget_income_expenditure_summary", "budget_income", "budget_expenditure",
                                    "budget_fiscal_expenditure"}
    default = cat.choose("budget", "收支预算总表")
    assert default.name == "budget" and required(default) == set()


def test_higher_education_fiscal_table_continues_with_fewer_label_columns():
    doc = Document(source_file="x.pdf", file_format="pdf", blocks=(
        Paragraph("表4：高等学校财政拨款支出决算表", 0, page=1),
        Table(rows=(
            ("项目", "", "", "", "本年支出", "", "", ""),
            ("科目编码", "", "", "科目名称", "合计", "基本支出", "项目支出", ""),
            ("", "", "", "", "", "", "小计", "其中：基本建设资金支出"),
            ("类", "款", "项", "合计", "30.00", "20.00", "10.00", "4.00"),
            ("205", "", "", "教育支出", "30.00", "20.00", "10.00", "4.00"),
        ), index=1, page=1),
        Paragraph("12", 2, page=1),
        Table(rows=(("20502", "普通教育", "30.00", "20.00", "10.00", "4.00"),), index=3, page=2),
    ))
    out = extract_tables(doc)
    assert [t.key for t in out.recognised] == ["fiscal_expenditure"]
    got = {(c.code, c.measure): str(c.amount.value) for c in out.cells}
    assert got[("20502", "project")] == "10.00" and got[("20502", "project_of_which")] == "4.00"
    assert got[("205", "project")] == "10.00"
    assert out.parses[0].parse_reliable and out.parses[0].n_identities > 0


def test_a_second_wrong_row_beside_a_real_defect_is_left_to_the_identity_checks():
    from ingest.table_verify import verify_table
    rows = list(_EXPENDITURE_ROWS)
    rows[3] = ("2010101", "行政运行", ["120.00", "120.00", "60.00"])  # a real defect: 项目 printed in 行政运行
    one = verify_table(_verify_cells(rows, ["total", "basic", "project"]), _expenditure_template())
    assert one.reliable
    rows[5] = ("208", "社会保障和就业支出", ["123.00", "80.00", "40.00"])  # and a second wrong figure, a 类 total
    two = verify_table(_verify_cells(rows, ["total", "basic", "project"]), _expenditure_template())
    # each wrong row breaks its own row total and its parents' sums: two rows explain every failure
    assert two.n_failed > 2 and two.reliable and all(c.parse_reliable for c in two.cells)
    rows[7] = ("2080505", "机关事业单位基本养老保险缴费支出", ["83.00", "80.00", ""])  # a third row: misread
    three = verify_table(_verify_cells(rows, ["total", "basic", "project"]), _expenditure_template())
    assert not three.reliable
