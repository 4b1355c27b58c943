"""``juesuan report``: pages and workbooks on marts dbt built from the raw fixture, and end to end on a county."""

from __future__ import annotations

import re
import shutil
from decimal import Decimal
from pathlib import Path
from urllib.parse import unquote

import pytest
from openpyxl import load_workbook

from flows.cli import main
from tests.fixtures_marts import EDUCATION, FINANCE, INCOME_SENTENCE, INJECTION, TOWN, copy_marts
from warehouse.report import build_reports
from warehouse.report.html import department_filename


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory, dbt_marts: Path):
    return build_reports(dbt_marts, tmp_path_factory.mktemp("report") / "out")


def _links(html: str) -> list[str]:
    return [unquote(h) for h in re.findall(r'href="([^"]+)"', html)]


def test_every_department_year_gets_a_page_and_workbook(reports):
    names = sorted(p.name for p in reports.pages)
    assert names == sorted([department_filename(d, 2024, "html") for d in (FINANCE, EDUCATION, TOWN)]
                           + [department_filename(FINANCE, 2023, "html")])
    assert all(p.exists() and p.stat().st_size > 2000 for p in reports.pages + reports.workbooks)
    assert reports.index is not None and reports.year == 2024


def test_pages_are_self_contained(reports):
    for path in [reports.index, *reports.pages]:
        html = path.read_text(encoding="utf-8")
        assert "<script" not in html and "<link" not in html and "@import" not in html
        assert not re.search(r'(src|href)="(https?:)?//', html)
        assert '"Noto Sans CJK SC"' in html and '"Microsoft YaHei"' in html and '"PingFang SC"' in html


def test_county_links_resolve_to_written_files(reports):
    html = reports.index.read_text(encoding="utf-8")
    links = _links(html)
    for dept in (FINANCE, EDUCATION, TOWN):
        assert department_filename(dept, 2024, "html") in links
        assert department_filename(dept, 2024, "xlsx") in links
    assert all((reports.out / link).exists() for link in links)


def test_county_page_sections(reports):
    html = reports.index.read_text(encoding="utf-8")
    h1 = re.search(r"<h1>(.*?)</h1>", html).group(1)
    assert h1 == "示例县 2024 年度部门决算审阅总览"
    for heading in ("部门排名", "支出功能结构", "同比变动最大的部门", "错误最多的部门", "全部部门"):
        assert f"<h2>{heading}</h2>" in html
    assert html.count('<svg class="chart"') >= 5  # six small multiples, one per ranking with data
    # movers: 教育局 −450.00 (stated) is larger than 财政局 +250.25 (from the 2023 disclosure)
    movers = html.split("<h2>同比变动最大的部门</h2>")[1].split("</table>")[0]
    assert movers.index(EDUCATION) < movers.index(FINANCE)
    assert "-450.00" in movers and "+250.25" in movers
    errors = html.split("<h2>错误最多的部门</h2>")[1].split("</table>")[0]
    assert errors.index(FINANCE) < errors.index(TOWN)  # 2 errors first, then warnings only
    assert "暂无数据" in html  # the fixture has no function lines


def test_department_page_findings_by_severity_with_evidence(reports):
    html = (reports.out / department_filename(FINANCE, 2024, "html")).read_text(encoding="utf-8")
    findings = html.split("<h2>审核发现（待处理，按严重程度）</h2>")[1].split("<h2>")[0]
    order = [findings.index(s) for s in ("错误</span> 2 项", "警告</span> 6 项")]
    assert order == sorted(order) and "提示</span>" not in findings  # not_evaluable hints are not findings
    assert "「收入总计」为1210.50万元" in findings and "第 5 页" in findings
    assert f"<blockquote>“{INCOME_SENTENCE}”</blockquote>" in findings
    assert "=HYPERLINK(&quot;" in html and "=HYPERLINK(\"" not in html  # evidence is escaped HTML, never markup
    for title in ("收支总计变动", "收入结构", "支出结构", "三公结构"):
        assert f'aria-label="{title}"' in html
    assert "1,200.50" in html and "88.0%" in html


