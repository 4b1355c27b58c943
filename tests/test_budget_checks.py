"""Budget marts and budget.* checks end to end: a generated county with both kinds (预算 and 决算) and, when
../shared/realdata is there, the two real 司法局 2026 budgets whose reviewers' 检查表 are the truth.

One warehouse per module (generate, ingest, load, one dbt build of the budget models and the checks; ~1 min).
"""

from __future__ import annotations

import csv
import json
import shutil
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from ingest.catalog import load_metric_catalog
from ingest.pipeline import ingest_file
from samplegen import generate_county
from samplegen.defects import BUDGET_KINDS
from tests.realdata import REALDATA_ROOT, realdata_path
from warehouse.check_eval import Finding, labels_from_truth, match
from warehouse.dbt import dbt_build
from warehouse.load import load_results

SIFA_DEPT = "govbudgetchecker/上海市普陀区司法局2026年区级部门预算.pdf"
SIFA_UNIT = "govbudgetchecker/上海市普陀区司法局2026年区级单位预算.pdf"
BUDGET_CHECKS = ("int_check_budget_identity", "int_check_budget_narrative", "int_check_budget_text",
                 "int_check_budget_completeness", "int_check_budget_link")
SELECT = " ".join(f"+{m}" for m in (*BUDGET_CHECKS, "fct_budget_execution", "county_budget_summary",
                                    "fct_budget_by_function"))
REGISTRY = Path(__file__).resolve().parents[1] / "dbt_project" / "seeds" / "check_registry.csv"
FINDINGS = " union all ".join(
    f"select check_id, document_id, status, message, locator from intermediate.{m}" for m in BUDGET_CHECKS)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, Path]:
    work = tmp_path_factory.mktemp("budget_checks")
    inbox = work / "inbox"
    generate_county(inbox, departments=8, years=(2023, 2024), seed=21, defect_rate=1.0,
                    formats=("txt", "docx", "xlsx"), workers=1, budgets=True)
    truth = json.loads((inbox / "truth.json").read_text(encoding="utf-8"))
    for rel in (SIFA_DEPT, SIFA_UNIT):
        if (REALDATA_ROOT / rel).exists():
            shutil.copy(REALDATA_ROOT / rel, inbox / Path(rel).name)
    catalog = load_metric_catalog()
    files = sorted(p for p in inbox.rglob("*") if p.is_file() and p.suffix != ".json" and p.name != "county.csv")
    warehouse = work / "warehouse.duckdb"
    load_results(warehouse, [ingest_file(p, catalog) for p in files], "test-run", inbox)
    outcome = dbt_build(warehouse, work / "dbt", select=SELECT)
    assert outcome.success, outcome.message
    return warehouse, truth, inbox


@pytest.fixture(scope="module")
def con(built) -> duckdb.DuckDBPyConnection:
    with duckdb.connect(str(built[0]), read_only=True) as c:
        yield c


def _budget_findings(con: duckdb.DuckDBPyConnection, status: str = "fail") -> list[tuple[str, str, str, str]]:
    return con.sql(f"""
        select r.check_id, d.source_file, r.locator, r.message
        from ({FINDINGS}) as r
        inner join staging.stg_raw__documents as d using (document_id)
        where r.status = '{status}'
    """).fetchall()


def test_every_injected_budget_defect_is_found_and_nothing_else(built, con) -> None:
    _, truth, inbox = built
    defects = [x for d in truth["documents"] + truth["budget_documents"] for x in d["defects"]
               if x["check_family"] == "budget"]
    assert {x["kind"] for x in defects} == set(BUDGET_KINDS)
    by_file = defaultdict(list)
    for x in defects:
        by_file[x["file"]].append(x)
    generated = {f["path"] for d in truth["documents"] + truth["budget_documents"] for f in d["files"]}
    found: set[str] = set()
    unexpected = []
    for check_id, source_file, locator, message in _budget_findings(con):
        rel = Path(source_file).relative_to(inbox).as_posix()
        if rel not in generated:  # the real documents: test_reviewers_checklist_…
            continue
        labels = by_file.get(rel)
        if labels:
            found.update(x["defect_id"] for x in labels)
        else:
            unexpected.append((check_id, rel, locator, message))
    missed = [(x["kind"], x["file"]) for x in defects if x["defect_id"] not in found]
    assert missed == [] and unexpected == []


