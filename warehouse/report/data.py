"""Everything the review reports show, read once from the marts on a short read-only connection.

The reports build against the marts that exist: ``fct_disclosure_metric`` and ``dim_document`` are the
contract today; ``fct_check_result`` (findings) and ``fct_expenditure_by_function`` (function structure)
are used when present, with their columns resolved by name, and shown as 暂无数据 when absent.
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
from warehouse.report.fmt import change_pct, ratio_pct
from warehouse.sql import list_marts, read_only


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
    figures: dict[tuple[str, str], Figure] = field(default_factory=dict)  # (metric, basis) → figure
    candidates: dict[tuple[str, str], list[Figure]] = field(default_factory=dict)  # every statement of it
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

# What a complete disclosure states: the core of the nine tables and the narrative.
CORE_METRICS: tuple[tuple[str, ...], ...] = (
    ("income_total",), ("income_current_year",), ("expenditure_grand_total",), ("expenditure_current_year",),
    ("expenditure_basic",), ("expenditure_project",), ("basic_personnel",), ("basic_public",),
    ("fiscal_total",), ("general_budget_expenditure",), ("income_fiscal_appropriation",
                                                          "income_general_budget_appropriation"),
    ("sangong_total", "sangong_overseas", "sangong_reception"), ("admin_operating_cost",), ("procurement_total",),
    ("vehicles_total",), ("staff_actual", "staff_onroll", "staff_authorized"),
)

INCOME_PARTS: tuple[tuple[str, str], ...] = (
    ("income_fiscal_appropriation", "财政拨款收入"), ("income_superior_subsidy", "上级补助收入"),
    ("income_business", "事业收入"), ("income_operating", "经营收入"),
    ("income_from_affiliates", "附属单位上缴收入"), ("income_other", "其他收入"),
)
FISCAL_INCOME_PARTS: tuple[str, ...] = (
    "income_general_budget_appropriation", "income_govfund_appropriation", "income_soe_capital_appropriation",
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
SEVERITY_ORDER = {"critical": 0, "error": 1, "high": 1, "warning": 2, "warn": 2, "medium": 2, "info": 3, "low": 3}
SEVERITY_LABEL = {"critical": "严重", "error": "错误", "high": "错误", "warning": "警告", "warn": "警告",
                  "medium": "警告", "info": "提示", "low": "提示"}
FAILING = {"fail", "failed", "error", "warn", "warning"}  # open findings; pass / accepted / skipped are not
DECIDED = {"accepted", "rejected"}  # a reviewer's decision (listed apart, with the reason)
NOT_EVALUABLE = {"not_evaluable", "unevaluable", "not_evaluated"}
ERROR_SEVERITIES = {"critical", "error", "high"}
TOWNSHIP = re.compile(r"(镇|乡)人民政府|街道办事处|街道$")


def severity_rank(severity: str) -> int:
    return SEVERITY_ORDER.get(severity.lower(), 9)


def severity_label(severity: str) -> str:
    return SEVERITY_LABEL.get(severity.lower(), severity)


def peer_group_of(department: str) -> str:
    """Peer group by kind of department: townships/streets compare with each other, county departments too."""
    return "乡镇（街道）" if TOWNSHIP.search(department) else "县级部门"


@dataclass(slots=True)
class CountyData:
    warehouse: Path
    marts: list[str]
    years: dict[tuple[str, int], DepartmentYear]
    documents_loaded: int
    documents_quarantined: int
    quarantined: list[tuple[str, str, str]]  # (department, file, reason)
    peer_groups: dict[str, str]
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


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    return [r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'marts' AND table_name = ? "
        "ORDER BY ordinal_position", [table]
    ).fetchall()]


def _pick(columns: Sequence[str], *candidates: str) -> str | None:
    lowered = {c.lower(): c for c in columns}
    for cand in candidates:
        if cand in lowered:
            return lowered[cand]
    return None


def _q(col: str | None) -> str:
    return f'"{col}"' if col else "NULL"


def _current_documents(con: duckdb.DuckDBPyConnection) -> str:
    """SQL for the loaded final-account documents the marts use (current revisions when the mart says so)."""
    current = " AND is_current" if "is_current" in _columns(con, "dim_document") else ""
    return ("SELECT document_id FROM marts.dim_document WHERE status = 'loaded' "
            f"AND coalesce(doc_type, 'unknown') <> 'budget' AND fiscal_year IS NOT NULL{current}")


def _load_figures(con: duckdb.DuckDBPyConnection, years: dict[tuple[str, int], DepartmentYear]) -> None:
    # One figure per (department, year, metric, basis): a table cell before a narrative sentence, then page order.
    rows = con.execute(f"""
        WITH docs AS ({_current_documents(con)})
        SELECT department_name, fiscal_year, metric, basis, value, unit, source_kind, page, evidence
        FROM marts.fct_disclosure_metric
        WHERE document_id IN (SELECT document_id FROM docs)
        ORDER BY department_name, fiscal_year, metric, basis,
                 CASE source_kind WHEN 'table' THEN 0 ELSE 1 END, page NULLS LAST, locator
    """).fetchall()
    for dept, year, metric, basis, value, unit, kind, page, evidence in rows:
        dy = years.setdefault((dept, year), DepartmentYear(dept, year))
        fig = Figure(Decimal(value), unit, kind, page, evidence)
        dy.figures.setdefault((metric, basis), fig)
        dy.candidates.setdefault((metric, basis), []).append(fig)


def _load_documents(con: duckdb.DuckDBPyConnection, years: dict[tuple[str, int], DepartmentYear]) -> None:
    rows = con.execute(f"""
        SELECT department_name, fiscal_year, document_id, source_file, page_count FROM marts.dim_document
        WHERE document_id IN ({_current_documents(con)})
        ORDER BY department_name, fiscal_year, source_file
    """).fetchall()
    for dept, year, doc_id, source, pages in rows:
        dy = years.setdefault((dept, year), DepartmentYear(dept, year))
        dy.documents.append((doc_id, Path(source).name, pages))


def _load_budget_documents(con: duckdb.DuckDBPyConnection, years: dict[tuple[str, int], DepartmentYear]) -> None:
    """The 预算 files of each department-year the report shows (its page names them beside the 决算)."""
    current = " AND is_current" if "is_current" in _columns(con, "dim_document") else ""
    rows = con.execute(f"""
        SELECT department_name, fiscal_year, document_id, source_file, page_count FROM marts.dim_document
        WHERE status = 'loaded' AND doc_type = 'budget' AND fiscal_year IS NOT NULL{current}
        ORDER BY department_name, fiscal_year, source_file
    """).fetchall()
    for dept, year, doc_id, source, pages in rows:
        if (dept, year) in years:
            years[(dept, year)].budget_documents.append((doc_id, Path(source).name, pages))


FINDING_FIELDS: dict[str, tuple[str, ...]] = {
    "check_id": ("check_id", "check_name", "rule_id"), "severity": ("severity", "level"),
    "status": ("status", "outcome"), "message": ("message", "message_zh", "description"),
    "expected": ("expected",), "actual": ("actual",), "difference": ("difference", "diff"),
    "evidence": ("evidence",), "page": ("page",), "locator": ("locator",), "document_id": ("document_id",),
    "finding_id": ("finding_id",), "title": ("title_zh",), "lifecycle": ("lifecycle",),
    "reason": ("disposition_reason",), "decided_by": ("disposition_by",), "decided_at": ("disposition_at",),
    "response": ("response",), "occurrences": ("occurrences",), "first_seen_run_id": ("first_seen_run_id",),
}


def _decimal(value: Any) -> Decimal | None:
    return value if isinstance(value, Decimal) or value is None else Decimal(str(value))


def _load_findings(con: duckdb.DuckDBPyConnection, years: dict[tuple[str, int], DepartmentYear]) -> str | None:
    cols = _columns(con, "fct_check_result")
    dept, year = _pick(cols, "department_name"), _pick(cols, "fiscal_year")
    if dept is None or year is None:
        return "marts.fct_check_result 缺少 department_name / fiscal_year 列"
    c = {k: _pick(cols, *v) for k, v in FINDING_FIELDS.items()}
    order = ", ".join(x for x in (_q(c["severity"]), _q(c["check_id"]), _q(c["page"])) if x != "NULL") or "1"
    sql = (f"SELECT {_q(dept)}, {_q(year)}, " + ", ".join(_q(c[k]) for k in FINDING_FIELDS)
           + f" FROM marts.fct_check_result ORDER BY {order}")
    for row in con.execute(sql).fetchall():
        d, y, *values = row
        if d is None or y is None:
            continue
        v = dict(zip(FINDING_FIELDS, values, strict=True))
        status_text = str(v["status"] or "fail")
        dy = years.setdefault((str(d), int(y)), DepartmentYear(str(d), int(y)))
        if status_text.lower() in NOT_EVALUABLE:
            dy.not_evaluable += 1
        decided = status_text.lower() in DECIDED
        if status_text.lower() not in FAILING and not decided:
            continue
        finding = Finding(
            str(v["check_id"] or "—"), str(v["severity"] or "info"), status_text, str(v["message"] or ""),
            _decimal(v["expected"]), _decimal(v["actual"]), _decimal(v["difference"]),
            _text_or_none(v["evidence"]), int(v["page"]) if v["page"] is not None else None,
            _text_or_none(v["locator"]), _text_or_none(v["document_id"]), _text_or_none(v["finding_id"]),
            _text_or_none(v["title"]), str(v["lifecycle"] or ("open" if not decided else status_text)),
            _text_or_none(v["reason"]), _text_or_none(v["decided_by"]), v["decided_at"], _text_or_none(v["response"]),
            int(v["occurrences"] or 1), _text_or_none(v["first_seen_run_id"]),
        )
        (dy.decided if decided else dy.findings).append(finding)
    return None


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


def _load_functions(con: duckdb.DuckDBPyConnection, years: dict[tuple[str, int], DepartmentYear]) -> str | None:
    cols = _columns(con, "fct_expenditure_by_function")
    dept, year = _pick(cols, "department_name"), _pick(cols, "fiscal_year")
    name = _pick(cols, "function_name", "name_canonical", "class_name", "name", "name_reported", "label")
    code = _pick(cols, "function_code", "class_code", "code")
    level = _pick(cols, "level", "function_level", "code_level", "class_level")
    amount = _pick(cols, "amount", "actual", "expenditure", "total", "value", "expenditure_total", "total_amount")
    measure = _pick(cols, "measure")
    if dept is None or year is None or amount is None or (name is None and code is None):
        return f"marts.fct_expenditure_by_function 列无法识别 (columns: {', '.join(cols)})"
    filters = []
    if level is not None:
        filters.append(f"(cast({_q(level)} AS varchar) IN ('类', 'class', '1') OR {_q(level)} IS NULL)")
    elif code is not None:
        filters.append(f"length(cast({_q(code)} AS varchar)) = 3")
    if measure is not None:
        filters.append(f"cast({_q(measure)} AS varchar) IN ('total', 'actual', 'expenditure_total')")
    if (source := _pick(cols, "is_county_source")) is not None:  # one source per department-year, no doubles
        filters.append(f"{_q(source)}")
    if (doc_type := _pick(cols, "doc_type")) is not None:
        filters.append(f"coalesce({_q(doc_type)}, 'final_account') <> 'budget'")
    where = (" WHERE " + " AND ".join(filters)) if filters else ""
    label = f"coalesce(cast({_q(name)} AS varchar), cast({_q(code)} AS varchar))" if name else \
        f"cast({_q(code)} AS varchar)"
    sql = (f"SELECT {_q(dept)}, {_q(year)}, {label} AS fname, sum(cast({_q(amount)} AS DECIMAL(18, 2))) "
           f"FROM marts.fct_expenditure_by_function{where} GROUP BY ALL ORDER BY 1, 2, 4 DESC")
    for d, y, fname, total in con.execute(sql).fetchall():
        if d is None or y is None or total is None:
            continue
        dy = years.get((str(d), int(y)))
        if dy is not None:
            dy.functions.append((re.sub(r"（类）|\(类\)|支出$", "", str(fname)) or str(fname), Decimal(total)))
    return None


# indicator key → column of marts.county_department_summary (the county's own figures win when present)
SUMMARY_COLUMNS = {
    "expenditure_total": "total_expenditure", "expenditure_basic": "basic_expenditure",
    "expenditure_project": "project_expenditure", "sangong_total": "sangong_actual",
    "admin_operating_cost": "admin_operating_cost", "staff": "staff_count",
    "admin_cost_per_staff": "admin_cost_per_staff", "execution_rate": "budget_execution_pct",
    "completeness": "completeness_pct", "prior_expenditure_total": "prior_year_total_expenditure",
}


def _load_summary(con: duckdb.DuckDBPyConnection, years: dict[tuple[str, int], DepartmentYear]) -> None:
    cols = _columns(con, "county_department_summary")
    wanted = {key: col for key, col in SUMMARY_COLUMNS.items() if col in cols}
    if "department_name" not in cols or "fiscal_year" not in cols or not wanted:
        return
    select = ", ".join(f'"{col}"' for col in wanted.values())
    for row in con.execute(f"SELECT department_name, fiscal_year, {select} FROM marts.county_department_summary"
                           ).fetchall():
        dy = years.get((row[0], row[1]))
        if dy is not None:
            dy.summary = {k: (Decimal(v) if v is not None else None) for k, v in zip(wanted, row[2:], strict=True)}


def _load_peer_groups(con: duckdb.DuckDBPyConnection, departments: Sequence[str], marts: Sequence[str]) -> dict[
        str, str]:
    groups = {d: peer_group_of(d) for d in departments}
    if "dim_department" in marts:
        cols = _columns(con, "dim_department")
        name = _pick(cols, "department_name")
        group = _pick(cols, "peer_group", "department_type", "department_kind", "category", "sector")
        if name and group:
            for d, g in con.execute(f"SELECT {_q(name)}, {_q(group)} FROM marts.dim_department").fetchall():
                if d in groups and g:
                    groups[d] = str(g)
    return groups


def load_county(warehouse: Path) -> CountyData:
    """Read every figure, finding and document the reports need; the connection is closed on return."""
    years: dict[tuple[str, int], DepartmentYear] = {}
    missing: list[str] = []
    with read_only(warehouse) as con:
        marts = list_marts(con)
        quarantined: list[tuple[str, str, str]] = []
        loaded = n_quarantined = 0
        if "dim_document" in marts:
            _load_documents(con, years)
            loaded, n_quarantined = con.execute(
                "SELECT count(*) FILTER (status = 'loaded'), count(*) FILTER (status = 'quarantined') "
                "FROM marts.dim_document").fetchone()
            quarantined = [(d, Path(f).name, r or "") for d, f, r in con.execute(
                "SELECT department_name, source_file, status_reason FROM marts.dim_document "
                "WHERE status = 'quarantined' ORDER BY 1, 2").fetchall()]
        else:
            missing.append("marts.dim_document 不存在：文件清单暂无数据")
        if "fct_disclosure_metric" in marts and "dim_document" in marts:
            _load_figures(con, years)
        else:
            missing.append("marts.fct_disclosure_metric 不存在：指标暂无数据")
        if "fct_check_result" in marts:
            if (note := _load_findings(con, years)) is not None:
                missing.append(note)
        else:
            missing.append("marts.fct_check_result 尚未生成：审核发现暂无数据")
        if "fct_expenditure_by_function" in marts:
            if (note := _load_functions(con, years)) is not None:
                missing.append(note)
        else:
            missing.append("marts.fct_expenditure_by_function 尚未生成：支出功能结构暂无数据")
        if "county_department_summary" in marts:
            _load_summary(con, years)
        if "dim_document" in marts:
            _load_budget_documents(con, years)
        if "fct_budget_execution" in marts:
            for key, lines in load_budget_lines(con).items():
                if key in years:  # a department-year the report shows (a 决算, or a 预算 with findings)
                    years[key].budget_lines = lines
        peer_groups = _load_peer_groups(con, sorted({d for d, _ in years}), marts)
        history = _load_history(con) if "fct_review_decision" in marts else {}
        not_submitted = _load_not_submitted(con) if "fct_missing_submission" in marts else {}
        has_registry = "dim_department" in marts and "in_registry" in _columns(con, "dim_department") and bool(
            con.execute("SELECT count(*) FILTER (in_registry) FROM marts.dim_department").fetchone()[0])
    return CountyData(warehouse, marts, years, int(loaded), int(n_quarantined), quarantined, peer_groups, missing,
                      history, not_submitted, has_registry)


# ---- derived indicators ----------------------------------------------------------------------------------

def _first(dy: DepartmentYear, *metrics: str) -> Decimal | None:
    for m in metrics:
        if (v := dy.actual(m)) is not None:
            return v
    return None


def _sum_parts(dy: DepartmentYear, metrics: Sequence[str]) -> Decimal | None:
    values = [v for m in metrics if (v := dy.actual(m)) is not None]
    return sum(values, Decimal(0)) if values else None


def indicator_value(dy: DepartmentYear, key: str) -> Decimal | None:
    """The value of one of :data:`INDICATORS` for a department-year (None when the disclosure lacks it).

    marts.county_department_summary decides when it has the figure, so pages agree with the county mart.
    """
    if (v := dy.summary.get(key)) is not None:
        return v
    if key == "expenditure_total":
        return _first(dy, "expenditure_current_year", "expenditure_grand_total")
    if key == "fiscal_appropriation":
        v = _first(dy, "income_fiscal_appropriation")
        return v if v is not None else _sum_parts(dy, FISCAL_INCOME_PARTS)
    if key == "sangong_total":
        v = _first(dy, "sangong_total")
        return v if v is not None else _sum_parts(dy, [m for m, _ in SANGONG_PARTS])
    if key == "staff":
        return _first(dy, "staff_actual", "staff_onroll", "staff_authorized")
    if key == "admin_cost_per_staff":
        staff = indicator_value(dy, "staff")
        cost = dy.actual("admin_operating_cost")
        return cost / staff if cost is not None and staff else None
    if key == "execution_rate":  # 决算数 / 预算数, both read from the same statement when it gives both
        budgets = dy.candidates.get(("general_budget_expenditure", "budget"), [])
        actuals = dy.candidates.get(("general_budget_expenditure", "actual"), [])
        for budget in budgets:
            for actual in actuals:
                if actual.evidence == budget.evidence and budget.value:
                    return ratio_pct(actual.value, budget.value)
        return dy.stated("general_budget_expenditure", "completion_pct")
    return dy.actual(key)


_STATED_BASE = {"expenditure_total": "expenditure_current_year", "fiscal_appropriation": "income_fiscal_appropriation"}


def prior_value(county: CountyData, dy: DepartmentYear, key: str) -> Decimal | None:
    """Last year's value: from last year's disclosure in the warehouse, else as this year's disclosure states it."""
    prev = county.get(dy.department, dy.year - 1)
    if prev is not None and (v := indicator_value(prev, key)) is not None:
        return v
    if key == "expenditure_total" and (v := dy.summary.get("prior_expenditure_total")) is not None:
        return v
    metric = _STATED_BASE.get(key, key)
    if (v := dy.stated(metric, "prior_year")) is not None:
        return v
    current, change = dy.actual(metric), dy.stated(metric, "yoy_change")
    if current is not None and change is not None and key not in ("admin_cost_per_staff", "execution_rate"):
        return current - change
    return None


