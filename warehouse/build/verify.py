"""Does an incrementally built warehouse hold what a full build of the same data holds? Compare, row for row.

Used by the tests (incremental = full after adds, changes, withdrawals, a rollback and kills) and by the bench;
an operator can run it on any warehouse: ``python -m warehouse.build.verify data/warehouse.duckdb``.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

import duckdb

from warehouse.build.compile import SEEDS_FILE, cache_root, compiled_project, entry_dir
from warehouse.build.runner import BuildSettings, build
from warehouse.dbt import DBT_PROJECT_DIR
from warehouse.publish import DataLayout
from warehouse.runs import dbt_fingerprint
from warehouse.sql import one_row

BUILT_SCHEMAS = ("staging", "intermediate", "marts", "reference")


def differences(a: Path, b: Path, schemas: tuple[str, ...] = BUILT_SCHEMAS) -> list[str]:
    """Relations of ``schemas`` that differ between two warehouse files: missing on one side, other columns, or
    other rows (compared as multisets; row order is not part of a relation)."""
    con = duckdb.connect()
    try:
        con.execute(f"ATTACH '{a.resolve().as_posix()}' AS left_wh (READ_ONLY)")
        con.execute(f"ATTACH '{b.resolve().as_posix()}' AS right_wh (READ_ONLY)")

        def relations(db: str) -> dict[tuple[str, str], list[str]]:
            rows = con.execute(
                "SELECT table_schema, table_name, list(column_name ORDER BY ordinal_position) "
                "FROM information_schema.columns WHERE table_catalog = ? AND table_schema IN "
                f"({', '.join('?' for _ in schemas)}) GROUP BY ALL", [db, *schemas]).fetchall()
            return {(s, t): cols for s, t, cols in rows}

        left, right = relations("left_wh"), relations("right_wh")
        out = [f"{s}.{t}: only in {a.name if k in left else b.name}" for k in sorted(set(left) ^ set(right))
               for s, t in [k]]
        for key in sorted(set(left) & set(right)):
            s, t = key
            if left[key] != right[key]:
                out.append(f"{s}.{t}: columns differ")
                continue
            n = one_row(
                con,
                f'SELECT count(*) FROM ((SELECT * FROM left_wh."{s}"."{t}" EXCEPT ALL '
                f'SELECT * FROM right_wh."{s}"."{t}") UNION ALL (SELECT * FROM right_wh."{s}"."{t}" EXCEPT ALL '
                f'SELECT * FROM left_wh."{s}"."{t}"))')[0]
            if n:
                out.append(f"{s}.{t}: {n} row(s) differ")
        return out
    finally:
        con.close()


def full_rebuild_differences(warehouse: Path, work: Path | None = None) -> list[str]:
    """Rebuild a copy of ``warehouse`` in full (same raw data, same compiled project) and compare."""
    fingerprint = dbt_fingerprint(DBT_PROJECT_DIR)
    root = cache_root(DataLayout(warehouse).cache_dir)
    project = compiled_project(root, fingerprint)
    with tempfile.TemporaryDirectory(dir=work) as tmp:
        copy = Path(tmp) / "warehouse.duckdb"
        shutil.copyfile(warehouse, copy)
        outcome = build(copy, project, entry_dir(root, fingerprint) / SEEDS_FILE, full_refresh=True,
                        settings=BuildSettings(temp_directory=Path(tmp) / "spill"), data_tests=False,
                        keep_state=False)
        if not outcome.success:
            return [f"full rebuild failed: {outcome.message}"]
        return differences(warehouse, copy)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="compare a warehouse with a full rebuild of its own data")
    ap.add_argument("warehouse", type=Path)
    args = ap.parse_args(argv)
    diffs = full_rebuild_differences(args.warehouse)
    for d in diffs:
        print(d)
    print("与全量重建一致 identical to a full rebuild" if not diffs else f"{len(diffs)} relation(s) differ")
    return 0 if not diffs else 1


if __name__ == "__main__":
    sys.exit(main())
