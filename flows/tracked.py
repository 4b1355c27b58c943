"""The consolidation as Prefect flows: the same steps (flows/nightly.py) as Prefect tasks.

Imported only when a run is tracked (a Prefect API is configured, or `juesuan run --prefect`) or served
(`juesuan serve`): Prefect's import and its temporary local API cost seconds a run that records itself in its own
log does not need.
"""

from __future__ import annotations

from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from flows.nightly import DEFAULT_MAX_WITHDRAW_SHARE, STEPS, RunOptions, RunReport, run_consolidation
from warehouse.publish import LOCK_WAIT_SECONDS

TASKS = {name: task(name=name, cache_policy=NO_CACHE)(fn) for name, fn in STEPS.items()}


@flow(name="juesuan-consolidation", log_prints=False, validate_parameters=False)
def consolidate(
    inbox: Path | str, warehouse: Path | str, workers: int | None = None, executor: str = "process",
    dask_address: str | None = None, file_timeout: float | None = 300.0, keep: int = 5, force: bool = False,
    allow_withdraw: bool = False, max_withdraw_share: float = DEFAULT_MAX_WITHDRAW_SHARE,
    lock_wait: float = LOCK_WAIT_SECONDS, registry: str | None = None, full_refresh: bool = False,
) -> RunReport:
    """One run, as `juesuan run --prefect` starts it: returns the report (a failed run is a report, not an
    exception)."""
    options = RunOptions(
        workers=workers, executor=executor, dask_address=dask_address, file_timeout=file_timeout, keep=keep,
        force=force, allow_withdraw=allow_withdraw, max_withdraw_share=max_withdraw_share, lock_wait=lock_wait,
        registry=Path(registry) if registry else None, full_refresh=full_refresh,
    )
    return run_consolidation(Path(inbox), Path(warehouse), options)


@flow(name="juesuan-nightly", log_prints=True, validate_parameters=False)
def nightly(
    inbox: str, warehouse: str, workers: int | None = None, executor: str = "process",
    dask_address: str | None = None, file_timeout: float | None = 300.0, keep: int = 5,
    max_withdraw_share: float = DEFAULT_MAX_WITHDRAW_SHARE,
) -> dict[str, object]:
    """The served (scheduled) deployment: same run; a failed run fails the flow run with its reason.

    A scheduled run never withdraws more than ``max_withdraw_share`` of the files (no --allow-withdraw here).
    """
    options = RunOptions(workers, executor, dask_address, file_timeout, keep, False,
                         max_withdraw_share=max_withdraw_share)
    report = run_consolidation(Path(inbox), Path(warehouse), options)
    if not report.ok:
        raise RuntimeError(f"juesuan run {report.run_id} failed: {report.reason}")
    rec = report.record
    return {"run_id": rec.run_id, "files_seen": rec.files_seen, "files_parsed": rec.files_parsed,
            "files_skipped": rec.files_skipped, "status": rec.status}
