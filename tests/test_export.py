"""``juesuan export``: every mart as parquet / csv / xlsx; spreadsheets are safe against formula injection."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from openpyxl import load_workbook

from flows.cli import main
from tests.test_report_data import INJECTION, write_mart_warehouse
from warehouse.export import export_marts
from warehouse.sql import escape_formula

MARTS = {"dim_document", "fct_check_result", "fct_disclosure_metric"}


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_mart_warehouse(tmp_path_factory.mktemp("exp") / "w.duckdb")


def test_escape_formula_only_touches_text():
    assert escape_formula("=1+1") == "'=1+1"
    assert escape_formula("-12 万元") == "'-12 万元"
    assert escape_formula("@SUM(A1)") == "'@SUM(A1)" and escape_formula("+86") == "'+86"
    assert escape_formula(Decimal("-12.50")) == Decimal("-12.50") and escape_formula(-3) == -3
    assert escape_formula("收入 = 支出") == "收入 = 支出" and escape_formula(None) is None


def test_parquet_keeps_types_and_rows(warehouse: Path, tmp_path: Path):
    tables = export_marts(warehouse, "parquet", tmp_path)
    assert {t.mart for t in tables} == MARTS
    df = pl.read_parquet(tmp_path / "fct_disclosure_metric.parquet")
    assert df.schema["value"] == pl.Decimal(18, 2)
    assert df.height == next(t.rows for t in tables if t.mart == "fct_disclosure_metric")
    assert Decimal("-500.00") in df["value"].to_list()
    manifest = json.loads((tmp_path / "export_manifest.json").read_text(encoding="utf-8"))
    assert manifest["marts"]["fct_disclosure_metric"]["columns"]["value"] == "DECIMAL(18,2)"


def test_csv_escapes_text_not_negative_numbers(warehouse: Path, tmp_path: Path):
    export_marts(warehouse, "csv", tmp_path)
    path = tmp_path / "fct_disclosure_metric.csv"
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: Excel reads the Chinese as UTF-8
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    evidence = {r["evidence"] for r in rows}
    assert "'" + INJECTION in evidence and INJECTION not in evidence
    assert not any(v.startswith(("=", "+", "@")) for r in rows for v in r.values())
    negatives = [r["value"] for r in rows if r["value"].startswith("-")]
    assert "-500.00" in negatives  # numbers are written as numbers
    df = pl.read_csv(path)
    assert df.height == len(rows) and df["value"].dtype.is_numeric()


def test_xlsx_one_sheet_per_mart_numbers_stay_numbers(warehouse: Path, tmp_path: Path):
    export_marts(warehouse, "xlsx", tmp_path)
    wb = load_workbook(tmp_path / "marts.xlsx")
    assert set(wb.sheetnames) == MARTS
    ws = wb["fct_disclosure_metric"]
    header = [c.value for c in ws[1]]
    value_col, evidence_col = header.index("value"), header.index("evidence")
    cells = list(ws.iter_rows(min_row=2))
    assert all(c.data_type != "f" for row in cells for c in row)
    assert any(row[evidence_col].value == "'" + INJECTION for row in cells)
    negative = [row[value_col] for row in cells if isinstance(row[value_col].value, int | float)
                and row[value_col].value < 0]
    assert negative and all(c.data_type == "n" for c in negative)
    df = pl.read_excel(tmp_path / "marts.xlsx", sheet_name="fct_disclosure_metric", engine="openpyxl")
    assert df.height == len(cells) and df["value"].dtype.is_numeric()
    ingested = wb["dim_document"][2][header_index(wb["dim_document"], "ingested_at")].value
    assert ingested is not None and ingested.tzinfo is None  # Excel has no time zones: UTC


def header_index(ws, name: str) -> int:
    return [c.value for c in ws[1]].index(name)


def test_cli_export(warehouse: Path, tmp_path: Path, capsys):
    assert main(["export", "--warehouse", str(warehouse), "--format", "csv", "--out", str(tmp_path)]) == 0
    assert "marts.fct_check_result: 6 rows" in capsys.readouterr().out
    assert main(["export", "--warehouse", str(tmp_path / "nope.duckdb"), "--format", "csv",
                 "--out", str(tmp_path)]) == 2
