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

from warehouse.dbt import DBT_PROJECT_DIR
from warehouse.sql import escape_formula, list_marts, read_only

FORMATS = ("parquet", "csv", "xlsx")
LABELS_FILE = Path(__file__).with_name("labels_zh.csv")
MONEY_FORMAT = "#,##0.00"
PERCENT_FORMAT = '0.00"%"'  # the marts' percentages are 0–100
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


@dataclass(frozen=True, slots=True)
class Labels:
    """Chinese names of the marts and their columns (warehouse/labels_zh.csv) and the columns' documentation."""

    marts: dict[str, str]
    columns: dict[str, str]
    descriptions: dict[tuple[str, str], str]

    def mart(self, mart: str) -> str:
        return self.marts.get(mart, mart)

    def column(self, column: str) -> str:
        return self.columns.get(column, column)


def load_labels() -> Labels:
    import yaml

    marts: dict[str, str] = {}
    columns: dict[str, str] = {}
    with LABELS_FILE.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            (marts if row["kind"] == "mart" else columns)[row["name"]] = row["label_zh"]
    descriptions: dict[tuple[str, str], str] = {}
    for path in sorted((DBT_PROJECT_DIR / "models" / "marts").rglob("*.yml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for model in doc.get("models", []):
            for col in model.get("columns", []):
                descriptions[(model["name"], col["name"])] = " ".join(str(col.get("description", "")).split())
    return Labels(marts, columns, descriptions)


def _sheet_title(label: str, part: int) -> str:
    """Excel allows 31 characters and no []:*?/\\ in a sheet name; our labels are short, continuations say 续."""
    clean = "".join("_" if ch in "[]:*?/\\" else ch for ch in label)
    suffix = "" if part == 0 else f"（续{part + 1}）"
    return clean[: 31 - len(suffix)] + suffix


def _number_format(column: str, data_type: str) -> str | None:
    t = data_type.upper()
    if column.endswith("_pct"):
        return PERCENT_FORMAT
    if t.startswith("DECIMAL(38"):
        return "#,##0.00####"
    if t.startswith("DECIMAL") and t.endswith(",4)") and "confidence" in column:
        return "0.0000"
    if t.startswith("DECIMAL"):
        return MONEY_FORMAT
    if t.startswith("TIMESTAMP"):
        return "yyyy-mm-dd hh:mm:ss"
    if t == "DOUBLE":
        return "0.0"
    return None


def _export_xlsx(con: duckdb.DuckDBPyConnection, marts: list[str], out: Path) -> dict[str, tuple[Path, ...]]:
    """One workbook: a sheet per mart under its Chinese name, Chinese headers, 万元 and % formats, frozen header,
    filters, and a sheet 列说明 giving each column's name, type and meaning."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    labels = load_labels()
    target = out / "marts.xlsx"
    wb = Workbook()
    wb.remove(wb.active)
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="E8EDF3")
    meanings: list[tuple[str, str, str, str, str]] = []

    def new_sheet(mart: str, part: int, columns: list[tuple[str, str]]) -> Any:
        ws = wb.create_sheet(_sheet_title(labels.mart(mart), part))
        ws.append([labels.column(c) for c, _ in columns])
        for i, cell in enumerate(ws[1], start=1):
            cell.font, cell.fill = bold, fill
            ws.column_dimensions[get_column_letter(i)].width = max(10, min(40, 2 * len(str(cell.value)) + 2))
        ws.freeze_panes = "A2"
        return ws

    def close_sheet(ws: Any, columns: list[tuple[str, str]]) -> None:
        ws.auto_filter.ref = f"A1:{get_column_letter(max(1, len(columns)))}{max(ws.max_row, 2)}"

    for mart in marts:
        columns = _columns(con, mart)
        formats = [_number_format(c, t) for c, t in columns]
        for c, t in columns:
            meanings.append((labels.mart(mart), labels.column(c), c, t, labels.descriptions.get((mart, c), "")))
        part, written = 0, 0
        ws = new_sheet(mart, part, columns)
        for batch in _batches(con, mart):
            for row in batch:
                if written == XLSX_MAX_ROWS:
                    close_sheet(ws, columns)
                    part, written = part + 1, 0
                    ws = new_sheet(mart, part, columns)
                ws.append([_xlsx_value(v) for v in row])
                written += 1
                for i, fmt in enumerate(formats, start=1):
                    if fmt is not None:
                        ws.cell(ws.max_row, i).number_format = fmt
        close_sheet(ws, columns)
    ws = wb.create_sheet("列说明")
    ws.append(["工作表", "列（中文）", "列名", "类型", "说明"])
    for cell in ws[1]:
        cell.font, cell.fill = bold, fill
    for row in meanings:
        ws.append([escape_formula(v) for v in row])
    for letter, width in zip("ABCDE", (20, 24, 28, 16, 90), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:E{max(ws.max_row, 2)}"
    if not marts:
        wb.create_sheet("暂无数据", 0).append(["暂无数据 no marts in this warehouse"])
    wb.save(str(target))
    return {m: (target,) for m in marts}


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
