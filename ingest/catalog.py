"""The metric catalogue: every scalar a disclosure states, with the wordings that name it.

The catalogue lives in ``dbt_project/seeds/metric_catalog.csv`` (also loaded into the
warehouse as a dbt seed). Aliases are matched as plain substrings of a label after
:func:`normalise_label` (quotes removed, ASCII brackets made full-width, white space
dropped); the longest alias wins, and a metric whose unit cannot go with the figure's
unit (辆 vs 万元) is never chosen.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

DEFAULT_CATALOG_PATH = Path(__file__).resolve().parents[1] / "dbt_project/seeds/metric_catalog.csv"

MONEY_UNITS: frozenset[str] = frozenset({"万元", "元", "亿元", ""})
# Units a count metric accepts besides its own (documents write 事业编制24个, 团组0次, 台 for 台（套）).
_UNIT_FAMILY: dict[str, frozenset[str]] = {
    "万元": MONEY_UNITS,
    "%": frozenset({"%"}),
    "人": frozenset({"人", "名", "个", "人次"}),  # 因公出国（境）累计3人次
    "人次": frozenset({"人次"}),
    "批次": frozenset({"批次", "次", "批"}),
    "个": frozenset({"个", "项", "次"}),
    "辆": frozenset({"辆"}),
    "台（套）": frozenset({"台（套）", "台", "套", "台套"}),
    "分": frozenset({"分"}),
}

_QUOTES = re.compile(r"[“”\"‘’'「」『』《》]")
_SPACES = re.compile(r"\s+")
_ASCII_BRACKETS = str.maketrans({"(": "（", ")": "）"})


def normalise_label(text: str) -> str:
    """Label text as aliases are written: no quotes, no white space, full-width brackets."""
    return _SPACES.sub("", _QUOTES.sub("", text)).translate(_ASCII_BRACKETS)


def unit_compatible(metric_unit: str, figure_unit: str | None) -> bool:
    """Whether a figure written with ``figure_unit`` can be a value of a metric kept in ``metric_unit``."""
    if figure_unit is None:
        return True
    family = _UNIT_FAMILY.get(metric_unit, frozenset({metric_unit}))
    return figure_unit in family


@dataclass(frozen=True, slots=True)
class MetricDef:
    key: str
    label_zh: str
    aliases: tuple[str, ...]
    unit: str
    category: str


@dataclass(frozen=True)
class MetricCatalog:
    metrics: tuple[MetricDef, ...]

    def __post_init__(self) -> None:
        keys = [m.key for m in self.metrics]
        duplicates = sorted({k for k in keys if keys.count(k) > 1})
        if duplicates:
            raise ValueError(f"duplicate metric keys in catalogue: {duplicates}")

    def __contains__(self, key: object) -> bool:
        return any(m.key == key for m in self.metrics)

    def __len__(self) -> int:
        return len(self.metrics)

    def get(self, key: str) -> MetricDef | None:
        return next((m for m in self.metrics if m.key == key), None)

    def __getitem__(self, key: str) -> MetricDef:
        metric = self.get(key)
        if metric is None:
            raise KeyError(key)
        return metric

    @cached_property
    def alias_index(self) -> tuple[tuple[str, MetricDef], ...]:
        """(normalised alias, metric) pairs, longest alias first (stable in catalogue order)."""
        pairs = [(normalise_label(a), m) for m in self.metrics for a in m.aliases if a.strip()]
        return tuple(sorted(pairs, key=lambda p: -len(p[0])))

    def match(self, label_text: str, unit: str | None = None) -> MetricDef | None:
        """The metric a label names: longest alias contained in it; ties go to the later occurrence.

        ``unit`` is the unit written with the figure ('万元', '辆', '' when none); metrics whose
        unit cannot hold such a figure are skipped. ``None`` means no unit constraint.
        """
        label = normalise_label(label_text)
        if not label:
            return None
        best: tuple[int, int, MetricDef] | None = None
        for alias, metric in self.alias_index:
            if best is not None and len(alias) < best[0]:
                break
            pos = label.rfind(alias)
            if pos < 0 or not unit_compatible(metric.unit, unit):
                continue
            if best is None or pos > best[1]:
                best = (len(alias), pos, metric)
        return best[2] if best else None


def load_metric_catalog(path: Path | None = None) -> MetricCatalog:
    """Read the catalogue seed (columns key,label_zh,aliases,unit,category; aliases split on '|')."""
    source = path or DEFAULT_CATALOG_PATH
    with source.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = {"key", "label_zh", "aliases", "unit", "category"} - set(reader.fieldnames or ())
        if missing:
            raise ValueError(f"{source}: missing columns {sorted(missing)}")
        metrics = tuple(
            MetricDef(
                key=row["key"].strip(),
                label_zh=row["label_zh"].strip(),
                aliases=tuple(a.strip() for a in row["aliases"].split("|") if a.strip()),
                unit=row["unit"].strip(),
                category=row["category"].strip(),
            )
            for row in reader
            if row.get("key", "").strip()
        )
    return MetricCatalog(metrics)
