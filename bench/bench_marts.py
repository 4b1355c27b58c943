"""The example query of every mart (docs/marts.md) on a 1,000-department warehouse: each must answer in < 200 ms.

The raw tables are synthesised at scale directly in DuckDB (``synthesise_raw``: no files are parsed), dbt builds
the marts, then each example query runs ``--repeat`` times after one warm-up; the best and median times are
reported. Run: ``.venv/bin/python bench/bench_marts.py [--departments 1000] [--years 2022,2023,2024]``.

``synthesise_raw`` is also what ``tests/test_dbt_marts.py`` builds its small warehouse from. Every synthetic
department-year has T1 class rows, T3 and T5 by 类/款/项 code, T6 by economic code, narrative 类 and 项 lines
(named by path, with an outdated class name before 2019), 三公/staff/机关运行经费 figures and one performance
project; every 5th department splits its disclosure over a 报表 workbook and a 情况说明 PDF, and every 7th has a
superseded earlier revision of its document.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from warehouse.dbt import dbt_build  # noqa: E402
from warehouse.schema import create_raw_schema_sql  # noqa: E402

SEEDS = ROOT / "dbt_project" / "seeds"
DOCS = ROOT / "docs" / "marts.md"
LIMIT_MS = 200.0

# one row per synthetic department-year-document; documents.sql expects: d (department number), y (year)
_SQL = r"""
create or replace temp table fc as
    select * from read_csv('{seeds}/function_classification.csv', all_varchar = true, header = true);
create or replace temp table ec as
    select * from read_csv('{seeds}/economic_classification.csv', all_varchar = true, header = true);
create or replace temp table items as  -- 项 codes with a current name, numbered
    select row_number() over (order by code) - 1 as i, code from (select distinct code from fc where level = '项');
create or replace temp table econ as
    select row_number() over (order by code) - 1 as i, code, name, parent_code from ec where level = '款';
create or replace temp table dept as
    select d, case when d % 10 = 0 then '示例县第' || d || '镇人民政府' else '示例县第' || d || '局' end as name
    from range(1, {n} + 1) t(d);
create or replace temp table yrs as select unnest({years}) as y;
-- documents: one per department-year; every 5th department also has a separate narrative PDF;
-- every 7th has a superseded first revision
create or replace temp table docs as
    select md5('t' || d || '-' || y || '-' || part || '-' || rev)[1:16] as document_id, d, y, part, rev,
        rev = maxrev as is_current
    from (
        select d, y, part, rev, max(rev) over (partition by d, y, part) as maxrev
        from dept, yrs,
            (select unnest(['tables', 'narrative']) as part) p,
            (select unnest([1, 2]) as rev) r
        where (part = 'tables' or d % 5 = 0) and (rev = 1 or d % 7 = 0)
    );
-- narrative also inside the tables document unless the disclosure is split
create or replace temp table narrative_docs as
    select * from docs where part = 'narrative' or (part = 'tables' and d % 5 <> 0);
insert into raw.documents by name
    select document_id, dept.name || '/' || y || '/' || part as logical_key, rev as revision, is_current,
        case when is_current then 'current' else 'superseded' end as status,
        '/inbox/' || y || '/' || dept.name || '-' || part || '-r' || rev || '.'
            || case part when 'tables' then 'xlsx' else 'pdf' end as source_file,
        md5(document_id) || md5(document_id) as file_sha256, 1000 as file_size,
        case part when 'tables' then 'xlsx' else 'pdf' end as file_format,
        dept.name as department_name, y as fiscal_year, 'final_account' as doc_type, 20 as page_count,
        'title' as department_source, 'title' as year_source, 'synthetic' as parser_version,
        now() as ingested_at, 'bench' as run_id
    from docs join dept using (d);
-- the department's 项 lines: 4 codes from the catalogue, amounts from a hash (万元, 2 decimals)
create or replace temp table dept_items as
    select docs.document_id, docs.d, docs.y, docs.rev, items.code,
        cast((hash(docs.d, docs.y, items.code, docs.rev) % 100000) / 100.0 + 1 as decimal(18, 2)) as total
    from docs, items
    where docs.part = 'tables'
        and (items.i % 37) in ((docs.d * 3) % 37, (docs.d * 5 + 1) % 37, (docs.d * 7 + 2) % 37, (docs.d * 11 + 3) % 37);
create or replace temp table dept_lines as
    select document_id, d, y, code, level, total, cast(round(total * 0.6, 2) as decimal(18, 2)) as basic
    from (
        select document_id, d, y, code, '项' as level, total from dept_items
        union all select document_id, d, y, code[1:5], '款', sum(total) from dept_items group by all
        union all select document_id, d, y, code[1:3], '类', sum(total) from dept_items group by all
    );
create or replace temp table cur_names as
    select code, arg_max(name, coalesce(try_cast(valid_from_year as integer), 0)) as name from fc group by code;
