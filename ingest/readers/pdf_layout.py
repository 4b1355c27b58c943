"""Page geometry for the PDF reader: lines from character boxes, table grids from ruling lines.

Pure functions over plain dataclasses; nothing here touches PDFium, so the layout logic can be
tested with hand-made boxes. Coordinates are PDF points in a *top-down* system (``top`` grows
downwards), i.e. the reader flips PDFium's bottom-up y before calling in here.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from statistics import median

# ruling lines closer than this (points) are the same line; gaps up to this are bridged
SNAP_TOL = 2.5
# a cell boundary counts as drawn when ruling covers this share of it
BOUNDARY_COVER = 0.6
# Latin/digit runs are separated by a space when the gap exceeds this share of the font size
LATIN_GAP = 0.28
# gaps next to CJK text need to be wider before they count as a space (justified CJK text)
CJK_GAP = 0.9

_HEADING = re.compile(
    r"^\s*(第[一二三四五六七八九十百]+部分|[一二三四五六七八九十]+[、.．]|（[一二三四五六七八九十]+）"
    r"|\([一二三四五六七八九十]+\)|目\s*录$|附件\s*\d*)"
)
_PAGE_NUMBER = re.compile(r"^[-—–－\s第]*\d{1,4}[-—–－\s页]*$|^\d+\s*/\s*\d+$")


@dataclass(frozen=True, slots=True)
class Char:
    """One drawn character with its (loose) box."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass(frozen=True, slots=True)
class Rule:
    """A horizontal (``pos`` = y, span in x) or vertical (``pos`` = x, span in y) ruling line."""

    horizontal: bool
    pos: float
    start: float
    end: float


