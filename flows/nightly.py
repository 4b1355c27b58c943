"""The consolidation flow: scan → parse what changed → build a new warehouse file → dbt → publish.

Thin on purpose: every step is a plain function of ``ingest`` or ``warehouse`` that is
tested without Prefect; the flow adds orchestration and run history. Incremental: a file
whose bytes (and parser) did not change is not parsed again; atomic: the published
warehouse is only ever replaced by a complete build (warehouse/publish.py).
"""

from __future__ import annotations

import errno
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from prefect import Task, flow, task
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from flows.options import RunOptions
from ingest.batch import ParseOutcome, parse_inbox
from ingest.cache import ResultCache, parser_fingerprint
from ingest.discover import InboxFile, scan
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
from warehouse.publish import (
    LOCK_WAIT_SECONDS,
    DataLayout,
    RunLocked,
    WarehouseBusy,
    discard_build,
    prepare_build,
    publish,
    read_published,
    run_lock,
)
from warehouse.review.inputs import BureauInputs, inputs_changed, read_inputs, record_sightings, write_inputs
from warehouse.runs import (
    RunRecord,
    adopt_legacy_log,
    append_record,
    append_record_best_effort,
    dbt_fingerprint,
    findings_by_severity,
    last_success,
    now,
    published_run_ids,
    read_records,
    with_findings,
    write_runs,
)
from warehouse.summary import WarehouseSummary, summarize


@dataclass(frozen=True, slots=True)
class ScanState:
    """What the scan found, what the warehouse holds, and which files are unchanged since they were read."""

    files: list[InboxFile]
    rows: list[DocRow]
    unchanged: set[str]
    deferred: list[str]
    known_keys: set[str]  # logical keys current in the warehouse (documents and quarantined files)
    published: set[str] = field(default_factory=set)  # run ids the published warehouse records as succeeded


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


def read_warehouse_state(warehouse: Path, wait_seconds: float = LOCK_WAIT_SECONDS) -> tuple[
        list[DocRow], set[tuple[str, str]], set[str]]:
    """The published warehouse's documents, its current quarantine (logical_key, sha256) and the runs it records
    as succeeded, read-only.

    Waits briefly for a write lock someone holds, then raises :class:`WarehouseBusy`.
    """
    if not warehouse.exists():
        return [], set(), set()
    with read_published(warehouse, wait_seconds) as con:
        published = published_run_ids(con)
        cols = {(t, c) for t, c in con.execute(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'raw' "
            "AND table_name IN ('documents', 'quarantine')").fetchall()}
        # a warehouse from before incremental runs: everything is re-planned
        rows = read_document_rows(con) if ("documents", "parser_fingerprint") in cols else []
        quarantined: set[tuple[str, str]] = set()
        if ("quarantine", "is_current") in cols:
            quarantined = {(k, s) for k, s in con.execute(
                "SELECT logical_key, file_sha256 FROM raw.quarantine WHERE is_current").fetchall()}
    return rows, quarantined, published


def unchanged_keys(
    rows: list[DocRow], files: list[InboxFile], fingerprint: str,
    quarantined: set[tuple[str, str]] | None = None, cached: Callable[[str], bool] | None = None,
) -> set[str]:
    """Keys whose current document has the same bytes and was parsed by the same parser (pure).

    A file quarantined with the same bytes is unchanged too when this parser's verdict on it is cached
    (a new parser may read it); a link or special file quarantined as the same entry is unchanged (never read).
    """
    current = {r.logical_key: r for r in rows if r.is_current}
    still_bad = quarantined or set()
    return {
        f.logical_key for f in files
        if ((c := current.get(f.logical_key)) is not None and c.file_sha256 == f.sha256
            and c.parser_fingerprint == fingerprint)
        or ((f.logical_key, f.sha256) in still_bad
            and (f.kind != "regular" or (cached is not None and cached(f.sha256))))
    }


def keep_deferred(
    files: list[InboxFile], deferred: list[str], rows: list[DocRow], quarantined: set[tuple[str, str]], inbox: Path
) -> list[InboxFile]:
    """Files still being written keep their current state this run: listed with the bytes the warehouse has (pure).

    A deferred file the warehouse does not know yet is left out until it is complete.
    """
    known = {r.logical_key: r.file_sha256 for r in rows if r.is_current}
    known.update({k: s for k, s in quarantined if k not in known})
    kept = [InboxFile(k, str(inbox / k), known[k]) for k in deferred if k in known]
    return sorted([*files, *kept], key=lambda f: f.logical_key)


