"""``juesuan`` command line: run the consolidation, generate a sample county."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from flows import access_cli, check_cli, ops_cli, review_cli
from flows.settings import configure_environment

DEFAULT_WAREHOUSE = Path("data/warehouse.duckdb")
DEFAULT_INBOX = Path("data/inbox")


def _fail(reason: str) -> int:
    print(f"juesuan: 运行失败 failed: {reason}", file=sys.stderr)
    return 2


def _check_writable(warehouse: Path) -> str | None:
    """None when a new warehouse can be built next to ``warehouse``; else a one-line reason.

    The published file itself is never opened for writing (readers may hold it): runs
    build a new file in the same folder and swap it in.
    """
    import tempfile

    try:
        warehouse.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=warehouse.parent, prefix=".juesuan-probe-"):
            pass
    except OSError as exc:
        return f"数据目录无法写入 data folder not writable ({warehouse.parent}): {exc.strerror or exc}"
    return None


def cmd_run(args: argparse.Namespace) -> int:
    inbox: Path = args.inbox
    warehouse: Path = args.warehouse
    if not inbox.is_dir():
        from flows.nightly import inbox_missing

        return _fail(inbox_missing(inbox))
    if (reason := _check_writable(warehouse)) is not None:
        return _fail(reason)
    configure_environment(warehouse.parent)
    from flows.lifetime import run_lifetime

    with run_lifetime():  # whatever the run starts dies with it, kill -9 included
        return _run(args, inbox, warehouse)


def _run(args: argparse.Namespace, inbox: Path, warehouse: Path) -> int:
    from flows.nightly import RunOptions, preflight, run_consolidation, tracking_requested

    started = time.monotonic()
    options = RunOptions(
        workers=args.workers, executor=args.executor, dask_address=args.dask_address,
        file_timeout=args.file_timeout or None, keep=args.keep, force=args.force, allow_withdraw=args.allow_withdraw,
        max_withdraw_share=args.max_withdraw_share, lock_wait=args.lock_wait, registry=args.registry,
        full_refresh=args.full_refresh, track=True if args.prefect else None,
    )
    tracked = tracking_requested(options)
    if tracked:
        idle, refusal = preflight(inbox, warehouse, options)
        tracked = refusal is None and not (idle and not args.force and not args.full_refresh)
    if not tracked:
        # the same run, without Prefect: no Prefect API to report to, nothing to parse and rebuild, or refused
        report = run_consolidation(inbox, warehouse, options, tracked=False)
    else:
        from flows.tracked import consolidate

        report = consolidate(
            inbox=inbox, warehouse=warehouse, workers=args.workers, executor=args.executor,
            dask_address=args.dask_address, file_timeout=args.file_timeout or None, keep=args.keep, force=args.force,
            allow_withdraw=args.allow_withdraw, max_withdraw_share=args.max_withdraw_share, lock_wait=args.lock_wait,
            registry=str(args.registry) if args.registry else None, full_refresh=args.full_refresh,
        )
    if not report.ok:
        return _fail(f"{report.reason}（上一个完好的数据仓库保持不变 the last good warehouse is unchanged）")
    s = report.summary
    assert s is not None
    r = report.record
    print(f"运行完成 run {report.run_id} finished in {time.monotonic() - started:.1f} s")
    print(f"  文件 files found: {report.files_found} (parsed {r.files_parsed}, skipped {r.files_skipped}, "
          f"withdrawn {r.files_withdrawn}, documents added {r.documents_added})")
    stages = f"parse {r.parse_seconds:.1f} s, load {r.load_seconds:.1f} s, "
    stages += f"dbt {r.dbt_seconds:.1f} s" if r.dbt_built else "dbt skipped (nothing changed)"
    print(f"  阶段耗时 stages: {stages}, publish {r.publish_seconds:.1f} s")
    print(f"  已加载 documents loaded: {s.documents_loaded}")
    print(f"  已隔离 quarantined: {s.documents_quarantined}")
    for name, reason in s.quarantine_reasons[:20]:
        print(f"    - {name}: {reason}")
    print("  数据集市行数 rows per mart:")
    for mart, rows in s.mart_rows.items():
        print(f"    marts.{mart}: {rows}")
    findings = ", ".join(f"{k} {v}" for k, v in sorted(s.findings_by_severity.items())) or "none"
    print(f"  审核发现 findings by severity: {findings}")
    print(f"  数据仓库 warehouse: {warehouse.resolve()}")
    return 0


def cmd_sample_county(args: argparse.Namespace) -> int:
    from ingest.samplegen import generate_county

    years = tuple(int(y) for y in args.years.split(",") if y.strip())
    formats = tuple(f.strip() for f in args.formats.split(",") if f.strip())
    manifest = generate_county(
        args.out, departments=args.departments, years=years, seed=args.seed,
        defect_rate=args.defect_rate, formats=formats, budgets=args.budgets,
    )
    print(
        f"示例县已生成 sample county written to {args.out}: {manifest.departments} departments, "
        f"{manifest.documents} documents in {len(manifest.files)} files, {manifest.defects} injected defects "
        f"(truth: {manifest.truth_path})"
    )
    return 0


def add_run_options(p: argparse.ArgumentParser) -> None:
    """Options shared by `run` and `serve`."""
    p.add_argument("--workers", type=int, default=None, help="parser processes (default: all cores; 0 = in-process)")
    p.add_argument("--executor", choices=("process", "dask"), default="process",
                   help="where files are parsed: local processes (default) or a Dask cluster")
    p.add_argument("--dask-address", default=None, help="Dask scheduler, e.g. tcp://10.0.0.5:8786")
    p.add_argument("--file-timeout", type=float, default=300.0, help="seconds per file before it is quarantined")
    p.add_argument("--keep", type=int, default=5, help="previous warehouses kept in data/history/")
    p.add_argument("--max-withdraw-share", type=float, default=0.2,
                   help="refuse a run whose inbox lost more than this share of the last run's files (default 0.2)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="juesuan", description="部门决算公开数据仓库 / final-account warehouse")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="one consolidation run (server-less Prefect flow)")
    run.add_argument("--inbox", type=Path, default=DEFAULT_INBOX)
    run.add_argument("--warehouse", type=Path, default=DEFAULT_WAREHOUSE)
    add_run_options(run)
    run.add_argument("--force", action="store_true", help="run dbt build even when nothing changed")
    run.add_argument("--full-refresh", action="store_true",
                     help="rebuild every model, not only those of the documents that changed")
    run.add_argument("--prefect", action="store_true",
                     help="run as a Prefect flow even without a configured Prefect API (starts a temporary one)")
    run.add_argument("--registry", type=Path, default=None,
                     help="department registry file (default: department_registry.csv in the warehouse's folder)")
    run.add_argument("--lock-wait", type=float, default=10.0,
                     help="seconds to wait while another program holds the warehouse open read-write (default 10)")
    run.add_argument("--allow-withdraw", action="store_true",
                     help="publish even if the inbox is empty or lost more than --max-withdraw-share of its files")
    run.set_defaults(func=cmd_run)

    sample = sub.add_parser("sample-county", help="generate a fictional county's disclosures with truth.json")
    sample.add_argument("--out", type=Path, required=True)
    sample.add_argument("--departments", type=int, default=40)
    sample.add_argument("--years", default="2022,2023,2024")
    sample.add_argument("--seed", type=int, default=0)
    sample.add_argument("--defect-rate", type=float, default=0.0)
    sample.add_argument("--formats", default="docx,pdf,xlsx,txt")
    sample.add_argument("--budgets", action="store_true",
                        help="also the 部门预算 and 单位预算 of every department-year")
    sample.set_defaults(func=cmd_sample_county)
    ops_cli.register(sub)
    access_cli.register(sub)
    review_cli.register(sub)
    check_cli.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
