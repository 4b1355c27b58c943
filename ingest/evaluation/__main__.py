"""`python -m ingest.evaluation`: generate a county, ingest it, score; score the real documents; print."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from ingest.catalog import load_metric_catalog
from ingest.evaluation.real import (
    DEFAULT_EXPECTED_DIR,
    ExtractionSummary,
    default_realdata_root,
    evaluate_real,
)
from ingest.evaluation.scoring import ScoreTable
from ingest.evaluation.synthetic import Miss, evaluate_county
from ingest.pipeline import ingest_file


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ingest.evaluation", description=__doc__)
    parser.add_argument("--departments", type=int, default=12)
    parser.add_argument("--years", default="2023,2024")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--county", type=Path, help="score an existing generated county instead")
    parser.add_argument("--realdata", type=Path, default=None, help="root of the real documents")
    parser.add_argument("--expected", type=Path, default=DEFAULT_EXPECTED_DIR)
    parser.add_argument("--misses", type=int, default=0, help="print up to N misses per group")
    parser.add_argument("--only", choices=("generated", "real"), default=None)
    args = parser.parse_args(argv)
    catalog = load_metric_catalog()
    table = ScoreTable()
    misses: list[Miss] = []
    notes: list[str] = []
    extraction: list[ExtractionSummary] = []
    if args.only != "real":
        if args.county is not None:
            t, m = evaluate_county(args.county, lambda p: ingest_file(p, catalog), catalog)
        else:
            from samplegen import generate_county

            with tempfile.TemporaryDirectory(prefix="juesuan-eval-") as tmp:
                years = tuple(int(y) for y in args.years.split(","))
                generate_county(Path(tmp), departments=args.departments, years=years, seed=args.seed, workers=1)
                t, m = evaluate_county(Path(tmp), lambda p: ingest_file(p, catalog), catalog)
        table.rows.update(t.rows)
        misses += m
    if args.only != "generated":
        root = args.realdata or default_realdata_root()
        t, m, skipped = evaluate_real(
            root, args.expected, lambda p: ingest_file(p, catalog), notes, extraction
        )
        table.rows.update(t.rows)
        misses += m
        for s in skipped:
            print(f"skipped: {s}", file=sys.stderr)
    print(table.render())
    if extraction:
        total = sum(e.warnings for e in extraction)
        print(f"\nextraction warnings (tables judged unreliable, one each), per document: {total} in all")
        for e in extraction:
            print(f"  {e.render()}")
    if notes:
        print(f"\nunreadable from the text alone (left out, not guessed): {len(notes)}")
        for n in notes:
            print(f"  {n}")
    if args.misses:
        _print_misses(misses, args.misses)
    return 0


def _print_misses(misses: list[Miss], limit: int) -> None:
    shown: dict[tuple[str, str], int] = {}
    for m in misses:
        key = (m.corpus, m.group)
        shown[key] = shown.get(key, 0) + 1
        if shown[key] <= limit:
            print(f"MISS {m.corpus} {m.group} {m.element} {m.document}: {m.item}")


if __name__ == "__main__":
    raise SystemExit(main())