def test_one_department_page(tmp_path: Path, dbt_marts: Path):
    result = build_reports(dbt_marts, tmp_path / "out", department=TOWN)
    assert result.index is None and [p.name for p in result.pages] == [department_filename(TOWN, 2024, "html")]
    html = result.pages[0].read_text(encoding="utf-8")
    assert "index.html" not in html  # a single page has no county page to go back to


def test_unbuilt_warehouse_says_no_data(tmp_path: Path):
    import duckdb

    duckdb.connect(str(tmp_path / "w.duckdb")).close()
    result = build_reports(tmp_path / "w.duckdb", tmp_path / "out")
    assert result.pages == []


def test_department_workbook(reports):
    wb = load_workbook(reports.out / department_filename(FINANCE, 2024, "xlsx"))
    assert wb.sheetnames == ["审核发现", "主要指标", "图表数据", "数据出处"]
    findings = [r for r in wb["审核发现"].iter_rows(min_row=2, values_only=True)]
    assert [r[1] for r in findings] == ["错误"] * 2 + ["警告"] * 6
    sources = [c.value for row in wb["数据出处"].iter_rows() for c in row]
    assert "'" + INJECTION in sources and INJECTION not in sources  # evidence that looks like a formula is escaped
    assert isinstance(findings[0][5], float) and isinstance(findings[0][7], int | float)  # 应为 / 差额: numbers
    assert all(c.data_type != "f" for row in wb["数据出处"].iter_rows() for c in row)
    key = {r[0]: r for r in wb["主要指标"].iter_rows(min_row=2, values_only=True)}
    assert key["本年支出合计"][2] == pytest.approx(1150.25) and key["本年支出合计"][3] == pytest.approx(900)
    chart = [(r[0], r[1], r[2]) for r in wb["图表数据"].iter_rows(min_row=2, values_only=True)]
    assert ("支出结构", "基本支出", pytest.approx(800.25)) in chart


def test_cli_report_and_unknown_department(tmp_path: Path, capsys, dbt_marts: Path):
    wh = dbt_marts
    assert main(["report", "--warehouse", str(wh), "--out", str(tmp_path / "r"), "--year", "2023"]) == 0
    assert (tmp_path / "r" / department_filename(FINANCE, 2023, "html")).exists()
    assert "county page: index.html (2023)" in capsys.readouterr().out
    assert main(["report", "--warehouse", str(wh), "--out", str(tmp_path / "r2"), "--department", "没有这个部门"]) == 2
    assert "department not found" in capsys.readouterr().err
    assert main(["report", "--warehouse", str(tmp_path / "missing.duckdb"), "--out", str(tmp_path / "r3")]) == 2


# ---- end to end: a generated county (and the real Sichuan text, when present) through ingest, load and dbt ----

@pytest.fixture(scope="module")
def generated_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from ingest.batch import ingest_files
    from ingest.discover import discover_files
    from samplegen import generate_county
    from tests.realdata import REALDATA_ROOT
    from warehouse.dbt import dbt_build
    from warehouse.load import load_results

    root = tmp_path_factory.mktemp("county")
    inbox = root / "inbox"
    generate_county(inbox, departments=2, years=(2023, 2024), seed=3, defect_rate=0.5, formats=("txt",))
    for real in sorted((REALDATA_ROOT / "seed_sichuan").glob("*.txt"))[:1]:
        shutil.copy(real, inbox / real.name)
    warehouse = root / "warehouse.duckdb"
    results = ingest_files(discover_files(inbox), workers=1)
    load_results(warehouse, results, "test-run", inbox)
    outcome = dbt_build(warehouse, root / "dbt")
    assert outcome.success, outcome.message
    return warehouse


