"""The options of a consolidation run, defined once: defaults, command-line flags, deployment parameters.

``juesuan run`` and ``juesuan serve`` add the same flags (:func:`add_run_options`) and build
:class:`RunOptions` from the parsed arguments (:meth:`RunOptions.from_args`); the Prefect flows receive them as
one JSON-able ``options`` parameter (:meth:`RunOptions.to_parameters` / :meth:`RunOptions.from_parameters`),
so a deployment's parameters name the same options with the same defaults. :func:`fail` is the commands'
one error line (Chinese + English) and exit code.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

from warehouse.memory import DEFAULT_MEMORY_LIMIT, MEMORY_LIMIT_ENV
from warehouse.publish import LOCK_WAIT_SECONDS

DEFAULT_WAREHOUSE = Path("data/warehouse.duckdb")
DEFAULT_INBOX = Path("data/inbox")
DEFAULT_MAX_WITHDRAW_SHARE = 0.2
EXIT_FAILED = 2


def fail(reason: str) -> int:
    """Print the command's failure reason (Chinese + English) on stderr; the exit code of a failed command."""
    print(f"juesuan: 运行失败 failed: {reason}", file=sys.stderr)
    return EXIT_FAILED


@dataclass(frozen=True, slots=True)
class RunOptions:
    workers: int | None = None  # parser processes (None: all cores; 0: in-process)
    executor: str = "process"  # process | dask
    dask_address: str | None = None
    file_timeout: float | None = 300.0  # seconds per file before it is quarantined (None: no limit)
    keep: int = 5  # previous warehouses kept in data/history/
    force: bool = False  # rebuild with dbt even when nothing changed
    allow_withdraw: bool = False  # publish even when the inbox lost more than max_withdraw_share of its files
    max_withdraw_share: float = DEFAULT_MAX_WITHDRAW_SHARE
    lock_wait: float = LOCK_WAIT_SECONDS  # seconds to wait for someone's write lock on the published warehouse
    registry: Path | None = None  # the department registry file (default: found in the data folder)
    full_refresh: bool = False  # rebuild every model, not only what changed since the last build
    # run the stages as Prefect tasks: None = when a Prefect API is configured (PREFECT_API_URL); True starts
    # Prefect's temporary local API when there is none (≈ 7 s); False never
    track: bool | None = None
    builder: str = "sql"  # sql: the compiled project run in DuckDB (incremental); dbt: `dbt build` in a child
    # DuckDB's memory limit in the load and the build (None: $JUESUAN_DBT_MEMORY_LIMIT, else warehouse/memory.py's
    # default); a DuckDB size such as 1GB or 768MB
    memory_limit: str | None = None

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> RunOptions:
        """From the flags of :func:`add_run_options` (a flag a command does not have keeps its default)."""
        given = {f.name: getattr(args, f.name) for f in fields(cls) if hasattr(args, f.name)}
        if "file_timeout" in given:
            given["file_timeout"] = given["file_timeout"] or None  # --file-timeout 0: no limit
        return cls(**given)

    @classmethod
    def from_parameters(cls, parameters: dict[str, Any] | None) -> RunOptions:
        """From a flow's ``options`` parameter (JSON types); unknown names are refused, missing ones default."""
        given = dict(parameters or {})
        if unknown := sorted(set(given) - {f.name for f in fields(cls)}):
            raise ValueError(f"未知的运行参数 unknown run options: {', '.join(unknown)}")
        options = cls(**given)
        return replace(options, registry=Path(options.registry)) if options.registry is not None else options

    def to_parameters(self) -> dict[str, Any]:
        """JSON-able parameters for a Prefect flow run (or a deployment): only what differs from the defaults."""
        defaults = asdict(RunOptions())
        out = {k: v for k, v in asdict(self).items() if v != defaults[k]}
        if out.get("registry") is not None:
            out["registry"] = str(out["registry"])
        return out


_DEFAULTS = RunOptions()


def add_run_options(p: argparse.ArgumentParser, *, one_off: bool) -> None:
    """The run options as flags: every run's (``run`` and ``serve``); ``one_off`` adds those of ``run`` only."""
    p.add_argument("--workers", type=int, default=_DEFAULTS.workers,
                   help="parser processes (default: all cores; 0 = in-process)")
    p.add_argument("--executor", choices=("process", "dask"), default=_DEFAULTS.executor,
                   help="where files are parsed: local processes (default) or a Dask cluster")
    p.add_argument("--dask-address", default=_DEFAULTS.dask_address, help="Dask scheduler, e.g. tcp://10.0.0.5:8786")
    p.add_argument("--file-timeout", type=float, default=_DEFAULTS.file_timeout,
                   help="seconds per file before it is quarantined")
    p.add_argument("--keep", type=int, default=_DEFAULTS.keep, help="previous warehouses kept in data/history/")
    p.add_argument("--max-withdraw-share", type=float, default=_DEFAULTS.max_withdraw_share,
                   help="refuse a run whose inbox lost more than this share of the last run's files "
                        f"(default {_DEFAULTS.max_withdraw_share:g})")
    p.add_argument("--memory-limit", default=_DEFAULTS.memory_limit,
                   help="DuckDB's memory limit while loading and building, e.g. 768MB on a smaller machine "
                        f"(default: ${MEMORY_LIMIT_ENV}, else {DEFAULT_MEMORY_LIMIT}; "
                        "below what a query needs, DuckDB spills to disk)")
    if not one_off:  # a scheduled run never forces a rebuild nor withdraws more than max_withdraw_share
        return
    p.add_argument("--force", action="store_true", help="run dbt build even when nothing changed")
    p.add_argument("--full-refresh", action="store_true",
                   help="rebuild every model, not only those of the documents that changed")
    p.add_argument("--prefect", dest="track", action="store_const", const=True, default=_DEFAULTS.track,
                   help="run as a Prefect flow even without a configured Prefect API (starts a temporary one)")
    p.add_argument("--registry", type=Path, default=_DEFAULTS.registry,
                   help="department registry file (default: department_registry.csv in the warehouse's folder)")
    p.add_argument("--lock-wait", type=float, default=_DEFAULTS.lock_wait,
                   help="seconds to wait while another program holds the warehouse open read-write "
                        f"(default {_DEFAULTS.lock_wait:g})")
    p.add_argument("--allow-withdraw", action="store_true",
                   help="publish even if the inbox is empty or lost more than --max-withdraw-share of its files")
