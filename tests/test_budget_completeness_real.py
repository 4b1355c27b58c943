"""Budget completeness by template family on real budgets of two templates none of the checks was written for:
江苏省人民检察院 2019 (公开01–12表, its 目录 lists them) and 西南大学 2023 (a 教育部直属 university's four tables,
its 目录 names no table). Read from the documents before the checks: 江苏 prints eleven standard tables (its twelfth,
政府采购支出预算表, is none of them) and its 政府性基金 table is empty with 「此表为空」; 西南大学 prints 收支预算总表,
收入预算表, 支出预算表 and 财政拨款支出预算表.

The originals raise no completeness failure; a copy whose table keeps its title but lost its rows (the mutation
harness's table_emptied edit, issue 16 #714/#740) or lost the table whole (table_removed) fails
budget.required_tables for that table. One warehouse (one `juesuan run` of six renderings), skipped without
../shared/realdata.
"""

from __future__ import annotations

import duckdb
import pytest

from ingest.readers import pdf
from ingest.table_recognition import classify_title
from tests.e2e_support import juesuan_run
from tests.realdata import realdata_path
from warehouse.mutation.operators import Site, apply, table_emptied, table_removed
from warehouse.mutation.render import PageText, render_document

JIANGSU = ("more/江苏省人民检察院2019年度部门预算.pdf", "江苏省人民检察院")
UNIVERSITY = ("more/西南大学2023年度部门预算.pdf", "西南大学")
# (copy, document, edit, table key): the department of each copy gets its own prefix (one filing each)
COPIES = (
    ("甲", JIANGSU, None, None),
    ("乙", JIANGSU, table_emptied, "budget_income_expenditure_summary"),
    ("丙", UNIVERSITY, None, None),
    ("丁", UNIVERSITY, table_emptied, "budget_expenditure"),
    ("戊", UNIVERSITY, table_removed, "budget_fiscal_expenditure"),
    ("己", JIANGSU, table_removed, "budget_fiscal_summary"),
)


def _site(pages: tuple[str, ...], edit, key: str) -> Site:
    """The edit's site on the table whose title names ``key``."""
    for site in edit(pages):
        if classify_title(site.anchors[0]) == key:  # the anchor of both edits is the table's title
            return site
    raise AssertionError(f"no {edit.__name__} site for {key}")


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[tuple[str, str, str]]]:
    root = tmp_path_factory.mktemp("budget_completeness")
    inbox = root / "inbox"
    inbox.mkdir()
    rendered: dict[str, tuple[str, ...]] = {}
    for prefix, (relative, department), edit, key in COPIES:
        path = realdata_path(relative)
        if relative not in rendered:
            rendered[relative] = render_document(pdf.read(path)).pages
        pages = rendered[relative]
        if edit is not None and key is not None:
            pages = apply(pages, _site(pages, edit, key))
        body = [p.replace(department, prefix + department) for p in pages]
        stem = path.stem.replace(department, prefix + department)
        (inbox / f"{stem}.page_texts.json").write_text(PageText(tuple(body)).to_json(), encoding="utf-8")
    target = root / "warehouse.duckdb"
    proc = juesuan_run(inbox, target)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    with duckdb.connect(str(target), read_only=True) as con:
        # every evaluation (the marts keep the findings; check_summary counts the passes)
        rows = con.execute(
            "select d.department_name, r.status, r.locator, r.message from intermediate.int_check_results as r "
            "inner join marts.dim_document as d using (document_id) "
            "where r.check_id = 'budget.required_tables'").fetchall()
    out: dict[str, list[tuple[str, str, str]]] = {}
    for department, status, locator, message in rows:
        out.setdefault(department[0], []).append((status, locator, message))
    return out


def _failures(results: dict[str, list[tuple[str, str, str]]], prefix: str) -> set[str]:
    return {locator for status, locator, _ in results.get(prefix, []) if status == "fail"}


@pytest.mark.parametrize("prefix", ["甲", "丙"])
def test_the_originals_have_every_table_of_their_family(results, prefix: str) -> None:
    assert results.get(prefix), "no completeness evaluation for the original"
    assert _failures(results, prefix) == set()


def test_a_family_requires_its_own_tables(results) -> None:
    """江苏's twelve tables, 公开01–12表 (the empty 政府性基金 table and the 政府采购 table included); the
    university's four."""
    jiangsu = {loc for _, loc, _ in results["甲"] if loc.startswith("template:")}
    university = {loc for _, loc, _ in results["丙"] if loc.startswith("template:")}
    assert len(jiangsu) == 12 and {"template:budget_govfund", "template:budget_procurement"} <= jiangsu
    assert university == {"template:budget_income_expenditure_summary", "template:budget_income",
                          "template:budget_expenditure", "template:budget_fiscal_expenditure"}


@pytest.mark.parametrize("prefix, key, words", [
    ("乙", "budget_income_expenditure_summary", "只有标题"),  # #714
    ("丁", "budget_expenditure", "只有标题"),  # #740
    ("戊", "budget_fiscal_expenditure", "缺少"),
    ("己", "budget_fiscal_summary", "缺少"),
])
def test_an_emptied_or_removed_table_of_the_family_fails(results, prefix: str, key: str, words: str) -> None:
    failures = [(loc, msg) for status, loc, msg in results[prefix] if status == "fail"]
    assert ("template:" + key) in {loc for loc, _ in failures}
    assert any(words in msg for loc, msg in failures if loc == "template:" + key)
