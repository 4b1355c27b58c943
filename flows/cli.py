"""``juesuan`` command line: run the consolidation, generate a sample county."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from flows.settings import configure_environment

DEFAULT_WAREHOUSE = Path("data/warehouse.duckdb")
DEFAULT_INBOX = Path("data/inbox")


def _fail(reason: str) -> int:
    print(f"juesuan: 运行失败 failed: {reason}", file=sys.stderr)
    return 2


def _check_writable(warehouse: Path) -> str | None:
    """None when the warehouse file can be opened for writing; else a one-line reason."""
    import duckdb

    warehouse.parent.mkdir(parents=True, exist_ok=True)
    try:
        duckdb.connect(str(warehouse)).close()
    except duckdb.Error as exc:
        first = str(exc).splitlines()[0]
        return f"数据仓库无法写入 warehouse not writable ({warehouse}): {first}"
    return None


def cmd_run(args: argparse.Namespace) -> int:
    inbox: Path = args.inbox
    warehouse: Path = args.warehouse
    if not inbox.is_dir():
        return _fail(f"收件箱不存在 inbox not found: {inbox}")
    if (reason := _check_writable(warehouse)) is not None:
        return _fail(reason)
    configure_environment(warehouse.parent)
    from flows.nightly import consolidate

    started = time.monotonic()
    report = consolidate(inbox=inbox, warehouse=warehouse, workers=args.workers)
    if not report.ok:
        return _fail(report.dbt.message)
    s = report.summary
    assert s is not None
    print(f"运行完成 run {report.run_id} finished in {time.monotonic() - started:.1f} s")
    print(f"  文件 files found: {report.files_found}")
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
        defect_rate=args.defect_rate, formats=formats,
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
    run.add_argument("--workers", type=int, default=None, help="parser processes (default: all cores)")
    run.set_defaults(func=cmd_run)

    sample = sub.add_parser("sample-county", help="generate a fictional county's disclosures with truth.json")
    sample.add_argument("--out", type=Path, required=True)
    sample.add_argument("--departments", type=int, default=40)
    sample.add_argument("--years", default="2022,2023,2024")
    sample.add_argument("--seed", type=int, default=0)
    sample.add_argument("--defect-rate", type=float, default=0.0)
    sample.add_argument("--formats", default="docx,pdf,xlsx,txt")
    sample.set_defaults(func=cmd_sample_county)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
