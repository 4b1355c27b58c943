"""The consolidation as Prefect flows: the same steps (flows/nightly.py) as Prefect tasks.

Imported only when a run is tracked (a Prefect API is configured, or `juesuan run --prefect`) or served
(`juesuan serve`): Prefect's import and its temporary local API cost seconds a run that records itself in its own
log does not need.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from flows.nightly import STEPS, RunReport, run_consolidation
from flows.options import RunOptions

TASKS = {name: task(name=name, cache_policy=NO_CACHE)(fn) for name, fn in STEPS.items()}


@flow(name="juesuan-consolidation", log_prints=False, validate_parameters=False)
def consolidate(inbox: Path | str, warehouse: Path | str, options: dict[str, Any] | None = None) -> RunReport:
    """One run, as `juesuan run --prefect` starts it: returns the report (a failed run is a report, not an
    exception).

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
