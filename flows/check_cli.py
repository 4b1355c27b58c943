"""``juesuan check FILE…``: a department's self-check — parse the files and check them against the published
warehouse (its other years, the registry, the review decisions) without publishing anything; print the findings
as the report lists them, and optionally write the department's report page and workbook (``--out``).

No Prefect, no dbt start: the compiled project of the build cache (warehouse/build/compile.py) runs on a scratch
warehouse of the files' scope (warehouse/build/selfcheck.py). Exit code 0: no error-level finding; 1: findings of
severity error or above; 2: the check could not run.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

DEFAULT_WAREHOUSE = Path("data/warehouse.duckdb")


def _fail(reason: str) -> int:
    print(f"juesuan: 检查失败 check failed: {reason}", file=sys.stderr)
    return 2


def _location(page: int | None, locator: str | None) -> str:
    if page is not None:
        return f"第{page}页"
    return locator or "—"


def cmd_check(args: argparse.Namespace) -> int:
    started = time.monotonic()
    warehouse: Path = args.warehouse
    files: list[Path] = list(args.files)
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        return _fail(f"文件不存在 file not found: {', '.join(missing)}")
    if not warehouse.is_file():
        return _fail(f"没有已发布的数据仓库 no published warehouse at {warehouse}（请先运行 run `juesuan run` first）")

    import duckdb

    from ingest.pipeline import ingest_file
    from warehouse.build.compile import CompileFailed, cache_root, start_compile
    from warehouse.build.runner import BuildSettings
    from warehouse.build.selfcheck import FINDINGS_MART, check_against
    from warehouse.dbt import DBT_PROJECT_DIR
    from warehouse.publish import DataLayout
    from warehouse.runs import dbt_fingerprint

    layout = DataLayout(warehouse)
    job = start_compile(cache_root(layout.cache_dir), dbt_fingerprint(DBT_PROJECT_DIR))
    t = time.monotonic()
    results = [ingest_file(f) for f in files]
    parse_s = time.monotonic() - t
    for res in results:
        if res.quarantine is not None:
            q = res.quarantine
            print(f"已隔离 quarantined {Path(res.source_file).name}: {q.reason_zh}（{q.reason_en}）")
    if not any(r.document is not None for r in results):
        job.cancel()
        return _fail("没有可检查的文件 no file could be read")
    try:
        project = job.result()
    except CompileFailed as exc:
        return _fail(str(exc))
    with tempfile.TemporaryDirectory(prefix="juesuan-check-") as tmp:
        scratch = Path(tmp) / "warehouse.duckdb"
        try:
            checked = check_against(warehouse, results, scratch, project, job.seeds_file,
                                    BuildSettings(threads=1, temp_directory=Path(tmp) / "spill"),
                                    only=None if args.out is not None else frozenset({FINDINGS_MART}))
        except duckdb.CatalogException as exc:
            return _fail("已发布的数据仓库缺少文档范围，请先用当前版本运行一次 the published warehouse has no document "
                         f"scopes: run `juesuan run` with this version once ({' '.join(str(exc).split())[:160]})")
        if not checked.build.success:
            return _fail(checked.build.message)
        worst = _print_findings(scratch, set(checked.checked), args.all)
        if args.out is not None:
            _write_reports(scratch, set(checked.checked), args.out)
        b = checked.build
        print(f"用时 took {time.monotonic() - started:.1f} s (parse {parse_s:.1f} s, scope {checked.load_seconds:.1f} "
              f"s with {checked.context_documents} published document(s), build {b.seconds:.1f} s); 未发布 "
              "nothing was published")
    return 1 if worst is not None and worst <= 1 else 0


def _print_findings(scratch: Path, checked: set[str], show_all: bool) -> int | None:
    """Print the checked documents' open findings as the report lists them (severity, page, rule, message; with
    ``show_all`` also those reviewers decided); the worst severity rank found (None: no finding)."""
    import duckdb

    from warehouse.build.selfcheck import COUNTY_WIDE_FAMILIES, FINDINGS_MART
    from warehouse.report.data import DECIDED, FAILING, NOT_EVALUABLE, severity_label, severity_rank

    with duckdb.connect(str(scratch), read_only=True) as con:
        rows = con.execute(
            "SELECT department_name, fiscal_year, check_id, coalesce(title_zh, check_id), severity, status, "
            f"lifecycle, message, page, locator, document_id FROM marts.{FINDINGS_MART} "
            "WHERE document_id IN (SELECT unnest(?::VARCHAR[])) AND family NOT IN (SELECT unnest(?::VARCHAR[]))",
            [sorted(checked), sorted(COUNTY_WIDE_FAMILIES)]).fetchall()
        files = dict(con.execute(
            "SELECT document_id, source_file FROM raw.documents WHERE document_id IN (SELECT unnest(?::VARCHAR[]))",
            [sorted(checked)]).fetchall())
    worst: int | None = None
    groups: dict[tuple[str, int | None], list[tuple]] = {}
    for row in rows:
        groups.setdefault((row[0], row[1]), []).append(row)
    for (dept, year), group in sorted(groups.items(), key=lambda g: (g[0][0] or "", g[0][1] or 0)):
        open_ = sorted((r for r in group if str(r[5]).lower() in FAILING and str(r[6]).lower() not in DECIDED),
                       key=lambda r: (severity_rank(r[4] or ""), r[8] or 0, r[2]))
        unevaluable = sum(1 for r in group if str(r[5]).lower() in NOT_EVALUABLE)
        names = ", ".join(sorted({Path(files[r[10]]).name for r in group if r[10] in files})) or "—"
        print(f"{dept} {year} 年度 — {names}: 发现 {len(open_)} 项 finding(s)"
              + (f"，另有 {unevaluable} 项无法核对 not evaluable" if unevaluable else ""))
        for r in open_:
            worst = severity_rank(r[4] or "") if worst is None else min(worst, severity_rank(r[4] or ""))
            print(f"  [{severity_label(r[4] or '')}] {_location(r[8], r[9])} {r[3]}：{r[7]}")
        if show_all:
            for r in group:
                if str(r[6]).lower() in DECIDED:
                    print(f"  （已处理 decided: {r[6]}）{_location(r[8], r[9])} {r[3]}：{r[7]}")
    families = "、".join(sorted(COUNTY_WIDE_FAMILIES))
    print(f"  注：同类部门比较（{families}）需要全县数据，只在 `juesuan run` 中计算 "
          "peer comparisons need the whole county and are made by `juesuan run` only")
    return worst


def _write_reports(scratch: Path, checked: set[str], out: Path) -> None:
    import duckdb

    from warehouse.report.build import build_reports

    with duckdb.connect(str(scratch), read_only=True) as con:
        pairs = con.execute(
            "SELECT DISTINCT department_name, fiscal_year FROM marts.dim_document "
            "WHERE document_id IN (SELECT unnest(?::VARCHAR[])) AND fiscal_year IS NOT NULL ORDER BY 1, 2",
            [sorted(checked)]).fetchall()
    for dept, year in pairs:
        result = build_reports(scratch, out, department=dept, year=year)
        for path in result.pages + result.workbooks:
            print(f"  已写入 written: {path}")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``check`` to ``juesuan``."""
    check = sub.add_parser("check", help="check files against the published warehouse without publishing (自查)")
    check.add_argument("files", nargs="+", type=Path, metavar="FILE")
    check.add_argument("--warehouse", type=Path, default=DEFAULT_WAREHOUSE)
    check.add_argument("--out", type=Path, default=None,
                       help="also write the department's report page (HTML) and workbook (xlsx) into this folder")
    check.add_argument("--all", action="store_true", help="also list the findings reviewers already decided")
    check.set_defaults(func=cmd_check)
