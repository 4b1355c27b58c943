"""The incremental build (warehouse/build) gives what a full build gives: one county through a sequence of runs —
a changed figure, a department added, a file withdrawn, a rollback to an earlier published version and a run
after it — each run's published warehouse compared row for row with a full rebuild of its own
raw data (warehouse/build/verify.py)."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from flows.nightly import RunOptions, RunReport, run_consolidation
from samplegen import generate_county
from tests.textedit import shift_figure
from warehouse.build.changes import Change, of_documents, scope_closure, source_change
from warehouse.build.verify import full_rebuild_differences
from warehouse.publish import DataLayout, history, restore

YEARS = (2023, 2024)


def _run(inbox: Path, warehouse: Path, **options: object) -> RunReport:
    report = run_consolidation(inbox, warehouse, RunOptions(workers=1, allow_withdraw=True, **options),
                               tracked=False)
    assert report.ok, report.reason
    return report


def _bump_first_amount(path: Path) -> None:
    """Change one printed figure of a Tika text file (a department's corrected file)."""
    shift_figure(path, Decimal(1), lambda figures: figures[0])


def _same_as_full(warehouse: Path, tmp: Path) -> None:
    assert full_rebuild_differences(warehouse, tmp) == []


def test_change_sets_are_closed_under_the_scope():
    scopes_old = {"a1": "甲", "a2": "甲", "b1": "乙"}
    scopes_new = {"a1": "甲", "a2": "丙", "b1": "乙", "c1": "丙"}
    # a2 moved from 甲 to 丙: both its old and its new neighbours are recomputed
    assert scope_closure({"a2"}, (scopes_old, scopes_new)) == {"a1", "a2", "c1"}
    assert scope_closure({"b1"}, (scopes_old, scopes_new)) == {"b1"}
    assert of_documents(["a1", None]).everything  # a row without a document: only a full rebuild places it
    assert source_change({"a1": (1, 5)}, {"a1": (1, 5), "b1": (2, 7)}, keyed=True) == Change(frozenset({"b1"}))
    assert source_change({None: (3, 9)}, {None: (3, 8)}, keyed=False).everything


@pytest.mark.slow
def test_incremental_equals_full_through_changes_withdrawals_and_a_rollback(tmp_path: Path):
    sample = tmp_path / "sample"
    generate_county(sample, departments=3, years=YEARS, seed=11, defect_rate=0.5, formats=("txt",), budgets=True)
    departments = sorted({p.name.split("2023")[0] for p in (sample / "2023").iterdir()})
    held_back = departments[-1]
    inbox = tmp_path / "inbox"
    shutil.copytree(sample, inbox, ignore=shutil.ignore_patterns("county.csv", "truth.json", f"{held_back}*"))
    warehouse = tmp_path / "data" / "warehouse.duckdb"
    layout = DataLayout(warehouse)

    first = _run(inbox, warehouse)
    assert first.dbt.mode == "full"

    # 1. a corrected file (one figure of one document changes) and a department filing for the first time
    changed = sorted((inbox / "2024").glob("*.txt"))[0]
    _bump_first_amount(changed)
    for year in YEARS:
        for path in (sample / str(year)).glob(f"{held_back}*"):
            shutil.copy2(path, inbox / str(year) / path.name)
    report = _run(inbox, warehouse)
    assert report.dbt.mode == "incremental" and report.dbt.documents > 0, report.dbt.message
    _same_as_full(warehouse, tmp_path)

    # 2. a file is withdrawn
    withdrawn = sorted((inbox / "2023").iterdir())[0]
    withdrawn.unlink()
    report = _run(inbox, warehouse)
    assert report.dbt.mode == "incremental", report.dbt.message
    _same_as_full(warehouse, tmp_path)

    # 3. rollback to the version before the withdrawal (it carries its own build state), then the next run —
    # the file back, another correction — builds from it incrementally
    restore(layout, history(layout)[-1])
    shutil.copy2(sample / "2023" / withdrawn.name, withdrawn)
    _bump_first_amount(changed)
    report = _run(inbox, warehouse)
    assert report.dbt.mode == "incremental", report.dbt.message
    _same_as_full(warehouse, tmp_path)
