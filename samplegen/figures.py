"""Exact figures (integers in 元) of one department-year, consistent by construction.

Everything is built bottom-up from 项 lines, so every identity of a correct disclosure holds on
the exact values; rounding happens only when a cell is displayed (``money``).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from samplegen.catalog import (
    PERSONNEL_CLASSES,
    PERSONNEL_WEIGHTS,
    PUBLIC_CLASSES,
    PUBLIC_WEIGHTS,
)
from samplegen.county import Department

CENT = Decimal("0.01")
INCOME_SOURCES = ("superior", "business", "operating", "affiliated", "other")


def money(yuan: int) -> Decimal:
    """元 -> 万元 with 2 decimals, rounded half up per displayed cell."""
    return (Decimal(yuan) / Decimal(10000)).quantize(CENT, rounding=ROUND_HALF_UP)


def allocate(total: int, weights: list[int]) -> list[int]:
    """Split ``total`` in proportion to ``weights`` (largest remainder); sums exactly to total."""
    if not weights:
        return []
    wsum = sum(weights)
    if wsum <= 0:
        return [total] + [0] * (len(weights) - 1)
    raw = [total * w for w in weights]
    base = [r // wsum for r in raw]
    rest = total - sum(base)
    order = sorted(range(len(weights)), key=lambda i: (-(raw[i] % wsum), i))
    for i in order[:rest]:
        base[i] += 1
    return base


@dataclass(frozen=True, slots=True)
class Line:
    """One 项 line: expenditure by funding and kind, income by source, budget of the 财政拨款 part."""

    code: str
    gb_basic: int
    gb_project: int
    gf_project: int
    nf_basic: int
    nf_project: int
    operating: int
    gb_budget: int
    inc_fiscal: int
    inc_sources: tuple[int, ...]  # aligned with INCOME_SOURCES

    @property
    def basic(self) -> int:
        return self.gb_basic + self.nf_basic

    @property
    def project(self) -> int:
        return self.gb_project + self.gf_project + self.nf_project

    @property
    def total(self) -> int:
        return self.basic + self.project + self.operating

    @property
    def gb_total(self) -> int:
        return self.gb_basic + self.gb_project

    @property
    def income_total(self) -> int:
        return self.inc_fiscal + sum(self.inc_sources)


@dataclass(frozen=True, slots=True)
class Sangong:
    overseas: int
    vehicle_purchase: int
    vehicle_operation: int
    reception: int

    @property
    def vehicle(self) -> int:
        return self.vehicle_purchase + self.vehicle_operation

    @property
    def total(self) -> int:
        return self.overseas + self.vehicle + self.reception


@dataclass(frozen=True, slots=True)
class Project:
    name: str
    code: str
    budget: int
    actual: int
    score: Decimal


@dataclass(frozen=True, slots=True)
class YearFigures:
    dept_id: str
    year: int
    lines: tuple[Line, ...]
    economic: dict[str, int]  # 款 code -> 元 (一般公共预算财政拨款基本支出)
    carry_begin_gb: int
    carry_begin_gf: int
    carry_begin_nf: int
    carry_end_gb: int
    carry_end_gf: int
    carry_end_nf: int
    use_nonfiscal_balance: int
    distribution: int
    sangong: Sangong
    sangong_budget: Sangong
    vehicles: dict[str, int]
    reception_batches: int
    reception_persons: int
    overseas_groups: int
    overseas_persons: int
    admin_operating_cost: int
    procurement: dict[str, int]  # goods, works, services, sme, small_micro
    equipment_50: int
    equipment_100: int
    staff_authorized: int
    staff_actual: int
    projects: tuple[Project, ...] = field(default=())

    # --- derived totals -------------------------------------------------------------------------
    def income_by_source(self) -> dict[str, int]:
        out = {"general_budget": self.income_gb, "govfund": self.income_gf, "soe": 0}
        for i, s in enumerate(INCOME_SOURCES):
            out[s] = sum(ln.inc_sources[i] for ln in self.lines)
        return out

    @property
    def income_gb(self) -> int:
        return sum(ln.gb_total for ln in self.lines) + self.carry_end_gb - self.carry_begin_gb

    @property
    def income_gf(self) -> int:
        return sum(ln.gf_project for ln in self.lines) + self.carry_end_gf - self.carry_begin_gf

    @property
    def income_current(self) -> int:
        return sum(ln.income_total for ln in self.lines)

    @property
    def carry_begin(self) -> int:
        return self.carry_begin_gb + self.carry_begin_gf + self.carry_begin_nf

    @property
    def carry_end(self) -> int:
        return self.carry_end_gb + self.carry_end_gf + self.carry_end_nf

    @property
    def income_total(self) -> int:
        return self.income_current + self.use_nonfiscal_balance + self.carry_begin

    @property
    def expenditure_current(self) -> int:
        return sum(ln.total for ln in self.lines)

    @property
    def expenditure_total(self) -> int:
        return self.expenditure_current + self.distribution + self.carry_end

    @property
    def expenditure_basic(self) -> int:
        return sum(ln.basic for ln in self.lines)

    @property
    def expenditure_project(self) -> int:
        return sum(ln.project for ln in self.lines)

    @property
    def expenditure_operating(self) -> int:
        return sum(ln.operating for ln in self.lines)

    @property
    def gb_expenditure(self) -> int:
        return sum(ln.gb_total for ln in self.lines)

    @property
    def gb_basic(self) -> int:
        return sum(ln.gb_basic for ln in self.lines)

    @property
    def gb_project(self) -> int:
        return sum(ln.gb_project for ln in self.lines)

    @property
    def gf_expenditure(self) -> int:
        return sum(ln.gf_project for ln in self.lines)

    @property
    def gb_budget(self) -> int:
        return sum(ln.gb_budget for ln in self.lines)

    @property
    def fiscal_income(self) -> int:
        return self.income_gb + self.income_gf

    @property
    def fiscal_total(self) -> int:
        return self.fiscal_income + self.carry_begin_gb + self.carry_begin_gf

    @property
    def personnel(self) -> int:
        return sum(v for k, v in self.economic.items() if k[:3] in PERSONNEL_CLASSES)

    @property
    def public(self) -> int:
        return sum(v for k, v in self.economic.items() if k[:3] in PUBLIC_CLASSES)

    @property
    def procurement_total(self) -> int:
        p = self.procurement
        return p["goods"] + p["works"] + p["services"]


@dataclass(frozen=True, slots=True)
class YearPlan:
    """Figure-level defects decided before generation (they keep the document self-consistent)."""

    carryover_jump: int = 0  # added to 年初结转 of 一般公共预算 (≠ last year's 年末)
    economic_over_sangong: str | None = None  # "reception" | "vehicle_operation"


def _jitter(rng: random.Random, w: int) -> int:
    return max(1, int(w * rng.uniform(0.75, 1.3)))


def generate_year(
    dept: Department,
    year: int,
    scale: int,
    prev: YearFigures | None,
    rng: random.Random,
    plan: YearPlan = YearPlan(),
) -> YearFigures:
    """Figures of one year; ``prev`` supplies the carryover (年初 = last year's 年末)."""
    group = dept.peer_group
    staff_actual = max(3, dept.staff_authorized - rng.randint(0, max(1, dept.staff_authorized // 6)))
    basic_share = {"党委部门": 0.75, "政府部门": 0.55, "街道/乡镇": 0.5, "事业单位": 0.7}[group]
    basic_share *= rng.uniform(0.8, 1.15)
    basic_total = int(scale * min(0.95, basic_share))
    project_total = scale - basic_total
    basic_lines = [(c, _jitter(rng, w)) for c, w, k in dept.lines if k in ("basic", "mixed")]
    project_lines = [(c, _jitter(rng, w)) for c, w, k in dept.lines if k in ("project", "mixed")]
    if not project_lines:
        project_lines = basic_lines[:1]
    b_amounts = allocate(basic_total, [w for _, w in basic_lines])
    p_amounts = allocate(project_total, [w for _, w in project_lines])
    b_alloc = dict(zip([c for c, _ in basic_lines], b_amounts, strict=True))
    p_alloc = dict(zip([c for c, _ in project_lines], p_amounts, strict=True))
    # funding shares
    nf_share = (
        rng.uniform(0.15, 0.45)
        if dept.has_business_income
        else (rng.uniform(0.0, 0.06) if rng.random() < 0.3 else 0.0)
    )
    gf_code = None
    gf_amount = 0
    if dept.has_govfund and p_alloc:
        gf_code = max(p_alloc, key=lambda c: (p_alloc[c], c))
        gf_amount = int(p_alloc[gf_code] * rng.uniform(0.1, 0.5))
    operating_code = None
    if dept.has_business_income and rng.random() < 0.3:
        operating_code = max(b_alloc, key=lambda c: (b_alloc[c], c))
    codes = sorted(set(b_alloc) | set(p_alloc))
    raw: list[dict[str, int | str]] = []
    for code in codes:
        b = b_alloc.get(code, 0)
        p = p_alloc.get(code, 0)
        nf_b = int(b * nf_share)
        nf_p = int(p * nf_share)
        gf = gf_amount if code == gf_code else 0
        op = int(b * 0.05) if code == operating_code else 0
        gb_b = b - nf_b
        gb_p = p - nf_p - gf
        raw.append(
            {
                "code": code,
                "gb_basic": gb_b,
                "gb_project": gb_p,
                "gf_project": gf,
                "nf_basic": nf_b,
                "nf_project": nf_p,
                "operating": op,
            }
        )
    gb_exp = sum(int(r["gb_basic"]) + int(r["gb_project"]) for r in raw)
    nf_exp = sum(int(r["nf_basic"]) + int(r["nf_project"]) + int(r["operating"]) for r in raw)
    gf_exp = gf_amount
    # carryover: begin = last year's end (+ planned jump); end drawn
    if prev is None:
        cb_gb = int(gb_exp * rng.uniform(0.0, 0.08)) if rng.random() < 0.6 else 0
        cb_gf = int(gf_exp * rng.uniform(0.0, 0.2)) if gf_exp and rng.random() < 0.3 else 0
        cb_nf = int(nf_exp * rng.uniform(0.0, 0.2)) if nf_exp else 0
    else:
        cb_gb, cb_gf, cb_nf = prev.carry_end_gb, prev.carry_end_gf, prev.carry_end_nf
    cb_gb += plan.carryover_jump
    ce_gb = int(gb_exp * rng.uniform(0.0, 0.08)) if rng.random() < 0.6 else 0
    ce_gf = int(gf_exp * rng.uniform(0.0, 0.2)) if gf_exp and rng.random() < 0.3 else 0
    ce_nf = int(nf_exp * rng.uniform(0.0, 0.2)) if nf_exp else 0
    ce_gb = max(ce_gb, cb_gb - gb_exp // 2)
    ce_gf = max(ce_gf, cb_gf - gf_exp // 2)
    ce_nf = max(ce_nf, cb_nf - nf_exp // 2)
    use_nf = int(nf_exp * 0.03) if nf_exp and rng.random() < 0.15 else 0
    distribution = int(nf_exp * 0.02) if nf_exp and rng.random() < 0.1 else 0
    # income rows: expenditure + share of the carryover delta
    gb_inc = gb_exp + ce_gb - cb_gb
    gf_inc = gf_exp + ce_gf - cb_gf
    nf_inc = nf_exp + ce_nf - cb_nf - use_nf + distribution
    fiscal_w = [int(r["gb_basic"]) + int(r["gb_project"]) for r in raw]
    gf_w = [int(r["gf_project"]) for r in raw]
    nf_w = [int(r["nf_basic"]) + int(r["nf_project"]) + int(r["operating"]) for r in raw]
    inc_gb_rows = allocate(gb_inc, fiscal_w)
    inc_gf_rows = allocate(gf_inc, gf_w) if gf_exp else [0] * len(raw)
    src_w = [0, 0, 0, 0, 0]
    if nf_exp:
        if dept.has_business_income:
            src_w = [rng.randint(0, 3), rng.randint(10, 20), 0, 0, rng.randint(0, 3)]
            if operating_code:
                src_w[2] = 2
        else:
            src_w = [rng.randint(3, 6), 0, 0, 0, rng.randint(1, 4)]
    src_totals = allocate(nf_inc, src_w) if nf_exp else [0] * 5
    src_rows = [allocate(t, nf_w) if t else [0] * len(raw) for t in src_totals]
    lines: list[Line] = []
    for i, r in enumerate(raw):
        gb_total = int(r["gb_basic"]) + int(r["gb_project"])
        completion = rng.choice((1.0, 1.0, rng.uniform(0.85, 0.999), rng.uniform(1.001, 1.12)))
        lines.append(
            Line(
                code=str(r["code"]),
                gb_basic=int(r["gb_basic"]),
                gb_project=int(r["gb_project"]),
                gf_project=int(r["gf_project"]),
                nf_basic=int(r["nf_basic"]),
                nf_project=int(r["nf_project"]),
                operating=int(r["operating"]),
                gb_budget=int(gb_total / completion),
                inc_fiscal=inc_gb_rows[i] + inc_gf_rows[i],
                inc_sources=tuple(src_rows[s][i] for s in range(5)),
            )
        )
    # 三公 and economic classification of 一般公共预算财政拨款基本支出
    gb_basic = sum(ln.gb_basic for ln in lines)
    personnel_share = {"党委部门": 0.86, "政府部门": 0.82, "街道/乡镇": 0.8, "事业单位": 0.9}[group]
    personnel = int(gb_basic * min(0.96, personnel_share * rng.uniform(0.93, 1.06)))
    public = gb_basic - personnel
    n_vehicles = {
        "党委部门": rng.randint(0, 3),
        "政府部门": rng.randint(1, 8),
        "街道/乡镇": rng.randint(3, 12),
        "事业单位": rng.randint(0, 4),
    }[group]
    veh_op = min(n_vehicles * rng.randint(8000, 25000), public // 6)
    veh_buy = rng.randint(120000, 250000) if rng.random() < 0.1 and public > 1_500_000 else 0
    reception = min(rng.randint(1000, 60000), public // 10)
    overseas = rng.randint(20000, 60000) if rng.random() < 0.08 and public > 1_000_000 else 0
    sg = Sangong(overseas, veh_buy, veh_op, reception)
    sg_budget = Sangong(
        *(
            int(v / rng.uniform(0.6, 1.0)) if v else (rng.randint(0, 20000) if rng.random() < 0.2 else 0)
            for v in (overseas, veh_buy, veh_op, reception)
        )
    )
    pw = {k: _jitter(rng, w) if w else 0 for k, w in PERSONNEL_WEIGHTS.items()}
    uw = {k: _jitter(rng, w) if w else 0 for k, w in PUBLIC_WEIGHTS.items()}
    fixed = {"30212": overseas, "30217": reception, "30231": veh_op, "31013": veh_buy}
    for k, v in fixed.items():  # economic line (basic only) ≤ 三公 item (basic + project): part may be project
        fixed[k] = v - (int(v * rng.uniform(0.0, 0.3)) if rng.random() < 0.4 else 0)
    if plan.economic_over_sangong == "reception" and reception:
        fixed["30217"] = reception * 3
    if plan.economic_over_sangong == "vehicle_operation" and veh_op:
        fixed["30231"] = veh_op * 3
    rest_public = max(0, public - sum(fixed.values()))
    economic: dict[str, int] = dict(zip(pw, allocate(personnel, list(pw.values())), strict=False))
    economic.update(dict(zip(uw, allocate(rest_public, list(uw.values())), strict=False)))
    for k, v in fixed.items():
        economic[k] = economic.get(k, 0) + v
    # if the fixed lines exceeded public, trim 30299 / personnel to keep the total exact
    diff = sum(economic.values()) - gb_basic
    if diff:
        economic["30199"] -= diff
    kinds = (
        "主要领导干部用车",
        "机要通信用车",
        "应急保障用车",
        "执法执勤用车",
        "特种专业技术用车",
        "离退休干部用车",
        "其他用车",
    )
    vw = [0, rng.randint(0, 1), rng.randint(0, 2), rng.randint(0, 4), 0, 0, rng.randint(1, 4)]
    vehicles = dict(zip(kinds, allocate(n_vehicles, vw), strict=False))
    batches = max(1, reception // rng.randint(600, 2000)) if reception else 0
    persons = batches * rng.randint(3, 12)
    proc_total = int((public + sum(ln.project for ln in lines)) * rng.uniform(0.0, 0.2))
    goods, works, services = allocate(proc_total, [rng.randint(1, 6), rng.randint(0, 3), rng.randint(1, 8)])
    sme = int(proc_total * rng.uniform(0.6, 1.0))
    small = int(sme * rng.uniform(0.4, 1.0))
    admin = public if dept.is_admin else 0
    projects: list[Project] = []
    proj_lines = sorted((ln for ln in lines if ln.gb_project), key=lambda ln: (-ln.gb_project, ln.code))[:3]
    for ln in proj_lines:
        budget = int(ln.gb_project / rng.uniform(0.9, 1.0))
        projects.append(
            Project(
                name=f"{dept.short}重点工作专项经费"
                if not projects
                else f"{dept.short}{'业务运转' if len(projects) == 1 else '能力建设'}项目",
                code=ln.code,
                budget=budget,
                actual=ln.gb_project,
                score=Decimal(rng.randint(850, 990)) / 10,
            )
        )
    return YearFigures(
        dept_id=dept.dept_id,
        year=year,
        lines=tuple(lines),
        economic=economic,
        carry_begin_gb=cb_gb,
        carry_begin_gf=cb_gf,
        carry_begin_nf=cb_nf,
        carry_end_gb=ce_gb,
        carry_end_gf=ce_gf,
        carry_end_nf=ce_nf,
        use_nonfiscal_balance=use_nf,
        distribution=distribution,
        sangong=sg,
        sangong_budget=sg_budget,
        vehicles=vehicles,
        reception_batches=batches,
        reception_persons=persons,
        overseas_groups=1 if overseas else 0,
        overseas_persons=rng.randint(1, 4) if overseas else 0,
        admin_operating_cost=admin,
        procurement={"goods": goods, "works": works, "services": services, "sme": sme, "small_micro": small},
        equipment_50=rng.randint(0, 2) if group == "事业单位" else 0,
        equipment_100=rng.randint(0, 1) if group == "事业单位" and rng.random() < 0.3 else 0,
        staff_authorized=dept.staff_authorized,
        staff_actual=staff_actual,
        projects=tuple(projects),
    )


def generate_series(
    dept: Department,
    years: tuple[int, ...],
    rng: random.Random,
    plans: dict[int, YearPlan] | None = None,
) -> dict[int, YearFigures]:
    """Figures for the year before the first (for YoY claims, not published) and every year."""
    plans = plans or {}
    all_years = tuple(range(min(years) - 1, max(years) + 1))
    out: dict[int, YearFigures] = {}
    scale = dept.scale_yuan
    prev: YearFigures | None = None
    for y in all_years:
        fig = generate_year(dept, y, scale, prev, rng, plans.get(y, YearPlan()))
        out[y] = fig
        prev = fig
        scale = int(scale * rng.uniform(0.88, 1.15))
    return out
