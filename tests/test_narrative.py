"""Narrative claim extraction: synthetic sentences, then the real Sichuan seed and Putuo documents."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest

from ingest.amounts import parse_amount
from ingest.catalog import load_metric_catalog
from ingest.model import Document, MetricFact, Paragraph, Table
from ingest.narrative import NarrativeResult, extract_narrative
from ingest.narrative_resolve import WORDED_MARK, resolve_near_synonyms
from ingest.pipeline import ingest_file
from ingest.records import IngestResult
from tests.realdata import realdata_path

CATALOG = load_metric_catalog()
SICHUAN = "seed_sichuan/广元市朝天区人民政府办公室2020年度部门决算.tika.txt"
YICHUAN = (
    "govbudgetchecker/page_texts_2025_final/"
    "上海市普陀区人民政府宜川路街道办事处2025年度部门决算.page_texts.json"
)
CAIZHENG = "govbudgetchecker/上海市普陀区财政局2024年度部门决算.pdf"
SHEGONG = "govbudgetchecker/中共上海市普陀区委社会工作部2024年度部门决算.pdf"
_LOCATOR = re.compile(r"para:(\d+)/chars:(\d+)-(\d+)")


def _doc(*lines: str, pages: tuple[int | None, ...] | None = None) -> Document:
    blocks = tuple(
        Paragraph(text=t, index=i, page=pages[i] if pages else None) for i, t in enumerate(lines)
    )
    return Document(source_file="synthetic.txt", file_format="txt", blocks=blocks)


def _values(result: NarrativeResult, metric: str, basis: str) -> list[Decimal]:
    return [f.amount.value for f in result.facts if f.metric == metric and f.basis == basis]


def _para_locator(locator: str) -> str:
    """What the checks group a paragraph's facts by (int_check_facts: everything before '/chars:')."""
    m = re.match(r"^(.*)/chars:", locator)
    assert m is not None, locator
    return m.group(1)


def _assert_locators_index_text_blocks(result: IngestResult) -> int:
    """Every narrative fact and line: the stored text block named by para: holds the number at chars:a-b."""
    blocks = {b.block_index: b.text for b in result.blocks}
    checked = 0
    for item in [*result.facts, *result.lines]:
        if item.source_kind != "narrative":
            continue
        m = _LOCATOR.search(item.locator)
        assert m is not None, item.locator
        block = blocks[int(m.group(1))]
        span = block[int(m.group(2)):int(m.group(3))]
        # the whole number, or — cut by a line wrap — its start up to the end of the block
        whole = span == item.amount.raw
        assert whole or (item.amount.raw.startswith(span) and int(m.group(3)) == len(block)), (item.locator, span)
        printed = "0" if item.amount.raw == "持平" else item.amount.raw  # 与上年预算持平: a change of zero
        assert Decimal(printed.replace(",", "")) == abs(item.amount.value), (item.locator, span)
        checked += 1
    return checked


def _first(result: NarrativeResult, metric: str, basis: str) -> MetricFact:
    found = [f for f in result.facts if f.metric == metric and f.basis == basis]
    assert found, f"no {metric}/{basis} in {[(f.metric, f.basis) for f in result.facts]}"
    return found[0]


# --- synthetic ------------------------------------------------------------------------------


def test_bare_side_word_takes_the_fund_of_the_other_side() -> None:
    r = extract_narrative(
        _doc("六、政府性基金预算财政拨款收入支出决算情况说明",
             "2023年度政府性基金预算财政拨款收入758.25万元，支出715.77万元，主要用于公路建设方面。"),
        CATALOG, 2023,
    )
    assert _values(r, "income_govfund_appropriation", "actual") == [Decimal("758.25")]
    assert _values(r, "govfund_expenditure", "actual") == [Decimal("715.77")]


def test_persons_abroad_counted_in_person_times() -> None:
    r = extract_narrative(
        _doc("1.因公出国（境）经费支出3.20万元，全年安排因公出国（境）团组1个，累计3人次。"), CATALOG, 2023,
    )
    assert _values(r, "overseas_groups", "actual") == [Decimal("1")]
    fact = _first(r, "overseas_persons", "actual")
    assert (fact.amount.value, fact.unit) == (Decimal("3"), "人次")


def test_yoy_claim_direction_and_reason() -> None:
    r = extract_narrative(
        _doc("四、财政拨款收入支出决算总体情况说明",
             "财政拨款收入支出总计比2023年减少2584.47万元，下降18.02%。主要原因是部分项目已于上年完成。",
             "“三公”经费支出决算比2023年增加1.38万元，增长5.93%。"),
        CATALOG, 2024,
    )
    change = _first(r, "fiscal_total", "yoy_change")
    assert (change.amount.value, change.direction) == (Decimal("-2584.47"), "减少")
    assert change.claim is not None and change.claim.has_reason and change.claim.compared_year == 2023
    pct = _first(r, "sangong_total", "yoy_pct")
    assert (pct.direction, pct.claim is not None and pct.claim.has_reason) == ("增长", False)


