"""`juesuan check FILE`: a corrected file checked against the published warehouse gives the findings that
publishing it would give (every rule but the county-wide peer comparison), publishes nothing, starts no Prefect."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from flows.nightly import RunOptions, run_consolidation
from ingest.pipeline import ingest_file
from samplegen import generate_county
from tests.textedit import shift_figure
from warehouse.build.compile import cache_root, start_compile
from warehouse.build.selfcheck import COUNTY_WIDE_FAMILIES, check_against
from warehouse.dbt import DBT_PROJECT_DIR
from warehouse.publish import DataLayout
from warehouse.runs import dbt_fingerprint

# narrative.amount_vs_table keeps a claim of a metric when any table of the *county* states that metric
# (int_check_narrative: `metric in (select distinct metric from figures)`): whether an unmatched claim is listed as
# not evaluable depends on other departments' tables, so those rows are not compared
FINDINGS = ("SELECT f.check_id, f.status, f.message, f.page, f.locator FROM marts.fct_check_result AS f "
            "INNER JOIN reference.check_registry AS r USING (check_id) "
            "WHERE f.document_id = ? AND r.family NOT IN (SELECT unnest(?::VARCHAR[])) "
            "AND NOT (f.check_id = 'narrative.amount_vs_table' AND f.status = 'not_evaluable') ORDER BY ALL")


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _findings(warehouse: Path, document_id: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(FINDINGS, [document_id, sorted(COUNTY_WIDE_FAMILIES)]).fetchall()


def _corrupt_a_figure(path: Path) -> None:
    def middle(figures: list[re.Match[str]]) -> re.Match[str]:
        assert len(figures) > 4
        return figures[len(figures) // 2]

    shift_figure(path, Decimal(7), middle)


@pytest.mark.slow
def test_check_gives_the_findings_publishing_would_give(tmp_path: Path):
    sample = tmp_path / "sample"
    generate_county(sample, departments=2, years=(2023, 2024), seed=21, defect_rate=0.5, formats=("txt",),
                    budgets=True)
    inbox = tmp_path / "inbox"
    shutil.copytree(sample, inbox, ignore=shutil.ignore_patterns("county.csv", "truth.json"))
    warehouse = tmp_path / "data" / "warehouse.duckdb"
    assert run_consolidation(inbox, warehouse, RunOptions(workers=1), tracked=False).ok
    published = _sha(warehouse)

    target = sorted(p for p in (inbox / "2024").glob("*年度部门决算.txt"))[0]
    corrected = tmp_path / "自查" / target.name
    corrected.parent.mkdir()
    shutil.copy2(target, corrected)
    _corrupt_a_figure(corrected)

    # the CLI: findings printed in Chinese with their page and severity, nothing published, Prefect not imported
    driver = ("import sys; from flows.cli import main; code = main(sys.argv[1:]); "
              "print('PREFECT' if 'prefect' in sys.modules else 'NO-PREFECT'); sys.exit(code)")
    proc = subprocess.run(
        [sys.executable, "-c", driver, "check", str(corrected), "--warehouse", str(warehouse),
         "--out", str(tmp_path / "report")], capture_output=True, text=True, timeout=300, check=False)
    out = proc.stdout
    assert proc.returncode in (0, 1), out + proc.stderr
    assert "年度" in out and "未发布 nothing was published" in out and "NO-PREFECT" in out, out
    assert re.search(r"\[(错误|警告|提示|严重)\] (第\d+页|\S+) ", out), out
    assert _sha(warehouse) == published
    assert list((tmp_path / "report").glob("*.html")) and list((tmp_path / "report").glob("*.xlsx"))

    # the findings of the scratch build are those of a run that publishes the corrected file
    layout = DataLayout(warehouse)
    job = start_compile(cache_root(layout.cache_dir), dbt_fingerprint(DBT_PROJECT_DIR))
    result = ingest_file(corrected)
    scratch = check_against(warehouse, [result], tmp_path / "scratch" / "warehouse.duckdb", job.result(),
                            job.seeds_file)
    assert scratch.build.success, scratch.build.message
    assert len(scratch.superseded) == 1 and scratch.context_documents > 1
    (doc_id,) = scratch.checked
    checked = _findings(scratch.path, doc_id)
    assert any(status == "fail" for _, status, *_ in checked)

    # (published by a full build: `--full-refresh` rebuilds every model, whatever changed)
    shutil.copy2(corrected, target)
    report = run_consolidation(inbox, warehouse, RunOptions(workers=1, full_refresh=True), tracked=False)
    assert report.ok and report.dbt.mode == "full", report.reason
    published_findings = _findings(warehouse, doc_id)
    assert published_findings == checked, (set(published_findings) ^ set(checked))
