"""Every rule of the registry is evaluated, and every evaluation's rule is registered — on the built warehouse, not
by reading SQL text. The inbox is a generated county with both kinds (预算 and 决算, every defect kind injected)
plus, when ../shared/realdata is there, six real documents that carry what the generator does not (a budget's
wording of another template level, a real page-text 决算, a 江苏 budget's 政府采购支出预算表, a change stated against
last year's figure in brackets, a change with numbered signed parts). One `juesuan run` per module (~1 minute).

The registry says which rules there are; a rule that no model evaluates on this inbox is either dead (a typo in
its id, a model that lost its branch) or evaluated only on documents this inbox lacks — the test names it.
"""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest

from samplegen import generate_county
from tests.e2e_support import REPO, juesuan_run
from tests.realdata import copy_real

REGISTRY = REPO / "dbt_project" / "seeds" / "check_registry.csv"
REAL = (
    "govbudgetchecker/上海市普陀区司法局2026年区级部门预算.pdf",
    "govbudgetchecker/上海市普陀区司法局2026年区级单位预算.pdf",
    "govbudgetchecker/page_texts_2025_final/上海市普陀区人民政府宜川路街道办事处2025年度部门决算.page_texts.json",
    "more/江苏省人民检察院2019年度部门预算.pdf",
    "more/江苏省人民检察院2018年度部门预算.pdf",
    "more/西南大学2023年度部门预算.pdf",
)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("coverage")
    inbox = root / "inbox"
    generate_county(inbox, departments=8, years=(2023, 2024), seed=21, defect_rate=1.0,
                    formats=("txt", "docx", "xlsx"), workers=1, budgets=True)
    copy_real(REAL, inbox)
    target = root / "warehouse.duckdb"
    proc = juesuan_run(inbox, target, timeout=900)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return target


def _registry() -> set[str]:
    with REGISTRY.open(encoding="utf-8", newline="") as fh:
        return {row["check_id"] for row in csv.DictReader(fh)}


def _evaluated(warehouse: Path) -> dict[str, int]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            "select check_id, sum(evaluated + not_evaluable) from marts.check_summary group by check_id").fetchall()
    return {check_id: int(n) for check_id, n in rows}


def test_every_registered_rule_is_evaluated(warehouse: Path) -> None:
    evaluated = _evaluated(warehouse)
    assert sorted(r for r in _registry() if not evaluated.get(r)) == []


def test_every_evaluated_rule_is_registered(warehouse: Path) -> None:
    assert sorted(set(_evaluated(warehouse)) - _registry()) == []