def withdrawal_refusal(known: set[str], found: set[str], max_share: float) -> str | None:
    """Why a run must not publish what this inbox would withdraw, or None (pure).

    ``known`` are the logical keys current in the published warehouse, ``found`` those in the inbox now.
    """
    if not known:
        return None
    lost = known - found
    if not found:
        return (f"收件箱为空，发布将撤回全部 {len(known)} 个文件 the inbox is empty: publishing would withdraw all "
                f"{len(known)} files (use --allow-withdraw if intended)")
    if len(lost) / len(known) > max_share:
        return (f"收件箱缺少上次的 {len(lost)}/{len(known)} 个文件（超过 {max_share:.0%}），拒绝撤回 "
                f"the inbox lost {len(lost)} of {len(known)} files since the last run (more than {max_share:.0%}); "
                f"refusing to withdraw them (use --allow-withdraw if intended)")
    return None


def inbox_missing(inbox: Path) -> str:
    return f"收件箱不存在或不是文件夹（未挂载？） inbox not found or not a folder (not mounted?): {inbox}"


def scan_state(inbox: Path, warehouse: Path, fingerprint: str, lock_wait: float = LOCK_WAIT_SECONDS) -> ScanState:
    """The inbox's files, the warehouse's documents, and which files are unchanged since they were read."""
    rows, quarantined, published = read_warehouse_state(warehouse, lock_wait)
    found = scan(inbox)
    files = keep_deferred(found.files, found.deferred, rows, quarantined, inbox)
    cache = ResultCache(DataLayout(warehouse).cache_dir, fingerprint)
    unchanged = unchanged_keys(rows, files, fingerprint, quarantined, cache.has)
    unchanged |= set(found.deferred) & {f.logical_key for f in files}
    known = {r.logical_key for r in rows if r.is_current} | {k for k, _ in quarantined}
    return ScanState(files, rows, unchanged, found.deferred, known, published)


@task(name="scan", cache_policy=NO_CACHE)
def scan_task(inbox: Path, warehouse: Path, fingerprint: str, lock_wait: float) -> ScanState:
    return scan_state(inbox, warehouse, fingerprint, lock_wait)


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
def publish_task(layout: DataLayout, build: Path, record: RunRecord, keep: int, archive: bool = True) -> RunRecord:
    """Swap the build in. The log says ``publishing`` (final counts) just before: a run killed right after the
    swap is then recognised by the next run as published, from the record its warehouse carries.

    ``archive`` off (an idle run: same data as the published warehouse) keeps history as it is.
    """
    import duckdb

    started = time.monotonic()
    with duckdb.connect(str(build)) as con:
        record = with_findings(record, findings_by_severity(con))
        quarantined = con.execute("SELECT count(*) FROM raw.quarantine WHERE coalesce(is_current, true)").fetchall()[0]
        record = replace(record, files_quarantined=int(quarantined[0]))
        final = replace(record, status="succeeded", ended_at=now(), publish_seconds=time.monotonic() - started)
        write_runs(con, [final])
    append_record(layout.runs_log, replace(final, status="publishing"))
    publish(layout, build, keep=keep, archive_previous=archive)
    return replace(final, ended_at=now(), publish_seconds=time.monotonic() - started)


def preflight(inbox: Path, warehouse: Path, options: RunOptions) -> tuple[bool, str | None]:
    """(idle, refusal) from one cheap scan: whether a run would change nothing (same files, parser and dbt project
    as the last successful run, same registry and review decisions) and why it must be refused before it starts
    (a missing or emptied inbox).

    Hashes the inbox and reads raw.documents read-only; any doubt answers (False, None): the run decides.
    """
    if not inbox.is_dir():
        return False, inbox_missing(inbox)
    if not warehouse.exists():
        return False, None
    try:
        state = scan_state(inbox, warehouse, parser_fingerprint(PARSER_VERSION), options.lock_wait)
    except WarehouseBusy as exc:
        return False, str(exc)
    found = {f.logical_key for f in state.files}
    refusal = None if options.allow_withdraw else withdrawal_refusal(state.known_keys, found,
                                                                   options.max_withdraw_share)
    if refusal is not None or not state.files or len(state.unchanged) != len(state.files) or state.deferred:
        return False, refusal
    if not {r.logical_key for r in state.rows if r.is_current} <= found:
        return False, None  # a withdrawn file is a change
    prior = last_success(read_records(DataLayout(warehouse).runs_log, published=state.published))
    if prior is None or prior.dbt_fingerprint != dbt_fingerprint(DBT_PROJECT_DIR):
        return False, None
    return not inputs_changed(warehouse, read_inputs(warehouse, inbox, options.registry)), None


def _stage(step: Task, tracked: bool) -> Callable[..., Any]:
    """The stage as a Prefect task (tracked) or its plain function (a run that needs no Prefect API)."""
    return step if tracked else step.fn