def test_report_end_to_end_writes_every_page(generated_warehouse: Path, tmp_path: Path):
    import duckdb

    with duckdb.connect(str(generated_warehouse), read_only=True) as con:
        expected = {r[0] for r in con.execute(
            "SELECT DISTINCT department_name FROM marts.dim_document WHERE status = 'loaded' "
            "AND doc_type <> 'budget' AND fiscal_year IS NOT NULL").fetchall()}
    assert len(expected) >= 2
    result = build_reports(generated_warehouse, tmp_path / "out")
    assert {p.name.rsplit("-", 1)[0] for p in result.pages} == expected
    assert result.index is not None
    index = result.index.read_text(encoding="utf-8")
    every_year = "".join(page.read_text(encoding="utf-8") for page in result.county_pages)
    assert all(d in every_year for d in expected)  # one county page per year; index.html is the busiest year
    for page in result.pages:
        html = page.read_text(encoding="utf-8")
        assert html.count('<svg class="chart"') >= 3, page.name  # totals, structures (三公 may be absent)
        totals = html.split('aria-label="收支总计变动"')[1].split("</svg>")[0]
        assert re.search(r"\d,?\d*\.\d\d", totals), page.name
    money = re.findall(r'<td class="n">(-?[\d,]+\.\d\d)</td>', index)
    assert money and all(Decimal(m.replace(",", "")) >= 0 for m in money[:3])


