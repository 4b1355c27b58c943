"""Mutation operators and scoring of the harness (warehouse/mutation), on a synthetic page text (no pipeline)."""

from __future__ import annotations

from warehouse.mutation.__main__ import subset
from warehouse.mutation.constraint import constraint
from warehouse.mutation.harness import (
    Finding,
    Mutant,
    Source,
    draw,
    new_findings,
    points_at,
    previous_year,
    tag,
    write_inbox,
)
from warehouse.mutation.operators import KINDS, Site, apply, bump_number
from warehouse.mutation.render import _row_lines

PAGES = (
    "示例县某某局2024年度部门决算",
    "收入决算表\n单位：万元\n合计 120.50 120.50\n201 一般公共服务支出 120.50 120.50\n"
    "20101 人大事务 120.50 120.50\n2010101 行政运行 100.00 100.00\n2010102 一般行政管理事务 20.50 20.50\n"
    "注：本表反映部门本年度取得的各项收入情况。",
    "一、收入支出决算总体情况说明\n2024年度收入总计120.50万元，与2023年度相比，减少10.00万元，下降7.66%。"
    "本年支出合计120.50万元，其中：基本支出100.00万元，项目支出20.50万元，占17.01%。\n"
    "行政运行（项）年初预算为90.00万元，支出决算为100.00万元，决算数大于预算数的主要原因是人员增加。\n"
    "截至2024年12月31日，共有车辆3辆，其中：执法执勤用车2辆、其他用车1辆。卫生健康支出0万元。",
)


def test_bump_number_keeps_the_displayed_decimals() -> None:
    assert bump_number("120.50") == "123.50"
    assert bump_number("2,946.25") == "2,949.25"
    assert bump_number("7") == "0" or bump_number("7") != "7"
    assert bump_number("0.00") == "3.00"


def test_every_kind_finds_a_site_and_edits_only_its_span() -> None:
    for kind in KINDS:
        sites = kind.sites(PAGES)
        if kind.key in ("count_visits", "flip_single_direction", "sangong_change", "summary_table_cell",
                        "narrative_completion", "year_heading", "item_line_amount", "item_line_rate",
                        "item_line_year", "sangong_table_cell", "row_total_cell"):
            continue  # no such sentence in this small text
        assert sites, kind.key
        site = sites[0]
        edited = apply(PAGES, site)
        text = PAGES[site.page]
        assert edited[site.page] == text[:site.start] + site.after + text[site.end:]
        assert edited[site.page] != text, kind.key
        assert all(a == b for i, (a, b) in enumerate(zip(PAGES, edited, strict=True)) if i != site.page)


def test_contradiction_flips_one_word_pair_flips_both() -> None:
    one = next(k for k in KINDS if k.key == "contradiction_clause").sites(PAGES)[0]
    both = next(k for k in KINDS if k.key == "flip_yoy_pair").sites(PAGES)[0]
    assert "减少10.00万元，增长7.66%" in apply(PAGES, one)[2]
    assert "增加10.00万元，增长7.66%" in apply(PAGES, both)[2]


def test_draw_is_deterministic_and_tags_are_chinese() -> None:
    src = Source("某某局", "示例县某某局", "示例县某某局2024年度部门决算", PAGES, True, ".page_texts.json")
    a = draw([src], seed=3)
    b = draw([src], seed=3)
    assert [(m.kind, m.site) for m in a] == [(m.kind, m.site) for m in b]
    assert tag(407) == "变异零四零七"


def test_a_subset_run_keeps_the_full_draws_numbers_and_sites() -> None:
    one = Source("某某局", "示例县某某局", "示例县某某局2024年度部门决算", PAGES, True, ".page_texts.json")
    other = Source("另一局", "示例县另一局", "示例县另一局2024年度部门决算", PAGES, True, ".page_texts.json")
    full = draw([one, other], seed=3)
    kept, sources = subset(full, [one, other], "narrative_amount,year_heading", "另一")
    assert kept and {m.kind for m in kept} <= {"narrative_amount", "year_heading"}
    assert {m.source for m in kept} == {other.name} and sources == [other]
    assert [(m.mutant_id, m.site) for m in kept] == [(m.mutant_id, m.site) for m in full if m in kept]


