"""The standard tables the sample county prints, read from the product's reference data (never its code).

``dbt_project/seeds/standard_table.csv`` is the one list of standard tables; the generator reads its numbered
sets — the nine tables of a 决算 (T1…T9) and the nine of the 2024 部门预算 template — with their titles, in order.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

STANDARD_TABLE_SEED = Path(__file__).resolve().parents[1] / "dbt_project/seeds/standard_table.csv"


@lru_cache(maxsize=4)
def numbered_titles(kind: str, seed: Path = STANDARD_TABLE_SEED) -> tuple[tuple[str, str], ...]:
    """(key, title) of the numbered tables of ``kind`` (final | budget), by number."""
    with seed.open(encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["kind"] == kind and r["number"].strip()]
    return tuple((r["key"], r["title_zh"]) for r in sorted(rows, key=lambda r: int(r["number"])))
