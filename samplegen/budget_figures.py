"""Exact budget (预算) figures of one department-year and of its budget units, in 元.

A department's budget is built from the final-account figures of the same year (``YearFigures``): each 项
line's 一般公共预算 budget is the ``gb_budget`` the 决算 quotes as 年初预算, split into 基本/项目 like the
spending; 政府性基金 and non-fiscal money are budgeted as spent; the 三公 budget is ``sangong_budget`` (the
预算数 of the 决算's table 7). The department's budget is then divided among its units so that every figure of
the 部门预算 is exactly the sum of the 单位预算 — lines, economic 款, 三公 items — by construction.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from samplegen.catalog import PERSONNEL_CLASSES, PUBLIC_CLASSES
from samplegen.county import Department
from samplegen.figures import Sangong, YearFigures, allocate


@dataclass(frozen=True, slots=True)
class BudgetLine:
    """One 项 line of a budget, by fund and kind (元)."""

    code: str
    gb_basic: int
    gb_project: int
    gf_project: int
    nf_basic: int
    nf_project: int

    @property
    def gb_total(self) -> int:
        return self.gb_basic + self.gb_project

    @property
    def basic(self) -> int:
        return self.gb_basic + self.nf_basic

    @property
    def project(self) -> int:
        return self.gb_project + self.gf_project + self.nf_project

    @property
    def total(self) -> int:
        return self.basic + self.project

    @property
    def fiscal(self) -> int:
        return self.gb_total + self.gf_project

    @property
    def nonfiscal(self) -> int:
        return self.nf_basic + self.nf_project


@dataclass(frozen=True, slots=True)
class BudgetFigures:
    """A 部门预算 (``unit`` None) or a 单位预算 (``unit`` = the unit's name)."""

    dept_id: str
    year: int
    unit: str | None
    lines: tuple[BudgetLine, ...]
    economic: dict[str, int]  # 款 code -> 元 (一般公共预算基本支出)
    sangong: Sangong
    admin_operating_cost: int
    business_income: bool  # non-fiscal money is 事业收入 (else 其他收入)
    procurement: int
    perf_projects: int
    perf_amount: int
    vehicles: int

    @property
    def gb_total(self) -> int:
        return sum(ln.gb_total for ln in self.lines)

    @property
    def gb_basic(self) -> int:
        return sum(ln.gb_basic for ln in self.lines)

    @property
    def gb_project(self) -> int:
        return sum(ln.gb_project for ln in self.lines)

    @property
    def gf_total(self) -> int:
        return sum(ln.gf_project for ln in self.lines)

    @property
    def fiscal_total(self) -> int:
        return self.gb_total + self.gf_total

    @property
    def nonfiscal_total(self) -> int:
        return sum(ln.nonfiscal for ln in self.lines)

    @property
    def total(self) -> int:
        return sum(ln.total for ln in self.lines)

    @property
    def basic(self) -> int:
        return sum(ln.basic for ln in self.lines)

    @property
    def project(self) -> int:
        return sum(ln.project for ln in self.lines)

    @property
    def personnel(self) -> int:
        return sum(v for k, v in self.economic.items() if k[:3] in PERSONNEL_CLASSES)

    @property
    def public(self) -> int:
        return sum(v for k, v in self.economic.items() if k[:3] in PUBLIC_CLASSES)


def department_budget(dept: Department, fig: YearFigures) -> BudgetFigures:
    """The 部门预算 of a department-year (no randomness: it follows from the year's figures)."""
    lines = []
    for ln in fig.lines:
        if not (ln.gb_budget or ln.gf_project or ln.nf_basic or ln.nf_project):
            continue
        gb_basic, gb_project = allocate(ln.gb_budget, [ln.gb_basic, ln.gb_project])
        lines.append(BudgetLine(ln.code, gb_basic, gb_project, ln.gf_project, ln.nf_basic, ln.nf_project))
    gb_basic_total = sum(x.gb_basic for x in lines)
    codes = sorted(k for k, v in fig.economic.items() if v > 0)
    economic = dict(zip(codes, allocate(gb_basic_total, [fig.economic[k] for k in codes]), strict=True))
    public = sum(v for k, v in economic.items() if k[:3] in PUBLIC_CLASSES)
    return BudgetFigures(
        dept_id=dept.dept_id,
        year=fig.year,
        unit=None,
        lines=tuple(lines),
        economic=economic,
        sangong=fig.sangong_budget,
        admin_operating_cost=public if dept.is_admin else 0,
        business_income=dept.has_business_income,
        procurement=fig.procurement_total,
        perf_projects=len(fig.projects),
        perf_amount=sum(p.budget for p in fig.projects),
        vehicles=sum(fig.vehicles.values()),
    )


def _split(total: int, weights: list[int]) -> list[int]:
    return allocate(total, weights) if total else [0] * len(weights)


def unit_budgets(dept: Department, budget: BudgetFigures, rng: random.Random) -> list[BudgetFigures]:
    """The 单位预算 of each unit of the department; they add up exactly to ``budget``.

    The first unit (本级) takes part in every line; each other unit in about half of them. Economic 款 are
    divided by the units' 基本支出, then each unit's rounding is settled against the first unit's largest
    款, so rows and columns both add up.
    """
    units = dept.units
    n = len(units)
    weights = [rng.randint(4, 8)] + [rng.randint(1, 3) for _ in range(n - 1)]
    per_unit: list[list[BudgetLine]] = [[] for _ in range(n)]
    for ln in budget.lines:
        takes = [0] + [u for u in range(1, n) if rng.random() < 0.5]
        w = [weights[u] for u in takes]
        parts = [_split(v, w) for v in (ln.gb_basic, ln.gb_project, ln.gf_project, ln.nf_basic, ln.nf_project)]
        for k, u in enumerate(takes):
            vals = [p[k] for p in parts]
            if any(vals):
                per_unit[u].append(BudgetLine(ln.code, *vals))
    basics = [sum(x.gb_basic for x in per_unit[u]) for u in range(n)]
    economic: list[dict[str, int]] = [{} for _ in range(n)]
    for code, value in budget.economic.items():
        for u, part in enumerate(_split(value, basics)):
            economic[u][code] = part
    for u in range(1, n):
        diff = basics[u] - sum(economic[u].values())
        if diff and economic[u]:
            big = max(economic[u], key=lambda c: (economic[u][c], c))
            economic[u][big] += diff
            economic[0][big] -= diff
    if any(v < 0 for e in economic for v in e.values()):
        raise ValueError(f"{dept.dept_id}: economic split of the unit budgets went negative")
    sg = budget.sangong
    sangong_parts = [
        _split(v, weights) for v in (sg.overseas, sg.vehicle_purchase, sg.vehicle_operation, sg.reception)
    ]
    counts = [
        _split(v, weights) for v in (budget.procurement, budget.perf_projects, budget.perf_amount, budget.vehicles)
    ]
    out = []
    for u, name in enumerate(units):
        eco = {k: v for k, v in economic[u].items() if v}
        public = sum(v for k, v in eco.items() if k[:3] in PUBLIC_CLASSES)
        out.append(
            BudgetFigures(
                dept_id=budget.dept_id,
                year=budget.year,
                unit=name,
                lines=tuple(per_unit[u]),
                economic=eco,
                sangong=Sangong(*(p[u] for p in sangong_parts)),
                admin_operating_cost=public if dept.is_admin else 0,
                business_income=budget.business_income,
                procurement=counts[0][u],
                perf_projects=counts[1][u],
                perf_amount=counts[2][u],
                vehicles=counts[3][u],
            )
        )
    return out
