"""A 收支 summary table of any template rebuilt from text lines: label/amount blocks side by side.

A 收支总表 prints, left to right, one block per list: 收入 items and their amounts, then one or more 支出 lists
(by 功能分类, by 支出用途 …), each a label column and an amount column. In a PDF's text layer a row of it is
``一、财政拨款 21,940.96 一、一般公共服务支出 一、基本支出 13,994.31``: each block's label and, when not blank,
its figure; a blank block of a row leaves no trace. :func:`read_summary_pairs` places each label (with its
figure) on its block, by what the row itself shows:

* the header's amount words (金额/预算数/决算数) give the number of blocks; its first side word is the first
  block's side (收入), the other blocks are the other side's;
* a row printing every block is placed as printed; otherwise the labels keep their order and a numbered label
  (一、 二、 … ; 1. 2. under them) continues the numbering of exactly one block, a label naming 收入 or 支出 goes
  to a block of that side, and a side's total (合计/小计/总计) to that side's last block, where its figure is
  printed; a figure whose block stays open is settled by the table's own sums (each block's numbered items
  add up to its side's total) or left out;
* the table is kept only when its own identities confirm the reading: some block's numbered items add up to its
  side's total, or the two sides' totals agree (a defect in one cell leaves the others to vouch for it).

The result is a grid (header rows and one row per line) for :mod:`ingest.tables`, as a PDF's table would be.
Pure functions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import combinations

from ingest.amounts import parse_amount
from ingest.readers.text_tables import tokenise_line

_AMOUNT_WORD = re.compile(r"^(?:金\s*额|预算数|决算数)$")
_SIDE_WORD = re.compile(r"^(?:收入|支出)$")
_NAME_WORD = re.compile(r"名称|^项目$|^科目$")
_CN_DIGITS = {c: i for i, c in enumerate("一二三四五六七八九", start=1)}
_CN_ORDINAL = re.compile(r"^([一二三四五六七八九十]+)、")
_AR_ORDINAL = re.compile(r"^(\d{1,2})[.．、]")
_TOTAL = re.compile(r"(?:合\s*计|小\s*计|总\s*计)$")
_MAX_PATHS = 256  # placements of a whole table kept open at once
_MAX_CONTINUATION = 3  # a wrapped label's tail alone on a line (…等支 / 出)


def _cn_number(text: str) -> int:
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + _CN_DIGITS.get(text[1:], 0)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return _CN_DIGITS.get(tens, 0) * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0)
    return _CN_DIGITS.get(text, 0)


@dataclass(slots=True)
class _Segment:
    label: str
    figure: str = ""


@dataclass(slots=True)
class _BlockState:
    side: str
    cn: int = 0  # last 一、二、 … number
    ar: int = 0  # last 1. 2. … number under it


@dataclass(frozen=True, slots=True)
class SummaryGrid:
    """The rebuilt table: header rows and (page, cells) data rows; ``left_out`` figures no block could take."""

    header: tuple[tuple[str, ...], ...]
    rows: tuple[tuple[int | None, tuple[str, ...]], ...]
    left_out: tuple[str, ...] = ()


@dataclass(slots=True)
class _Row:
    page: int | None
    segments: list[_Segment]
    candidates: list[tuple[int, ...]] = field(default_factory=list)


def _header_blocks(header_lines: list[str]) -> tuple[list[str], list[str]] | None:
    """Sides and group names of the blocks, from the header words (None: not a multi-block 收支 header)."""
    words = [w for line in header_lines for w in line.split()]
    n = sum(1 for w in words if _AMOUNT_WORD.match(w))
    sides = [w for w in words if _SIDE_WORD.match(w)]
    if n < 2 or len(dict.fromkeys(sides)) != 2:
        return None
    first, other = sides[0], next(s for s in sides if s != sides[0])
    block_sides = [first] + [other] * (n - 1)
    groups = [w for w in words if not (_AMOUNT_WORD.match(w) or _SIDE_WORD.match(w) or _NAME_WORD.search(w))]
    names = [""] * n
    if groups and len(groups) == n - 1:
        names[1:] = groups
    return block_sides, names


def _segments(line: str) -> list[_Segment] | None:
    """The label/figure pairs of a line, left to right (None: a line this layout does not print)."""
    out: list[_Segment] = []
    for t in tokenise_line(line):
        if t.kind == "number":
            if not out or out[-1].figure:
                return None
            out[-1].figure = t.text
        else:
            out.append(_Segment(t.text))
    return out


def _side_of(label: str) -> str | None:
    income, expenditure = "收入" in label, "支出" in label
    return "收入" if income and not expenditure else "支出" if expenditure and not income else None


def _fits(seg: _Segment, state: _BlockState, last_of_side: bool) -> bool:
    side = _side_of(seg.label)
    if side is not None and side != state.side:
        return False
    if m := _CN_ORDINAL.match(seg.label):
        return _cn_number(m.group(1)) == state.cn + 1
    if m := _AR_ORDINAL.match(seg.label):
        return state.cn > 0 and int(m.group(1)) == state.ar + 1
    if _TOTAL.search(seg.label) and seg.figure:
        return last_of_side
    return True


def _advance(seg: _Segment, state: _BlockState) -> None:
    if m := _CN_ORDINAL.match(seg.label):
        state.cn, state.ar = _cn_number(m.group(1)), 0
    elif m := _AR_ORDINAL.match(seg.label):
        state.ar = int(m.group(1))


def _value(text: str) -> Decimal | None:
    amount = parse_amount(text) if text else None
    return amount.value if amount is not None else None


def _identities(rows: list[_Row], sides: list[str], choice: list[tuple[int, ...]]) -> list[bool]:
    """Each block's numbered items against its side's first total after them, and the sides' totals."""
    n = len(sides)
    items: list[list[Decimal]] = [[] for _ in range(n)]
    totals: list[Decimal | None] = [None] * n
    tol = Decimal("0.005")
    for row, cols in zip(rows, choice, strict=True):
        for seg, b in zip(row.segments, cols, strict=True):
            v = _value(seg.figure)
            if v is None:
                continue
            tol = max(tol, parse_amount(seg.figure).half_ulp)  # type: ignore[union-attr]
            if _CN_ORDINAL.match(seg.label):
                items[b].append(v)
            elif _TOTAL.search(seg.label) and totals[b] is None:
                totals[b] = v
    side_total = {s: next((t for b, t in enumerate(totals) if sides[b] == s and t is not None), None)
                  for s in set(sides)}
    out = []
    for b in range(n):
        total = side_total[sides[b]]
        if items[b] and total is not None:
            out.append(abs(sum(items[b], Decimal(0)) - total) <= tol * (len(items[b]) + 1))
    income, expenditure = side_total.get(sides[0]), next(
        (t for s, t in side_total.items() if s != sides[0]), None)
    if income is not None and expenditure is not None:
        out.append(abs(income - expenditure) <= tol * 2)
    return out


