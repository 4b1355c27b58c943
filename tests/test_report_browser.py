"""The review pages in a real browser: headless Chromium renders Chinese text and the SVG charts, no errors."""

from __future__ import annotations

import pytest

from tests.browser import SKIP_REASON, chromium_path, render_many
from tests.fixtures_marts import FINANCE
from warehouse.report import build_reports
from warehouse.report.html import department_filename

pytestmark = pytest.mark.skipif(chromium_path() is None, reason=SKIP_REASON)
CJK_FONTS = ("Noto Sans CJK", "Noto Serif CJK", "Source Han", "WenQuanYi", "Microsoft YaHei", "PingFang")


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory, dbt_marts):
    root = tmp_path_factory.mktemp("browser")
    result = build_reports(dbt_marts, root / "out")
    pages = [result.index, result.out / department_filename(FINANCE, 2024, "html")]
    shots = render_many(pages)
    for page, shot in zip(pages, shots, strict=True):  # kept next to the pages for a human look
        page.with_suffix(".png").write_bytes(shot.png)
    return dict(zip(("county", "department"), shots, strict=True))


@pytest.mark.parametrize("which", ["county", "department"])
def test_page_renders_without_console_errors(rendered, which: str):
    shot = rendered[which]
    assert shot.console_errors == []
    assert shot.dom["external"] == 0


@pytest.mark.parametrize("which", ["county", "department"])
def test_chinese_headings_use_a_cjk_font(rendered, which: str):
    shot = rendered[which]
    assert any("年度部门决算审阅" in h for h in shot.dom["h1"])
    assert shot.heading_fonts and all(any(f in font for f in CJK_FONTS) for font in shot.heading_fonts), \
        shot.heading_fonts


def test_county_page_draws_the_charts(rendered):
    shot = rendered["county"]
    assert {"部门排名", "同比变动最大的部门", "错误最多的部门", "全部部门"} <= set(shot.dom["h2"])
    assert shot.dom["charts"] >= 6 and shot.dom["chartShapes"] >= 12
    assert all(w > 100 and h > 20 for w, h in shot.dom["chartBoxes"])


def test_department_page_draws_the_standard_charts(rendered):
    shot = rendered["department"]
    headings = {"审核发现（待处理，按严重程度）", "已认可 / 不成立的问题", "主要指标：与上年及同类部门比较"}
    assert headings <= set(shot.dom["h2"])
    assert shot.dom["charts"] >= 4 and all(w > 100 and h > 100 for w, h in shot.dom["chartBoxes"][:4])


@pytest.mark.parametrize("which", ["county", "department"])
def test_screenshot_is_not_blank(rendered, which: str):
    shot = rendered[which]
    assert shot.png.startswith(b"\x89PNG")
    assert shot.non_background_share() > 0.05
    assert shot.distinct_colors() > 50  # text anti-aliasing and the chart palette, not a flat page
