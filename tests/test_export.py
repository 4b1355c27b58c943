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
from tests.fixtures_marts import INJECTION, copy_marts
from warehouse.export import export_marts, load_labels
from warehouse.sql import escape_formula, list_marts, read_only


@pytest.fixture(scope="module")
def warehouse(dbt_marts: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the marts dbt built from the raw fixture (tests/fixtures_marts.py)."""
    return copy_marts(dbt_marts, tmp_path_factory.mktemp("exp") / "w.duckdb")


@pytest.fixture(scope="module")
def marts(warehouse: Path) -> dict[str, int]:
    """Every mart of the warehouse and its row count."""
    with read_only(warehouse) as con:
        return {m: con.execute(f'SELECT count(*) FROM marts."{m}"').fetchone()[0] for m in list_marts(con)}


def test_escape_formula_only_touches_text():
    assert escape_formula("=1+1") == "'=1+1"
    assert escape_formula("-12 万元") == "'-12 万元"
    assert escape_formula("@SUM(A1)") == "'@SUM(A1)" and escape_formula("+86") == "'+86"
    assert escape_formula(Decimal("-12.50")) == Decimal("-12.50") and escape_formula(-3) == -3
    assert escape_formula("收入 = 支出") == "收入 = 支出" and escape_formula(None) is None


def test_parquet_keeps_types_and_rows(warehouse: Path, marts: dict[str, int], tmp_path: Path):
    tables = export_marts(warehouse, "parquet", tmp_path)
    assert {t.mart: t.rows for t in tables} == marts
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


def test_xlsx_chinese_sheets_and_headers_formats_frozen_filtered(warehouse: Path, marts: dict[str, int],
                                                               tmp_path: Path):
    export_marts(warehouse, "xlsx", tmp_path)
    wb = load_workbook(tmp_path / "marts.xlsx")
    labels = load_labels()
    assert set(wb.sheetnames) == {labels.mart(m) for m in marts} | {"列说明"}
    assert {"文件", "审核发现", "公开指标", "列说明"} <= set(wb.sheetnames)  # Chinese, never truncated ids
    assert not any(name.isascii() for name in wb.sheetnames)
    ws = wb["公开指标"]
    header = [c.value for c in ws[1]]
    assert "数值" in header and "原文" in header and not any(h and h.isascii() for h in header)
    value_col, evidence_col = header.index("数值"), header.index("原文")
    cells = list(ws.iter_rows(min_row=2))
    assert all(c.data_type != "f" for row in cells for c in row)
    assert any(row[evidence_col].value == "'" + INJECTION for row in cells)
    negative = [row[value_col] for row in cells if isinstance(row[value_col].value, int | float)
                and row[value_col].value < 0]
    assert negative and all(c.data_type == "n" and c.number_format == "#,##0.00" for c in negative)
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:")
    df = pl.read_excel(tmp_path / "marts.xlsx", sheet_name="公开指标", engine="openpyxl")
    assert df.height == len(cells) and df["数值"].dtype.is_numeric()
    ingested = wb["文件"][2][header_index(wb["文件"], "入库时间")].value
    assert ingested is not None and ingested.tzinfo is None  # Excel has no time zones: UTC
    meanings = {(r[0], r[2]): r for r in wb["列说明"].iter_rows(min_row=2, values_only=True)}
    assert meanings[("公开指标", "value")][1] == "数值" and meanings[("公开指标", "value")][3].startswith("DECIMAL")


def test_every_mart_column_has_a_chinese_label():
    """labels_zh.csv names every mart and column of the dbt contracts (the sheet and header names of exports)."""
    import yaml

    from warehouse.dbt import DBT_PROJECT_DIR

    labels = load_labels()
    missing = []
    for path in (DBT_PROJECT_DIR / "models" / "marts").rglob("*.yml"):
        for model in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("models", []):
            if model["name"] not in labels.marts:
                missing.append(model["name"])
            missing += [f"{model['name']}.{c['name']}" for c in model.get("columns", [])
                        if c["name"] not in labels.columns]
    assert missing == []
    assert all(len(name) <= 31 for name in labels.marts.values())


def header_index(ws, name: str) -> int:
    return [c.value for c in ws[1]].index(name)


def test_cli_export(warehouse: Path, marts: dict[str, int], tmp_path: Path, capsys):
    assert main(["export", "--warehouse", str(warehouse), "--format", "csv", "--out", str(tmp_path)]) == 0
    assert f"marts.fct_check_result: {marts['fct_check_result']} rows" in capsys.readouterr().out
    assert main(["export", "--warehouse", str(tmp_path / "nope.duckdb"), "--format", "csv",
                 "--out", str(tmp_path)]) == 2
