"""Sample county budgets: the units add up to the department, the 决算 quotes the 预算, defects are labelled."""

from __future__ import annotations

import json
import random
from collections import defaultdict
from decimal import Decimal

import pytest

from samplegen import generate_county
from samplegen.budget_figures import department_budget, unit_budgets
from samplegen.county import make_departments
from samplegen.defects import BUDGET_KINDS
from samplegen.figures import generate_series, money

YEARS = (2023, 2024)


def dec(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    out = tmp_path_factory.mktemp("budgets")
    manifest = generate_county(
        out, departments=12, years=YEARS, seed=9, defect_rate=1.0, formats=("txt",), workers=1, budgets=True
    )
    return out, manifest, json.loads(manifest.truth_path.read_text(encoding="utf-8"))


def test_units_add_up_to_the_department_exactly() -> None:
    depts = make_departments(20, random.Random("4:county"))
    for dept in depts:
        series = generate_series(dept, YEARS, random.Random(f"4:{dept.dept_id}"))
        for year in YEARS:
            budget = department_budget(dept, series[year])
            units = unit_budgets(dept, budget, random.Random(f"{dept.dept_id}:{year}"))
            assert len(units) == len(dept.units)
            for part in ("gb_basic", "gb_project", "gf_project", "nf_basic", "nf_project"):
                by_code: dict[str, int] = defaultdict(int)
                for u in units:
                    for ln in u.lines:
                        by_code[ln.code] += getattr(ln, part)
                assert {ln.code: getattr(ln, part) for ln in budget.lines} == {
                    c: by_code.get(c, 0) for c in (ln.code for ln in budget.lines)}, part
            economic: dict[str, int] = defaultdict(int)
            for u in units:
                assert sum(u.economic.values()) == u.gb_basic  # each unit's own tables agree
                for k, v in u.economic.items():
                    economic[k] += v
            assert {k: v for k, v in economic.items() if v} == {k: v for k, v in budget.economic.items() if v}
            assert sum(u.sangong.total for u in units) == budget.sangong.total
            assert sum(u.admin_operating_cost for u in units) == budget.admin_operating_cost


def test_without_budgets_nothing_changes(tmp_path) -> None:
    manifest = generate_county(tmp_path, departments=2, years=YEARS, seed=1, formats=("txt",), workers=1)
    truth = json.loads(manifest.truth_path.read_text(encoding="utf-8"))
    assert "budget_documents" not in truth
    assert not [p for p in manifest.files if "预算" in p.name]
    texts = [p.read_bytes().decode("utf-8", "replace") for p in manifest.files]
    assert not any("年初预算" in t for t in texts)  # the 决算 keep their wording


def test_budget_documents_and_levels(county) -> None:
    out, manifest, truth = county
    budgets = truth["budget_documents"]
    assert manifest.documents == len(truth["documents"]) + len(budgets)
    depts = {d["dept_id"]: d for d in truth["departments"]}
    by_dept_year: dict[tuple[str, int], list[dict]] = defaultdict(list)
    for b in budgets:
        by_dept_year[(b["dept_id"], b["year"])].append(b)
        path = out / b["files"][0]["path"]
        name = b["unit"] or b["department"]
        assert path.name.startswith(f"{name}{b['year']}年{'单位' if b['level'] == 'unit' else '部门'}预算")
        text = path.read_text(encoding=b["files"][0]["encoding"])
        assert (f"预算单位：{b['unit']}" in text) == (b["level"] == "unit")
        assert f"主管部门：{b['department']}" in text
    # every department-year has its units' budgets; a few are left out on purpose
    assert any(len([b for b in bs if b["level"] == "unit"]) < len(depts[k[0]]["units"])
               for k, bs in by_dept_year.items())
    assert any(not [b for b in bs if b["level"] == "department"] for bs in by_dept_year.values())


def test_final_accounts_quote_the_budget(county) -> None:
    _, _, truth = county
    plan: dict[tuple[str, int, str], Decimal] = {}
    for b in truth["budget_documents"]:
        if b["level"] != "department":
            continue
        for c in b["cells"]:
            if c["table_key"] == "budget_general_expenditure" and c["measure"] == "total" and c["code"]:
                value = dec(c["value"])
                plan[(b["dept_id"], b["year"], c["code"])] = (
                    money(int(value)) if b["table_unit"] == "元" else value)
    mismatched = {(d["dept_id"], d["year"], x["location"]["code"]) for d in truth["documents"]
                  for x in d["defects"] if x["kind"] == "budget_quote_mismatch"}
    checked = 0
    for d in truth["documents"]:
        for f in d["facts"]:
            key = (d["dept_id"], d["year"], f.get("code", ""))
            if f["metric"] == "function_expenditure" and f["basis"] == "budget" and key in plan:
                checked += 1
                assert (dec(f["value"]) == plan[key]) == (key not in mismatched), key
    assert checked > 50 and mismatched


def test_every_budget_defect_kind_is_labelled_and_visible(county) -> None:
    out, _, truth = county
    docs = truth["documents"] + truth["budget_documents"]
    defects = [x for d in docs for x in d["defects"] if x["check_family"] == "budget"]
    assert {x["kind"] for x in defects} == set(BUDGET_KINDS)
    assert set(BUDGET_KINDS) <= set(truth["defect_kinds"])
    for doc in docs:
        text = (out / doc["files"][0]["path"]).read_bytes().decode(doc["files"][0]["encoding"])
        for x in doc["defects"]:
            if x["check_family"] != "budget":
                continue
            assert x["file"] == doc["files"][0]["path"] and x["expected"] != x["shown"]
            if x["kind"] == "budget_missing_table":
                assert x["shown"] == "" and x["expected"] in text  # the 目录 still lists it
            elif x["kind"] != "budget_units_mismatch":
                assert x["shown"] in text, x


def test_budgets_are_deterministic(tmp_path) -> None:
    runs = [generate_county(tmp_path / k, departments=3, years=YEARS, seed=4, defect_rate=0.5, formats=("txt",),
                            workers=1, budgets=True) for k in ("a", "b")]
    assert runs[0].truth_path.read_bytes() == runs[1].truth_path.read_bytes()
    for fa, fb in zip(runs[0].files, runs[1].files, strict=True):
        assert fa.read_bytes() == fb.read_bytes(), fa.name