def test_clause_chain_assigns_share_to_the_preceding_metric() -> None:
    r = extract_narrative(
        _doc(
            "三、支出决算情况说明",
            "本年支出合计200.00万元，其中：基本支出150.00万元，占75.00%；项目支出50.00万元，占25.00%。",
        ),
        CATALOG, 2023,
    )
    assert _values(r, "expenditure_current_year", "actual") == [Decimal("200.00")]
    assert _values(r, "expenditure_basic", "share_pct") == [Decimal("75.00")]
    assert _values(r, "expenditure_project", "share_pct") == [Decimal("25.00")]
    assert _values(r, "expenditure_current_year", "share_pct") == []
    fact = _first(r, "expenditure_basic", "actual")
    assert fact.locator.startswith("section:三/para:1/chars:")
    assert fact.unit == "万元" and fact.source_kind == "narrative"


def test_yoy_in_following_sentence_belongs_to_head_metric_and_is_signed() -> None:
    r = extract_narrative(
        _doc("2023年度收入总计88.50万元，其中本年收入合计80.5万元。与2022年相比减少12.25万元，下降12.15%。主要原因是人员减少。"),
        CATALOG, 2023,
    )
    change = _first(r, "income_total", "yoy_change")
    assert change.amount.value == Decimal("-12.25") and change.direction == "减少"
    assert change.claim is not None and change.claim.compared_year == 2022 and change.claim.has_reason
    pct = _first(r, "income_total", "yoy_pct")
    assert pct.amount.value == Decimal("-12.15") and pct.amount.decimals == 2
    assert _values(r, "income_current_year", "actual") == [Decimal("80.5")]
    assert _first(r, "income_current_year", "actual").amount.decimals == 1


def test_change_named_without_a_figure_goes_to_that_metric() -> None:
    r = extract_narrative(
        _doc("收入支出总计90.00万元。主要原因：项目支出增加，较上年增加10.00万元。"), CATALOG, 2024
    )
    assert _values(r, "expenditure_project", "yoy_change") == [Decimal("10.00")]
    assert _values(r, "income_total", "yoy_change") == []


def test_shang_nian_resolves_to_fiscal_year_minus_one() -> None:
    r = extract_narrative(_doc("机关运行经费支出30.00万元，比上年增加1.00万元，增长3.45%。"), CATALOG, 2024)
    assert _first(r, "admin_operating_cost", "yoy_change").claim.compared_year == 2023  # type: ignore[union-attr]
    assert _first(r, "admin_operating_cost", "yoy_pct").amount.value == Decimal("3.45")


def test_yuan_stays_yuan_and_years_dates_thresholds_are_not_metrics() -> None:
    r = extract_narrative(
        _doc(
            "机关运行经费支出12345.67元。",
            "截至2024年12月31日，共有车辆3辆，单价100万元（含）以上设备（不含车辆）1台（套）。",
        ),
        CATALOG, 2024,
    )
    cost = _first(r, "admin_operating_cost", "actual")
    assert cost.unit == "元" and cost.amount.value == Decimal("12345.67")
    assert _values(r, "vehicles_total", "actual") == [Decimal(3)]
    assert _values(r, "equipment_over_100", "actual") == [Decimal(1)]
    assert all(f.amount.value not in (Decimal(2024), Decimal(12), Decimal(31), Decimal(100)) for f in r.facts)


def test_wrapped_lines_and_budget_then_actual() -> None:
    r = extract_narrative(
        _doc(
            "七、财政拨款“三公”经费支出决算情况说明",
            "“三公”经费财政拨款支出年初预算为 10.00 万元，支出决",
            "算为 8.00 万元，完成预算的 80%。决算数小于预算数的主要原因：节约。",
            pages=(3, 3, 4),
        ),
        CATALOG, 2024,
    )
    assert _values(r, "sangong_total", "budget") == [Decimal("10.00")]
    actual = _first(r, "sangong_total", "actual")
    assert actual.amount.value == Decimal("8.00") and actual.page == 4
    assert actual.locator == "section:七/para:2/chars:3-7"
    completion = _first(r, "sangong_total", "completion_pct")
    assert completion.direction == "小于" and completion.claim.has_reason  # type: ignore[union-attr]


