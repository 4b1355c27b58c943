"""Canonical keys shared by truth and extraction: row identities, measures, metric names."""

from __future__ import annotations

import re

from ingest.catalog import MetricCatalog, normalise_label

_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+、|\d{1,2}[.、．]|（[一二三四五六七八九十\d]+）)")

# The generator (samplegen) names a few metrics differently from the catalogue.
TRUTH_METRIC_KEYS: dict[str, str] = {
    "expenditure_total": "expenditure_grand_total",
    "general_budget_basic": "general_budget_basic_expenditure",
    "income_superior": "income_superior_subsidy",
    "govfund_income": "income_govfund_appropriation",
    "equipment_over_50": "equipment_general_over_50",
    "equipment_over_100": "equipment_special_over_100",
}
# Narrative figures of function lines (类/款/项): scored as lines, not as metric facts.
LINE_METRICS = frozenset({"function_expenditure", "function_class_expenditure"})

# Generator measure names → extraction measure names (cells of the standard tables).
_TRUTH_MEASURES: dict[str, str] = {
    "remit": "to_superior",
    "subsidy": "subsidy_affiliates",
    "fiscal": "fiscal_appropriation",
    "superior": "superior_subsidy",
    "affiliated": "affiliates",
    "carry_begin": "carryover_begin",
    "carry_end": "carryover_end",
    "soe": "soe_capital",
}


# A fund row under 年初/年末财政拨款结转和结余 (T4): printed '一、一般公共预算财政拨款' (real expected files),
# spelled out '年初一般公共预算财政拨款结转和结余' (generator truth, extraction) — one row either way.
_FUND_CARRYOVER = re.compile(r"^(?:年初|年末)(.+预算财政拨款)结转和?结余$")


def row_label_key(label: str) -> str:
    """A row label as compared: no numbering, quotes, spaces; '…小计' is the item's subtotal."""
    s = _NUMBERING.sub("", normalise_label(label))
    if s.endswith("小计") and len(s) > 2:
        s = s[:-2]
    fund = _FUND_CARRYOVER.match(s)
    return fund.group(1) if fund else s


def canonical_measure(table_key: str, measure: str, truth: bool) -> str:
    """One measure vocabulary for truth cells and extracted cells."""
    m = _TRUTH_MEASURES.get(measure, measure) if truth else measure
    if table_key == "general_budget_basic":
        return "actual"  # 人员经费 / 公用经费 blocks: the row's code tells them apart
    if table_key == "fiscal_summary" and m.startswith("expenditure_"):
        return m[len("expenditure_"):]
    return m


def truth_metric(metric: str, code: str | None, catalog: MetricCatalog) -> str:
    """The catalogue key of a generator metric (vehicles by type go through the catalogue)."""
    if metric == "vehicles_by_type" and code:
        found = catalog.match(code, "辆")
        return found.key if found else f"vehicles_by_type:{code}"
    return TRUTH_METRIC_KEYS.get(metric, metric)


def line_basis(measure: str) -> str:
    """The basis a function line measure stands for ('total' of a narrative line = actual)."""
    return "actual" if measure == "total" else measure