def test_a_finding_counts_when_new_and_pointing_at_the_edit() -> None:
    m = Mutant(1, "某某局", "narrative_amount", False, Site(2, 10, 16, "123.50", ("123.50",)), "120.50", "收入总计")
    old = Finding("narrative.amount_vs_table", "error", "fail", "第3页甲", "", 3, "")
    new_here = Finding("percent.share", "error", "fail", "第3页乙", "", 3, "")
    new_elsewhere = Finding("percent.share", "error", "fail", "第9页丙", "", 9, "")
    info = Finding("peer.outlier", "info", "fail", "第3页丁", "", 3, "")
    fresh = new_findings([old, new_here, new_elsewhere, info], [old])
    assert fresh == [new_here, new_elsewhere]
    assert points_at(new_here, m, paged=True) and not points_at(new_elsewhere, m, paged=True)
    stating = Finding("x", "error", "fail", "说明为 123.50 万元", "", None, "")
    assert points_at(stating, m, paged=False)


def test_rendering_joins_codes_split_over_columns() -> None:
    assert _row_lines(("201", "06", "01", "行政运行", "1,511.89", "", "8.37")) == ["2010601 行政运行 1,511.89 8.37"]
    assert _row_lines(("类", "款", "项", "合计", "2,940.05")) == ["类 款 项", "合计 2,940.05"]


def test_outdated_names_are_the_classification_seeds_own() -> None:
    from warehouse.mutation.operators import outdated_pairs

    pairs = outdated_pairs()
    assert ("卫生健康支出", "医疗卫生与计划生育支出") in pairs
    assert all(old not in new for new, old in pairs)
    site = next(k for k in KINDS if k.key == "outdated_name").sites(PAGES)[0]
    assert apply(PAGES, site)[2].endswith("医疗卫生与计划生育支出0万元。")


def test_a_roll_up_on_the_previous_page_points_at_the_parts_page_it_names() -> None:
    m = Mutant(1, "某某局", "table_detail_cell", False, Site(8, 0, 4, "5.22", ("5.22",)), "2.22", "医疗")
    naming = Finding("identity.rollup_kuan", "error", "fail", "第8页…差额 2.22（明细行在第8—9页）", "", 8, "")
    other = Finding("identity.rollup_kuan", "error", "fail", "第8页…差额 2.22（明细行在第7页）", "", 8, "")
    assert points_at(naming, m, paged=True) and not points_at(other, m, paged=True)


BUDGET = (
    "示例县某某局2026年部门预算",
    "2026年部门预算编制说明\n"
    "1、公共安全支出（204类）司法（06款）行政运行（01项）1672.67万元。主要用于：基本支出。2025年当年预算执行数为"
    "1690.69万元，2026年预算安排1672.67万元，比2025年预算执行数减少1.07%。\n"
    "2026年部门支出预算总表\n项目 合计 基本支出 项目支出\n2040601 行政运行 16726725.44 16726725.44 0.00\n",
    "2026年部门“三公”经费和机关运行经费预算表\n合计 因公出国(境)费 公务接待费 公务用车购置及运行费\n"
    "10.81 0 0.83 9.98 0 9.98 217.83\n"
    "国内公务接待2批次、26人次。",
)


def _site(pages: tuple[str, ...], key: str, before: str) -> Site:
    kind = next(k for k in KINDS if k.key == key)
    return next(s for s in kind.sites(pages) if pages[s.page][s.start:s.end] == before)


def test_budget_operators_edit_item_lines_and_the_sangong_row() -> None:
    amount = _site(BUDGET, "item_line_amount", "1672.67")
    rate = _site(BUDGET, "item_line_rate", "1.07")
    year = _site(BUDGET, "item_line_year", "2025")
    cell = _site(BUDGET, "sangong_table_cell", "0.83")
    total = _site(BUDGET, "row_total_cell", "16726725.44")
    assert (amount.after, rate.after, year.after, cell.after) == ("1675.67", "4.07", "2024", "3.83")
    assert total.after == "16726728.44" and BUDGET[total.page][total.end:].startswith(" 16726725.44")


def _decided(pages: tuple[str, ...], key: str, before: str) -> str | None:
    return constraint(pages, _site(pages, key, before))


