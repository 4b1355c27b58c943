"""The extraction evaluation: scoring rules, a small generated county, and the hand-checked real documents."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from ingest.catalog import load_metric_catalog
from ingest.evaluation.keys import canonical_measure, row_label_key
from ingest.evaluation.real import DEFAULT_EXPECTED_DIR, evaluate_real
from ingest.evaluation.scoring import match_counts, value_key
from ingest.evaluation.synthetic import evaluate_county, signed_value
from ingest.pipeline import ingest_file
from tests.realdata import realdata_path

CATALOG = load_metric_catalog()


def test_multiset_matching_counts_each_extracted_item_once() -> None:
    s = match_counts(["a", "a", "b"], ["a", "c"])
    assert (s.expected, s.extracted, s.matched) == (3, 2, 1)
    assert s.recall == 1 / 3 and s.precision == 1 / 2


def test_value_and_label_keys() -> None:
    assert value_key("1,234.50") == value_key("1234.5") == value_key(Decimal("1234.50"))
    assert value_key("0.00") == "0"
    assert row_label_key("一、一般公共预算财政拨款收入") == "一般公共预算财政拨款收入"
    assert row_label_key("公务用车购置及运行费小计") == "公务用车购置及运行费"
    assert canonical_measure("fiscal_summary", "expenditure_general_budget", truth=False) == "general_budget"
    assert canonical_measure("income", "superior", truth=True) == "superior_subsidy"


def test_decrease_claims_are_signed() -> None:
    fact = {"value": "3.59", "basis": "yoy_change", "direction": "减少"}
    assert signed_value(fact) == "-3.59"
    assert signed_value({"value": "3.59", "basis": "actual", "direction": "减少"}) == "3.59"


def test_generated_county_meets_the_bar(tmp_path: Path) -> None:
    from ingest.samplegen import generate_county

    generate_county(tmp_path, departments=4, years=(2024,), seed=5, workers=1)
    table, _ = evaluate_county(tmp_path, lambda p: ingest_file(p, CATALOG), CATALOG)
    totals = table.totals()
    cells = totals[("generated", "table cells")]
    assert cells.recall is not None and cells.recall >= 0.98
    narrative = totals[("generated", "narrative facts")]
    assert narrative.recall is not None and narrative.recall >= 0.95
    assert totals[("generated", "identity")].recall == 1.0


def test_real_documents_meet_the_bar() -> None:
    root = realdata_path("seed_sichuan").parent
    table, misses, skipped = evaluate_real(root, DEFAULT_EXPECTED_DIR, lambda p: ingest_file(p, CATALOG))
    assert not skipped
    totals = table.totals()
    assert totals[("real", "identity")].recall == 1.0
    assert (totals[("real", "narrative facts")].recall or 0) >= 0.95
    assert (totals[("real", "table cells")].recall or 0) >= 0.98
    table_facts = totals[("real", "table facts")]
    assert table_facts.recall == 1.0 and table_facts.wrong == 0, misses
    assert totals[("real", "narrative facts")].wrong == 0, [m for m in misses if "WRONG" in m.item]