def test_total_and_its_item_each_keep_their_change_pair_across_wrapped_lines() -> None:
    # a wrapped total sentence with a 其中 item restating its own change and %; page-text lines keep spaces
    r = extract_narrative(
        _doc(
            "七、财政拨款“三公”经费支出决算情况说明",
            "2024 年度“三公”经费财政拨款支出决算比 2023 年度减",
            "少 5.20 万元，下降 20.00%，其中：公务用车购置及运行维护费",
            "支出减少 4.00 万元，下降 25.00%；公务接待费支出增",
            "加 1.20 万元，增长 12.50%。",
        ),
        CATALOG, 2024,
    )
    pairs = {(f.metric, f.basis): f for f in r.facts}
    assert sorted(pairs) == sorted(
        (m, b) for m in ("sangong_total", "sangong_vehicle", "sangong_reception") for b in ("yoy_change", "yoy_pct")
    )
    assert (pairs["sangong_total", "yoy_change"].amount.value, pairs["sangong_total", "yoy_pct"].amount.value) == (
        Decimal("-5.20"), Decimal("-20.00"))
    assert (pairs["sangong_vehicle", "yoy_change"].amount.value, pairs["sangong_vehicle", "yoy_pct"].amount.value) == (
        Decimal("-4.00"), Decimal("-25.00"))
    assert pairs["sangong_reception", "yoy_pct"].amount.value == Decimal("12.50")
    # the locator names the line (block) holding the figure and its offsets in that line as stored
    assert pairs["sangong_total", "yoy_change"].locator == "section:七/para:2/chars:2-6"
    assert pairs["sangong_total", "yoy_pct"].locator == "section:七/para:2/chars:13-18"
    assert pairs["sangong_vehicle", "yoy_change"].locator == "section:七/para:3/chars:5-9"
    assert pairs["sangong_vehicle", "yoy_pct"].locator == "section:七/para:3/chars:16-21"
    assert pairs["sangong_total", "yoy_change"].claim.compared_year == 2023  # type: ignore[union-attr]


def test_locators_index_the_stored_text_blocks(tmp_path: Path) -> None:
    # through the pipeline: raw.text_blocks is what the locator must index (one block per text line here)
    path = tmp_path / "测试单位2024年度部门决算.txt"
    path.write_text(
        "七、财政拨款“三公”经费支出决算情况说明\n"
        "  2024 年度“三公”经费财政拨款支出决算比 2023 年度减\n"
        "少 5.20 万元，下降 20.00%，其中：公务用车购置及运行维护费\n"
        "支出减少 4.00 万元，下降 25.00%。\n"
        "一般公共预算财政拨款支出年初预算为 12.00 万元，全年预算为 15.00 万元，支出决算为 1,2\n"
        "34.56 万元。\n",
        encoding="utf-8",
    )
    result = ingest_file(path)
    assert result.quarantine is None
    assert _assert_locators_index_text_blocks(result) >= 7
    # a number cut by the wrap: chars: stays inside the first block, raw holds the whole figure
    actual = next(f for f in result.facts if f.metric == "general_budget_expenditure" and f.basis == "actual")
    assert actual.amount.value == Decimal("1234.56") and actual.amount.raw == "1,234.56"
    m = _LOCATOR.search(actual.locator)
    assert m is not None
    block = next(b.text for b in result.blocks if b.block_index == int(m.group(1)))
    assert block[int(m.group(2)):int(m.group(3))] == "1,2" and int(m.group(3)) == len(block)


_BUDGET_LINES = (
    "（三）一般公共预算财政拨款支出决算具体情况",
    "一般公共预算财政拨款支出年初预算为 5.00 万元，全年预算为 50.00 万元，支出决算为 45.00 万元，"
    "完成年初预算的 90.00%。",
)


def test_initial_and_adjusted_budgets_are_told_apart_in_the_locator() -> None:
    r = extract_narrative(
        _doc(
            *_BUDGET_LINES,
            "“三公”经费财政拨款支出调整预算为 2.00 万元，支出决算为 1.50 万元，完成调整预算的 75.00%。",
            "机关运行经费预算为 10.00 万元，支出决算为 9.00 万元，完成预算的 90.00%。",
        ),
        CATALOG, 2024,
    )
    budgets = [f for f in r.facts if f.metric == "general_budget_expenditure" and f.basis == "budget"]
    assert [(f.amount.value, f.locator.rsplit("/", 1)[-1]) for f in budgets] == [
        (Decimal("5.00"), "budget:initial"), (Decimal("50.00"), "budget:adjusted"),
    ]
    completion = _first(r, "general_budget_expenditure", "completion_pct")
    assert completion.locator.endswith("/budget:initial")  # what the sentence says, whatever it was computed on
    actual = _first(r, "general_budget_expenditure", "actual")
    assert not re.search(r"/budget:", actual.locator)
    # consumers' readings of the locator are unchanged: same paragraph key, chars start first
    assert {_para_locator(f.locator) for f in [*budgets, completion, actual]} == {"para:1"}
    start = re.search(r"chars:([0-9]+)", budgets[1].locator)
    assert start is not None and _BUDGET_LINES[1][int(start.group(1)):].startswith("50.00")
    assert _first(r, "sangong_total", "budget").locator.endswith("/budget:adjusted")
    assert _first(r, "sangong_total", "completion_pct").locator.endswith("/budget:adjusted")
    assert not re.search(r"/budget:", _first(r, "admin_operating_cost", "budget").locator)
    assert not re.search(r"/budget:", _first(r, "admin_operating_cost", "completion_pct").locator)