def read_summary_pairs(header_lines: list[str], lines: list[tuple[int | None, str]]) -> SummaryGrid | None:
    """The grid of a multi-block 收支 summary table from its header and data lines (None: not readable so)."""
    shape = _header_blocks(header_lines)
    if shape is None:
        return None
    sides, names = shape
    n = len(sides)
    rows: list[_Row] = []
    for page, text in lines:
        segs = _segments(text)
        if segs is None or len(segs) > n:
            return None
        if not segs:
            continue
        if (len(segs) == 1 and not segs[0].figure and len(segs[0].label) <= _MAX_CONTINUATION and rows
                and not _CN_ORDINAL.match(segs[0].label) and not _TOTAL.search(segs[0].label)):
            rows[-1].segments[-1].label += segs[0].label  # the tail of a wrapped label
            continue
        rows.append(_Row(page, segs))
    if not rows:
        return None
    last_of_side = {b for b in range(n) if b == n - 1 or sides[b + 1] != sides[b]}
    paths = _paths(rows, sides, last_of_side)
    if not paths:
        return None
    scored = [(sum(_identities(rows, sides, path)), path) for path in paths]
    best = max(score for score, _ in scored)
    if best == 0:
        return None
    kept = [path for score, path in scored if score == best]
    for i, row in enumerate(rows):
        row.candidates = list(dict.fromkeys(path[i] for path in kept))
    return _grid(rows, sides, names)


def _paths(rows: list[_Row], sides: list[str], last_of_side: set[int]) -> list[list[tuple[int, ...]]]:
    """Every placement of the rows' labels on the blocks that keeps each block's numbering (empty: none, or
    more than :data:`_MAX_PATHS`)."""
    n = len(sides)
    paths: list[tuple[tuple[tuple[int, int], ...], list[tuple[int, ...]]]] = [(tuple((0, 0) for _ in sides), [])]
    for row in rows:
        k = len(row.segments)
        options = [tuple(range(n))] if k == n else list(combinations(range(n), k))
        grown = []
        for numbering, history in paths:
            for cols in options:
                states = [_BlockState(sides[b], *numbering[b]) for b in range(n)]
                if all(_fits(seg, states[b], b in last_of_side) for seg, b in zip(row.segments, cols, strict=True)):
                    for seg, b in zip(row.segments, cols, strict=True):
                        _advance(seg, states[b])
                    grown.append((tuple((s.cn, s.ar) for s in states), [*history, cols]))
        if not grown or len(grown) > _MAX_PATHS:
            return []
        paths = grown
    return [history for _, history in paths]


def _grid(rows: list[_Row], sides: list[str], names: list[str]) -> SummaryGrid:
    n = len(sides)
    top = tuple(w for s in sides for w in (s, ""))
    middle = tuple(w for name in names for w in (name, ""))
    bottom = tuple(w for _ in sides for w in ("项目名称", "金额"))
    header = (top, middle, bottom) if any(names) else (top, bottom)
    out: list[tuple[int | None, tuple[str, ...]]] = []
    left_out: list[str] = []
    for row in rows:
        cells = [""] * (2 * n)
        for i, seg in enumerate(row.segments):
            placed = {cols[i] for cols in row.candidates}
            if len(placed) == 1:
                b = placed.pop()
                cells[2 * b], cells[2 * b + 1] = seg.label, seg.figure
            elif seg.figure:
                left_out.append(f"p{row.page} {seg.label}: {seg.figure} → ?")
        out.append((row.page, tuple(cells)))
    return SummaryGrid(header, tuple(out), tuple(left_out))
