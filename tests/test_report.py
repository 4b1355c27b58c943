"""``juesuan report``: pages and workbooks on a hand-written warehouse, and end to end on a generated county."""

from __future__ import annotations

import re
import shutil
from decimal import Decimal
from pathlib import Path
from urllib.parse import unquote

import pytest
from openpyxl import load_workbook

from flows.cli import main
from tests.test_report_data import EDUCATION, FINANCE, INJECTION, TOWN, write_mart_warehouse
from warehouse.report import build_reports
from warehouse.report.html import department_filename


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("report")
    return build_reports(write_mart_warehouse(root / "w.duckdb"), root / "out")


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
    assert errors.index(FINANCE) < errors.index(TOWN) and EDUCATION not in errors
    assert "暂无数据" in html  # no fct_expenditure_by_function in this warehouse


def test_department_page_findings_by_severity_with_evidence(reports):
    html = (reports.out / department_filename(FINANCE, 2024, "html")).read_text(encoding="utf-8")
    findings = html.split("<h2>审核发现（待处理，按严重程度）</h2>")[1].split("<h2>")[0]
    order = [findings.index(s) for s in ("错误</span> 1 项", "警告</span> 1 项", "提示</span> 1 项")]
    assert order == sorted(order)
    assert "收入总计与支出总计不相等" in findings and "第 3 页" in findings
    assert "<blockquote>“收入总计 1200.50 | 支出总计 1190.50”</blockquote>" in findings
    assert "通过" not in findings  # passing checks are not findings
    assert "=HYPERLINK(&quot;" in findings  # evidence is escaped HTML, never markup
    for title in ("收支总计变动", "收入结构", "支出结构", "三公结构"):
        assert f'aria-label="{title}"' in html
    assert "1,200.50" in html and "88.0%" in html


def test_department_page_without_checks_says_no_data(tmp_path: Path):
    result = build_reports(write_mart_warehouse(tmp_path / "w.duckdb", with_checks=False), tmp_path / "out",
                           department=TOWN)
    assert result.index is None and [p.name for p in result.pages] == [department_filename(TOWN, 2024, "html")]
    html = result.pages[0].read_text(encoding="utf-8")
    assert "暂无数据：审核结果（marts.fct_check_result）尚未生成" in html
    assert "index.html" not in html  # a single page has no county page to go back to


def test_department_workbook(reports):
    wb = load_workbook(reports.out / department_filename(FINANCE, 2024, "xlsx"))
    assert wb.sheetnames == ["审核发现", "主要指标", "图表数据", "数据出处"]
    findings = [r for r in wb["审核发现"].iter_rows(min_row=2, values_only=True)]
    assert [r[1] for r in findings] == ["错误", "警告", "提示"]
    assert findings[1][10] == "'" + INJECTION  # evidence that looks like a formula is escaped
    assert isinstance(findings[0][5], float) and isinstance(findings[0][7], int | float)  # 应为 / 差额: numbers
    assert all(c.data_type != "f" for row in wb["数据出处"].iter_rows() for c in row)
    key = {r[0]: r for r in wb["主要指标"].iter_rows(min_row=2, values_only=True)}
    assert key["本年支出合计"][2] == pytest.approx(1150.25) and key["本年支出合计"][3] == pytest.approx(900)
    chart = [(r[0], r[1], r[2]) for r in wb["图表数据"].iter_rows(min_row=2, values_only=True)]
    assert ("支出结构", "基本支出", pytest.approx(800.25)) in chart


def test_cli_report_and_unknown_department(tmp_path: Path, capsys):
    wh = write_mart_warehouse(tmp_path / "w.duckdb")
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

