"""Everything the review reports show, read once from the marts on a short read-only connection.

The reports read the marts' contracts only (dbt_project/models/marts/**/_*__models.yml): one figure per
department-year, metric and basis from ``fct_department_metric``; every indicator the pages compare, its
last-year value and the completeness from ``county_department_summary``; findings from ``fct_check_result``
(severities of the check registry); the function structure from ``fct_expenditure_by_function`` and peer groups
from ``dim_department``. A warehouse whose marts were never built gives empty sections (暂无数据) with a note,
not an error.
"""

from __future__ import annotations

import re
import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from warehouse.report.budget import BudgetLine, load_budget_lines
from warehouse.report.fmt import change_pct
from warehouse.review.workbook import SEVERITY_LABEL, SEVERITY_ORDER
from warehouse.sql import list_marts, one_row, read_only


@dataclass(frozen=True, slots=True)
class Figure:
    value: Decimal
    unit: str
    source_kind: str
    page: int | None
    evidence: str


@dataclass(frozen=True, slots=True)
class Finding:
    check_id: str
    severity: str
    status: str
    message: str
    expected: Decimal | None
    actual: Decimal | None
    difference: Decimal | None
    evidence: str | None
    page: int | None
    locator: str | None
    document_id: str | None
    finding_id: str | None = None
    title: str | None = None  # the registry's Chinese title
    lifecycle: str = "open"
    reason: str | None = None
    decided_by: str | None = None
    decided_at: Any = None
    response: str | None = None
    occurrences: int = 1
    first_seen_run_id: str | None = None

    @property
    def label(self) -> str:
        return self.title or self.check_id


@dataclass(frozen=True, slots=True)
class ReviewEvent:
    finding_id: str
    action: str
    state_before: str
    state_after: str
    reason: str | None
    response: str | None
    decided_by: str
    decided_at: Any


@dataclass(slots=True)
class DepartmentYear:
    department: str
    year: int
    documents: list[tuple[str, str, int | None]] = field(default_factory=list)  # (document_id, file, pages)
    figures: dict[tuple[str, str], Figure] = field(default_factory=dict)  # (metric, basis) → fct_department_metric
    findings: list[Finding] = field(default_factory=list)  # to do: open and reopened failures
    decided: list[Finding] = field(default_factory=list)  # accepted or rejected by a reviewer
    functions: list[tuple[str, Decimal]] = field(default_factory=list)  # 功能分类 类级 (name, amount)
    summary: dict[str, Decimal | None] = field(default_factory=dict)  # marts.county_department_summary row
    not_evaluable: int = 0  # checks that could not be evaluated (e.g. last year's disclosure missing)
    budget_documents: list[tuple[str, str, int | None]] = field(default_factory=list)  # its 预算 files
    budget_lines: list[BudgetLine] = field(default_factory=list)  # 预算 vs 决算 (warehouse.report.budget)

    def actual(self, metric: str) -> Decimal | None:
        fig = self.figures.get((metric, "actual"))
        return fig.value if fig else None

    def stated(self, metric: str, basis: str) -> Decimal | None:
        fig = self.figures.get((metric, basis))
        return fig.value if fig else None


@dataclass(frozen=True, slots=True)
class Indicator:
    key: str
    label: str
    unit: str
    higher_is: str  # "more" (larger ranks first) — rankings sort descending on every indicator


# The figures compared against last year and the peer group, in display order.
INDICATORS: tuple[Indicator, ...] = (
    Indicator("income_total", "收入总计", "万元", "more"),
    Indicator("expenditure_total", "本年支出合计", "万元", "more"),
    Indicator("expenditure_basic", "基本支出", "万元", "more"),
    Indicator("expenditure_project", "项目支出", "万元", "more"),
    Indicator("fiscal_appropriation", "财政拨款收入", "万元", "more"),
    Indicator("sangong_total", "“三公”经费", "万元", "more"),
    Indicator("admin_operating_cost", "机关运行经费", "万元", "more"),
    Indicator("staff", "在职人数", "人", "more"),
    Indicator("admin_cost_per_staff", "人均机关运行经费", "万元/人", "more"),
    Indicator("execution_rate", "一般公共预算执行率", "%", "more"),
    Indicator("procurement_total", "政府采购支出", "万元", "more"),
)