def test_function_line_budgets_carry_their_kind() -> None:
    r = extract_narrative(
        _doc(
            "1、一般公共服务支出（类）人大事务（款）行政运行（项）。主要用于：机关运转。",
            "年初预算为 8.00 万元，全年预算为 10.00 万元，支出决算为 9.00 万元，完成全年预算数的 90.00%。",
        ),
        CATALOG, 2024,
    )
    got = [(x.measure, x.amount.value, x.locator.rsplit("/", 1)[-1]) for x in r.lines]
    assert got == [
        ("budget", Decimal("8.00"), "budget:initial"), ("budget", Decimal("10.00"), "budget:adjusted"),
        ("total", Decimal("9.00"), "chars:35-39"), ("completion_pct", Decimal("90.00"), "budget:adjusted"),
    ]


def test_glossary_text_is_skipped() -> None:
    r = extract_narrative(
        _doc("第四部分 名词解释", "一、机关运行经费：指行政单位使用一般公共预算财政拨款安排的支出100万元。"),
        CATALOG, 2024,
    )
    assert r.facts == [] and r.lines == []


def test_function_lines_both_templates() -> None:
    r = extract_narrative(
        _doc(
            "1.一般公共服务（类）人大事务（款）行政运行（项）:支出决算为50.10万元，完成预算99.5%，决算数小于预算数。",
            "2、“社会保障和就业支出”（类）行政事业单位养老支出（款）",
            "行政单位离退休（项）12.00 万元。主要用于：离退休费。",
            "年初预算为 13.00 万元，支出决算为 12.00 万元。",
        ),
        CATALOG, 2024,
    )
    first = [x for x in r.lines if x.name_reported.startswith("一般公共服务")]
    assert [(x.measure, x.amount.value) for x in first] == [
        ("total", Decimal("50.10")), ("completion_pct", Decimal("99.5"))
    ]
    assert first[0].level == "项" and first[0].classification == "function" and first[0].code is None
    second = [x for x in r.lines if "社会保障和就业" in x.name_reported]
    path = "社会保障和就业支出（类）行政事业单位养老支出（款）行政单位离退休（项）"  # the quotes are not the name
    assert second[0].name_reported == path
    assert [(x.measure, x.amount.value) for x in second] == [
        ("total", Decimal("12.00")), ("budget", Decimal("13.00")), ("total", Decimal("12.00"))
    ]
    assert r.facts == []


def test_budget_item_sentences_give_budget_lines() -> None:
    """A budget's 项 sentences: the head figure and 预算安排 are this year's budget, 执行数 and another year's 预算
    are last year's, the change says what it is against, 持平 is a change of zero; a code in the brackets is the
    line's code; the path is read in any of its printed forms."""
    lines = (
        "1、农林水支出（213类）农业农村（01款）行政运行（01项）120.50万元。主要用于：机关运转。"
        "2025年当年预算执行数为100.00万元，2026年预算安排121.50万元，比2025年预算执行数增加20.50%。",
        "2.“节能环保支出(类）-污染防治（款）-大气（项）”2026年度预算8万元，2025年度预算8万元，主要用于：监测。",
        "2025年当年预算执行数为7.50万元，2026年预算安排8万元，与2025年预算持平。",
    )
    r = extract_narrative(_doc(*lines), CATALOG, 2026, "budget")
    first = [(x.measure, x.amount.value, x.locator.rsplit("/", 1)[-1]) for x in r.lines if x.code == "2130101"]
    assert [m[:2] for m in first] == [
        ("budget", Decimal("120.50")), ("prior_year", Decimal("100.00")), ("budget", Decimal("121.50")),
        ("yoy_pct", Decimal("20.50")),
    ]
    assert first[-1][2] == "vs:execution"
    second = [x for x in r.lines if x.name_reported == "节能环保支出（类）污染防治（款）大气（项）"]
    assert second and all(x.code is None and x.level == "项" for x in second)
    assert sorted((x.measure, x.amount.value) for x in second) == [
        ("budget", Decimal("8")), ("budget", Decimal("8")), ("prior_year", Decimal("7.50")),
        ("prior_year_budget", Decimal("8")), ("yoy_pct", Decimal("0")),
    ]
    flat = next(x for x in second if x.measure == "yoy_pct")
    assert flat.amount.raw == "持平" and flat.locator.endswith("/vs:budget")
    m = _LOCATOR.search(flat.locator)
    assert m is not None and lines[int(m.group(1))][int(m.group(2)):int(m.group(3))] == "持平"
    # in a final account the same head figure is the year's expenditure
    final = extract_narrative(_doc(lines[0]), CATALOG, 2026)
    assert next(x for x in final.lines if x.code == "2130101").measure == "total"


