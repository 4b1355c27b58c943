"""``juesuan`` command line: run the consolidation, generate a sample county."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from flows import access_cli, check_cli, ops_cli, review_cli
from flows.options import DEFAULT_INBOX, DEFAULT_WAREHOUSE, RunOptions, add_run_options
from flows.options import fail as _fail
from flows.settings import configure_environment

if TYPE_CHECKING:
    from warehouse.runs import RunRecord
    from warehouse.summary import WarehouseSummary


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
    started = time.monotonic()
    from flows.idle import idle_run

    # nothing changed: the run is recorded and nothing is started, copied, built or published (flows/idle.py)
    if (idle := idle_run(inbox, warehouse, RunOptions.from_args(args))) is not None:
        return _print_report(idle.record, idle.summary, idle.files_found, warehouse, started)
    from flows.lifetime import run_lifetime

    with run_lifetime():  # whatever the run starts dies with it, kill -9 included
        return _run(args, inbox, warehouse, started)


def _run(args: argparse.Namespace, inbox: Path, warehouse: Path, started: float) -> int:
    from flows.nightly import preflight, run_consolidation, tracking_requested

    options = RunOptions.from_args(args)
    tracked = tracking_requested(options)
    if tracked:
        idle, refusal = preflight(inbox, warehouse, options)
        tracked = refusal is None and not (idle and not args.force and not args.full_refresh)
    if not tracked:
        # the same run, without Prefect: no Prefect API to report to, nothing to parse and rebuild, or refused
        report = run_consolidation(inbox, warehouse, options, tracked=False)
    else:
        from flows.tracked import consolidate

        report = consolidate(inbox=inbox, warehouse=warehouse, options=options.to_parameters())
    if not report.ok:
        return _fail(f"{report.reason}（上一个完好的数据仓库保持不变 the last good warehouse is unchanged）")
    assert report.summary is not None
    return _print_report(report.record, report.summary, report.files_found, warehouse, started)


def _print_report(r: RunRecord, s: WarehouseSummary, files_found: int, warehouse: Path, started: float) -> int:
    print(f"运行完成 run {r.run_id} finished in {time.monotonic() - started:.1f} s")
    print(f"  文件 files found: {files_found} (parsed {r.files_parsed}, skipped {r.files_skipped}, "
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
    from samplegen import generate_county, missing_dependencies

    if missing := missing_dependencies():
        return _fail(
            f"示例县生成器缺少可选依赖 {', '.join(missing)}（pip install 'juesuan[sample]'）/ "
            f"the sample generator needs the optional extra [sample]: {', '.join(missing)} not installed"
        )
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="juesuan", description="部门决算公开数据仓库 / final-account warehouse")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="one consolidation run (server-less Prefect flow)")
    run.add_argument("--inbox", type=Path, default=DEFAULT_INBOX)
    run.add_argument("--warehouse", type=Path, default=DEFAULT_WAREHOUSE)
    add_run_options(run, one_off=True)
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