INCOME_PARTS: tuple[tuple[str, str], ...] = (
    ("income_fiscal_appropriation", "财政拨款收入"), ("income_superior_subsidy", "上级补助收入"),
    ("income_business", "事业收入"), ("income_operating", "经营收入"),
    ("income_from_affiliates", "附属单位上缴收入"), ("income_other", "其他收入"),
)
EXPENDITURE_PARTS: tuple[tuple[str, str], ...] = (
    ("expenditure_basic", "基本支出"), ("expenditure_project", "项目支出"),
    ("expenditure_to_superior", "上缴上级支出"), ("expenditure_operating", "经营支出"),
    ("expenditure_subsidy_affiliates", "对附属单位补助支出"),
)
SANGONG_PARTS: tuple[tuple[str, str], ...] = (
    ("sangong_overseas", "因公出国（境）费"), ("sangong_vehicle_purchase", "公务用车购置费"),
    ("sangong_vehicle_operation", "公务用车运行维护费"), ("sangong_reception", "公务接待费"),
)
FAILING = "fail"  # fct_check_result.status: fail | not_evaluable | accepted | rejected (its contract)
NOT_EVALUABLE = "not_evaluable"
DECIDED = {"accepted", "rejected"}  # a reviewer's decision (listed apart, with the reason)
ISSUE_SEVERITIES = {"error", "warning"}  # what ranks a department (info hints do not)


def severity_rank(severity: str) -> int:
    """0 = error, 1 = warning, 2 = info (the check registry's severities, as in the review workbook)."""
    return SEVERITY_ORDER.get(severity, len(SEVERITY_ORDER))


def severity_label(severity: str) -> str:
    return SEVERITY_LABEL.get(severity, severity)


def finding_order(f: Finding) -> tuple[int, int, str, str, str]:
    """Findings to do in page order: by severity, page, check, place, id (a total order: pages are reproducible)."""
    return severity_rank(f.severity), f.page or 0, f.check_id, f.locator or "", f.finding_id or ""


def decided_order(f: Finding) -> tuple[str, int, int, str, str]:
    """Decided findings: by decision, then as :func:`finding_order`."""
    return f.lifecycle, severity_rank(f.severity), f.page or 0, f.check_id, f.finding_id or ""


@dataclass(slots=True)
class CountyData:
    warehouse: Path
    marts: list[str]
    years: dict[tuple[str, int], DepartmentYear]
    documents_loaded: int
    documents_quarantined: int
    quarantined: list[tuple[str, str, str]]  # (department, file, reason)
    peer_groups: dict[str, str]  # department → marts.dim_department.peer_group
    missing: list[str]  # notes on marts not (yet) available
    history: dict[str, list[ReviewEvent]] = field(default_factory=dict)  # finding id → decisions, oldest first
    not_submitted: dict[int, list[tuple[str, int | None]]] = field(default_factory=dict)  # year → (dept, last year)
    has_registry: bool = False

    def departments(self) -> list[str]:
        return sorted({d for d, _ in self.years})

    def get(self, department: str, year: int) -> DepartmentYear | None:
        return self.years.get((department, year))

    def latest_year(self, department: str, at_most: int | None = None) -> int | None:
        ys = [y for d, y in self.years if d == department and (at_most is None or y <= at_most)]
        return max(ys) if ys else None

    def fiscal_years(self) -> list[int]:
        return sorted({y for _, y in self.years})

    def in_year(self, year: int) -> list[DepartmentYear]:
        return [dy for (_, y), dy in sorted(self.years.items()) if y == year]

    def default_year(self) -> int | None:
        """The year most departments filed (ties: the later one) — one late filer does not hide the county."""
        counts: dict[int, int] = defaultdict(int)
        for _, y in self.years:
            counts[y] += 1
        return max(counts, key=lambda y: (counts[y], y)) if counts else None


def _load_figures(con: duckdb.DuckDBPyConnection, years: dict[tuple[str, int], DepartmentYear]) -> None:
    rows = con.execute("""
        SELECT department_name, fiscal_year, metric, basis, value, unit, source_kind, page, evidence
        FROM marts.fct_department_metric WHERE fiscal_year IS NOT NULL
        ORDER BY department_name, fiscal_year, metric, basis
    """).fetchall()
    for dept, year, metric, basis, value, unit, kind, page, evidence in rows:
        dy = years.setdefault((dept, year), DepartmentYear(dept, year))
        dy.figures[(metric, basis)] = Figure(Decimal(value), unit, kind, page, evidence)


_FINAL_ACCOUNTS = ("status = 'loaded' AND is_current AND doc_type <> 'budget' AND fiscal_year IS NOT NULL")


