"""The standard tables of a disclosure, read from the reference seed ``dbt_project/seeds/standard_table.csv``.

The seed is the one list of table keys (also loaded into the warehouse as a dbt seed, joined by the models and
the macro ``chk_table_zh``): key, Chinese title, kind (final 决算 / budget 预算 / performance 绩效), layout (how the
grid is read) and number (position in the standard set of its kind). Adding a standard table is one row there.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Literal, cast, get_args

DEFAULT_STANDARD_TABLE_PATH = Path(__file__).resolve().parents[1] / "dbt_project/seeds/standard_table.csv"

Layout = Literal["summary", "lines", "economic", "sangong", "generic"]
Kind = Literal["final", "budget", "performance"]
_COLUMNS = ("key", "title_zh", "kind", "layout", "number")


@dataclass(frozen=True, slots=True)
class StandardTable:
    key: str
    title_zh: str
    kind: Kind
    layout: Layout
    number: int | None  # position in the standard set of its kind (决算 T1…T9, 预算 1…9); None outside it


def _choice(value: str, allowed: tuple[str, ...], column: str, key: str) -> str:
    if value not in allowed:
        raise ValueError(f"standard table {key!r}: {column} {value!r} is not one of {list(allowed)}")
    return value


def parse_standard_tables(rows: list[dict[str, str]]) -> MappingProxyType[str, StandardTable]:
    """Seed rows (as csv.DictReader gives them) → key → table, in seed order; bad rows raise ValueError."""
    tables: dict[str, StandardTable] = {}
    for row in rows:
        key = (row.get("key") or "").strip()
        if not key:
            continue
        if key in tables:
            raise ValueError(f"duplicate standard table key {key!r}")
        number = (row.get("number") or "").strip()
        tables[key] = StandardTable(
            key=key,
            title_zh=row["title_zh"].strip(),
            kind=cast(Kind, _choice(row["kind"].strip(), get_args(Kind), "kind", key)),
            layout=cast(Layout, _choice(row["layout"].strip(), get_args(Layout), "layout", key)),
            number=int(number) if number else None,
        )
    return MappingProxyType(tables)


@lru_cache(maxsize=4)
def load_standard_tables(path: Path = DEFAULT_STANDARD_TABLE_PATH) -> MappingProxyType[str, StandardTable]:
    """Read the seed once per path (columns key,title_zh,kind,layout,number)."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = set(_COLUMNS) - set(reader.fieldnames or ())
        if missing:
            raise ValueError(f"{path}: missing columns {sorted(missing)}")
        return parse_standard_tables(list(reader))


def standard_set(kind: Kind, path: Path = DEFAULT_STANDARD_TABLE_PATH) -> tuple[StandardTable, ...]:
    """The numbered tables of one kind in their order (the nine tables of a 决算: T1…T9)."""
    numbered = [t for t in load_standard_tables(path).values() if t.kind == kind and t.number is not None]
    return tuple(sorted(numbered, key=lambda t: t.number or 0))