def _reviewed_warehouse(path: Path) -> Path:
    import duckdb

    wh = write_mart_warehouse(path)
    with duckdb.connect(str(wh)) as con:
        for column in ("finding_id VARCHAR", "title_zh VARCHAR", "lifecycle VARCHAR", "disposition_reason VARCHAR",
                       "disposition_by VARCHAR", "disposition_at TIMESTAMPTZ", "response VARCHAR",
                       "occurrences INTEGER DEFAULT 1"):
            con.execute(f"ALTER TABLE marts.fct_check_result ADD COLUMN {column}")
        con.execute("UPDATE marts.fct_check_result SET finding_id = 'F' || check_id || '-' || coalesce(locator, ''), "
                    "lifecycle = 'open', title_zh = CASE check_id WHEN 'total_balance' THEN '收入总计等于支出总计' "
                    "WHEN 'sangong_sum' THEN '三公经费合计等于各项之和' END")
        con.execute("INSERT INTO marts.fct_check_result (run_id, finding_id, check_id, title_zh, severity, status, "
                    "lifecycle, department_name, fiscal_year, message, disposition_reason, disposition_by, "
                    "disposition_at) SELECT 'r1', 'Facc', 'percent.share', '占比与金额一致', 'error', 'accepted', "
                    "'accepted', ?, 2024, '占比填报有误', '口径不同，已在说明中解释', '张三', "
                    "TIMESTAMPTZ '2026-11-30 10:00:00+00'", [FINANCE])
        con.execute("UPDATE marts.fct_check_result SET lifecycle = 'reopened', disposition_reason = '复核', "
                    "response = '已更正' WHERE check_id = 'sangong_sum'")
        con.execute("CREATE TABLE marts.fct_review_decision AS SELECT * FROM (VALUES "
                    "(1, 'Facc', 'accept', 'open', 'accepted', '口径不同，已在说明中解释', NULL, '张三', "
                    "TIMESTAMPTZ '2026-11-30 10:00:00+00'), "
                    "(2, 'Fsangong_sum-table:sangong', 'accept', 'open', 'accepted', '先认可', NULL, '李四', "
                    "TIMESTAMPTZ '2026-11-29 10:00:00+00'), "
                    "(3, 'Fsangong_sum-table:sangong', 'reopen', 'accepted', 'reopened', '复核', '已更正', '李四', "
                    "TIMESTAMPTZ '2026-11-30 11:00:00+00')) AS t(event_id, finding_id, action, state_before, "
                    "state_after, reason, response, decided_by, decided_at)")
        con.execute("CREATE TABLE marts.fct_missing_submission AS SELECT * FROM (VALUES "
                    "(2024, '示例县迟报局', 2023), (2023, '示例县教育局', NULL)) AS t(fiscal_year, department_name, "
                    "last_filed_year)")
        con.execute("CREATE TABLE marts.dim_department AS SELECT * FROM (VALUES (?, '县级部门', true)) "
                    "AS t(department_name, peer_group, in_registry)", [FINANCE])
    return wh


def test_review_state_decisions_apart_history_and_chinese_titles(tmp_path: Path):
    result = build_reports(_reviewed_warehouse(tmp_path / "w.duckdb"), tmp_path / "out")
    html = (tmp_path / "out" / department_filename(FINANCE, 2024, "html")).read_text(encoding="utf-8")
    todo = html.split("<h2>审核发现（待处理，按严重程度）</h2>")[1].split("<h2>")[0]
    decided = html.split("<h2>已认可 / 不成立的问题</h2>")[1].split("<h2>")[0]
    assert "占比填报有误" not in todo and "占比填报有误" in decided
    assert "口径不同，已在说明中解释" in decided and "张三" in decided and "已认可" in decided
    assert "收入总计等于支出总计" in todo and "<code>total_balance</code>" not in todo  # the Chinese title
    town = (tmp_path / "out" / department_filename(TOWN, 2024, "html")).read_text(encoding="utf-8")
    assert "重新打开" in town and "整改情况：已更正" in town
    assert "李四 认可：待处理 → 已认可（先认可）" in town and "李四 重新打开：已认可 → 重新打开（复核）" in town
    wb = load_workbook(tmp_path / "out" / department_filename(FINANCE, 2024, "xlsx"))
    states = [r[2] for r in wb["审核发现"].iter_rows(min_row=2, values_only=True)]
    assert "已认可" in states and states.count("待处理") == 3
    assert result.index is not None and result.index.name == "index.html"


def test_county_page_per_year_ranks_errors_and_warnings_lists_missing(tmp_path: Path):
    result = build_reports(_reviewed_warehouse(tmp_path / "w.duckdb"), tmp_path / "out")
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
    assert "收入总计等于支出总计×1" in errors and "narrative_reason" not in errors  # info hints do not count
    row = errors.split(FINANCE)[1].split("</tr>")[0]
    assert re.findall(r'<td class="n">(\d+)</td>', row) == ["1", "2"]  # 1 error, 2 errors+warnings (not the info)
    dept = (tmp_path / "out" / department_filename(FINANCE, 2023, "html")).read_text(encoding="utf-8")
    assert 'href="index-2023.html"' in dept  # back to its own year's county page