def test_an_unnumbered_kuan_line_under_its_class_line_is_a_budget_line() -> None:
    """A 款 paragraph printed without an item number under its 类 line (「某某（款）：2026年预算支出合计N万元。其中：」)
    is a 款 line whose figure is the year's budget; its numbered 项 lines stay as they were. A sentence that only
    mentions a 款 in passing is no line."""
    lines = (
        "五、财政拨款支出预算情况说明",
        "（一）公共安全支出（类）",
        "司法（款）：2026年预算支出合计300.50万元。其中：",
        "1．行政运行（项）支出200.50万元，与上年相比增加10.00万元。",
        "主要用于司法（款）的办案支出 20.00万元。",
    )
    r = extract_narrative(_doc(*lines), CATALOG, 2026, "budget")
    kuan = [(x.level, x.name_reported, x.measure, x.amount.value) for x in r.lines if x.level == "款"]
    assert kuan == [("款", "公共安全支出（类）司法（款）", "budget", Decimal("300.50"))]
    xiang = next(x for x in r.lines if x.level == "项")
    assert (xiang.name_reported, xiang.measure, xiang.amount.value) == (
        "公共安全支出（类）司法（款）行政运行（项）", "budget", Decimal("200.50"))
    assert not [x for x in r.lines if x.amount.value == Decimal("20.00")]


def test_structure_sentence_gives_class_lines_with_shares() -> None:
    r = extract_narrative(
        _doc("一般公共预算财政拨款支出100.00万元，主要用于以下方面：教育支出（类）60.00万元，占60%；住房保障支出40.00万元，占40%。"),
        CATALOG, 2024,
    )
    assert _values(r, "general_budget_expenditure", "actual") == [Decimal("100.00")]
    assert [(x.name_reported, x.measure, x.amount.value) for x in r.lines] == [
        ("教育支出（类）", "total", Decimal("60.00")), ("教育支出（类）", "share_pct", Decimal(60)),
        ("住房保障支出", "total", Decimal("40.00")), ("住房保障支出", "share_pct", Decimal(40)),
    ]


def test_tables_break_running_text() -> None:
    doc = Document(
        source_file="x", file_format="txt",
        blocks=(
            Paragraph("机关运行经费支出", 0),
            Table(rows=(("合计", "5.00"),), index=1),
            Paragraph("5.00万元。", 2),
        ),
    )
    assert extract_narrative(doc, CATALOG, 2024).facts == []


# --- real documents -------------------------------------------------------------------------


@cache
def _sichuan() -> NarrativeResult:
    from ingest.readers.text import read

    return extract_narrative(read(realdata_path(SICHUAN)), CATALOG, 2020)


SICHUAN_ACTUALS = {
    "income_total": "1233.76", "income_current_year": "1226.06", "carryover_begin": "7.7",
    "expenditure_current_year": "1233.76", "expenditure_basic": "735.01", "expenditure_project": "498.75",
    "basic_personnel": "667.27", "basic_public": "67.73", "sangong_total": "24.12",
    "admin_operating_cost": "67.73", "procurement_total": "6.41", "vehicles_total": "2",
    "reception_batches": "117", "reception_persons": "2027",
}


@pytest.mark.parametrize(("metric", "value"), sorted(SICHUAN_ACTUALS.items()))
def test_sichuan_actuals(metric: str, value: str) -> None:
    values = _values(_sichuan(), metric, "actual")
    assert values and set(values) == {Decimal(value)}


def test_sichuan_derived_claims() -> None:
    r = _sichuan()
    assert _first(r, "carryover_begin", "actual").amount.raw == "7.7"
    assert _first(r, "carryover_begin", "actual").amount.decimals == 1
    assert set(_values(r, "sangong_total", "completion_pct")) == {Decimal("80.89")}
    assert set(_values(r, "admin_operating_cost", "yoy_change")) == {Decimal("-8.69")}
    assert set(_values(r, "admin_operating_cost", "yoy_pct")) == {Decimal("-11.37")}
    assert set(_values(r, "income_total", "yoy_change")) == {Decimal("516.71")}
    yoy = _first(r, "income_total", "yoy_pct")
    assert yoy.amount.value == Decimal("72.06") and yoy.amount.raw == "72.06"
    assert yoy.claim is not None and yoy.claim.compared_year == 2019 and yoy.direction == "增长"
    assert set(_values(r, "expenditure_basic", "share_pct")) == {Decimal("59.57")}