def test_link_and_consolidation_are_evaluated_not_skipped(con) -> None:
    counts = dict(con.sql(f"""
        select check_id || ':' || status, count(*) from ({FINDINGS})
        where check_id in ('budget.final_quotes_budget', 'budget.department_equals_units') group by all
    """).fetchall())
    assert counts.get("budget.final_quotes_budget:pass", 0) > 100
    assert counts.get("budget.department_equals_units:pass", 0) > 100
    # a department-year without its 部门预算, and one with a unit missing, are not evaluable — never failures
    messages = [m for _, _, _, m in _budget_findings(con, "not_evaluable")]
    assert any(m.startswith("无法核对：未载入本部门同年度预算") for m in messages)
    assert any(m.startswith("无法核对：本部门单位预算未全部载入") for m in messages)


def test_execution_mart_ties_budget_and_final_account(built, con) -> None:
    rows = con.sql("""
        select budget_amount, budget_initial_stated, final_amount, execution_rate_pct, initial_matches_budget,
               budget_source
        from marts.fct_budget_execution
        where item_kind = 'function' and fund_scope = 'general_budget' and item_level = '项'
          and budget_amount > 0 and final_amount is not null
    """).fetchall()
    assert {r[5] for r in rows} == {"department_budget", "unit_budgets"}  # no 部门预算 that year: the units' sum
    rows = [r for r in rows if r[5] == "department_budget"]
    assert len(rows) > 30
    for budget, initial, final, rate, matches, _ in rows:
        expected = (final / budget * 100).quantize(Decimal("0.01"))
        assert abs(rate - expected) <= Decimal("0.01")
        if initial is not None:  # a quote rounds half up: q stands for [q − 0.005, q + 0.005)
            assert matches == (Decimal("-0.005") < initial - budget <= Decimal("0.005"))
    quote_defects = sum(1 for d in built[1]["documents"] for x in d["defects"] if x["kind"] == "budget_quote_mismatch")
    assert sum(1 for r in rows if r[4] is False) == quote_defects


def test_county_budget_view_sums_department_budgets(con) -> None:
    diff = con.sql("""
        with lines as (
            select department_name, fiscal_year, fund_scope, function_code, sum(amount) as amount
            from marts.fct_budget_by_function
            where budget_level = 'department' and source_kind = 'table' and measure = 'total'
              and table_key = 'budget_expenditure' and level = '类'
            group by all
        )
        select count(*) from lines
        left join marts.county_budget_summary as c using (department_name, fiscal_year, fund_scope, function_code)
        where c.budget_total is distinct from lines.amount
    """).fetchall()
    assert diff == [(0,)]


def test_reviewers_checklist_of_the_sifa_budgets_is_found(con) -> None:
    realdata_path(SIFA_DEPT)
    realdata_path(SIFA_UNIT)
    findings = [f for f in _budget_findings(con) if "司法局2026" in f[1]]
    dept = [f for f in findings if "部门预算" in f[1]]
    unit = [f for f in findings if "单位预算" in f[1]]

    def count(rows, check_id, needle=""):
        return sum(1 for c, _, _, m in rows if c == check_id and needle in m)

    # 部门预算: comparison year ×5, missing 。, 。。 (hygiene, not here), 医疗卫生与计划生育, stray ”, blank page 3
    assert count(dept, "budget.compared_year", "2026年预算") == 5
    assert count(dept, "budget.sentence_end", "工作量增加") == 1
    assert count(dept, "budget.outdated_name", "医疗卫生与计划生育支出") == 1
    assert count(dept, "budget.quote_balance") == 1
    assert count(dept, "budget.blank_page", "第3页") == 1
    # 单位预算: 增加（减少）, the 行政运行 row (two tables), 主要原因是。, 部门预算安排, 医疗卫生与计划生育
    assert count(unit, "budget.wording_template", "增加（减少）") == 1
    assert count(unit, "budget.row_total", "行政运行") == 2
    assert count(unit, "budget.empty_reason") == 1
    assert count(unit, "budget.level_wording", "部门预算安排") == 1
    assert count(unit, "budget.outdated_name", "医疗卫生与计划生育支出") == 1
    # the 项 sentences: D6 (3845.49 after 43269.3 is no 增加17.62%), D8 (201.50 vs the table's 208.80), U2 (−15.13%,
    # not −1.10%), U3 (57.8 vs 56.12), U4 (170.03 vs 207, and 增加21.74%)
    assert count(dept, "budget.line_change", "3845.49") == 1
    assert count(dept, "budget.narrative_vs_table", "201.50") == 1
    assert count(unit, "budget.line_change", "1434.89") == 1
    assert count(unit, "budget.narrative_vs_table", "57.8") == 1
    assert count(unit, "budget.narrative_vs_table", "170.03") == 1 and count(unit, "budget.line_change", "21.74") == 1
    # no other error: the 比2026年预算 sentences, the 行政运行 row with its 款 (20406), the 项 sentences above, and
    # item 9 of the 部门预算 (91.97 after 77.99 is 增加17.93%, the sentence copies item 8's 17.66%: on the page)
    with REGISTRY.open(encoding="utf-8", newline="") as fh:
        severity = {r["check_id"]: r["severity"] for r in csv.DictReader(fh)}
    errors = [(c, m) for c, _, _, m in findings if severity[c] == "error"]
    expected = ("3845.49", "201.50", "1434.89", "57.8", "170.03", "17.66%")
    assert all(c == "budget.compared_year" or "行政运行" in m or "20406" in m or any(x in m for x in expected)
               for c, m in errors), errors
    assert len(errors) == 5 + 2 + 2 + 2 + 1 + 1 + 1 + 2, errors


