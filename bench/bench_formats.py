"""Pages (or documents) per second per format: juesuan (read + extract_tables + extract_narrative) vs plain baselines.

Baselines: pdfplumber ``extract_text`` + ``extract_tables`` per PDF page; python-docx paragraphs + tables per .docx;
openpyxl every cell of every sheet per .xlsx. Run: ``.venv/bin/python bench/bench_formats.py`` (one run prints all
ratios). PDFs are the real Putuo 2024 决算 documents in ../shared/realdata (skipped when absent); .docx/.xlsx come
from a small generated county.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from ingest.catalog import load_metric_catalog
from ingest.narrative import extract_narrative
from ingest.readers import read_document
from ingest.tables import extract_tables

REALDATA = Path(__file__).resolve().parents[2] / "shared" / "realdata" / "govbudgetchecker"
PDFS = ("上海市普陀区财政局2024年度部门决算.pdf", "上海市普陀区规划和自然资源局2024年度部门决算.pdf",
        "中共上海市普陀区委社会工作部2024年度部门决算.pdf")
CATALOG = load_metric_catalog()


def ours(path: Path) -> int:
    doc = read_document(path)
    extract_tables(doc, CATALOG)
    extract_narrative(doc, CATALOG, 2024)
    return doc.page_count or 1


def pdfplumber_baseline(path: Path) -> int:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_text()
            page.extract_tables()
        return len(pdf.pages)


def docx_baseline(path: Path) -> int:
    import docx

    d = docx.Document(str(path))
    _ = [p.text for p in d.paragraphs]
    _ = [[c.text for c in row.cells] for t in d.tables for row in t.rows]
    return 1


def xlsx_baseline(path: Path) -> int:
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    for ws in wb.worksheets:
        for _row in ws.iter_rows(values_only=True):
            pass
    wb.close()
    return 1


def _rate(fn: Callable[[Path], int], files: list[Path], per_page: bool) -> tuple[float, int]:
    start = time.perf_counter()
    units = sum(fn(f) if per_page else (fn(f), 1)[1] for f in files)
    return units / (time.perf_counter() - start), units


def main() -> int:
    rows: list[tuple[str, str, float, float, int]] = []
    pdfs = [REALDATA / n for n in PDFS if (REALDATA / n).exists()]
    if pdfs:
        ours_rate, pages = _rate(ours, pdfs, per_page=True)
        base_rate, _ = _rate(pdfplumber_baseline, pdfs, per_page=True)
        rows.append(("pdf (real, pages/s)", "pdfplumber text+tables", ours_rate, base_rate, pages))
    else:
        print("real PDFs not found: PDF row skipped", file=sys.stderr)
    from samplegen import generate_county

    with tempfile.TemporaryDirectory(prefix="juesuan-bench-") as tmp:
        generate_county(Path(tmp), departments=8, years=(2023, 2024), seed=3, formats=("docx", "xlsx"), workers=1)
        for ext, base, name in (("docx", docx_baseline, "python-docx paragraphs+tables"),
                                ("xlsx", xlsx_baseline, "openpyxl all cells")):
            files = sorted(Path(tmp).rglob(f"*.{ext}"))
            if not files:
                continue
            ours_rate, n = _rate(ours, files, per_page=False)
            base_rate, _ = _rate(base, files, per_page=False)
            rows.append((f"{ext} (generated, docs/s)", name, ours_rate, base_rate, n))
    print("| format | baseline | ours /s | baseline /s | ratio | units |")
    print("|---|---|---:|---:|---:|---:|")
    for fmt, base, o, b, n in rows:
        print(f"| {fmt} | {base} | {o:.1f} | {b:.1f} | {o / b:.2f}× | {n} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
