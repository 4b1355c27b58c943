"""The metric catalogue seed and alias matching."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from ingest.catalog import DEFAULT_CATALOG_PATH, MetricCatalog, MetricDef, load_metric_catalog

CATALOG = load_metric_catalog()

REQUIRED_KEYS = (
    "income_total", "income_current_year", "carryover_begin", "carryover_end",
    "use_of_nonfiscal_surplus", "surplus_distribution", "expenditure_current_year",
    "expenditure_grand_total", "income_general_budget_appropriation",
    "income_govfund_appropriation", "income_soe_capital_appropriation", "income_superior_subsidy",
    "income_business", "income_operating", "income_from_affiliates", "income_other",
    "expenditure_basic", "expenditure_project", "expenditure_to_superior", "expenditure_operating",
    "expenditure_subsidy_affiliates", "basic_personnel", "basic_public",
    "general_budget_expenditure", "govfund_expenditure", "soe_capital_expenditure",
    "sangong_total", "sangong_overseas", "sangong_vehicle", "sangong_vehicle_purchase",
    "sangong_vehicle_operation", "sangong_reception", "admin_operating_cost", "procurement_total",
    "procurement_goods", "procurement_works", "procurement_services", "procurement_sme",
    "procurement_small_micro", "vehicles_total", "reception_batches", "reception_persons",
    "overseas_groups", "overseas_persons", "staff_authorized", "staff_actual",
)


def test_seed_has_required_keys_and_well_formed_rows() -> None:
    assert set(REQUIRED_KEYS) <= {m.key for m in CATALOG.metrics}
    with DEFAULT_CATALOG_PATH.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["key", "label_zh", "aliases", "unit", "category"]
    for row in rows:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", row["key"]), row["key"]
        assert row["aliases"] and row["unit"] and row["category"], row
    assert len(rows) == len(CATALOG)


def test_lookup_by_key() -> None:
    assert CATALOG["sangong_total"].unit == "万元"
    assert CATALOG.get("nope") is None
    assert "vehicles_total" in CATALOG
    with pytest.raises(KeyError):
        CATALOG["nope"]


@pytest.mark.parametrize(
    ("label", "unit", "key"),
    [
        ("2020年度收入总计", "万元", "income_total"),
        ("其中本年收入合计", "万元", "income_current_year"),
        ("上年结转", "万元", "carryover_begin"),
        ("一般公共预算财政拨款收入", "万元", "income_general_budget_appropriation"),
        ("一般公共预算财政拨款基本支出", "万元", "general_budget_basic_expenditure"),
        ("“三公”经费财政拨款支出", "万元", "sangong_total"),
        ("公务用车购置及运行维护费支出", "万元", "sangong_vehicle"),
        ("公务用车运行维护费支出", "万元", "sangong_vehicle_operation"),
        ("国内公务接待", "万元", "sangong_reception"),
        ("国内公务接待", "批次", "reception_batches"),
        ("国内公务接待", "人次", "reception_persons"),
        ("单位共有公务用车", "辆", "vehicles_total"),
        ("财政拨款收入支出总计", "万元", "fiscal_total"),
        ("收入支出总计", "万元", "income_total"),
        ("事业编制", "个", "staff_institution"),
        ("因公出国(境)费", "万元", "sangong_overseas"),
    ],
)
def test_match_longest_alias_with_unit(label: str, unit: str, key: str) -> None:
    metric = CATALOG.match(label, unit)
    assert metric is not None and metric.key == key


def test_match_rejects_incompatible_units_and_unknown_labels() -> None:
    assert CATALOG.match("共有车辆", "万元") is None
    assert CATALOG.match("民营经济税收", "万元") is None
    assert CATALOG.match("", "万元") is None


def test_load_custom_catalogue(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("key,label_zh,aliases,unit,category\nfoo,甲,甲乙| 甲 ,万元,income\n", encoding="utf-8")
    catalog = load_metric_catalog(path)
    assert catalog.metrics == (MetricDef("foo", "甲", ("甲乙", "甲"), "万元", "income"),)
    bad = tmp_path / "bad.csv"
    bad.write_text("key,label_zh\nfoo,甲\n", encoding="utf-8")
    with pytest.raises(ValueError):
        load_metric_catalog(bad)
    with pytest.raises(ValueError):
        MetricCatalog((MetricDef("a", "", ("x",), "万元", ""), MetricDef("a", "", ("y",), "万元", "")))
