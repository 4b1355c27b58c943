"""Hostile spreadsheets and bounded parse workers (issue 18): content bounds, not file size; a crash or timeout
is cached against the file's bytes like any verdict."""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

import pytest

from ingest.batch import ParseTask, parse_tasks
from ingest.catalog import MetricCatalog
from ingest.pipeline import FileLimits, ingest_file
from ingest.records import IngestResult

MB = 1024 * 1024


def _far_corners(path: Path) -> Path:
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "示例县测试局2024年度部门决算"
    ws["XFD1048576"] = "末格"
    wb.save(path)
    return path


def _million_rows(path: Path, rows: int = 1_048_576) -> Path:
    openpyxl = pytest.importorskip("openpyxl")
    base = path.with_name("base.xlsx")
    wb = openpyxl.Workbook()
    wb.active["A1"] = 1
    wb.save(base)
    sheet = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(1, rows + 1))
    xml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org'
           f'/spreadsheetml/2006/main"><dimension ref="A1:A{rows}"/><sheetData>{sheet}</sheetData></worksheet>')
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = xml.encode() if info.filename == "xl/worksheets/sheet1.xml" else src.read(info)
            dst.writestr(info.filename, data)
    base.unlink()
    return path


def test_two_far_cells_do_not_build_a_dense_grid(tmp_path: Path):
    path = _far_corners(tmp_path / "示例县测试局2024年度部门决算.xlsx")
    assert path.stat().st_size < 10_000
    started = time.monotonic()
    result = ingest_file(path)
    assert time.monotonic() - started < 5
    assert result.quarantine is not None and result.quarantine.reason_code == "too_many_cells"
    assert "使用范围过大" in result.quarantine.reason_zh and "1048576 rows" in result.quarantine.reason_en


def test_a_million_row_sheet_is_refused_fast(tmp_path: Path):
    path = _million_rows(tmp_path / "示例县大表局2024年度部门决算.xlsx")
    started = time.monotonic()
    result = ingest_file(path)
    took = time.monotonic() - started
    assert result.quarantine is not None and result.quarantine.reason_code == "too_many_cells", result.quarantine
    assert "单元格过多" in result.quarantine.reason_zh
    assert took < 5, took  # counted while streaming, stopped at the limit; openpyxl never loads it


def test_a_declared_dimension_beyond_excel_is_refused(tmp_path: Path):
    from ingest.model import UnreadableDocument
    from ingest.readers.limits import check_declared_dimension

    check_declared_dimension(b'<dimension ref="A1:XFD1048576"/>', "sheet1")  # formatted, but legal
    with pytest.raises(UnreadableDocument, match="too_many_cells"):
        check_declared_dimension(b'<dimension ref="A1:ZZZ9999999"/>', "sheet1")


def _hungry(path: Path, catalog: MetricCatalog, limits: FileLimits, sha: str | None) -> IngestResult:
    """A parse that wants 8 GiB when the file says so (runs in the worker)."""
    if "hungry" in path.name:
        blob = bytearray(8 * 1024 * MB)
        return IngestResult(source_file=f"{path}{len(blob)}")
    return IngestResult(source_file=str(path))


def test_a_parse_worker_has_bounded_memory(tmp_path: Path):
    tasks = [ParseTask(str(tmp_path / "hungry.txt"), "a" * 64), ParseTask(str(tmp_path / "fine.txt"), "b" * 64)]
    started = time.monotonic()
    results = parse_tasks(tasks, workers=1, parse_fn=_hungry, memory=1024 * MB)
    assert time.monotonic() - started < 30
    hungry, fine = results
    assert hungry.quarantine is not None and hungry.quarantine.reason_code == "out_of_memory"
    assert "1 GiB" in hungry.quarantine.reason_zh
    assert fine.quarantine is None and fine.source_file.endswith("fine.txt")
