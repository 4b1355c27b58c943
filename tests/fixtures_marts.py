"""Marts built by dbt from a small raw fixture, once per test session (the report tests read only these).

The raw fixture is a handful of :class:`ingest.records.IngestResult` records — documents and their figures as
the extraction would hand them over — loaded by :func:`warehouse.load.load_results` and built by
:func:`warehouse.dbt.dbt_build`, so the reports are tested against the schema dbt really builds.

The fixture is registered once in tests/conftest.py (``pytest_plugins``): ask for ``dbt_marts`` and copy the warehouse
(:func:`copy_marts`) before writing to it.
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from ingest.model import Amount, MetricFact, NarrativeClaim
from ingest.records import DocumentRecord, IngestResult, QuarantineRecord
from warehouse.dbt import dbt_build
from warehouse.load import load_results

FINANCE = "示例县财政局"
EDUCATION = "示例县教育局"
TOWN = "示例县城关镇人民政府"
INJECTION = "=HYPERLINK(\"http://example.invalid\",\"点我\")"
INGESTED_AT = datetime(2025, 1, 1, tzinfo=UTC)

# (department, year) → metric → (basis → value); units 万元 unless listed in UNITS
FIGURES: dict[tuple[str, int], dict[str, dict[str, str]]] = {
    (FINANCE, 2023): {"income_total": {"actual": "1000.00"}, "expenditure_current_year": {"actual": "900.00"},
                      "expenditure_grand_total": {"actual": "1000.00"}, "sangong_total": {"actual": "20.00"},
                      "admin_operating_cost": {"actual": "100.00"}, "staff_actual": {"actual": "50"}},
    (FINANCE, 2024): {"income_total": {"actual": "1200.50", "yoy_change": "200.50"},
                      "income_fiscal_appropriation": {"actual": "1100.50"}, "income_business": {"actual": "60.00"},
                      "carryover_begin": {"actual": "40.00"},
                      "expenditure_current_year": {"actual": "1150.25"},
                      "expenditure_grand_total": {"actual": "1200.50"},
                      "expenditure_basic": {"actual": "800.25"}, "expenditure_project": {"actual": "350.00"},
                      "sangong_total": {"actual": "18.00", "yoy_change": "-2.00"},
                      "sangong_overseas": {"actual": "0.00"}, "sangong_vehicle_purchase": {"actual": "5.00"},
                      "sangong_vehicle_operation": {"actual": "8.00"}, "sangong_reception": {"actual": "5.00"},
                      "admin_operating_cost": {"actual": "120.00"}, "staff_actual": {"actual": "48"},
                      "basic_personnel": {"actual": "600.00"}, "basic_public": {"actual": "200.25"},
                      "procurement_total": {"actual": "88.00"}},
    (EDUCATION, 2024): {"income_total": {"actual": "5000.00", "yoy_change": "-500.00"},
                        "expenditure_current_year": {"actual": "4900.00", "yoy_change": "-450.00"},
                        "expenditure_basic": {"actual": "3000.00"}, "expenditure_project": {"actual": "1900.00"},
                        "sangong_total": {"actual": "30.00"}, "admin_operating_cost": {"actual": "150.00"},
                        "staff_actual": {"actual": "200"}},
    (TOWN, 2024): {"income_total": {"actual": "3000.00"}, "expenditure_current_year": {"actual": "2950.00"},
                   # no 财政拨款收入 line: its three appropriation kinds (two of them stated)
                   "income_general_budget_appropriation": {"actual": "2500.00"},
                   "income_govfund_appropriation": {"actual": "300.00"},
                   "expenditure_basic": {"actual": "2000.00"}, "expenditure_project": {"actual": "950.00"},
                   "sangong_total": {"actual": "12.00"}, "sangong_vehicle_purchase": {"actual": "4.00"},
                   "sangong_vehicle_operation": {"actual": "4.00"}, "sangong_reception": {"actual": "3.00"},
                   "staff_actual": {"actual": "80"}},
}
UNITS = {"staff_actual": "人"}
BUDGET_SENTENCE = "2024年度一般公共预算财政拨款支出决算数为1100.00万元，调整预算数为1250.00万元，完成预算88.00%。"
# a narrative sentence whose figure disagrees with its table (a finding the checks must raise)
INCOME_SENTENCE = "2024年度收入总计1210.50万元，比上年增加200.50万元，主要原因是项目增加。"


def _amount(text: str) -> Amount:
    return Amount(Decimal(text), len(text.partition(".")[2]), text)


def _fact(metric: str, basis: str, value: str, *, kind: str = "table", page: int = 3, locator: str | None = None,
          evidence: str | None = None, unit: str | None = None, claim: NarrativeClaim | None = None) -> MetricFact:
    return MetricFact(
        metric, basis, _amount(value), unit or UNITS.get(metric, "万元"), kind, page,  # type: ignore[arg-type]
        locator or f"table:t/row:{metric}", evidence or f"{metric} | {value}", claim=claim,
    )


def _document(document_id: str, department: str, year: int) -> DocumentRecord:
    return DocumentRecord(
        document_id=document_id, source_file=f"inbox/{department}{year}年度部门决算.pdf", file_sha256=document_id * 8,
        file_size=1000, file_format="pdf", department_name=department, fiscal_year=year, doc_type="final_account",
        page_count=12, encoding=None, department_source="cover", year_source="cover", parser_version="fixture",
        ingested_at=INGESTED_AT, doc_level="department", identification_confidence=1.0,
    )


def raw_fixture() -> list[IngestResult]:
    """The raw records: four department-years of figures, one narrative mismatch and one quarantined file."""
    results = []
    for i, ((dept, year), metrics) in enumerate(sorted(FIGURES.items())):
        doc = _document(f"doc{i:02d}", dept, year)
        facts = [
            _fact(metric, basis, value, evidence=INJECTION if metric == "expenditure_basic" else None)
            for metric, bases in metrics.items() for basis, value in bases.items()
        ]
        if (dept, year) == (FINANCE, 2024):
            # the 一般公共预算 sentence: actual + budget in one statement; a misread table cell must not pair with it
            for basis, value in (("actual", "1100.00"), ("budget", "1250.00"), ("completion_pct", "88.00")):
                facts.append(_fact("general_budget_expenditure", basis, value, kind="narrative", page=9,
                                   locator="section:五/三", evidence=BUDGET_SENTENCE,
                                   unit="%" if basis == "completion_pct" else "万元"))
            facts.append(_fact("general_budget_expenditure", "actual", "0.00", page=6,
                               locator="table:fiscal_summary/row:29", evidence="一、一般公共预算财政拨款 | 0.00"))
            claim = NarrativeClaim(has_reason=True, compared_year=2023)
            facts.append(_fact("income_total", "actual", "1210.50", kind="narrative", page=5,
                               locator="section:一/para:2", evidence=INCOME_SENTENCE, claim=claim))
        results.append(IngestResult(source_file=doc.source_file, document=doc, facts=facts))
    results.append(IngestResult(source_file="inbox/broken.pdf", quarantine=QuarantineRecord(
        source_file="inbox/broken.pdf", file_sha256="1" * 64, file_format="pdf", department_name=None,
        fiscal_year=None, doc_type=None, reason_code="unreadable", reason_zh="无法读取", reason_en="unreadable",
        detected_at=INGESTED_AT)))
    return results


def build_marts(warehouse: Path) -> Path:
    """Load the raw fixture into ``warehouse`` and build every model, seed and data test with dbt."""
    load_results(warehouse, raw_fixture(), run_id="fixture-run")
    outcome = dbt_build(warehouse, warehouse.parent / "dbt")
    assert outcome.success, outcome.message
    return warehouse


@pytest.fixture(scope="session")
def dbt_marts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse whose marts dbt built from :func:`raw_fixture` (read-only: copy it before writing)."""
    return build_marts(tmp_path_factory.mktemp("dbt_marts") / "warehouse.duckdb")


def copy_marts(warehouse: Path, target: Path) -> Path:
    """A private copy of the built warehouse for a test that writes (review decisions, exports)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(warehouse, target)
    return target