def test_report_agrees_with_the_county_mart(generated_warehouse: Path, tmp_path: Path):
    import duckdb

    from warehouse.report.fmt import money

    with duckdb.connect(str(generated_warehouse), read_only=True) as con:
        marts = {r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'marts'").fetchall()}
        if "county_department_summary" not in marts:
            pytest.skip("marts.county_department_summary not built by this dbt project yet")
        year = con.execute("SELECT max(fiscal_year) FROM marts.county_department_summary").fetchone()[0]
        rows = con.execute("SELECT department_name, total_expenditure FROM marts.county_department_summary "
                           "WHERE fiscal_year = ? AND total_expenditure IS NOT NULL", [year]).fetchall()
    result = build_reports(generated_warehouse, tmp_path / "out", year=year)
    index = result.index.read_text(encoding="utf-8")
    table = index.split("<h2>全部部门</h2>")[1]
    for dept, total in rows:
        row = table.split(f">{dept}</a>")[1].split("</tr>")[0]
        assert f'<td class="n">{money(total)}</td>' in row, dept


# ---- the review loop on the pages: state, decisions apart, history, years, 未提交部门 --------------------------

def _reviewed_warehouse(built: Path, path: Path) -> Path:
    """The built marts as the review loop leaves them: one finding accepted, one reopened, two 未提交部门."""
    import duckdb

    wh = copy_marts(built, path)
    with duckdb.connect(str(wh)) as con:
        accepted, = con.execute("SELECT finding_id FROM marts.fct_check_result WHERE department_name = ? "
                                "AND check_id = 'narrative.amount_vs_table' AND page = 9", [FINANCE]).fetchone()
        reopened, = con.execute("SELECT min(finding_id) FROM marts.fct_check_result WHERE department_name = ? "
                                "AND status = 'fail'", [TOWN]).fetchone()
        con.execute("UPDATE marts.fct_check_result SET status = 'accepted', lifecycle = 'accepted', "
                    "disposition_reason = '口径不同，已在说明中解释', disposition_by = '张三', "
                    "disposition_at = TIMESTAMPTZ '2026-11-30 10:00:00+00' WHERE finding_id = ?", [accepted])
        con.execute("UPDATE marts.fct_check_result SET lifecycle = 'reopened', disposition_reason = '复核', "
                    "response = '已更正' WHERE finding_id = ?", [reopened])
        con.executemany(
            "INSERT INTO marts.fct_review_decision (event_id, finding_id, action, state_before, state_after, reason, "
            "response, decided_by, decided_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", [
                (1, accepted, "accept", "open", "accepted", "口径不同，已在说明中解释", None, "张三",
                 "2026-11-30 10:00:00+00"),
                (2, reopened, "accept", "open", "accepted", "先认可", None, "李四", "2026-11-29 10:00:00+00"),
                (3, reopened, "reopen", "accepted", "reopened", "复核", "已更正", "李四", "2026-11-30 11:00:00+00"),
            ])
        con.executemany("INSERT INTO marts.fct_missing_submission (fiscal_year, department_name, last_filed_year) "
                        "VALUES (?, ?, ?)", [(2024, "示例县迟报局", 2023), (2023, EDUCATION, None)])
        con.execute("UPDATE marts.dim_department SET in_registry = true WHERE department_name = ?", [FINANCE])
    return wh


def test_review_state_decisions_apart_history_and_chinese_titles(tmp_path: Path, dbt_marts: Path):
    result = build_reports(_reviewed_warehouse(dbt_marts, tmp_path / "w.duckdb"), tmp_path / "out")
    html = (tmp_path / "out" / department_filename(FINANCE, 2024, "html")).read_text(encoding="utf-8")
    todo = html.split("<h2>审核发现（待处理，按严重程度）</h2>")[1].split("<h2>")[0]
    decided = html.split("<h2>已认可 / 不成立的问题</h2>")[1].split("<h2>")[0]
    assert "第9页说明中" not in todo and "第9页说明中" in decided
    assert "口径不同，已在说明中解释" in decided and "张三" in decided and "已认可" in decided
    assert "说明中的金额与报表一致" in todo and "<code>narrative.amount_vs_table</code>" not in todo  # the title
    town = (tmp_path / "out" / department_filename(TOWN, 2024, "html")).read_text(encoding="utf-8")
    assert "重新打开" in town and "整改情况：已更正" in town
    assert "李四 认可：待处理 → 已认可（先认可）" in town and "李四 重新打开：已认可 → 重新打开（复核）" in town
    wb = load_workbook(tmp_path / "out" / department_filename(FINANCE, 2024, "xlsx"))
    states = [r[2] for r in wb["审核发现"].iter_rows(min_row=2, values_only=True)]
    assert "已认可" in states and states.count("待处理") == 7
    assert result.index is not None and result.index.name == "index.html"


def test_county_page_per_year_ranks_errors_and_warnings_lists_missing(tmp_path: Path, dbt_marts: Path):
    result = build_reports(_reviewed_warehouse(dbt_marts, tmp_path / "w.duckdb"), tmp_path / "out")
    assert sorted(p.name for p in result.county_pages) == ["index-2023.html", "index.html"]
    assert result.year == 2024  # three departments filed 2024, one 2023
    index = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    y2023 = (tmp_path / "out" / "index-2023.html").read_text(encoding="utf-8")
    assert "2024 年度部门决算审阅总览" in index and "2023 年度部门决算审阅总览" in y2023
    assert 'href="index-2023.html"' in index and 'href="index.html"' in y2023
    missing = index.split("<h2>未提交部门</h2>")[1].split("<h2>")[0]
    assert "示例县迟报局" in missing and "2023" in missing and "示例县教育局" not in missing
    assert "示例县教育局" in y2023.split("<h2>未提交部门</h2>")[1].split("<h2>")[0]
    errors = index.split("<h2>错误最多的部门</h2>")[1].split("</table>")[0]
    assert "说明中的金额与报表一致×1" in errors and "peer.outlier" not in errors  # hints do not count
    row = errors.split(FINANCE)[1].split("</tr>")[0]
    assert re.findall(r'<td class="n">(\d+)</td>', row) == ["1", "7"]  # 1 error (one accepted), 7 with warnings
    dept = (tmp_path / "out" / department_filename(FINANCE, 2023, "html")).read_text(encoding="utf-8")
    assert 'href="index-2023.html"' in dept  # back to its own year's county page