@dataclass(frozen=True, slots=True)
class Line:
    """A visual text line: characters sharing a baseline band, left to right."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float


@dataclass(frozen=True, slots=True)
class Cell:
    """A grid cell (possibly merged) in grid coordinates."""

    row: int
    col: int
    rowspan: int
    colspan: int


@dataclass(frozen=True, slots=True)
class Grid:
    """A ruled table: column edges ``xs``, row edges ``ys`` and the (merged) cells."""

    xs: tuple[float, ...]
    ys: tuple[float, ...]
    cells: tuple[Cell, ...]

    @property
    def n_rows(self) -> int:
        return len(self.ys) - 1

    @property
    def n_cols(self) -> int:
        return len(self.xs) - 1

    @property
    def top(self) -> float:
        return self.ys[0]

    @property
    def bottom(self) -> float:
        return self.ys[-1]

    def contains(self, x: float, y: float) -> bool:
        return self.xs[0] <= x <= self.xs[-1] and self.ys[0] <= y <= self.ys[-1]

    def locate(self, x: float, y: float) -> tuple[int, int]:
        """The (row, col) of the elementary cell containing the point (clamped to the grid)."""
        r = min(max(bisect_right(self.ys, y) - 1, 0), self.n_rows - 1)
        c = min(max(bisect_right(self.xs, x) - 1, 0), self.n_cols - 1)
        return r, c


# ---------------------------------------------------------------- text lines


def is_cjk(ch: str) -> bool:
    o = ord(ch[0])
    return 0x2E80 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0xFF00 <= o <= 0xFFEF or 0x3000 <= o <= 0x303F


def _join_chars(chars: list[Char]) -> str:
    """Text of one line, with a space where the gap between two characters is wide."""
    out: list[str] = []
    prev: Char | None = None
    pending_space = False
    for ch in chars:
        if ch.text == " ":  # a space the PDF really draws
            # ... unless it is drawn over the character before it (a text object padded with a space, placed at
            # the same spot as the figure after it: 减少3 40.49 for 减少340.49): no gap between two words
            pending_space = prev is not None and ch.x0 >= prev.x1 - 0.5 * (prev.x1 - prev.x0)
            continue
        if prev is not None:
            gap = ch.x0 - prev.x1
            size = max(min(prev.size, ch.size), 1.0)
            cjk = is_cjk(prev.text) or is_cjk(ch.text)
            if pending_space or gap > size * (CJK_GAP if cjk else LATIN_GAP):
                out.append(" ")
        out.append(ch.text)
        prev = ch
        pending_space = False
    return "".join(out)


def group_lines(chars: list[Char]) -> list[Line]:
    """Rebuild visual lines from character boxes: cluster by vertical band, sort each by x.

    Uses the boxes only, never the order in which the PDF drew the text, so figures drawn as
    separate text objects land back in their place in the sentence.
    """
    if not chars:
        return []
    ordered = sorted(chars, key=lambda c: (c.cy, c.x0))
    bands: list[list[Char]] = []
    band_top = band_bottom = 0.0
    for ch in ordered:
        if bands:
            h = min(band_bottom - band_top, ch.bottom - ch.top)
            overlap = min(band_bottom, ch.bottom) - max(band_top, ch.top)
            if h > 0 and overlap >= 0.5 * h:
                bands[-1].append(ch)
                band_top, band_bottom = min(band_top, ch.top), max(band_bottom, ch.bottom)
                continue
        bands.append([ch])
        band_top, band_bottom = ch.top, ch.bottom
    lines: list[Line] = []
    for band in bands:
        band = [c for c in band if c.text != " "] if all(c.text == " " for c in band) else band
        if not band:
            continue
        band.sort(key=lambda c: c.x0)
        text = _join_chars(band)
        lines.append(
            Line(
                text=text,
                x0=band[0].x0,
                x1=max(c.x1 for c in band),
                top=min(c.top for c in band),
                bottom=max(c.bottom for c in band),
                size=median(c.size for c in band),
            )
        )
    return lines


def join_wrapped(parts: list[str]) -> str:
    """Join the wrapped lines of one cell or paragraph: CJK flows on, Latin words get a space."""
    out = ""
    for part in parts:
        part = part.strip()
        if not part:
            continue
        if out and out[-1].isascii() and out[-1].isalpha() and part[0].isascii() and part[0].isalpha():
            out += " "
        out += part
    return out


def is_heading_start(text: str) -> bool:
    return bool(_HEADING.match(text))


def is_page_number(text: str) -> bool:
    return bool(_PAGE_NUMBER.match(text.strip()))


# ---------------------------------------------------------------- ruling lines and grids


def _cluster(values: list[float], tol: float) -> list[float]:
    """Sorted representative positions: values closer than ``tol`` to their neighbour collapse."""
    reps: list[list[float]] = []
    for v in sorted(values):
        if reps and v - reps[-1][-1] <= tol:
            reps[-1].append(v)
        else:
            reps.append([v])
    return [sum(g) / len(g) for g in reps]


def merge_rules(rules: list[Rule], tol: float = SNAP_TOL) -> list[Rule]:
    """Snap near-collinear rules to one position and merge overlapping or touching pieces."""
    merged: list[Rule] = []
    for horizontal in (True, False):
        group = sorted((r for r in rules if r.horizontal == horizontal), key=lambda r: r.pos)
        positions = _cluster([r.pos for r in group], tol)
        by_pos: dict[int, list[tuple[float, float]]] = {}
        for r in group:
            k = min(range(len(positions)), key=lambda i: abs(positions[i] - r.pos))
            by_pos.setdefault(k, []).append((r.start, r.end))
        for k, spans in by_pos.items():
            spans.sort()
            cur_s, cur_e = spans[0]
            for s, e in spans[1:]:
                if s <= cur_e + tol:
                    cur_e = max(cur_e, e)
                else:
                    merged.append(Rule(horizontal, positions[k], cur_s, cur_e))
                    cur_s, cur_e = s, e
            merged.append(Rule(horizontal, positions[k], cur_s, cur_e))
    return merged


def _touches(h: Rule, v: Rule, tol: float) -> bool:
    return h.start - tol <= v.pos <= h.end + tol and v.start - tol <= h.pos <= v.end + tol


def _coverage(rules: list[Rule], pos: float, start: float, end: float, tol: float) -> float:
    """Share of [start, end] covered by rules lying at ``pos``."""
    span = end - start
    if span <= 0:
        return 1.0
    covered = 0.0
    for r in rules:
        if abs(r.pos - pos) <= tol:
            covered += max(0.0, min(end, r.end) - max(start, r.start))
    return min(covered / span, 1.0)


def find_grids(rules: list[Rule], tol: float = SNAP_TOL) -> list[Grid]:
    """Tables drawn with ruling lines: connected sets of crossing rules turned into cell grids."""
    rules = merge_rules(rules, tol)
    hs = [r for r in rules if r.horizontal]
    vs = [r for r in rules if not r.horizontal]
    n = len(hs) + len(vs)
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, h in enumerate(hs):
        for j, v in enumerate(vs):
            if _touches(h, v, tol):
                a, b = find(i), find(len(hs) + j)
                if a != b:
                    parent[a] = b
    groups: dict[int, list[Rule]] = {}
    for i, r in enumerate(hs + vs):
        groups.setdefault(find(i), []).append(r)
    grids = []
    for members in groups.values():
        grid = _grid_from_rules(members, tol)
        if grid is not None:
            grids.append(grid)
    grids.sort(key=lambda g: (g.top, g.xs[0]))
    return grids


def _grid_from_rules(members: list[Rule], tol: float) -> Grid | None:
    hs = [r for r in members if r.horizontal]
    vs = [r for r in members if not r.horizontal]
    if not hs or not vs:
        return None
    xs = _cluster([v.pos for v in vs] + [min(h.start for h in hs), max(h.end for h in hs)], tol)
    ys = _cluster([h.pos for h in hs] + [min(v.start for v in vs), max(v.end for v in vs)], tol)
    if len(xs) < 2 or len(ys) < 2 or (len(xs) - 1) * (len(ys) - 1) < 2:
        return None
    if xs[-1] - xs[0] < 20 or ys[-1] - ys[0] < 8:
        return None
    n_rows, n_cols = len(ys) - 1, len(xs) - 1
    parent = list(range(n_rows * n_cols))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(a: int, b: int) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    for r in range(n_rows):
        for c in range(n_cols - 1):  # vertical boundary between (r, c) and (r, c + 1)
            if _coverage(vs, xs[c + 1], ys[r], ys[r + 1], tol) < BOUNDARY_COVER:
                union(r * n_cols + c, r * n_cols + c + 1)
    for r in range(n_rows - 1):
        for c in range(n_cols):  # horizontal boundary between (r, c) and (r + 1, c)
            if _coverage(hs, ys[r + 1], xs[c], xs[c + 1], tol) < BOUNDARY_COVER:
                union(r * n_cols + c, (r + 1) * n_cols + c)
    spans: dict[int, list[int]] = {}
    for i in range(n_rows * n_cols):
        r, c = divmod(i, n_cols)
        s = spans.setdefault(find(i), [r, c, r, c])
        s[0], s[1], s[2], s[3] = min(s[0], r), min(s[1], c), max(s[2], r), max(s[3], c)
    cells = tuple(
        sorted(
            (Cell(r0, c0, r1 - r0 + 1, c1 - c0 + 1) for r0, c0, r1, c1 in spans.values()),
            key=lambda cell: (cell.row, cell.col),
        )
    )
    if len(cells) < 2:
        return None
    return Grid(xs=tuple(xs), ys=tuple(ys), cells=cells)


def owner_map(grid: Grid) -> dict[tuple[int, int], Cell]:
    """Every elementary (row, col) mapped to the (merged) cell that covers it."""
    owners: dict[tuple[int, int], Cell] = {}
    for cell in grid.cells:
        for r in range(cell.row, cell.row + cell.rowspan):
            for c in range(cell.col, cell.col + cell.colspan):
                owners[(r, c)] = cell
    return owners
