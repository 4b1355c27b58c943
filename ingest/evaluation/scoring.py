"""Multiset matching of extracted items against expected ones, and the score table."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from ingest.amounts import parse_amount


@dataclass(slots=True)
class Score:
    """Counts for one element: expected items, extracted items, items in both (multiset)."""

    expected: int = 0
    extracted: int = 0
    matched: int = 0
    wrong: int = 0  # extracted items naming an expected key with another value

    @property
    def recall(self) -> float | None:
        return self.matched / self.expected if self.expected else None

    @property
    def precision(self) -> float | None:
        return self.matched / self.extracted if self.extracted else None

    def add(self, other: Score) -> None:
        self.expected += other.expected
        self.extracted += other.extracted
        self.matched += other.matched
        self.wrong += other.wrong


def match_counts(expected: Iterable[Hashable], extracted: Iterable[Hashable]) -> Score:
    """Score of two multisets of hashable keys (each extracted key matches at most one expected one)."""
    exp = Counter(expected)
    ext = Counter(extracted)
    matched = sum(min(n, ext[k]) for k, n in exp.items())
    return Score(sum(exp.values()), sum(ext.values()), matched)


def value_key(text: str | Decimal) -> str:
    """A figure as a comparable string: '1,234.50' and '1234.5' are the same value."""
    if isinstance(text, Decimal):
        value = text
    else:
        amount = parse_amount(text)
        if amount is None:
            try:
                value = Decimal(text.replace(",", ""))
            except InvalidOperation:
                return text.strip()
        else:
            value = amount.value
    return format(value.normalize(), "f") if value != 0 else "0"


@dataclass(slots=True)
class ScoreTable:
    """Scores by (corpus, element group, element)."""

    rows: dict[tuple[str, str, str], Score] = field(default_factory=dict)

    def add(self, corpus: str, group: str, element: str, score: Score) -> None:
        self.rows.setdefault((corpus, group, element), Score()).add(score)

    def totals(self) -> dict[tuple[str, str], Score]:
        out: dict[tuple[str, str], Score] = {}
        for (corpus, group, _), score in self.rows.items():
            out.setdefault((corpus, group), Score()).add(score)
        return out

    def render(self) -> str:
        """A Markdown table: one row per element, then one per group total."""
        head = "| corpus | group | element | expected | extracted | matched | wrong | recall | precision |"
        lines = [head, "|---|---|---|---:|---:|---:|---:|---:|---:|"]
        for (corpus, group, element), s in sorted(self.rows.items()):
            lines.append(_line(corpus, group, element, s))
        for (corpus, group), s in sorted(self.totals().items()):
            lines.append(_line(corpus, group, "**all**", s))
        return "\n".join(lines)


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.1f}%"


def _line(corpus: str, group: str, element: str, s: Score) -> str:
    return (f"| {corpus} | {group} | {element} | {s.expected} | {s.extracted} | {s.matched} | {s.wrong} | "
            f"{_pct(s.recall)} | {_pct(s.precision)} |")