def test_sichuan_repeated_section_four_kept_with_own_locator() -> None:
    totals = [f for f in _sichuan().facts if f.metric == "income_total" and f.basis == "actual"]
    sections = {f.locator.split("/para:")[0] for f in totals}
    assert {"section:一", "section:四"} <= sections
    assert len({f.locator for f in totals}) == len(totals)


def test_sichuan_function_lines() -> None:
    lines = [x for x in _sichuan().lines if x.level == "项"]
    totals = [x for x in lines if x.measure == "total"]
    assert len(totals) == 8
    assert len([x for x in lines if x.measure == "completion_pct"]) == 8
    first = totals[0]
    assert first.name_reported == "一般公共服务（类）政府办公厅（室）及相关机构事务（款）行政运行（项）"
    assert first.amount.value == Decimal("970.39")
    assert [str(x.amount.value) for x in totals] == [
        "970.39", "5.66", "0", "0", "76.86", "32.06", "46.29", "102.49"
    ]  # sums to 1233.75: rounding, not an error


def test_sichuan_no_glossary_and_no_year_values() -> None:
    r = _sichuan()
    assert not any("：指" in f.evidence for f in r.facts)
    assert not any(f.amount.value in (Decimal(2019), Decimal(2020)) for f in r.facts)


@cache
def _yichuan() -> NarrativeResult:
    path = realdata_path(YICHUAN)
    try:
        from ingest.readers.page_json import read

        doc = read(path)
    except ImportError:  # pragma: no cover - reader not in this checkout
        pages = json.loads(path.read_text(encoding="utf-8"))["page_texts"]
        lines = [(i + 1, line) for i, page in enumerate(pages) for line in page.splitlines() if line.strip()]
        doc = Document(
            source_file=str(path), file_format="page_json",
            blocks=tuple(Paragraph(t, i, page=p) for i, (p, t) in enumerate(lines)),
        )
    return extract_narrative(doc, CATALOG, 2025)


def test_putuo_yichuan_hand_checked_facts() -> None:
    r = _yichuan()
    assert set(_values(r, "income_total", "actual")) == {Decimal("20323.21")}
    assert set(_values(r, "income_total", "yoy_change")) == {Decimal("-959.49")}
    assert set(_values(r, "expenditure_basic", "share_pct")) == {Decimal("69.42")}
    assert set(_values(r, "general_budget_expenditure", "budget")) == {Decimal("20707.11")}
    assert set(_values(r, "general_budget_expenditure", "completion_pct")) == {Decimal("98")}
    assert set(_values(r, "sangong_total", "completion_pct")) == {Decimal("63.11")}
    assert set(_values(r, "sangong_reception", "yoy_pct")) == {Decimal("100")}
    assert set(_values(r, "reception_persons", "actual")) == {Decimal(15)}
    assert set(_values(r, "admin_operating_cost", "yoy_pct")) == {Decimal("-16.85")}
    assert set(_values(r, "procurement_services", "actual")) == {Decimal("1550.22")}
    assert set(_values(r, "perf_selfeval_amount", "actual")) == {Decimal("6993.22")}
    assert set(_values(r, "vehicles_law_enforcement", "actual")) == {Decimal(5)}
    pension = [x for x in r.lines if x.name_reported.endswith("机关事业单位职业年金缴费支出（项）")]
    # the document states 269.85 in the head and 269.86 as 支出决算 — both are kept
    totals = sorted(x.amount.value for x in pension if x.measure == "total")
    assert totals == [Decimal("269.85"), Decimal("269.86")]
    general = [x for x in r.lines if x.level == "项" and x.locator.startswith("section:五/三/")]
    assert len({x.name_reported for x in general}) == 35
    # every item states 年初预算, also where the item breaks after '主要用于：…。'
    assert len({x.name_reported for x in general if x.measure == "budget"}) == 35


def test_putuo_yichuan_sangong_total_and_vehicle_changes_both_read() -> None:
    r = _yichuan()
    found = {(f.metric, f.basis, f.amount.value) for f in r.facts if f.page == 36 and f.basis.startswith("yoy")}
    assert {
        ("sangong_total", "yoy_change", Decimal("-3.59")), ("sangong_total", "yoy_pct", Decimal("-15.31")),
        ("sangong_vehicle", "yoy_change", Decimal("-3.59")), ("sangong_vehicle", "yoy_pct", Decimal("-15.31")),
    } <= found