def _load_documents(con: duckdb.DuckDBPyConnection, years: dict[tuple[str, int], DepartmentYear]) -> None:
    rows = con.execute(f"""
        SELECT department_name, fiscal_year, document_id, source_file, page_count FROM marts.dim_document
        WHERE {_FINAL_ACCOUNTS}
        ORDER BY department_name, fiscal_year, source_file
    """).fetchall()
    for dept, year, doc_id, source, pages in rows:
        dy = years.setdefault((dept, year), DepartmentYear(dept, year))
        dy.documents.append((doc_id, Path(source).name, pages))


def _load_budget_documents(con: duckdb.DuckDBPyConnection, years: dict[tuple[str, int], DepartmentYear]) -> None:
    """The 预算 files of each department-year the report shows (its page names them beside the 决算)."""
    rows = con.execute("""
        SELECT department_name, fiscal_year, document_id, source_file, page_count FROM marts.dim_document
        WHERE status = 'loaded' AND is_current AND doc_type = 'budget' AND fiscal_year IS NOT NULL
        ORDER BY department_name, fiscal_year, source_file
    """).fetchall()
    for dept, year, doc_id, source, pages in rows:
        if (dept, year) in years:
            years[(dept, year)].budget_documents.append((doc_id, Path(source).name, pages))


# Finding field → fct_check_result column (the contract in dbt_project/models/marts/checks/_checks__models.yml)
FINDING_COLUMNS: dict[str, str] = {
    "check_id": "check_id", "severity": "severity", "status": "status", "message": "message",
    "expected": "expected", "actual": "actual", "difference": "difference", "evidence": "evidence", "page": "page",
    "locator": "locator", "document_id": "document_id", "finding_id": "finding_id", "title": "title_zh",
    "lifecycle": "lifecycle", "reason": "disposition_reason", "decided_by": "disposition_by",
    "decided_at": "disposition_at", "response": "response", "occurrences": "occurrences",
    "first_seen_run_id": "first_seen_run_id",
}


def _load_findings(con: duckdb.DuckDBPyConnection, years: dict[tuple[str, int], DepartmentYear]) -> None:
    sql = ("SELECT department_name, fiscal_year, " + ", ".join(FINDING_COLUMNS.values())
           + " FROM marts.fct_check_result WHERE fiscal_year IS NOT NULL ORDER BY severity, check_id, page, finding_id")
    for dept, year, *values in con.execute(sql).fetchall():
        v = dict(zip(FINDING_COLUMNS, values, strict=True))
        dy = years.setdefault((dept, year), DepartmentYear(dept, year))
        if v["status"] == NOT_EVALUABLE:
            dy.not_evaluable += 1
            continue
        decided = v["status"] in DECIDED
        if v["status"] != FAILING and not decided:
            continue
        finding = Finding(
            v["check_id"], v["severity"], v["status"], v["message"], v["expected"], v["actual"], v["difference"],
            _text_or_none(v["evidence"]), v["page"], v["locator"], v["document_id"], v["finding_id"], v["title"],
            v["lifecycle"], v["reason"], v["decided_by"], v["decided_at"], v["response"], int(v["occurrences"]),
            v["first_seen_run_id"],
        )
        (dy.decided if decided else dy.findings).append(finding)


def _load_history(con: duckdb.DuckDBPyConnection) -> dict[str, list[ReviewEvent]]:
    out: dict[str, list[ReviewEvent]] = defaultdict(list)
    for row in con.execute("SELECT finding_id, action, state_before, state_after, reason, response, decided_by, "
                           "decided_at FROM marts.fct_review_decision ORDER BY event_id").fetchall():
        out[row[0]].append(ReviewEvent(*row))
    return dict(out)


def _load_not_submitted(con: duckdb.DuckDBPyConnection) -> dict[int, list[tuple[str, int | None]]]:
    out: dict[int, list[tuple[str, int | None]]] = defaultdict(list)
    for year, dept, last in con.execute("SELECT fiscal_year, department_name, last_filed_year "
                                        "FROM marts.fct_missing_submission ORDER BY 1, 2").fetchall():
        out[int(year)].append((dept, last))
    return dict(out)


def _text_or_none(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, Decimal):  # DECIMAL(38, 6) 1200.500000 → 1200.50; 0.123456 stays
        if not value.is_finite():
            return str(value)
        exponent = value.normalize().as_tuple().exponent
        places = max(2, -exponent) if isinstance(exponent, int) else 2
        return format(value.quantize(Decimal(1).scaleb(-places)), "f")
    return str(value)