def test_a_figure_is_decidable_only_where_the_document_constrains_it() -> None:
    # stated twice: the head figure and 预算安排
    assert _decided(BUDGET, "item_line_amount", "1672.67")
    # the sentence's own arithmetic: 1672.67 / 1690.69 − 1 = −1.07%
    assert "比率" in (_decided(BUDGET, "item_line_rate", "1.07") or "")
    # the 三公 row: 合计 = 出国 + 接待 + 公务用车; a row's 合计 = 基本 + 项目 (and a 万元 quote of it)
    assert _decided(BUDGET, "sangong_table_cell", "0.83")
    assert _decided(BUDGET, "row_total_cell", "16726725.44")
    # counts stated once, 2 → 4 批次 still ≤ 26 人次: nothing decides them
    assert _decided(BUDGET, "count_visits", "2") is None
    assert _decided(BUDGET, "count_visits", "26") is None
    # the parts of 共有车辆 3 辆 and a table column (合计 = Σ 类, 类 = Σ 款, 款 = Σ 项)
    assert "加总" in (_decided(PAGES, "count_vehicles", "2") or "")
    assert _decided(PAGES, "table_detail_cell", "100.00")


def test_a_completion_rate_needs_its_budget_or_a_word() -> None:
    alone = ("说明", "公务接待费支出决算为19.07万元，完成预算99.17%。")
    worded = ("说明", "支出决算为970.39万元，完成预算100%，决算数等于预算数的主要原因是按照预算执行。")
    stated = ("说明", "项目全年预算数5.66万元，执行数为5.66万元，完成预算的100%。")
    assert _decided(alone, "narrative_completion", "99.17") is None
    assert "等于" in (_decided(worded, "narrative_completion", "100") or "")
    assert "比率" in (_decided(stated, "narrative_completion", "100") or "")


def test_later_kinds_leave_the_earlier_kinds_sites_where_they_were() -> None:
    src = Source("某某局", "示例县某某局", "示例县某某局2024年度部门决算", PAGES, True, ".page_texts.json")
    old = draw([src], kinds=tuple(k for k in KINDS if k.part == 1), seed=5)
    new = draw([src], seed=5)
    assert [(m.kind, m.site) for m in new[:len(old)]] == [(m.kind, m.site) for m in old]
    assert all(m.constraint for m in new if not next(k for k in KINDS if k.key == m.kind).figure)


def test_one_kind_or_document_changing_redraws_no_other_site() -> None:
    # the draw of a (document, kind) is its own random sequence: an operator that finds more sites in one
    # document, or one more document, leaves every other document's and kind's sites where they were
    src = Source("某某局", "示例县某某局", "示例县某某局2024年度部门决算", PAGES, True, ".page_texts.json")
    other = Source("另一局", "示例县另一局", "示例县另一局2024年度部门决算", PAGES, True, ".page_texts.json")
    alone = {(m.source, m.kind, m.site) for m in draw([other], seed=5)}
    both = draw([src, other], seed=5)
    assert alone == {(m.source, m.kind, m.site) for m in both if m.source == other.name}
    without = tuple(k for k in KINDS if k.key != "narrative_amount")
    assert ({(m.kind, m.site) for m in draw([src], kinds=without, seed=5)}
            == {(m.kind, m.site) for m in draw([src], seed=5) if m.kind != "narrative_amount"})
    assert {(m.kind, m.site) for m in draw([src], seed=5)} != {(m.kind, m.site) for m in draw([src], seed=6)}


def test_a_zero_wan_figure_is_no_quote_of_a_small_figure() -> None:
    # 0 万元 at integer precision spans ±5000 元: it is no second statement of 1349.94 (a 其中 part stated once,
    # one part of its total — nothing in the document constrains it)
    pages = ("说明", "因公出国（境）费0万元，与2024年预算持平。\n"
             "面向中小企业预留政府采购项目预算金额1928.48万元，其中，预留给小型和微型企业的政府采购项目预算为1349.94万元。")
    assert _decided(pages, "qishong_part", "1349.94") is None


