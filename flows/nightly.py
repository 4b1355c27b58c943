"""The consolidation flow: scan → parse what changed → build a new warehouse file → dbt → publish.

Thin on purpose: every step is a plain function of ``ingest`` or ``warehouse`` that is
tested without Prefect; the flow adds orchestration and run history. Incremental: a file
whose bytes (and parser) did not change is not parsed again; atomic: the published
warehouse is only ever replaced by a complete build (warehouse/publish.py).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from prefect import Task, flow, task
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from ingest.batch import ParseOutcome, parse_inbox
from ingest.cache import ResultCache, parser_fingerprint
from ingest.discover import InboxFile, scan_inbox
from ingest.pipeline import PARSER_VERSION, FileLimits
from ingest.records import IngestResult
from warehouse.dbt import DBT_PROJECT_DIR, DbtOutcome, dbt_build
from warehouse.load import (
    ChangePlan,
    DocRow,
    apply_changes,
    ensure_raw_schema,
    plan_changes,
    read_document_rows,
)
from warehouse.publish import DataLayout, RunLocked, discard_build, prepare_build, publish, run_lock
from warehouse.review.inputs import BureauInputs, inputs_changed, read_inputs, record_sightings, write_inputs
from warehouse.runs import (
    RunRecord,
    append_record,
    dbt_fingerprint,
    findings_by_severity,
    last_success,
    now,
    read_records,
    with_findings,
    write_runs,
)
from warehouse.summary import WarehouseSummary, summarize


@dataclass(frozen=True, slots=True)
class RunOptions:
    workers: int | None = None
    executor: str = "process"
    dask_address: str | None = None
    file_timeout: float | None = 300.0
    keep: int = 5
    force: bool = False  # rebuild with dbt even when nothing changed
    registry: Path | None = None  # the department registry file (default: found in the data folder)


@dataclass(frozen=True, slots=True)
class RunReport:
    run_id: str
    inbox: str
    warehouse: str
    files_found: int
    record: RunRecord
    dbt: DbtOutcome
    summary: WarehouseSummary | None

    @property
    def ok(self) -> bool:
        return self.record.status == "succeeded"

    @property
    def reason(self) -> str:
        return self.record.reason or self.dbt.message


_SKIPPED_DBT = DbtOutcome(True, 0, 0, 0, (), "dbt build skipped: nothing changed")


def _progress(done: int, total: int, res: IngestResult) -> None:
    if total >= 20 and (done * 10 // total != (done - 1) * 10 // total or done == total):
        print(f"  解析进度 parsed {done}/{total}", flush=True)


def _duckdb_read_state(warehouse: Path) -> list[DocRow]:
    import duckdb

    if not warehouse.exists():
        return []
    with duckdb.connect(str(warehouse), read_only=True) as con:
        has = con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'raw' AND table_name = 'documents'"
        ).fetchall()[0][0]
        if not has:
            return []
        cols = {r[0] for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema='raw' AND table_name='documents'"
        ).fetchall()}
        if "parser_fingerprint" not in cols:
            return []  # a warehouse from before incremental runs: everything is re-planned
        return read_document_rows(con)


def _duckdb_read_quarantined(warehouse: Path) -> set[tuple[str, str]]:
    """(logical_key, sha256) of the files quarantined now."""
    import duckdb

    if not warehouse.exists():
        return set()
    with duckdb.connect(str(warehouse), read_only=True) as con:
        cols = {r[0] for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema='raw' AND table_name='quarantine'"
        ).fetchall()}
        if "is_current" not in cols:
            return set()
        return {(k, s) for k, s in con.execute(
            "SELECT logical_key, file_sha256 FROM raw.quarantine WHERE is_current"
        ).fetchall()}


def unchanged_keys(
    rows: list[DocRow], files: list[InboxFile], fingerprint: str,
    quarantined: set[tuple[str, str]] | None = None, cached: Callable[[str], bool] | None = None,
) -> set[str]:
    """Keys whose current document has the same bytes and was parsed by the same parser (pure).

    A file quarantined with the same bytes is unchanged too when this parser's verdict on it is cached
    (a new parser may read it, and a timeout or crash is never cached, so those are tried again).
    """
    current = {r.logical_key: r for r in rows if r.is_current}
    still_bad = quarantined or set()
    return {
        f.logical_key for f in files
        if ((c := current.get(f.logical_key)) is not None and c.file_sha256 == f.sha256
            and c.parser_fingerprint == fingerprint)
        or ((f.logical_key, f.sha256) in still_bad and cached is not None and cached(f.sha256))
    }


def scan_state(inbox: Path, warehouse: Path, fingerprint: str) -> tuple[list[InboxFile], list[DocRow], set[str]]:
    """The inbox's files, the warehouse's documents, and which files are unchanged since they were read."""
    files = scan_inbox(inbox)
    rows = _duckdb_read_state(warehouse)
    cache = ResultCache(DataLayout(warehouse).cache_dir, fingerprint)
    return files, rows, unchanged_keys(rows, files, fingerprint, _duckdb_read_quarantined(warehouse), cache.has)


@task(name="scan", cache_policy=NO_CACHE)
def scan_task(inbox: Path, warehouse: Path, fingerprint: str) -> tuple[list[InboxFile], list[DocRow], set[str]]:
    return scan_state(inbox, warehouse, fingerprint)


@task(name="parse", cache_policy=NO_CACHE)
def parse_task(
    files: list[InboxFile], unchanged: set[str], layout: DataLayout, fingerprint: str, options: RunOptions
) -> ParseOutcome:
    return parse_inbox(
        files, unchanged, ResultCache(layout.cache_dir, fingerprint), layout.archive_dir,
        workers=options.workers, progress=_progress, limits=FileLimits(timeout_seconds=options.file_timeout),
        executor=options.executor, dask_address=options.dask_address,
    )


@task(name="load", cache_policy=NO_CACHE)
def load_task(
    build: Path, plan: ChangePlan, run_id: str, fingerprint: str, runs: list[RunRecord], bureau: BureauInputs
) -> None:
    import duckdb

    with duckdb.connect(str(build)) as con:
        ensure_raw_schema(con)
        apply_changes(con, plan, run_id, fingerprint)
        write_runs(con, runs)
        write_inputs(con, bureau, run_id)


@task(name="dbt-build", cache_policy=NO_CACHE)
def dbt_task(build: Path, work_dir: Path) -> DbtOutcome:
    return dbt_build(build, work_dir)


@task(name="publish", cache_policy=NO_CACHE)
def publish_task(layout: DataLayout, build: Path, record: RunRecord, keep: int) -> RunRecord:
    import duckdb

    started = time.monotonic()
    with duckdb.connect(str(build)) as con:
        record = with_findings(record, findings_by_severity(con))
        quarantined = con.execute("SELECT count(*) FROM raw.quarantine WHERE coalesce(is_current, true)").fetchall()[0]
        record = replace(record, files_quarantined=int(quarantined[0]))
        final = replace(record, status="succeeded", ended_at=now(), publish_seconds=time.monotonic() - started)
        write_runs(con, [final])
    publish(layout, build, keep=keep)
    return replace(final, ended_at=now(), publish_seconds=time.monotonic() - started)


def nothing_changed(inbox: Path, warehouse: Path, registry: Path | None = None) -> bool:
    """True when a run would change nothing: same files, parser, dbt project, registry and review decisions.

    Cheap (hashes the inbox, reads raw.documents read-only); any doubt answers False.
    """
    if not warehouse.exists() or not inbox.is_dir():
        return False
    files, rows, unchanged = scan_state(inbox, warehouse, parser_fingerprint(PARSER_VERSION))
    if not files or len(unchanged) != len(files):
        return False
    if not {r.logical_key for r in rows if r.is_current} <= {f.logical_key for f in files}:
        return False  # a withdrawn file is a change
    prior = last_success(read_records(DataLayout(warehouse).runs_log))
    if prior is None or prior.dbt_fingerprint != dbt_fingerprint(DBT_PROJECT_DIR):
        return False
    return not inputs_changed(warehouse, read_inputs(warehouse, inbox, registry))


def _stage(step: Task, tracked: bool) -> Callable[..., Any]:
    """The stage as a Prefect task (tracked) or its plain function (a run that needs no Prefect API)."""
    return step if tracked else step.fn


def run_consolidation(inbox: Path, warehouse: Path, options: RunOptions, tracked: bool = True) -> RunReport:
    """The whole run; never raises for a failed run: the report says why.

    ``tracked`` runs the stages as Prefect tasks (inside a flow); untracked calls the same functions directly —
    `juesuan run` does that when :func:`nothing_changed`, so an idle night costs no Prefect start-up.
    """
    inbox, warehouse = Path(inbox), Path(warehouse)
    layout = DataLayout(warehouse)
    run_id = uuid.uuid4().hex[:12]
    record = RunRecord(run_id=run_id, started_at=now(), status="running", inbox=str(inbox),
                       executor=options.executor)
    no_dbt = DbtOutcome(False, 0, 0, 0, (), "")
    try:
        with run_lock(layout):
            return _locked_run(inbox, warehouse, layout, options, record, tracked)
    except RunLocked as exc:
        failed = replace(record, status="failed", ended_at=now(), reason=str(exc))
        return RunReport(run_id, str(inbox), str(warehouse), 0, failed, no_dbt, None)


def _locked_run(
    inbox: Path, warehouse: Path, layout: DataLayout, options: RunOptions, record: RunRecord, tracked: bool = True
) -> RunReport:
    fp = parser_fingerprint(PARSER_VERSION)
    dbt_fp = dbt_fingerprint(DBT_PROJECT_DIR)
    record = replace(record, parser_fingerprint=fp, dbt_fingerprint=dbt_fp)
    append_record(layout.runs_log, record)
    build: Path | None = None
    dbt = DbtOutcome(False, 0, 0, 0, (), "")
    files: list[InboxFile] = []
    try:
        files, rows, unchanged = _stage(scan_task, tracked)(inbox, warehouse, fp)
        print(f"发现文件 found {len(files)} file(s) in {inbox}; 未变化 unchanged {len(unchanged)}", flush=True)
        parsed = _stage(parse_task, tracked)(files, unchanged, layout, fp, options)
        plan = plan_changes(rows, files, parsed.results, fp)
        quarantined = sum(1 for r in parsed.results.values() if r.quarantine is not None)
        record = replace(
            record, files_seen=len(files), files_parsed=parsed.parsed, files_skipped=parsed.skipped,
            files_cached=parsed.cached, files_withdrawn=plan.withdrawn, documents_added=plan.documents_added,
            documents_superseded=plan.superseded, files_quarantined=quarantined, parse_seconds=parsed.seconds,
        )
        if parsed.parsed or parsed.cached:
            took = f"{parsed.seconds:.1f} s"
            print(f"  解析 parsed {parsed.parsed}, 缓存 from cache {parsed.cached} ({took})", flush=True)
        history = read_records(layout.runs_log, active_run_id=record.run_id)
        prior = last_success(history)
        bureau = read_inputs(warehouse, inbox, options.registry)
        for issue in bureau.registry.issues:
            print(f"  部门名录 registry: {issue}", flush=True)
        needs_dbt = (
            options.force or not plan.empty or not warehouse.exists() or prior is None
            or prior.dbt_fingerprint != dbt_fp or inputs_changed(warehouse, bureau)
        )
        t = time.monotonic()
        build = prepare_build(layout)
        # quote(): Prefect must not walk the plan's ~100k records looking for futures (that took seconds)
        runs = [r for r in history if r.run_id != record.run_id]
        if tracked:
            load_task(build, quote(plan), record.run_id, fp, quote(runs), quote(bureau))
        else:
            load_task.fn(build, plan, record.run_id, fp, runs, bureau)
        record = replace(record, load_seconds=time.monotonic() - t)
        if needs_dbt:
            print("  dbt build …", flush=True)
            t = time.monotonic()
            dbt = _stage(dbt_task, tracked)(build, layout.dbt_dir)
            record = replace(record, dbt_seconds=time.monotonic() - t, dbt_built=True)
            if not dbt.success:
                raise _RunFailed(dbt.message)
        else:
            dbt = _SKIPPED_DBT
        record = _stage(publish_task, tracked)(layout, build, record, options.keep)
        build = None
        append_record(layout.runs_log, record)
        _record_sightings(warehouse)
        summary = summarize(warehouse)
        return RunReport(record.run_id, str(inbox), str(warehouse), len(files), record, dbt, summary)
    except Exception as exc:
        reason = str(exc) if isinstance(exc, _RunFailed) else f"{type(exc).__name__}: {exc}"
        reason = " ".join(reason.split())[:600]  # one line
        record = replace(record, status="failed", ended_at=now(), reason=reason)
        append_record(layout.runs_log, record)
        return RunReport(record.run_id, str(inbox), str(warehouse), len(files), record, dbt, None)
    finally:
        if build is not None:
            discard_build(build)


def _record_sightings(warehouse: Path) -> None:
    """The published findings go into the review store; the run has succeeded whatever happens here."""
    from warehouse.review.store import StoreBusy
    from warehouse.sql import WarehouseUnavailable

    try:
        record_sightings(warehouse)
    except (StoreBusy, WarehouseUnavailable, OSError) as exc:
        print(f"  注意 note: 审核记录库未更新，下次运行补记 review store not updated, next run records it: {exc}",
              flush=True)


class _RunFailed(RuntimeError):
    """A stage failed in an expected way (dbt build failed); the reason is the message."""


@flow(name="juesuan-consolidation", log_prints=False, validate_parameters=False)
def consolidate(
    inbox: Path | str, warehouse: Path | str, workers: int | None = None, executor: str = "process",
    dask_address: str | None = None, file_timeout: float | None = 300.0, keep: int = 5, force: bool = False,
    registry: str | None = None,
) -> RunReport:
    """One run, as `juesuan run` starts it: returns the report (a failed run is a report, not an exception)."""
    options = RunOptions(workers, executor, dask_address, file_timeout, keep, force,
                         Path(registry) if registry else None)
    return run_consolidation(Path(inbox), Path(warehouse), options)


@flow(name="juesuan-nightly", log_prints=True, validate_parameters=False)
def nightly(
    inbox: str, warehouse: str, workers: int | None = None, executor: str = "process",
    dask_address: str | None = None, file_timeout: float | None = 300.0, keep: int = 5,
) -> dict[str, object]:
    """The served (scheduled) deployment: same run; a failed run fails the flow run with its reason."""
    options = RunOptions(workers, executor, dask_address, file_timeout, keep, False)
    report = run_consolidation(Path(inbox), Path(warehouse), options)
    if not report.ok:
        raise RuntimeError(f"juesuan run {report.run_id} failed: {report.reason}")
    rec = report.record
    return {"run_id": rec.run_id, "files_seen": rec.files_seen, "files_parsed": rec.files_parsed,
            "files_skipped": rec.files_skipped, "status": rec.status}