def completeness(dy: DepartmentYear) -> Decimal:
    """Share (0–100) of the nine standard tables present (county mart), else of the core figures stated."""
    if (v := dy.summary.get("completeness")) is not None:
        return v
    stated = sum(1 for group in CORE_METRICS if any(dy.actual(m) is not None for m in group))
    return ratio_pct(Decimal(stated), Decimal(len(CORE_METRICS))) or Decimal(0)


def error_count(dy: DepartmentYear) -> int:
    return sum(1 for f in dy.findings if f.severity.lower() in ERROR_SEVERITIES)


def issue_count(dy: DepartmentYear) -> int:
    """Errors and warnings still to do (info hints do not rank a department)."""
    return sum(1 for f in dy.findings if severity_rank(f.severity) <= 2)


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
    group = county.peer_groups.get(dy.department, peer_group_of(dy.department))
    peers = [p for p in county.in_year(dy.year) if county.peer_groups.get(p.department) == group]
    out = []
    for ind in INDICATORS:
        cur = indicator_value(dy, ind.key)
        prior = prior_value(county, dy, ind.key)
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
    items = structure(dy, INCOME_PARTS)
    if items[0][1] is None:  # no 财政拨款收入 line: the three appropriation kinds
        fiscal = _sum_parts(dy, FISCAL_INCOME_PARTS)
        items[0] = ("财政拨款收入", fiscal)
    return items


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
    return sorted(totals.items(), key=lambda kv: kv[1], reverse=True)
