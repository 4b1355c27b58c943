"""Ingest many files, in parallel processes when there are enough of them."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from ingest.catalog import load_metric_catalog
from ingest.pipeline import ingest_file
from ingest.records import IngestResult

ProgressFn = Callable[[int, int, IngestResult], None]


def _ingest_one(path: str) -> IngestResult:
    return ingest_file(Path(path), load_metric_catalog())


def default_workers() -> int:
    return max(1, os.cpu_count() or 1)


def ingest_files(
    paths: Sequence[Path], workers: int | None = None, progress: ProgressFn | None = None
) -> list[IngestResult]:
    """Ingest every file; results keep the input order. One bad file never stops the others."""
    workers = workers or default_workers()
    results: list[IngestResult] = []
    total = len(paths)
    if workers <= 1 or total < 4:
        catalog = load_metric_catalog()
        for i, path in enumerate(paths, start=1):
            res = ingest_file(path, catalog)
            results.append(res)
            if progress:
                progress(i, total, res)
        return results
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for i, res in enumerate(pool.map(_ingest_one, [str(p) for p in paths], chunksize=4), start=1):
            results.append(res)
            if progress:
                progress(i, total, res)
    return results