insert into raw.line_items by name
    select document_id, row_number() over (partition by document_id order by tk, code, m) - 1 as line_index,
        'function' as classification, code, level, cur_names.name as name_reported, m as measure,
        case m when 'total' then total when 'basic' then basic else total - basic end as value, 2 as decimals,
        cast(case m when 'total' then total when 'basic' then basic else total - basic end as varchar) as raw_text,
        'table' as source_kind, 5 as page, 'table:' || tk || '/block:1/row:' || code || '/col:' || m as locator,
        code || ' | ' || cur_names.name as evidence
    from dept_lines join cur_names using (code),
        (select unnest(['total', 'basic', 'project']) as m) ms,
        (select unnest(['expenditure', 'general_budget_expenditure']) as tk) tks;
-- T6: 8 economic 款 of each document, with their 类 rows
create or replace temp table dept_econ as
    select docs.document_id, econ.code, econ.name, econ.parent_code,
        cast((hash(docs.d, docs.y, econ.code) % 50000) / 100.0 as decimal(18, 2)) as total
    from docs, econ where docs.part = 'tables' and (econ.i % 8) = (docs.d % 8);
insert into raw.line_items by name
    select document_id, 1000 + row_number() over (partition by document_id order by code) - 1 as line_index,
        'economic' as classification, code, level, name as name_reported, 'total' as measure, total as value,
        2 as decimals, cast(total as varchar) as raw_text, 'table' as source_kind, 6 as page,
        'table:general_budget_basic/block:2/row:' || code || '/col:total' as locator, code || ' | ' || name as evidence
    from (
        select document_id, code, '款' as level, name, total from dept_econ
        union all
        select dept_econ.document_id, dept_econ.parent_code, '类', ec.name, sum(dept_econ.total)
        from dept_econ join ec on ec.code = dept_econ.parent_code group by all
    );
-- narrative: 类 lines (short class name, the old 210 name before 2019) and 项 lines named by path
create or replace temp table path_names as
    select i.code,
        regexp_replace(c.name, '支出$', '') || '（类）' || k.name || '（款）' || i.name || '（项）' as path,
        regexp_replace(c.name, '支出$', '') || '（类）' as class_name, c.code as class_code
    from (select code, name from cur_names where length(code) = 7) i
    join cur_names k on k.code = i.code[1:5]
    join cur_names c on c.code = i.code[1:3];
insert into raw.line_items by name
    select n.document_id, 2000 + row_number() over (partition by n.document_id order by l.level, l.code) - 1
            as line_index,
        'function' as classification, null as code, l.level,
        case when l.level = '项' then p.path
             when l.code = '210' and l.y < 2019 then '医疗卫生与计划生育（类）'
             else regexp_replace(cn.name, '支出$', '') || '（类）' end as name_reported,
        'total' as measure, l.total as value, 2 as decimals, cast(l.total as varchar) as raw_text,
        'narrative' as source_kind, 9 as page, 'section:五/para:' || l.code || '/chars:10-20' as locator,
        '…支出' || l.total || '万元' as evidence
    from dept_lines l
    join docs t on t.document_id = l.document_id
    join narrative_docs n on n.d = t.d and n.y = t.y and n.rev = t.rev
    left join path_names p on p.code = l.code
    join cur_names cn on cn.code = l.code
    where l.level in ('类', '项');
-- T1 class rows (numbered, no code)
insert into raw.table_cells by name
    select document_id, row_number() over (partition by document_id order by code) - 1 as cell_index,
        'income_expenditure_summary' as table_key, '收入支出决算总表' as table_title,
        10 + row_number() over (partition by document_id order by code) as row_index, 3 as col_index,
        '一、' || cur_names.name as row_label, null as code, 'expenditure' as measure, '决算数' as measure_label,
        total as value, 2 as decimals, cast(total as varchar) as raw_text, 1 as page,
        'table:income_expenditure_summary/block:0/row:' || code || '/col:3' as locator,
        cur_names.name || ' | ' || total as evidence
    from dept_lines join cur_names using (code) where level = '类';
-- scalar facts: totals, staff, 三公, 机关运行经费, general budget actual/budget
insert into raw.metric_facts by name
    select t.document_id, row_number() over (partition by t.document_id order by f.metric, f.basis) - 1 as fact_index,
        f.metric, f.basis, f.value, 2 as decimals, cast(f.value as varchar) as raw_text, f.unit,
        'table' as source_kind, 1 as page, 'table:' || f.metric as locator, f.metric as evidence
    from docs t,
        lateral (
            select 'expenditure_current_year' as metric, 'actual' as basis,
                (select sum(total) from dept_lines l where l.document_id = t.document_id and l.level = '类') as value,
                '万元' as unit
            union all select 'staff_actual', 'actual', 20 + t.d % 50, '人'
            union all select 'sangong_total', 'actual', (t.d % 30) + 0.55, '万元'
            union all select 'sangong_total', 'budget', (t.d % 30) + 2.00, '万元'
            union all select 'admin_operating_cost', 'actual', (t.d % 90) + 10.25, '万元'
            union all select 'general_budget_expenditure', 'actual', 500 + t.d % 100, '万元'
            union all select 'general_budget_expenditure', 'budget', 520 + t.d % 100, '万元'
        ) f
    where t.part = 'tables';
