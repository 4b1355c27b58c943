"""Run ``dbt build`` of dbt_project/ against a warehouse file, quietly, in a child process."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from warehouse.memory import memory_limit as run_memory_limit

DBT_PROJECT_DIR = Path(__file__).resolve().parents[1] / "dbt_project"

_PROFILE = """juesuan:
  target: run
  outputs:
    run:
      type: duckdb
      path: "{path}"
      threads: {threads}
      settings:
        memory_limit: "{memory_limit}"
"""


@dataclass(frozen=True, slots=True)
class DbtOutcome:
    success: bool
    models: int
    tests: int
    seeds: int
    failed: tuple[str, ...]
    message: str


def write_profile(work_dir: Path, warehouse: Path, threads: int = 2, memory_limit: str | None = None) -> Path:
    """A profiles.yml pointing dbt at this run's warehouse file.

    DuckDB's memory is capped (warehouse/memory.py: the run's limit) so a county-wide build spills to disk
    instead of growing to 80 % of the machine's memory.
    """
    work_dir.mkdir(parents=True, exist_ok=True)
    limit = run_memory_limit(memory_limit)
    (work_dir / "profiles.yml").write_text(
        _PROFILE.format(path=warehouse.resolve().as_posix(), threads=threads, memory_limit=limit), encoding="utf-8"
    )
    return work_dir


def _dbt_executable() -> str:
    candidate = Path(sys.executable).with_name("dbt")
    return str(candidate) if candidate.exists() else (shutil.which("dbt") or "dbt")


def _read_run_results(target: Path) -> tuple[dict[str, int], list[str]]:
    counts = {"model": 0, "test": 0, "seed": 0, "unit_test": 0}
    failed: list[str] = []
    path = target / "run_results.json"
    if not path.exists():
        return counts, failed
    for r in json.loads(path.read_text(encoding="utf-8")).get("results", []):
        rtype = r.get("unique_id", "").split(".", 1)[0]
        counts[rtype] = counts.get(rtype, 0) + 1
        if r.get("status") in ("error", "fail", "runtime error"):
            name = r.get("unique_id", "").split(".")[-1]
            failed.append(f"{name}: {(r.get('message') or '').strip()[:300]}")
    return counts, failed


# Unit tests check the SQL, not the data: they run in `make test`, not in the nightly build.
NIGHTLY_EXCLUDE = "resource_type:unit_test"


def dbt_env() -> dict[str, str]:
    """The environment of a dbt child process: ours, with dbt's telemetry off."""
    return {**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "DO_NOT_TRACK": "1"}


def die_with_parent() -> None:
    """In the child: receive SIGKILL when the parent dies (Linux), so a killed run leaves no dbt behind."""
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def dbt_build(
    warehouse: Path,
    work_dir: Path,
    select: str | None = None,
    timeout: int = 3600,
    exclude: str | None = NIGHTLY_EXCLUDE,
    command: str = "build",
    memory_limit: str | None = None,
) -> DbtOutcome:
    """``dbt build`` (seeds, models, data tests) of the project into ``warehouse``, in a child process.

    A child process keeps dbt's logging and its DuckDB handle out of ours: when it
    exits, the warehouse file is closed for certain.
    """
    work_dir = work_dir.resolve()
    profiles_dir = write_profile(work_dir, warehouse, memory_limit=memory_limit)
    target = work_dir / "target"
    args = [
        _dbt_executable(), command,
        "--project-dir", str(DBT_PROJECT_DIR),
        "--profiles-dir", str(profiles_dir),
        "--target-path", str(target),
        "--log-path", str(work_dir / "logs"),
        "--quiet",
        "--no-use-colors",
        "--no-send-anonymous-usage-stats",
        "--no-version-check",
    ]
    if select:
        args += ["--select", select]
    if exclude:
        args += ["--exclude", exclude]
    try:
        proc = subprocess.run(
            args, capture_output=True, text=True, timeout=timeout, env=dbt_env(), check=False,
            preexec_fn=die_with_parent if sys.platform.startswith("linux") else None,
        )
    except subprocess.TimeoutExpired:
        return DbtOutcome(False, 0, 0, 0, (), f"dbt build timed out after {timeout} s")
    counts, failed = _read_run_results(target)
    if proc.returncode == 0:
        message = "dbt build ok"
    elif failed:
        message = "dbt build failed: " + "; ".join(failed[:3])
    else:
        lines = [ln.strip() for ln in (proc.stdout + proc.stderr).splitlines() if ln.strip()]
        message = "dbt build failed: " + (" ".join(lines[-3:])[:500] if lines else f"exit code {proc.returncode}")
    return DbtOutcome(
        success=proc.returncode == 0,
        models=counts["model"],
        tests=counts["test"] + counts["unit_test"],
        seeds=counts["seed"],
        failed=tuple(failed),
        message=message,
    )
