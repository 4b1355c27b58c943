"""The consolidation flow: discover → ingest → load → dbt build → summary.

Thin on purpose: every step is a function of ``ingest`` or ``warehouse`` that
is tested without Prefect; the flow adds orchestration, retries and run history.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

from prefect import flow, task

from ingest.batch import ingest_files
from ingest.discover import discover_files
from ingest.records import IngestResult
from warehouse.dbt import DbtOutcome, dbt_build
from warehouse.load import LoadStats, load_results
from warehouse.summary import WarehouseSummary, summarize


@dataclass(frozen=True, slots=True)
class RunReport:
    run_id: str
    inbox: str
    warehouse: str
    files_found: int
    load: LoadStats
    dbt: DbtOutcome
    summary: WarehouseSummary | None

    @property
    def ok(self) -> bool:
        return self.dbt.success


def _progress(done: int, total: int, res: IngestResult) -> None:
    if total >= 20 and (done * 10 // total != (done - 1) * 10 // total or done == total):
        print(f"  解析进度 parsed {done}/{total}", flush=True)


@task(name="discover")
def discover_task(inbox: Path) -> list[Path]:
    return discover_files(inbox)


@task(name="ingest")
def ingest_task(paths: list[Path], workers: int | None) -> list[IngestResult]:
    return ingest_files(paths, workers=workers, progress=_progress)


@task(name="load", retries=2, retry_delay_seconds=2)
def load_task(warehouse: Path, results: list[IngestResult], run_id: str, inbox: Path) -> LoadStats:
    return load_results(warehouse, results, run_id, inbox)


@task(name="dbt-build")
def dbt_task(warehouse: Path, work_dir: Path) -> DbtOutcome:
    return dbt_build(warehouse, work_dir)


@flow(name="juesuan-consolidation", log_prints=False, validate_parameters=False)
def consolidate(inbox: Path, warehouse: Path, workers: int | None = None) -> RunReport:
    run_id = uuid.uuid4().hex[:12]
    paths = discover_task(inbox)
    print(f"发现文件 found {len(paths)} file(s) in {inbox}", flush=True)
    results = ingest_task(paths, workers)
    stats = load_task(warehouse, results, run_id, inbox)
    outcome = dbt_task(warehouse, warehouse.parent / "dbt")
    return RunReport(
        run_id=run_id,
        inbox=str(inbox),
        warehouse=str(warehouse),
        files_found=len(paths),
        load=stats,
        dbt=outcome,
        summary=summarize(warehouse) if outcome.success else None,
    )