def _load_functions(con: duckdb.DuckDBPyConnection, years: dict[tuple[str, int], DepartmentYear]) -> None:
    """功能分类 类 totals of each department-year: the 类 lines of its county source (as county_function_summary)."""
    sql = """
        SELECT department_name, fiscal_year, coalesce(name_canonical, function_code) AS fname, sum(amount)
        FROM marts.fct_expenditure_by_function
        WHERE level = '类' AND measure = 'total' AND is_county_source AND coalesce(name_canonical, function_code)
              IS NOT NULL
        GROUP BY ALL ORDER BY 1, 2, 4 DESC, 3"""
    for d, y, fname, total in con.execute(sql).fetchall():
        dy = years.get((d, y))
        if dy is not None and total is not None:
            dy.functions.append((re.sub(r"（类）|\(类\)|支出$", "", fname) or fname, Decimal(total)))


# indicator key → (column, last year's column) of marts.county_department_summary: the county mart decides every
# indicator and its last-year value (last year's row, else as this year's disclosure states it)
SUMMARY_COLUMNS: dict[str, tuple[str, str]] = {
    "income_total": ("income_total", "income_total_prior"),
    "expenditure_total": ("total_expenditure", "total_expenditure_prior"),
    "expenditure_basic": ("basic_expenditure", "basic_expenditure_prior"),
    "expenditure_project": ("project_expenditure", "project_expenditure_prior"),
    "fiscal_appropriation": ("fiscal_appropriation_income", "fiscal_appropriation_income_prior"),
    "sangong_total": ("sangong_actual", "sangong_actual_prior"),
    "admin_operating_cost": ("admin_operating_cost", "admin_operating_cost_prior"),
    "staff": ("staff_count", "staff_count_prior"),
    "admin_cost_per_staff": ("admin_cost_per_staff", "admin_cost_per_staff_prior"),
    "execution_rate": ("budget_execution_pct", "budget_execution_pct_prior"),
    "procurement_total": ("procurement_total", "procurement_total_prior"),
}
COMPLETENESS_COLUMN = "completeness_pct"


def _load_summary(con: duckdb.DuckDBPyConnection, years: dict[tuple[str, int], DepartmentYear]) -> None:
    columns = [COMPLETENESS_COLUMN, *(c for pair in SUMMARY_COLUMNS.values() for c in pair)]
    for dept, year, *values in con.execute(
            f"SELECT department_name, fiscal_year, {', '.join(columns)} FROM marts.county_department_summary"
    ).fetchall():
        dy = years.get((dept, year))
        if dy is not None:
            dy.summary = dict(zip(columns, values, strict=True))