def run_consolidation(inbox: Path, warehouse: Path, options: RunOptions, tracked: bool = True) -> RunReport:
    """The whole run; never raises for a failed run: the report says why.

    ``tracked`` runs the stages as Prefect tasks (inside a flow); untracked calls the same functions directly —
    `juesuan run` does that when :func:`preflight` finds nothing changed (or a refusal), so an idle night costs no
    Prefect start-up.
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
    build: Path | None = None
    dbt = DbtOutcome(False, 0, 0, 0, (), "")
    files: list[InboxFile] = []
    try:
        _adopt_legacy_log(layout, options.lock_wait)
        append_record(layout.runs_log, record)
        if not inbox.is_dir():
            raise _RunFailed(inbox_missing(inbox))
        state = _stage(scan_task, tracked)(inbox, warehouse, fp, options.lock_wait)
        files, rows, unchanged = state.files, state.rows, state.unchanged
        deferred = f"; 写入中，推迟到下次 still being written, deferred {len(state.deferred)}" if state.deferred else ""
        print(f"发现文件 found {len(files)} file(s) in {inbox}; 未变化 unchanged {len(unchanged)}{deferred}",
              flush=True)
        if not options.allow_withdraw and (refused := withdrawal_refusal(
                state.known_keys, {f.logical_key for f in files}, options.max_withdraw_share)):
            raise _RunFailed(refused)
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
        history = read_records(layout.runs_log, active_run_id=record.run_id, published=state.published)
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
        idle = plan.empty and not needs_dbt  # the same data as published: history stays as it is
        record = _stage(publish_task, tracked)(layout, build, record, options.keep, not idle)
        build = None
        append_record(layout.runs_log, record)
        _record_sightings(warehouse)
        summary = summarize(warehouse)
        return RunReport(record.run_id, str(inbox), str(warehouse), len(files), record, dbt, summary)
    except Exception as exc:
        record = replace(record, status="failed", ended_at=now(), reason=failure_reason(exc))
        append_record_best_effort(layout.runs_log, record)
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


def _no_space(exc: BaseException) -> bool:
    return (isinstance(exc, OSError) and exc.errno == errno.ENOSPC) or "No space left on device" in str(exc)


def failure_reason(exc: BaseException) -> str:
    """One line, Chinese + English where the cause is known (a full disk, a held lock, a refusal)."""
    reason = str(exc) if isinstance(exc, _RunFailed | WarehouseBusy) else f"{type(exc).__name__}: {exc}"
    if _no_space(exc):
        reason = f"磁盘空间不足 no space left on device: {reason}"
    return " ".join(reason.split())[:600]


def _adopt_legacy_log(layout: DataLayout, lock_wait: float) -> None:
    """The first run with per-warehouse logs takes its own records from the folder's shared log."""
    if layout.runs_log.exists() or not layout.legacy_runs_log.exists() or not layout.warehouse.exists():
        return
    with read_published(layout.warehouse, lock_wait) as con:
        ids = {r[0] for r in con.execute("SELECT run_id FROM raw.pipeline_runs").fetchall()} if con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'raw' "
            "AND table_name = 'pipeline_runs'").fetchall()[0][0] else set()
    adopt_legacy_log(layout.legacy_runs_log, layout.runs_log, ids)


@flow(name="juesuan-consolidation", log_prints=False, validate_parameters=False)
def consolidate(inbox: Path | str, warehouse: Path | str, options: dict[str, Any] | None = None) -> RunReport:
    """One run, as `juesuan run` starts it: returns the report (a failed run is a report, not an exception).

    ``options``: :meth:`flows.options.RunOptions.to_parameters` (names missing take their defaults).
    """
    return run_consolidation(Path(inbox), Path(warehouse), RunOptions.from_parameters(options))


@flow(name="juesuan-nightly", log_prints=True, validate_parameters=False)
def nightly(inbox: str, warehouse: str, options: dict[str, Any] | None = None) -> dict[str, object]:
    """The served (scheduled) deployment: same run; a failed run fails the flow run with its reason.

    ``options`` as the deployment's parameters give them (`juesuan serve` writes those of its flags). A scheduled
    run never forces a rebuild nor withdraws more than ``max_withdraw_share`` of the files.
    """
    scheduled = replace(RunOptions.from_parameters(options), force=False, allow_withdraw=False)
    report = run_consolidation(Path(inbox), Path(warehouse), scheduled)
    if not report.ok:
        raise RuntimeError(f"juesuan run {report.run_id} failed: {report.reason}")
    rec = report.record
    return {"run_id": rec.run_id, "files_seen": rec.files_seen, "files_parsed": rec.files_parsed,
            "files_skipped": rec.files_skipped, "status": rec.status}
