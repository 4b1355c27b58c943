"""Mutation operators and scoring of the harness (warehouse/mutation), on a synthetic page text (no pipeline)."""

from __future__ import annotations

from warehouse.mutation.harness import Finding, Mutant, Source, draw, new_findings, points_at, tag
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
                        "narrative_completion", "year_heading"):
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
