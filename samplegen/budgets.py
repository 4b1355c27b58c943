"""The sample county's budgets (预算): which documents exist, their defects, their files and truth.

Every department-year gets a 部门预算 and one 单位预算 per unit, except a few left out on purpose so the
checks meet missing budgets: the 部门预算 of the first year of every seventh department (its 决算's
年初预算 cannot be checked), and the last unit's 单位预算 of every fifth department with several units (its
部门预算 cannot be reconciled with its units). Budget defects (``budget_defects``) are planned at the
county's defect rate, at most one per department-year, only where the check can see them.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from samplegen.budget_defects import (
    BUDGET_EDITORS,
    budget_defect,
    move_between_lines,
    plan_budget_defects,
    quote_mismatch,
)
from samplegen.budget_figures import BudgetFigures, department_budget, unit_budgets
from samplegen.compose_budget import BudgetStyle, compose_budget
from samplegen.county import Department
from samplegen.defects import Defect
from samplegen.docmodel import DocModel
from samplegen.figures import YearFigures, money
from samplegen.truth import defect_dict, document_facts_and_cells, files_truth

Render = Callable[[DocModel, tuple[int, int], Path, random.Random], list[dict[str, Any]]]


@dataclass(frozen=True, slots=True)
class BudgetPlan:
    """The budgets of one department: years with a 部门预算, units published, defect per year."""

    index: int
    department_years: frozenset[int]
    units_published: tuple[int, ...]  # indexes into Department.units
    defects: tuple[tuple[int, str], ...]  # (year, kind)

    def defect(self, year: int) -> str | None:
        return next((k for y, k in self.defects if y == year), None)


def plan_budgets(
    depts: list[Department], years: tuple[int, ...], rate: float, rng: random.Random
) -> dict[str, BudgetPlan]:
    out: dict[str, BudgetPlan] = {}
    slots = []
    published: dict[str, tuple[frozenset[int], tuple[int, ...]]] = {}
    for i, d in enumerate(depts):
        dept_years = frozenset(y for y in years if not (i % 7 == 3 and y == years[0]))
        units = tuple(range(len(d.units) - 1 if i % 5 == 4 and len(d.units) > 1 else len(d.units)))
        published[d.dept_id] = (dept_years, units)
        for y in years:
            possible = set()
            if y in dept_years:
                possible |= {"budget_quote_mismatch", "budget_total_off", "budget_missing_table",
                             "budget_narrative_mismatch", "budget_compared_year"}
                if y - 1 in dept_years:
                    possible.add("budget_yoy_wrong")
                if len(units) == len(d.units):
                    possible.add("budget_units_mismatch")
            slots.append((d.dept_id, y, frozenset(possible)))
    chosen = plan_budget_defects(slots, rate, rng)
    for i, d in enumerate(depts):
        dept_years, units = published[d.dept_id]
        defects = tuple(sorted((y, k) for (dept_id, y), k in chosen.items() if dept_id == d.dept_id))
        out[d.dept_id] = BudgetPlan(i, dept_years, units, defects)
    return out


def _style(plan: BudgetPlan, k: int) -> BudgetStyle:
    return BudgetStyle(yuan=(plan.index + k) % 3 != 2, commas=(plan.index + k) % 2 == 0)


def _entry(doc: DocModel, dept: Department, level: str, unit: str | None, files: list[dict[str, Any]],
           defects: list[Defect], style: BudgetStyle, out_root: Path) -> dict[str, Any]:
    facts, cells = document_facts_and_cells(files, doc.doc_id)
    rels = [f["path"].relative_to(out_root).as_posix() for f in files]
    for k, d in enumerate(defects):
        d.defect_id = f"{doc.doc_id}-D{k + 1}"
        d.file = rels[0]
        d.dept_id, d.department, d.year = dept.dept_id, dept.name, doc.year
    return {
        "doc_id": doc.doc_id,
        "dept_id": dept.dept_id,
        "department": dept.name,
        "unit": unit,
        "level": level,
        "year": doc.year,
        "template": doc.template,
        "table_unit": "元" if style.yuan else "万元",
        "files": files_truth(files, out_root),
        "facts": facts,
        "cells": cells,
        "defects": [defect_dict(d) for d in defects],
    }


def budget_documents(
    dept: Department,
    series: dict[int, YearFigures],
    year: int,
    plan: BudgetPlan,
    final_doc: DocModel,
    final_defects: list[Defect],
    seed: int,
    out_root: Path,
    render: Render,
) -> list[dict[str, Any]]:
    """Write the year's budgets of ``dept``; a defect on the 决算 (quote mismatch) is added to ``final_defects``."""
    fig, prev_fig = series[year], series[year - 1]
    rng = random.Random(f"{seed}:{dept.dept_id}:budget-edits:{year}")
    kind = plan.defect(year)
    dept_budget = department_budget(dept, fig)
    prev_budget = department_budget(dept, prev_fig)
    units = unit_budgets(dept, dept_budget, random.Random(f"{seed}:{dept.dept_id}:budget:{year}"))
    prev_units = unit_budgets(dept, prev_budget, random.Random(f"{seed}:{dept.dept_id}:budget:{year - 1}"))
    if kind == "budget_quote_mismatch":
        d = quote_mismatch(final_doc, rng)
        if d is not None:
            d.dept_id, d.department, d.year = dept.dept_id, dept.name, year
            final_defects.append(d)
    unit_defect: tuple[int, BudgetFigures, str, str, int] | None = None
    if kind == "budget_units_mismatch":
        for u in rng.sample(range(len(units)), len(units)):
            moved = move_between_lines(units[u], rng)
            if moved is not None:
                unit_defect = (u, *moved)
                break
    year_dir = out_root / str(year)
    year_dir.mkdir(parents=True, exist_ok=True)
    render_rng = random.Random(f"{seed}:{dept.dept_id}:budget-render:{year}")
    out: list[dict[str, Any]] = []
    yi = year - min(series) - 1
    if year in plan.department_years:
        style = _style(plan, yi)
        doc = compose_budget(dept, dept_budget, prev_budget, prev_fig, style, dept.units)
        defects: list[Defect] = []
        if kind in BUDGET_EDITORS:
            d = BUDGET_EDITORS[kind](doc, rng)
            if d is not None:
                defects.append(d)
        if unit_defect is not None:
            u, _, src, dst, amount = unit_defect
            before = next(x.gb_total for x in units[u].lines if x.code == src)
            defects.append(budget_defect(
                "budget_units_mismatch",
                {"table": "budget_general_expenditure", "code": src, "other_code": dst, "unit": dept.units[u]},
                f"{dept.units[u]} {src}: {format(money(before), '.2f')}",
                f"{format(money(amount), '.2f')} booked under {dst}",
                "部门预算 differs from the sum of its 单位预算 on two lines"))
        files = render(doc, (plan.index, yi * 3), year_dir, render_rng)
        out.append(_entry(doc, dept, "department", None, files, defects, style, out_root))
    for u in plan.units_published:
        bf = unit_defect[1] if unit_defect is not None and unit_defect[0] == u else units[u]
        style = _style(plan, yi + u + 1)
        doc = compose_budget(dept, bf, prev_units[u], prev_fig, style, dept.units)
        files = render(doc, (plan.index + u + 1, yi * 3 + u + 1), year_dir, render_rng)
        out.append(_entry(doc, dept, "unit", dept.units[u], files, [], style, out_root))
    return out
