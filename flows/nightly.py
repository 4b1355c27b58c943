"""The consolidation flow: scan → parse what changed → build a new warehouse file → dbt → publish.

Thin on purpose: every step is a plain function of ``ingest`` or ``warehouse`` that is
tested without Prefect; the flow adds orchestration and run history. Incremental: a file
whose bytes (and parser) did not change is not parsed again; atomic: the published
warehouse is only ever replaced by a complete build (warehouse/publish.py).
"""

from __future__ import annotations

import errno
import os
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from flows.idle import (  # the preflight's pieces: re-exported, the run and its tests read them from here
    ScanState,
    inbox_missing,
    keep_deferred,
    preflight_of,
    scan_state,
    unchanged_keys,
    withdrawal_refusal,
)
from flows.options import RunOptions
from ingest.batch import ParseOutcome, parse_inbox, prestart_workers
from ingest.cache import ResultCache, current_parser_fingerprint, parser_fingerprint
from ingest.discover import InboxFile
from ingest.pipeline import PARSER_VERSION, FileLimits
from ingest.records import IngestResult
from warehouse.build.compile import CompileFailed, CompileJob, cache_root, start_compile
from warehouse.build.runner import BuildOutcome, BuildSettings
from warehouse.build.runner import build as build_models
from warehouse.dbt import DBT_PROJECT_DIR, dbt_build
from warehouse.load import ChangePlan, apply_changes, ensure_raw_schema, plan_changes
from warehouse.publish import (
    DataLayout,
    PendingBuild,
    RunLocked,
    WarehouseBusy,
    discard_build,
    publish,
    read_published,
    run_lock,
)

__all__ = ["RunReport", "ScanState", "inbox_missing", "keep_deferred", "preflight", "run_consolidation",
           "scan_state", "tracking_requested", "unchanged_keys", "withdrawal_refusal"]
from warehouse.memory import memory_limit, release_freed_memory
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
    read_records,
    with_findings,
    write_runs,
)
from warehouse.summary import WarehouseSummary, summarize


@dataclass(frozen=True, slots=True)
class RunReport:
    run_id: str
    inbox: str
    warehouse: str
    files_found: int
    record: RunRecord
    dbt: BuildOutcome
    summary: WarehouseSummary | None

    @property
    def ok(self) -> bool:
        return self.record.status == "succeeded"

    @property
    def reason(self) -> str:
        return self.record.reason or self.dbt.message


_SKIPPED_DBT = BuildOutcome(True, message="dbt build skipped: nothing changed", mode="skipped")
BUILDER_ENV = "JUESUAN_BUILDER"


