"""Export every mart of the warehouse as Parquet, CSV or one Excel workbook (read-only).

Parquet keeps DuckDB's types (DECIMAL stays DECIMAL). CSV and XLSX are spreadsheet food, so text cells
that start with = + - @ (or tab / carriage return) get a leading apostrophe and cannot run as formulas;
numeric cells — negative numbers included — stay numbers.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from warehouse.sql import escape_formula, list_marts, read_only

FORMATS = ("parquet", "csv", "xlsx")
XLSX_MAX_ROWS = 1_048_575  # Excel's sheet limit less the header row
BATCH = 10_000


@dataclass(frozen=True, slots=True)
class ExportedTable:
    mart: str
    rows: int
    files: tuple[Path, ...]


def _batches(con: duckdb.DuckDBPyConnection, mart: str) -> Iterator[list[tuple[Any, ...]]]:
    cur = con.execute(f'SELECT * FROM marts."{mart}"')
    while batch := cur.fetchmany(BATCH):
        yield batch


def _columns(con: duckdb.DuckDBPyConnection, mart: str) -> list[tuple[str, str]]:
    return [(r[0], r[1]) for r in con.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'marts' AND table_name = ? ORDER BY ordinal_position", [mart]
    ).fetchall()]


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, datetime) and value.tzinfo is not None:  # Excel has no time zones: UTC, naive
        return value.astimezone(UTC).replace(tzinfo=None)
    if isinstance(value, list | tuple | dict):
        return escape_formula(json.dumps(value, ensure_ascii=False, default=str))
    return escape_formula(value)


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime | list | tuple | dict):
        return escape_formula(value.isoformat() if isinstance(value, datetime) else str(value))
    return escape_formula(value)


def _export_parquet(con: duckdb.DuckDBPyConnection, mart: str, out: Path) -> tuple[Path, ...]:
    """Streamed through Arrow: the sandboxed connection (warehouse.sql.read_only) cannot write files itself."""
    import pyarrow.parquet as pq

    target = out / f"{mart}.parquet"
    reader = con.sql(f'SELECT * FROM marts."{mart}"').to_arrow_reader(BATCH)
    with pq.ParquetWriter(str(target), reader.schema, compression="zstd") as writer:
        for batch in reader:
            writer.write_batch(batch)
    return (target,)


def _export_csv(con: duckdb.DuckDBPyConnection, mart: str, out: Path) -> tuple[Path, ...]:
    target = out / f"{mart}.csv"
    with target.open("w", encoding="utf-8-sig", newline="") as fh:  # BOM: Excel opens UTF-8 Chinese correctly
        writer = csv.writer(fh)
        writer.writerow([c for c, _ in _columns(con, mart)])
        for batch in _batches(con, mart):
            writer.writerows([_csv_value(v) for v in row] for row in batch)
    return (target,)


def _sheet_title(mart: str, part: int) -> str:
    title = mart[:28] if part == 0 else f"{mart[:25]}_{part + 1}"
    return title


def _export_xlsx(con: duckdb.DuckDBPyConnection, marts: list[str], out: Path) -> dict[str, tuple[Path, ...]]:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    target = out / "marts.xlsx"
    wb = Workbook(write_only=True)
    bold = Font(bold=True)
    for mart in marts:
        header = [c for c, _ in _columns(con, mart)]
        part, written = 0, 0
        ws = wb.create_sheet(_sheet_title(mart, part))
        ws.append(_header_cells(ws, header, bold))
        for batch in _batches(con, mart):
            for row in batch:
                if written == XLSX_MAX_ROWS:
                    part, written = part + 1, 0
                    ws = wb.create_sheet(_sheet_title(mart, part))
                    ws.append(_header_cells(ws, header, bold))
                ws.append([_xlsx_value(v) for v in row])
                written += 1
    if not marts:
        wb.create_sheet("暂无数据").append(["暂无数据 no marts in this warehouse"])
    wb.save(str(target))
    return {m: (target,) for m in marts}


def _header_cells(ws: Any, header: list[str], font: Any) -> list[Any]:
    from openpyxl.cell import WriteOnlyCell

    cells = []
    for name in header:
        cell = WriteOnlyCell(ws, value=escape_formula(name))
        cell.font = font
        cells.append(cell)
    return cells


def export_marts(warehouse: Path, fmt: str, out: Path) -> list[ExportedTable]:
    """Write every table of schema ``marts`` to ``out`` in ``fmt``; returns what was written."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    out.mkdir(parents=True, exist_ok=True)
    results: list[ExportedTable] = []
    with read_only(warehouse) as con:
        marts = list_marts(con)
        counts = {m: con.execute(f'SELECT count(*) FROM marts."{m}"').fetchall()[0][0] for m in marts}
        if fmt == "xlsx":
            files = _export_xlsx(con, marts, out)
            results = [ExportedTable(m, counts[m], files[m]) for m in marts]
        else:
            writer = _export_parquet if fmt == "parquet" else _export_csv
            results = [ExportedTable(m, counts[m], writer(con, m, out)) for m in marts]
        manifest = {
            "warehouse": str(warehouse.resolve()),
            "format": fmt,
            "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "marts": {
                m: {"rows": counts[m], "columns": dict(_columns(con, m)),
                    "files": [p.name for r in results if r.mart == m for p in r.files]}
                for m in marts
            },
        }
    (out / "export_manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return results