-- one performance project per document
insert into raw.text_blocks by name
    select document_id, 50 as block_index, 12 as page, 'table' as kind,
        '项目名称 | 第' || d || '号重点项目 |  |  | ' || chr(10)
        || '预算执行情况(万元) | 预算数: | 100.00 | 执行数: | 95.50'
        || chr(10) || '一级指标 | 二级指标 | 三级指标 | 预期指标值 | 实际完成指标值' as text
    from docs where part = 'tables';
insert into raw.table_cells by name
    select document_id, 900 + c.k as cell_index, 'performance' as table_key,
        '项目支出绩效目标完成情况表' as table_title,
        1 as row_index, c.col as col_index, c.label as row_label, null as code, 'value' as measure, '' as measure_label,
        c.v as value, 2 as decimals, cast(c.v as varchar) as raw_text, 12 as page,
        'table:performance/block:50/row:1/col:' || c.col as locator,
        '预算执行情况(万元) | 预算数: | 100.00 | 执行数: | 95.50' as evidence
    from docs, (select 0 as k, 2 as col, '预算执行情况(万元)' as label, 100.00 as v
                union all select 1, 4, '执行数:', 95.50) c
    where part = 'tables';
"""


def synthesise_raw(con: duckdb.DuckDBPyConnection, departments: int, years: tuple[int, ...]) -> None:
    """Create the raw schema in ``con`` and fill it with a synthetic county (see the module docstring)."""
    for statement in create_raw_schema_sql():
        con.execute(statement)
    sql = _SQL.format(seeds=SEEDS.as_posix(), n=int(departments), years=list(years))
    for statement in (s.strip() for s in sql.split(";\n")):
        if statement:
            con.execute(statement)


def example_queries(markdown: str) -> dict[str, str]:
    """The example query of each mart in docs/marts.md: the ```sql block under each '### <mart>' heading."""
    out: dict[str, str] = {}
    for match in re.finditer(r"^### `?([a-z_]+)`?.*?```sql\n(.*?)```", markdown, flags=re.S | re.M):
        out[match.group(1)] = match.group(2).strip().rstrip(";")
    return out


def time_query(con: duckdb.DuckDBPyConnection, sql: str, repeat: int) -> tuple[float, float, int]:
    """(best ms, median ms, rows) of ``sql`` over ``repeat`` runs after one warm-up."""
    rows = len(con.sql(sql).fetchall())
    times: list[float] = []
    for _ in range(repeat):
        start = time.perf_counter()
        con.sql(sql).fetchall()
        times.append((time.perf_counter() - start) * 1000)
    return min(times), statistics.median(times), rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--departments", type=int, default=1000)
    parser.add_argument("--years", default="2022,2023,2024")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--work", type=Path, default=None, help="keep the warehouse here (default: a temp dir)")
    args = parser.parse_args(argv)
    years = tuple(int(y) for y in args.years.split(","))
    work = args.work or Path(tempfile.mkdtemp(prefix="bench_marts_"))
    work.mkdir(parents=True, exist_ok=True)
    warehouse = work / "warehouse.duckdb"
    warehouse.unlink(missing_ok=True)
    start = time.perf_counter()
    with duckdb.connect(str(warehouse)) as con:
        synthesise_raw(con, args.departments, years)
        counts = {t: con.sql(f"select count(*) from raw.{t}").fetchall()[0][0]
                  for t in ("documents", "line_items", "metric_facts", "table_cells")}
    print(f"synthesised {args.departments} departments × {len(years)} years in "
          f"{time.perf_counter() - start:.1f} s: {counts}")
    start = time.perf_counter()
    outcome = dbt_build(warehouse, work / "dbt")
    print(f"dbt build: {'ok' if outcome.success else 'FAILED'} in {time.perf_counter() - start:.1f} s "
          f"({outcome.models} models, {outcome.tests} tests) {' '.join(outcome.failed)}")
    if not outcome.success:
        print(outcome.message)
        return 1
    queries = example_queries(DOCS.read_text(encoding="utf-8"))
    worst = 0.0
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for mart, sql in queries.items():
            best, median, rows = time_query(con, sql, args.repeat)
            worst = max(worst, median)
            flag = "ok" if median < LIMIT_MS else "SLOW"
            print(f"  {mart:34s} best {best:7.1f} ms  median {median:7.1f} ms  rows {rows:6d}  {flag}")
    print(f"{len(queries)} example queries; slowest median {worst:.1f} ms (limit {LIMIT_MS:.0f} ms)")
    return 0 if worst < LIMIT_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
