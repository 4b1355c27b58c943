"""Text PDF via reportlab's built-in CID font STSong-Light (no font file; extracts as Unicode).

Paragraphs are wrapped by character width; tables are ruled grids with wrapped cell text.
With ``separate_numbers`` each number of a sentence is drawn as its own text object at its
place in the line (as some real PDFs do), so extractors cannot rely on one run per line.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from samplegen.docmodel import Block, DocTable, Num, Para

FONT = "STSong-Light"
PAGE_W, PAGE_H = 595.27, 841.89
MARGIN = 42.0
BODY = 10.5
TABLE = 6.8


@lru_cache(maxsize=1)
def _register() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont(FONT))


@lru_cache(maxsize=20000)
def _cw(ch: str, size: float) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return stringWidth(ch, FONT, size)


def _width(text: str, size: float) -> float:
    return sum(_cw(ch, size) for ch in text)


def _safe(text: str) -> str:
    """pdfium drops a text string made of one single CID character; pad it with a space."""
    return text + " " if len(text) == 1 and ord(text) > 127 else text


_TOKEN = re.compile(r"[0-9A-Za-z.,%\-]+|.", re.S)


def _wrap(text: str, width: float, size: float) -> list[str]:
    """Wrap by character width; digit runs (figures, percentages) are never broken."""
    lines, cur, w = [], "", 0.0
    for tok in _TOKEN.findall(text):
        tw = _width(tok, size)
        if w + tw > width and cur:
            lines.append(cur)
            cur, w = "", 0.0
        cur += tok
        w += tw
    lines.append(cur)
    if len(lines) > 1 and len(lines[-1]) == 1:  # no orphan single character on the last line
        lines[-2], lines[-1] = lines[-2][:-1], lines[-2][-1] + lines[-1]
    return lines


class _Pager:
    def __init__(self, canvas) -> None:
        self.c = canvas
        self.y = PAGE_H - MARGIN
        self.page = 1

    def need(self, h: float) -> None:
        if self.y - h < MARGIN:
            self.c.showPage()
            self.page += 1
            self.y = PAGE_H - MARGIN


def _para(pg: _Pager, p: Para, separate_numbers: bool) -> None:
    size = 13.0 if p.heading else BODY
    lead = size * 1.6
    c = pg.c
    width = PAGE_W - 2 * MARGIN
    indent = 0.0 if p.heading else 2 * size
    if not separate_numbers or not p.nums():
        lines = _wrap(p.text, width - indent, size)
        for i, ln in enumerate(lines):
            pg.need(lead)
            c.setFont(FONT, size)
            c.drawString(MARGIN + (indent if i == 0 else 0), pg.y - size, _safe(ln))
            pg.y -= lead
        return
    # segment-wise layout: numbers become separate text objects
    x = MARGIN + indent
    pg.need(lead)
    merged: list[str | Num] = []
    for seg in p.segs:
        if isinstance(seg, str) and merged and isinstance(merged[-1], str):
            merged[-1] = merged[-1] + seg
        else:
            merged.append(seg)
    for seg in merged:
        toks = [seg.text] if isinstance(seg, Num) else _TOKEN.findall(seg)
        run, run_x = "", x
        for tok in toks:
            tw = _width(tok, size)
            if x + tw > MARGIN + width:
                if run:
                    c.setFont(FONT, size)
                    c.drawString(run_x, pg.y - size, _safe(run))
                pg.y -= lead
                pg.need(lead)
                x = MARGIN
                run, run_x = "", x
            run += tok
            x += tw
        if run:
            c.setFont(FONT, size)
            c.drawString(run_x, pg.y - size, _safe(run))
    pg.y -= lead


def _col_widths(t: DocTable, ncols: int) -> list[float]:
    width = PAGE_W - 2 * MARGIN
    is_name = [False] * ncols
    is_code = [False] * ncols
    for row in t.rows:
        for i, cell in enumerate(row):
            if not cell.numeric and cell.text:
                if cell.text.isdigit():
                    is_code[i] = True
                else:
                    is_name[i] = True
    raw = [2.6 if is_name[i] else (0.9 if is_code[i] and not is_name[i] else 1.2) for i in range(ncols)]
    s = sum(raw)
    return [width * r / s for r in raw]


def _table(pg: _Pager, t: DocTable) -> None:
    c = pg.c
    pg.need(60)
    c.setFont(FONT, 12)
    c.drawCentredString(PAGE_W / 2, pg.y - 12, _safe(t.title))
    pg.y -= 20
    if t.unit:
        c.setFont(FONT, 8)
        c.drawRightString(PAGE_W - MARGIN, pg.y - 8, t.unit)
        pg.y -= 12
    grid = [list(h) for h in t.header] + [[cell.text for cell in r] for r in t.rows]
    ncols = max(len(r) for r in grid)
    widths = _col_widths(t, ncols)
    numeric = [[False] * len(h) for h in t.header] + [[cell.numeric for cell in r] for r in t.rows]
    lead = TABLE * 1.35
    c.setLineWidth(0.4)
    for r, row in enumerate(grid):
        wrapped = [_wrap(row[i] if i < len(row) else "", widths[i] - 3, TABLE) for i in range(ncols)]
        h = max(len(w) for w in wrapped) * lead + 3
        pg.need(h)
        top = pg.y
        x = MARGIN
        c.setFont(FONT, TABLE)
        for i in range(ncols):
            c.rect(x, top - h, widths[i], h, stroke=1, fill=0)
            for k, ln in enumerate(wrapped[i]):
                if not ln:
                    continue
                yy = top - 2 - TABLE - k * lead
                if r < len(numeric) and i < len(numeric[r]) and numeric[r][i]:
                    c.drawRightString(x + widths[i] - 2, yy, _safe(ln))
                else:
                    c.drawString(x + 1.5, yy, _safe(ln))
            x += widths[i]
        pg.y = top - h
    if t.note:
        pg.need(14)
        c.setFont(FONT, 7.5)
        for ln in _wrap(t.note, PAGE_W - 2 * MARGIN, 7.5):
            pg.need(11)
            c.drawString(MARGIN, pg.y - 10, _safe(ln))
            pg.y -= 11
        pg.y -= 5
    pg.y -= 8


def render_pdf(blocks: list[Block], path: Path, title: str, separate_numbers: bool = False) -> None:
    from reportlab.pdfgen import canvas

    _register()
    c = canvas.Canvas(str(path), pagesize=(PAGE_W, PAGE_H), invariant=1, pageCompression=1)
    c.setTitle(title)
    c.setAuthor("示例县财政局")
    c.setCreator("juesuan samplegen")
    pg = _Pager(c)
    for b in blocks:
        if isinstance(b, Para):
            _para(pg, b, separate_numbers)
        else:
            _table(pg, b)
    c.showPage()
    c.save()