@cache
def _ingested(relative: str) -> IngestResult:
    return ingest_file(realdata_path(relative))


@pytest.mark.parametrize("relative", [YICHUAN, SHEGONG])
def test_real_locators_index_the_stored_text_blocks(relative: str) -> None:
    result = _ingested(relative)
    assert _assert_locators_index_text_blocks(result) > 50


def test_putuo_shegong_initial_and_adjusted_budget() -> None:
    r = _ingested(SHEGONG)
    page = [f for f in r.facts if f.page == 18 and f.metric == "general_budget_expenditure"
            and f.locator.startswith("section:五/三/")]
    budgets = {f.locator.rsplit("/", 1)[-1]: f.amount.value for f in page if f.basis == "budget"}
    assert budgets == {"budget:initial": Decimal("0"), "budget:adjusted": Decimal("321.02")}
    completion = next(f for f in page if f.basis == "completion_pct")
    # the sentence says 年初预算; the figure (95.89) is actual / 全年预算 — the checks can now tell
    assert completion.amount.value == Decimal("95.89") and completion.locator.endswith("/budget:initial")
    assert len({_para_locator(f.locator) for f in page}) == 1
    line_budgets = [x for x in r.lines if x.page == 18 and x.measure == "budget"]
    assert line_budgets and all(x.locator.endswith("/budget:adjusted") for x in line_budgets)


@cache
def _caizheng() -> NarrativeResult:
    path = realdata_path(CAIZHENG)
    from ingest.readers.pdf import read

    return extract_narrative(read(path), CATALOG, 2024)


def test_putuo_caizheng_pdf_hand_checked_facts() -> None:
    r = _caizheng()
    assert set(_values(r, "income_total", "actual")) == {Decimal("2995.39")}
    assert set(_values(r, "income_other", "share_pct")) == {Decimal("0.21")}
    assert set(_values(r, "general_budget_expenditure", "yoy_pct")) == {Decimal("-2.10")}
    assert set(_values(r, "basic_public", "actual")) == {Decimal("184.65")}
    assert set(_values(r, "admin_operating_cost", "yoy_change")) == {Decimal("2.55")}
    assert set(_values(r, "procurement_sme_other_awarded", "actual")) == {Decimal("4.79")}
    assert set(_values(r, "equipment_over_100", "actual")) == {Decimal(2)}
    assert set(_values(r, "perf_selfeval_avg_score", "actual")) == {Decimal("99.43")}
    budgets = [x for x in r.lines if x.level == "项" and x.measure == "budget"]
    assert len(budgets) == 11
    assert Path(CAIZHENG).suffix == ".pdf"


def test_performance_project_figures_and_count_before_noun() -> None:
    r = extract_narrative(
        _doc(
            "十、预算绩效管理情况",
            "本部门对2024年度3个项目开展了绩效目标管理和绩效自评。",
            "1.办公室业务项目：项目全年预算数390.60万元，执行数为390.50万元，完成预算的99.97%，自评得分95.5分。",
        ),
        CATALOG, 2024,
    )
    assert _values(r, "performance_projects", "actual") == [Decimal("3")]
    assert _values(r, "project_budget", "budget") == [Decimal("390.60")]
    assert _values(r, "project_actual", "actual") == [Decimal("390.50")]
    assert _values(r, "project_actual", "completion_pct") == [Decimal("99.97")]
    assert _values(r, "project_score", "actual") == [Decimal("95.5")]


def test_table_rows_read_as_text_are_not_claims() -> None:
    r = extract_narrative(_doc("303 对个人和家庭的补助 331.92 30215 会议费 0.33", "30310 个人农业生产补贴 30231 81.11"),
                          CATALOG, 2025)
    assert r.facts == []


# --- scope, budget documents, near-synonym totals (issue 12) --------------------------------------


def test_parts_of_a_fiscal_whole_are_read_in_its_scope_when_they_sum_to_it() -> None:
    r = extract_narrative(
        _doc("（四）财政拨款支出决算表说明",
             "单位2023年度财政拨款支出总计为500.00万元，其中基本支出300.00万元，占总支出的60.00%；"
             "项目支出200.00万元，占总支出的40.00%。"),
        CATALOG, 2023,
    )
    assert _values(r, "fiscal_basic_expenditure", "actual") == [Decimal("300.00")]
    assert _values(r, "fiscal_basic_expenditure", "share_pct") == [Decimal("60.00")]
    assert _values(r, "fiscal_project_expenditure", "actual") == [Decimal("200.00")]
    assert _values(r, "expenditure_basic", "actual") == []


