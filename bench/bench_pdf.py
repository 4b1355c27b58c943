"""Benchmark: our PDFium reader vs pdfplumber extract_text() + extract_tables(), in ms per page.

Usage: .venv/bin/python bench/bench_pdf.py [PDF ...]   (defaults to the real PDFs in ../shared/realdata)

pdfplumber is a bench-only dependency (``pip install pdfplumber==0.11.10``); it is not used by the
product. Each file is read once to warm up, then timed ``--repeat`` times; the best run is reported.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ingest.readers.pdf import read

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "shared" / "realdata" / "govbudgetchecker"


def _best(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def _ours(path: Path) -> int:
    doc = read(path)
    return doc.page_count or 0


def _plumber(path: Path) -> None:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_text()
            page.extract_tables()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdfs", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--no-baseline", action="store_true", help="time only our reader")
    args = parser.parse_args()
    paths = args.pdfs or sorted(DEFAULT_DIR.glob("*.pdf"))
    if not paths:
        print(f"no PDFs given and none found in {DEFAULT_DIR}", file=sys.stderr)
        return 2
    total_pages = 0
    total_ours = total_base = 0.0
    print(f"{'file':<44} {'pages':>5} {'ours ms/p':>10} {'plumber ms/p':>13} {'ratio':>7}")
    for path in paths:
        pages = _ours(path)  # warm-up, and page count
        ours = _best(lambda p=path: _ours(p), args.repeat)
        base = float("nan") if args.no_baseline else _best(lambda p=path: _plumber(p), 1)
        total_pages += pages
        total_ours += ours
        total_base += base
        print(
            f"{path.name[:44]:<44} {pages:>5} {ours * 1000 / pages:>10.1f} "
            f"{base * 1000 / pages:>13.1f} {base / ours:>7.1f}"
        )
    print(
        f"{'TOTAL':<44} {total_pages:>5} {total_ours * 1000 / total_pages:>10.1f} "
        f"{total_base * 1000 / total_pages:>13.1f} {total_base / total_ours:>7.1f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