def test_a_rate_within_its_own_rounding_is_undecidable_whatever_base_elsewhere() -> None:
    # 0.31 → 0.39 万元 is +25.81%; +28.81% is within the rounding of two-decimal figures (22.2% … 29.5%), as the
    # checks' interval arithmetic judges it — a coarse figure elsewhere (2 万元: 0.39 / [1.5, 2.5]) must not decide it
    def rate_to(pages: tuple[str, ...], before: str, after: str) -> str | None:
        at = pages[1].index(before + "%")
        return constraint(pages, Site(1, at, at + len(before), after, ()))

    pages = ("说明", "某项目2023年执行数为0.31万元，2024年预算安排0.39万元，比2023年执行数增加25.81%。\n"
             "另安排设备购置2万元。")
    assert rate_to(pages, "25.81", "28.81") is None
    # outside the rounding it is decided by the paragraph's own figures (0.385/0.315 − 1 … 0.395/0.305 − 1)
    assert "比率" in (rate_to(pages, "25.81", "35.81") or "")
    assert "比率" in (rate_to(pages, "25.81", "20.81") or "")


def test_a_year_edit_that_corrects_the_document_is_undecidable() -> None:
    from warehouse.mutation.constraint import year_constraint
    pages = ("某局2026年部门预算",
             "一般公共预算拨款支出100万元，比2025年预算增加1万元；政府性基金拨款支出0万元，与2026年预算持平；"
             "国有资本经营预算拨款支出0万元，与2025年预算持平。")
    wrong = pages[1].index("与2026年") + 1
    right = pages[1].index("比2025年") + 1
    # 2026 → 2025 writes the year the document's other comparisons name: it corrects a defect, no defect to find
    assert year_constraint(pages, Site(1, wrong, wrong + 4, "2025", ())) is None
    # 2025 → 2024 makes a comparison wrong: decidable
    assert year_constraint(pages, Site(1, right, right + 4, "2024", ())) == "非数字改动"


def test_a_harmless_rewording_inside_a_real_defects_evidence_is_not_a_new_finding() -> None:
    rule = "budget.empty_reason"
    original = Finding(rule, "warning", "fail", "第16页原因说明缺失：「原因是。」；是否补写？", "", 16, "")
    reworded = Finding(rule, "warning", "fail", "第16页原因说明缺失：「原因为。」；是否补写？", "", 16, "")
    other = Finding("budget.unit", "warning", "fail", "第16页「为」", "", 16, "")
    assert new_findings([reworded, other], [original], ("主要原因是", "主要原因为")) == [other]
    assert new_findings([reworded], [original]) == [reworded]  # without the edit: a different message


def test_each_original_and_mutant_has_last_years_document_of_its_department(tmp_path) -> None:
    this = Source("某某局2024", "示例县某某局", "示例县某某局2024年度部门预算", PAGES, True, ".page_texts.json",
                  None, "预算", 2024)
    last = Source("某某局2023", "示例县某某局", "示例县某某局2023年度部门预算", PAGES, True, ".page_texts.json",
                  None, "预算", 2023)
    older = Source("某某局2022", "示例县某某局", "示例县某某局2022年度部门预算", PAGES, True, ".page_texts.json",
                   None, "预算", 2022)
    final = Source("某某局决算", "示例县某某局", "示例县某某局2023年度部门决算", PAGES, True, ".page_texts.json",
                   None, "决算", 2023)
    other = Source("另一局", "示例县另一局", "示例县另一局2023年度部门预算", PAGES, True, ".page_texts.json",
                   None, "预算", 2023)
    library = [this, last, older, final, other]
    assert previous_year(this, library) == [last]
    assert previous_year(older, library) == []
    mutants = [m for m in draw([this], seed=3) if m.kind == "narrative_amount"][:1]
    files = write_inbox([this], mutants, tmp_path / "inbox", library)
    written = sorted(p.name for p in (tmp_path / "inbox").iterdir())
    # the original and the mutant, each with last year's document under its own department name; only they score
    assert sorted(files) == sorted(f"{tag(n)}示例县某某局2024年度部门预算.page_texts.json"
                                   for n in (9000, mutants[0].mutant_id))
    assert written == sorted([*files, *(f"{tag(n)}示例县某某局2023年度部门预算.page_texts.json"
                                        for n in (9000, mutants[0].mutant_id))])
