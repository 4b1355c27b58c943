"""Analyst access subcommands of ``juesuan``: ``report``, ``export``, ``sql`` (all read-only on the warehouse)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from flows.options import DEFAULT_WAREHOUSE
from flows.options import fail as _fail


def cmd_report(args: argparse.Namespace) -> int:
    from warehouse.report import build_reports
    from warehouse.sql import WarehouseUnavailable

    try:
        result = build_reports(args.warehouse, args.out, department=args.department, year=args.year)
    except WarehouseUnavailable as exc:
        return _fail(str(exc))
    if args.department is not None and not result.pages:
        return _fail(f"没有找到部门 department not found: {args.department}"
                     + (f" ({args.year})" if args.year else ""))
    print(f"审阅报告 reports written to {result.out.resolve()}")
    if result.index is not None:
        print(f"  全县总览 county page: {result.index.name} ({result.year})")
    print(f"  部门页面 department pages: {len(result.pages)} html + {len(result.workbooks)} xlsx")
    for note in result.notes:
        print(f"  注意 note: {note}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from warehouse.export import export_marts
    from warehouse.sql import WarehouseUnavailable

    if args.format == "bi":
        return _export_bi(args)
    try:
        tables = export_marts(args.warehouse, args.format, args.out)
    except WarehouseUnavailable as exc:
        return _fail(str(exc))
    print(f"导出完成 exported {len(tables)} mart(s) as {args.format} to {args.out.resolve()}")
    for t in tables:
        print(f"  marts.{t.mart}: {t.rows} rows → {', '.join(p.name for p in t.files)}")
    return 0


def _export_bi(args: argparse.Namespace) -> int:
    import duckdb

    from warehouse.bi import BI_FILE, BI_STORAGE_VERSION, write_bi_copy
    from warehouse.sql import WarehouseUnavailable

    target = args.out if args.out.suffix == ".duckdb" else args.out / BI_FILE
    try:
        copy = write_bi_copy(args.warehouse, target)
    except (WarehouseUnavailable, duckdb.Error, OSError) as exc:
        return _fail(f"BI 副本写入失败 BI copy failed: {str(exc).splitlines()[0]}")
    print(f"BI 副本已写入 BI copy written to {copy.path.resolve()} (DuckDB storage {BI_STORAGE_VERSION}, "
          f"readable by DuckDB 1.4 LTS and later): {len(copy.tables)} mart(s), {sum(copy.tables.values())} rows")
    return 0


def cmd_sql(args: argparse.Namespace) -> int:
    import duckdb

    from warehouse.sql import WarehouseUnavailable, format_csv, format_json, format_table, query

    text = args.query if args.query != "-" else sys.stdin.read()
    try:
        result = query(args.warehouse, text)
    except WarehouseUnavailable as exc:
        return _fail(str(exc))
    except duckdb.Error as exc:
        return _fail(f"SQL 错误 error: {str(exc).splitlines()[0]}")
    if args.format == "csv":
        sys.stdout.write(format_csv(result))
    elif args.format == "json":
        sys.stdout.write(format_json(result))
    else:
        print(format_table(result, max_rows=args.max_rows))
    return 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``report``, ``export`` and ``sql`` to the ``juesuan`` command line."""
    report = sub.add_parser("report", help="review reports: county page + per department HTML and xlsx")
    report.add_argument("--warehouse", type=Path, default=DEFAULT_WAREHOUSE)
    report.add_argument("--out", type=Path, required=True)
    report.add_argument("--department", default=None, help="only this department (exact name)")
    report.add_argument("--year", type=int, default=None, help="fiscal year (default: each department's latest)")
    report.set_defaults(func=cmd_report)

    export = sub.add_parser("export", help="export every mart as parquet, csv, xlsx or a DuckDB 1.4 BI copy")
    export.add_argument("--warehouse", type=Path, default=DEFAULT_WAREHOUSE)
    export.add_argument("--format", choices=("parquet", "csv", "xlsx", "bi"), default="parquet",
                        help="bi: the marts in one DuckDB file that DuckDB 1.4 LTS reads (BI tools' drivers)")
    export.add_argument("--out", type=Path, required=True, help="folder (bi: folder or a .duckdb file)")
    export.set_defaults(func=cmd_export)

    sql = sub.add_parser("sql", help="one read-only SQL query on the warehouse")
    sql.add_argument("query", help='SQL text, or "-" to read it from standard input')
    sql.add_argument("--warehouse", type=Path, default=DEFAULT_WAREHOUSE)
    sql.add_argument("--format", choices=("table", "csv", "json"), default="table")
    sql.add_argument("--max-rows", type=int, default=200, help="rows shown in table format")
    sql.set_defaults(func=cmd_sql)