def _progress(done: int, total: int, res: IngestResult) -> None:
    if total >= 20 and (done * 10 // total != (done - 1) * 10 // total or done == total):
        print(f"  解析进度 parsed {done}/{total}", flush=True)


def scan_step(inbox: Path, warehouse: Path, fingerprint: str, lock_wait: float) -> ScanState:
    return scan_state(inbox, warehouse, fingerprint, lock_wait)


def parse_step(
    files: list[InboxFile], unchanged: set[str], layout: DataLayout, fingerprint: str, options: RunOptions
) -> ParseOutcome:
    return parse_inbox(
        files, unchanged, ResultCache(layout.cache_dir, fingerprint), layout.archive_dir,
        workers=options.workers, progress=_progress, limits=FileLimits(timeout_seconds=options.file_timeout),
        executor=options.executor, dask_address=options.dask_address,
    )


def load_step(
    build: Path, plan: ChangePlan, run_id: str, fingerprint: str, runs: list[RunRecord], bureau: BureauInputs,
    limit: str | None = None,
) -> None:
    import duckdb

    with duckdb.connect(str(build), config={"memory_limit": memory_limit(limit)}) as con:
        ensure_raw_schema(con)
        apply_changes(con, plan, run_id, fingerprint)
        write_runs(con, runs)
        write_inputs(con, bureau, run_id)


def build_step(build: Path, layout: DataLayout, compiled: CompileJob | None, options: RunOptions) -> BuildOutcome:
    """The dbt project's models and data tests on the build file: the compiled SQL run in DuckDB, incremental
    when the last build of this warehouse used the same project (``builder='dbt'``: a `dbt build` instead)."""
    if options.builder == "dbt" or compiled is None:
        out = dbt_build(build, layout.dbt_dir, memory_limit=options.memory_limit)
        return BuildOutcome(out.success, out.models, out.tests, out.seeds, out.failed, out.message, "dbt")
    try:
        project = compiled.result()
    except CompileFailed as exc:
        return BuildOutcome(False, failed=(str(exc),), message=str(exc))
    settings = BuildSettings(memory_limit=memory_limit(options.memory_limit), temp_directory=layout.build_dir / "spill")
    return build_models(build, project, compiled.seeds_file, full_refresh=options.full_refresh, settings=settings)


def publish_step(layout: DataLayout, build: Path, record: RunRecord, keep: int, archive: bool = True) -> RunRecord:
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


STEPS: dict[str, Callable[..., Any]] = {
    "scan": scan_step, "parse": parse_step, "load": load_step, "dbt-build": build_step, "publish": publish_step,
}


def preflight(inbox: Path, warehouse: Path, options: RunOptions) -> tuple[bool, str | None]:
    """(idle, refusal) from one cheap scan (flows/idle.py): whether a run would change nothing and why it must be
    refused before it starts (a missing or emptied inbox). Any doubt answers (False, None): the run decides."""
    check = preflight_of(inbox, warehouse, options, parser_fingerprint(PARSER_VERSION),
                         dbt_fingerprint(DBT_PROJECT_DIR))
    return check.idle, check.refusal


def _stage(name: str, tracked: bool) -> Callable[..., Any]:
    """The stage as a Prefect task (tracked) or its plain function (a run that needs no Prefect API)."""
    if not tracked:
        return STEPS[name]
    from flows.tracked import TASKS

    return TASKS[name]


def tracking_requested(options: RunOptions) -> bool:
    """Whether `juesuan run` should run the stages as Prefect tasks in a flow: as asked (``options.track``), and by
    default only when a Prefect API is configured to record the flow run in (PREFECT_API_URL, e.g. `juesuan
    server`): starting Prefect's temporary local API costs ≈ 7 s and keeps nothing the run log does not. Even
    then an idle or refused run (:func:`preflight`) runs untracked."""
    if options.track is not None:
        return options.track
    return bool(os.environ.get("PREFECT_API_URL"))


def run_consolidation(inbox: Path, warehouse: Path, options: RunOptions, tracked: bool = True) -> RunReport:
    """The whole run; never raises for a failed run: the report says why.

    ``tracked`` runs the stages as Prefect tasks (inside a flow); untracked calls the same functions directly —
    `juesuan run` does that unless :func:`tracking_requested` says otherwise, so a run costs no Prefect start-up.
    """
    inbox, warehouse = Path(inbox), Path(warehouse)
    layout = DataLayout(warehouse)
    run_id = uuid.uuid4().hex[:12]
    record = RunRecord(run_id=run_id, started_at=now(), status="running", inbox=str(inbox),
                       executor=options.executor)
    no_dbt = BuildOutcome(False)
    try:
        with run_lock(layout):
            return _locked_run(inbox, warehouse, layout, options, record, tracked)
    except RunLocked as exc:
        failed = replace(record, status="failed", ended_at=now(), reason=str(exc))
        return RunReport(run_id, str(inbox), str(warehouse), 0, failed, no_dbt, None)


def _locked_run(
    inbox: Path, warehouse: Path, layout: DataLayout, options: RunOptions, record: RunRecord, tracked: bool = True
) -> RunReport:
    fp = current_parser_fingerprint(layout.cache_dir / "fingerprints")  # remembered for the next idle check
    dbt_fp = dbt_fingerprint(DBT_PROJECT_DIR)
    record = replace(record, parser_fingerprint=fp, dbt_fingerprint=dbt_fp)
    build: Path | None = None
    pending: PendingBuild | None = None
    dbt = BuildOutcome(False)
    files: list[InboxFile] = []
    compiled: CompileJob | None = None
    try:
        _adopt_legacy_log(layout, options.lock_wait)
        append_record(layout.runs_log, record)
        if not inbox.is_dir():
            raise _RunFailed(inbox_missing(inbox))
        if options.executor == "process" and options.workers != 0:
            prestart_workers()  # the parse workers' forkserver imports the parser while we scan
        pending = PendingBuild(layout)  # the copy of the published warehouse is made while we scan and parse
        state = _stage("scan", tracked)(inbox, warehouse, fp, options.lock_wait)
        if options.builder != "dbt" and os.environ.get(BUILDER_ENV) != "dbt":
            # the compiled project (once per dbt project fingerprint) is prepared while files are parsed
            compiled = start_compile(cache_root(layout.cache_dir), dbt_fp)
        else:
            options = replace(options, builder="dbt")
        files, rows, unchanged = state.files, state.rows, state.unchanged
        deferred = f"; 写入中，推迟到下次 still being written, deferred {len(state.deferred)}" if state.deferred else ""
        print(f"发现文件 found {len(files)} file(s) in {inbox}; 未变化 unchanged {len(unchanged)}{deferred}",
              flush=True)
        if not options.allow_withdraw and (refused := withdrawal_refusal(
                state.known_keys, {f.logical_key for f in files}, options.max_withdraw_share)):
            raise _RunFailed(refused)
        parsed = _stage("parse", tracked)(files, unchanged, layout, fp, options)
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
            options.force or options.full_refresh or not plan.empty or not warehouse.exists() or prior is None
            or prior.dbt_fingerprint != dbt_fp or inputs_changed(warehouse, bureau)
        )
        t = time.monotonic()
        build, pending = pending.path(), None
        # quote(): Prefect must not walk the plan's ~100k records looking for futures (that took seconds)
        runs = [r for r in history if r.run_id != record.run_id]
        if tracked:
            from prefect.utilities.annotations import quote

            _stage("load", tracked)(build, quote(plan), record.run_id, fp, quote(runs), quote(bureau),
                                    options.memory_limit)
        else:
            load_step(build, plan, record.run_id, fp, runs, bureau, options.memory_limit)
        record = replace(record, load_seconds=time.monotonic() - t)
        # the parse results are in the build file now: their memory goes back before DuckDB builds beside it
        changed = not plan.empty
        del parsed, plan
        release_freed_memory()
        if needs_dbt:
            print("  dbt build …", flush=True)
            t = time.monotonic()
            if tracked:
                from prefect.utilities.annotations import quote

                dbt = _stage("dbt-build", tracked)(build, layout, quote(compiled), options)
            else:
                dbt = build_step(build, layout, compiled, options)
            record = replace(record, dbt_seconds=time.monotonic() - t, dbt_built=True)
            if dbt.success:
                print(f"  {dbt.message}", flush=True)
            if not dbt.success:
                raise _RunFailed(dbt.message)
        else:
            dbt = _SKIPPED_DBT
        idle = not changed and not needs_dbt  # the same data as published: history stays as it is
        record = _stage("publish", tracked)(layout, build, record, options.keep, not idle)
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
        if compiled is not None:
            compiled.cancel()
        if pending is not None:
            pending.discard()
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


def __getattr__(name: str) -> Any:
    """The Prefect flows (``consolidate``, ``nightly``) live in flows/tracked.py: Prefect is imported only by a
    run that is tracked (or served), not by every run."""
    if name in ("consolidate", "nightly"):
        from flows import tracked

        return getattr(tracked, name)
    raise AttributeError(name)