def test_check_eval_scores_the_budget_defects(built, con) -> None:
    """warehouse.check_eval reads the budget documents' defects too: every one found, no false positive."""
    _, truth, inbox = built
    labels = [lab for lab in labels_from_truth(truth) if lab.family == "budget"]
    assert len(labels) == sum(1 for d in truth["budget_documents"] + truth["documents"] for x in d["defects"]
                              if x["check_family"] == "budget")
    generated = {f["path"] for d in truth["documents"] + truth["budget_documents"] for f in d["files"]}
    rows = con.sql(f"""
        select r.check_id, r.locator, r.message, d.department_name, d.fiscal_year, d.source_file
        from ({FINDINGS}) as r inner join staging.stg_raw__documents as d using (document_id)
        where r.status = 'fail'
    """).fetchall()
    findings = [Finding(c, "budget", "error", dept, year, loc or "", msg, "")
                for c, loc, msg, dept, year, src in rows if Path(src).relative_to(inbox).as_posix() in generated]
    hits, false_pos = match(labels, findings)
    assert all(hits[lab.defect_id] for lab in labels) and false_pos == []


def test_the_sifa_budgets_sangong_statements_and_funds_add_up(con) -> None:
    """Read on the pages first: 部门预算 p.22 “三公”经费预算数 10.81 = 0 + 9.98 + 0.83, every item 与2025年预算持平,
    公务用车 9.98 = 购置费 0 + 运行费 9.98; 单位预算 p.21 10.71 = 0 + 9.98 + 0.73 (持平 too); 财政拨款支出预算
    9628.22 / 8695.94 = 一般公共预算 + 政府性基金 0 + 国有资本经营 0. Each identity is evaluated and holds."""
    realdata_path(SIFA_DEPT)
    realdata_path(SIFA_UNIT)
    rows = con.sql("""
        select d.source_file, r.check_id, r.status, r.page, r.message
        from (select * from intermediate.int_check_sentences
              union all select * from intermediate.int_check_budget_narrative) as r
        inner join staging.stg_raw__documents as d using (document_id)
        where d.source_file like '%司法局2026%'
          and ((r.check_id = 'narrative.parts_sum' and (r.message like '%“三公”经费预算%'
                                                         or r.message like '%公务用车购置及运行费预算%'))
               or (r.check_id = 'budget.change_balance' and r.message like '%财政拨款支出预算%'))
    """).fetchall()
    for doc, page in (("部门预算", 22), ("单位预算", 21)):
        sangong = [r for r in rows if doc in r[0] and r[1] == "narrative.parts_sum"]
        # amount and change of the total and of 公务用车
        assert len(sangong) == 4 and {r[2] for r in sangong} == {"pass"} and {r[3] for r in sangong} == {page}, sangong
        funds = [r for r in rows if doc in r[0] and r[1] == "budget.change_balance"]
        assert len(funds) == 1 and funds[0][2] == "pass", funds