def _load_peer_groups(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return dict(con.execute("SELECT department_name, peer_group FROM marts.dim_department "
                            "WHERE peer_group IS NOT NULL").fetchall())


# The marts the reports read (a warehouse without them has never been built: its report says so).
REQUIRED_MARTS = (
    "dim_document", "dim_department", "fct_department_metric", "fct_check_result", "fct_expenditure_by_function",
    "county_department_summary", "fct_budget_execution", "fct_review_decision", "fct_missing_submission",
)


def load_county(warehouse: Path) -> CountyData:
    """Read every figure, finding and document the reports need; the connection is closed on return."""
    years: dict[tuple[str, int], DepartmentYear] = {}
    missing: list[str] = []
    quarantined: list[tuple[str, str, str]] = []
    loaded = n_quarantined = 0
    peer_groups: dict[str, str] = {}
    history: dict[str, list[ReviewEvent]] = {}
    not_submitted: dict[int, list[tuple[str, int | None]]] = {}
    has_registry = False
    with read_only(warehouse) as con:
        marts = list_marts(con)
        absent = [m for m in REQUIRED_MARTS if m not in marts]
        if absent:  # the marts were never built here (or dbt failed before them): nothing to show yet
            missing.append(f"数据集市尚未生成 marts not built: {', '.join('marts.' + m for m in absent)}；报告暂无数据")
        else:
            _load_documents(con, years)
            loaded, n_quarantined = one_row(
                con, "SELECT count(*) FILTER (status = 'loaded'), count(*) FILTER (status = 'quarantined') "
                "FROM marts.dim_document")
            quarantined = [(d, Path(f).name, r or "") for d, f, r in con.execute(
                "SELECT department_name, source_file, status_reason FROM marts.dim_document "
                "WHERE status = 'quarantined' ORDER BY 1, 2").fetchall()]
            _load_figures(con, years)
            _load_findings(con, years)
            _load_functions(con, years)
            _load_summary(con, years)
            _load_budget_documents(con, years)
            for key, lines in load_budget_lines(con).items():
                if key in years:  # a department-year the report shows (a 决算, or a 预算 with findings)
                    years[key].budget_lines = lines
            peer_groups = _load_peer_groups(con)
            history = _load_history(con)
            not_submitted = _load_not_submitted(con)
            has_registry = bool(one_row(con, "SELECT count(*) FILTER (in_registry) FROM marts.dim_department")[0])
    return CountyData(warehouse, marts, years, int(loaded), int(n_quarantined), quarantined, peer_groups, missing,
                      history, not_submitted, has_registry)


# ---- derived indicators ----------------------------------------------------------------------------------

def indicator_value(dy: DepartmentYear, key: str) -> Decimal | None:
    """The value of one of :data:`INDICATORS` for a department-year (None when the disclosure lacks it).

    marts.county_department_summary decides every indicator, so pages agree with the county mart.
    """
    return dy.summary.get(SUMMARY_COLUMNS[key][0])


def prior_value(dy: DepartmentYear, key: str) -> Decimal | None:
    """Last year's value (marts.county_department_summary: last year's row, else as this year's disclosure states
    it, else this year's figure minus its stated change)."""
    return dy.summary.get(SUMMARY_COLUMNS[key][1])


def completeness(dy: DepartmentYear) -> Decimal | None:
    """Share (0–100) of the nine standard tables with figures (marts.county_department_summary.completeness_pct)."""
    return dy.summary.get(COMPLETENESS_COLUMN)


def error_count(dy: DepartmentYear) -> int:
    return sum(1 for f in dy.findings if f.severity == "error")


def issue_count(dy: DepartmentYear) -> int:
    """Errors and warnings still to do (info hints do not rank a department)."""
    return sum(1 for f in dy.findings if f.severity in ISSUE_SEVERITIES)


def median(values: Sequence[Decimal]) -> Decimal | None:
    return statistics.median(values) if values else None


@dataclass(frozen=True, slots=True)
class Comparison:
    indicator: Indicator
    current: Decimal | None
    prior: Decimal | None
    change: Decimal | None
    change_pct: Decimal | None
    peer_median: Decimal | None
    peer_rank: int | None
    peer_size: int


def compare(county: CountyData, dy: DepartmentYear) -> list[Comparison]:
    """Key figures against last year and against the peer group's median (rank 1 = largest)."""
    group = county.peer_groups.get(dy.department)
    peers = [p for p in county.in_year(dy.year) if county.peer_groups.get(p.department) == group]
    out = []
    for ind in INDICATORS:
        cur = indicator_value(dy, ind.key)
        prior = prior_value(dy, ind.key)
        values = [v for p in peers if (v := indicator_value(p, ind.key)) is not None]
        rank = None
        if cur is not None:
            rank = 1 + sum(1 for v in values if v > cur)
        out.append(Comparison(
            ind, cur, prior, cur - prior if cur is not None and prior is not None else None,
            change_pct(cur, prior), median(values), rank, len(values),
        ))
    return out


def structure(dy: DepartmentYear, parts: Sequence[tuple[str, str]]) -> list[tuple[str, Decimal | None]]:
    return [(label, dy.actual(metric)) for metric, label in parts]


def income_structure(dy: DepartmentYear) -> list[tuple[str, Decimal | None]]:
    """The income parts; 财政拨款收入 as the county mart has it (stated, else its three appropriation kinds)."""
    _, fiscal_label = INCOME_PARTS[0]
    return [(fiscal_label, indicator_value(dy, "fiscal_appropriation")), *structure(dy, INCOME_PARTS[1:])]


def sangong_structure(dy: DepartmentYear) -> list[tuple[str, Decimal | None]]:
    items = structure(dy, SANGONG_PARTS)
    if items[1][1] is None and items[2][1] is None and (vehicle := dy.actual("sangong_vehicle")) is not None:
        items = [items[0], ("公务用车购置及运行维护费", vehicle), items[3]]
    return items


def county_functions(county: CountyData, year: int) -> list[tuple[str, Decimal]]:
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for dy in county.in_year(year):
        for name, amount in dy.functions:
            totals[name] += amount
    return sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))
