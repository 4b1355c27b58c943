"""The function classification seed (dbt_project/seeds/function_classification.csv) as a code table: its own
structure (levels, parents, years of each name), and every (code, name, year) of the observed-codes file of the
real documents (../shared/realdata/derived) is in it for that year, or is a registered alias.

The documents themselves are read in tests/test_function_classification_real.py (a warehouse build)."""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import pytest

from tests.realdata import realdata_path

SEEDS = Path(__file__).resolve().parents[1] / "dbt_project" / "seeds"
LEVELS = {3: "类", 5: "款", 7: "项"}
OBSERVED = "derived/observed_expenditure_function_codes.csv"


@dataclass(frozen=True, slots=True)
class SeedName:
    code: str
    level: str
    name: str
    parent_code: str
    valid_from: int | None
    valid_to: int | None
    source: str

    def valid_in(self, year: int) -> bool:
        return (self.valid_from is None or self.valid_from <= year) and (self.valid_to is None or year <= self.valid_to)


def _year(text: str) -> int | None:
    return int(text) if text else None


def load_seed() -> list[SeedName]:
    with (SEEDS / "function_classification.csv").open(encoding="utf-8") as fh:
        return [SeedName(r["code"], r["level"], r["name"], r["parent_code"], _year(r["valid_from_year"]),
                         _year(r["valid_to_year"]), r["source"]) for r in csv.DictReader(fh)]


def load_aliases() -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    with (SEEDS / "classification_alias.csv").open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            if r["classification"] == "function":
                out[r["code"]].add(r["alias"])
    return out


def test_levels_and_parents() -> None:
    seed = load_seed()
    codes = {s.code for s in seed}
    for s in seed:
        assert re.fullmatch(r"2\d{2}(\d{2}){0,2}", s.code), s
        assert s.level == LEVELS[len(s.code)], s
        assert s.parent_code == (s.code[:-2] if len(s.code) > 3 else ""), s
        assert not s.parent_code or s.parent_code in codes, f"{s.code} {s.name}: parent {s.parent_code} missing"
        assert s.source in ("official", "observed", "learned"), s
        assert s.name == s.name.strip() and " " not in s.name, s


def test_names_of_a_code_do_not_overlap_in_years() -> None:
    """A code has one name per year: renamed codes close the old name's years where the new one's begin."""
    by_code: dict[str, list[SeedName]] = defaultdict(list)
    for s in load_seed():
        by_code[s.code].append(s)
    for code, names in by_code.items():
        spans = sorted((n.valid_from or 0, n.valid_to or 9999, n.name) for n in names)
        for (_, end, name), (start, _, later) in pairwise(spans):
            assert end < start, f"{code}: 「{name}」 and 「{later}」 are both valid in {start}"


def test_every_national_class_is_there() -> None:
    """Every 类 of the 支出功能分类 (一般公共预算, 政府性基金, 国有资本经营, 社会保险基金 and the transfer/debt
    classes) is a row, so that a 款 or 项 of any of them has its parent."""
    classes = {s.code for s in load_seed() if s.level == "类"}
    expected = {str(c) for c in (*range(201, 218), 219, 220, 221, 222, 223, 224, 227, 229, 230, 231, 232, 233, 234)}
    assert expected <= classes


def test_renamed_parents_keep_their_children() -> None:
    """A 项 valid in a year has a parent name valid in that year (a rename of the parent does not orphan it)."""
    seed = load_seed()
    by_code: dict[str, list[SeedName]] = defaultdict(list)
    for s in seed:
        by_code[s.code].append(s)
    for s in seed:
        if not s.parent_code:
            continue
        for year in (s.valid_from or 2018, s.valid_to or 2026):
            if s.valid_in(year):
                assert any(p.valid_in(year) for p in by_code[s.parent_code]), f"{s.code} in {year}"


@dataclass(frozen=True, slots=True)
class Observed:
    code: str
    name: str
    years: tuple[int, ...]


def _observed() -> list[Observed]:
    with realdata_path(OBSERVED).open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    out = []
    for r in rows:
        # the file marks names that did not come from a clean table cell: "name [from page text, unverified]"
        names = [re.sub(r"\s*\[[^\]]*\]$", "", r["name"]), *(v for v in r["name_variants"].split("|") if v)]
        years = tuple(int(y) for y in r["years"].split(";") if y)
        out.extend(Observed(r["code"], n, years) for n in names)
    return out


def test_observed_codes_are_in_the_seed_for_their_years() -> None:
    seed = load_seed()
    aliases = load_aliases()
    missing = []
    for o in _observed():
        if o.name in aliases.get(o.code, set()):
            continue
        names = [s for s in seed if s.code == o.code and s.name == o.name]
        if not names or not all(any(s.valid_in(y) for s in names) for y in o.years):
            missing.append(f"{o.code} {o.name} {o.years}")
    assert missing == []


@pytest.mark.parametrize(("code", "year", "name"), [
    ("20805", 2019, "行政事业单位离退休"),
    ("20805", 2020, "行政事业单位养老支出"),
    ("210", 2018, "医疗卫生与计划生育支出"),
    ("210", 2019, "卫生健康支出"),
    ("21305", 2021, "巩固脱贫攻坚成果衔接乡村振兴"),
])
def test_name_for_year(code: str, year: int, name: str) -> None:
    assert [s.name for s in load_seed() if s.code == code and s.valid_in(year)] == [name]