def test_parts_that_do_not_sum_to_the_whole_keep_their_own_metric() -> None:
    r = extract_narrative(
        _doc("单位2023年度财政拨款支出总计为500.00万元，其中基本支出300.00万元；项目支出150.00万元。"),
        CATALOG, 2023,
    )
    assert _values(r, "expenditure_basic", "actual") == [Decimal("300.00")]
    assert _values(r, "fiscal_basic_expenditure", "actual") == []


def test_budget_document_figures_are_budgets() -> None:
    r = extract_narrative(
        _doc("2025年部门预算编制说明",
             "2025年，某某街道办事处收入预算1,000.00万元，其中：财政拨款收入900.00万元，比2024年预算增加50.00万元；"
             "其他收入100.00万元。",
             "省检察院本年支出预算合计1,000.00万元，其中：基本支出600.00万元，占60.00%；"
             "单位预留机动经费400.00万元，占40.00%。"),
        CATALOG, 2025, doc_type="budget",
    )
    assert _values(r, "income_total", "budget") == [Decimal("1000.00")]
    assert _values(r, "income_fiscal_appropriation", "budget") == [Decimal("900.00")]
    assert _values(r, "income_fiscal_appropriation", "yoy_change") == [Decimal("50.00")]
    assert _values(r, "expenditure_current_year", "budget") == [Decimal("1000.00")]
    assert _values(r, "expenditure_basic", "share_pct") == [Decimal("60.00")]  # 40% is the reserve's, not ours
    assert not [f for f in r.facts if f.basis == "actual" and f.unit == "万元"]


def test_a_planned_vehicle_purchase_is_no_count_of_vehicles_held() -> None:
    r = extract_narrative(
        _doc("截至2024年8月31日，本部门共有车辆8辆，其中：其他用车8辆。",
             "2025年部门预算安排购置车辆1辆，其中：其他用车1辆。"),
        CATALOG, 2025, doc_type="budget",
    )
    assert _values(r, "vehicles_total", "actual") == [Decimal("8")]
    assert _values(r, "vehicles_other", "actual") == [Decimal("8")]


def test_joint_sides_and_total_budget_name_one_figure() -> None:
    r = extract_narrative(
        _doc("某院2018年度收入、支出预算总计2,000.00万元，与上年相比收、支预算总计各增加100.00万元，增长5.26%。",
             "某院2018年度财政拨款收、支总预算1,900.00万元。"),
        CATALOG, 2018, doc_type="budget",
    )
    assert _values(r, "income_total", "budget") == [Decimal("2000.00")]
    assert _values(r, "income_total", "yoy_change") == [Decimal("100.00")]
    assert _values(r, "fiscal_total", "budget") == [Decimal("1900.00")]


def _fact(metric: str, value: str, source_kind: str = "table", basis: str = "actual", evidence: str = "",
          unit: str = "万元") -> MetricFact:
    amount = parse_amount(value)
    assert amount is not None
    return MetricFact(metric=metric, basis=basis, amount=amount, unit=unit, source_kind=source_kind,  # type: ignore[arg-type]
                      page=1, locator="section:一/para:1/chars:0-1", evidence=evidence)


def test_a_total_worded_as_the_grand_total_takes_the_metric_whose_table_value_it_is() -> None:
    table = [_fact("income_total", "600.00"), _fact("income_current_year", "500.00")]
    said = "收入总计500.00万元，财政拨款收入300.00万元；其他收入200.00万元。"
    narrative = [
        _fact("income_total", "500.00", "narrative", evidence=said),
        _fact("income_total", "-20.00", "narrative", basis="yoy_change", evidence=said),
        _fact("income_fiscal_appropriation", "300.00", "narrative", evidence=said),
        _fact("income_other", "200.00", "narrative", evidence=said),
    ]
    out = resolve_near_synonyms(narrative, table)
    assert [(f.metric, f.basis) for f in out[:2]] == [("income_current_year", "actual"),
                                                      ("income_current_year", "yoy_change")]
    assert all(f.locator.endswith(f"{WORDED_MARK}income_total") for f in out[:2])
    assert out[2:] == narrative[2:]


def test_no_resolution_against_the_sentence_arithmetic_or_the_other_way_round() -> None:
    table = [_fact("income_total", "600.00"), _fact("income_current_year", "500.00")]
    said = "收入总计500.00万元，财政拨款收入300.00万元；其他收入100.00万元。"
    parts_off = [_fact("income_total", "500.00", "narrative", evidence=said),
                 _fact("income_fiscal_appropriation", "300.00", "narrative", evidence=said),
                 _fact("income_other", "100.00", "narrative", evidence=said)]
    assert resolve_near_synonyms(parts_off, table) == parts_off
    current_said = [_fact("income_current_year", "600.00", "narrative", evidence="本年收入合计600.00万元。")]
    assert resolve_near_synonyms(current_said, table) == current_said
