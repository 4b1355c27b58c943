"""PDF reader: text PDFs into the document model, built on PDFium (pypdfium2).

Reading order comes from character boxes, not from the order the PDF draws its text objects:
lines are rebuilt by baseline band and x (``pdf_layout.group_lines``), so figures drawn as
separate text objects go back into their sentence. Ruled tables are rebuilt from the page's
path objects (stroked lines and thin filled rectangles) into cell grids with merges; their text
is not repeated as paragraphs. Wrapped lines of one paragraph are re-joined; headings stay apart.

Bad input raises :class:`~ingest.model.UnreadableDocument` with codes ``encrypted``, ``corrupt``,
``needs_ocr``, ``too_large`` or ``empty``.

PDFium is not thread-safe: every call into it happens under one module lock, and every
document, page and text page is closed in ``finally`` blocks.
"""

from __future__ import annotations

import ctypes
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from statistics import median

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ingest.model import Block, Document, Merge, Paragraph, Table, UnreadableDocument
from ingest.readers.pdf_layout import (
    Char,
    Grid,
    Line,
    Rule,
    find_grids,
    group_lines,
    is_heading_start,
    is_page_number,
    join_wrapped,
    owner_map,
)

MAX_PAGES = 2000
# a page "has text" when it carries at least this many visible characters
MIN_TEXT_CHARS = 5
# ruling lines are thinner than this (points); thicker filled shapes are backgrounds
RULE_THICKNESS = 3.0
# how far above a table (points) its caption may stand
CAPTION_REACH = 80.0

_PDFIUM_LOCK = threading.Lock()  # PDFium must not be entered from two threads at once

_UNIT_LINE = ("单位：", "单位:", "金额单位", "单位（", "单位(")


@dataclass(frozen=True, slots=True)
class _Page:
    number: int  # 1-based
    width: float
    height: float
    chars: tuple[Char, ...]
    rules: tuple[Rule, ...]
    n_images: int
    n_unmapped: int

    @property
    def n_visible(self) -> int:
        return sum(1 for c in self.chars if c.text != " ")


# ---------------------------------------------------------------- PDFium access


def _unreadable_corrupt(detail: str) -> UnreadableDocument:
    return UnreadableDocument(
        "corrupt",
        f"PDF 文件已损坏或不完整：{detail}",
        f"corrupt or truncated PDF: {detail}",
    )


def _open(path: Path) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        if exc.err_code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
            raise UnreadableDocument(
                "encrypted",
                "PDF 已加密（需要密码才能打开）",
                "encrypted PDF: a password is required to open it",
            ) from exc
        raise _unreadable_corrupt(str(exc)) from exc


def _normalise_char(code: int) -> str | None:
    if code < 0x20 or code in (0xFFFE, 0xFFFF, 0xFFFD) or 0xD800 <= code <= 0xDFFF:
        return None
    ch = chr(code)
    if ch.isspace() or code in (0x00A0, 0x3000):
        return " "
    if code in (0x200B, 0xFEFF, 0x00AD):
        return None
    if 0x2F00 <= code <= 0x2FDF or 0xF900 <= code <= 0xFAFF:  # Kangxi radicals, compatibility ideographs
        ch = unicodedata.normalize("NFKC", ch)
    return ch


def _page_chars(textpage: pdfium.PdfTextPage, height: float) -> tuple[list[Char], int]:
    raw_tp = textpage.raw
    n = pdfium_c.FPDFText_CountChars(raw_tp)
    rect = pdfium_c.FS_RECTF()
    matrix = pdfium_c.FS_MATRIX()
    chars: list[Char] = []
    unmapped = 0
    i = 0
    while i < n:
        idx = i
        i += 1
        if pdfium_c.FPDFText_IsGenerated(raw_tp, idx) == 1:
            continue
        code = pdfium_c.FPDFText_GetUnicode(raw_tp, idx)
        if 0xD800 <= code < 0xDC00 and i < n:  # surrogate pair
            low = pdfium_c.FPDFText_GetUnicode(raw_tp, i)
            if 0xDC00 <= low < 0xE000:
                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                i += 1
        if pdfium_c.FPDFText_HasUnicodeMapError(raw_tp, idx) == 1:
            unmapped += 1
        text = _normalise_char(code)
        if text is None:
            continue
        if not pdfium_c.FPDFText_GetLooseCharBox(raw_tp, idx, ctypes.byref(rect)):
            continue
        if rect.right - rect.left <= 0 or rect.top - rect.bottom <= 0:
            continue
        size = pdfium_c.FPDFText_GetFontSize(raw_tp, idx)
        if pdfium_c.FPDFText_GetMatrix(raw_tp, idx, ctypes.byref(matrix)):  # font size x text scaling
            size *= abs(matrix.a * matrix.d - matrix.b * matrix.c) ** 0.5
        if size <= 0:
            size = rect.top - rect.bottom
        chars.append(Char(text, rect.left, rect.right, height - rect.top, height - rect.bottom, size))
    return chars, unmapped


def _path_rules(obj: ctypes.c_void_p, height: float) -> list[Rule]:
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    if not pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
        return []
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    pdfium_c.FPDFPath_GetDrawMode(obj, fill, stroke)
    if not fill.value and not stroke.value:
        return []  # clipping path, invisible
    x0, x1, y0, y1 = left.value, right.value, height - top.value, height - bottom.value
    w, h = x1 - x0, y1 - y0
    if w <= RULE_THICKNESS and h <= RULE_THICKNESS:
        return []
    if h <= RULE_THICKNESS:
        return [Rule(True, (y0 + y1) / 2, x0, x1)]
    if w <= RULE_THICKNESS:
        return [Rule(False, (x0 + x1) / 2, y0, y1)]
    if not stroke.value:
        return []  # a filled area (cell shading, background): not a ruling
    return _stroked_edges(obj, height)


def _stroked_edges(obj: ctypes.c_void_p, height: float) -> list[Rule]:
    """Axis-parallel edges of a stroked path (rectangles, polylines) in page coordinates."""
    m = pdfium_c.FS_MATRIX()
    if not pdfium_c.FPDFPageObj_GetMatrix(obj, ctypes.byref(m)):
        return []
    x, y = ctypes.c_float(), ctypes.c_float()
    rules: list[Rule] = []
    start: tuple[float, float] | None = None
    prev: tuple[float, float] | None = None

    def edge(a: tuple[float, float], b: tuple[float, float]) -> None:
        (ax, ay), (bx, by) = a, b
        if abs(ay - by) < 0.5 and abs(ax - bx) > RULE_THICKNESS:
            rules.append(Rule(True, height - ay, min(ax, bx), max(ax, bx)))
        elif abs(ax - bx) < 0.5 and abs(ay - by) > RULE_THICKNESS:
            rules.append(Rule(False, ax, height - max(ay, by), height - min(ay, by)))

    for k in range(pdfium_c.FPDFPath_CountSegments(obj)):
        seg = pdfium_c.FPDFPath_GetPathSegment(obj, k)
        if not pdfium_c.FPDFPathSegment_GetPoint(seg, x, y):
            continue
        pt = (m.a * x.value + m.c * y.value + m.e, m.b * x.value + m.d * y.value + m.f)
        kind = pdfium_c.FPDFPathSegment_GetType(seg)
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO or prev is None:
            start = pt
        elif kind == pdfium_c.FPDF_SEGMENT_LINETO:
            edge(prev, pt)
        prev = pt
        if pdfium_c.FPDFPathSegment_GetClose(seg) and start is not None:
            edge(pt, start)
            prev = start
    return rules


def _page_objects(page: pdfium.PdfPage, height: float) -> tuple[list[Rule], int]:
    rules: list[Rule] = []
    n_images = 0
    stack = [(page.raw, False)]
    while stack:
        container, is_form = stack.pop()
        count_fn = pdfium_c.FPDFFormObj_CountObjects if is_form else pdfium_c.FPDFPage_CountObjects
        get_fn = pdfium_c.FPDFFormObj_GetObject if is_form else pdfium_c.FPDFPage_GetObject
        for k in range(max(count_fn(container), 0)):
            obj = get_fn(container, k)
            kind = pdfium_c.FPDFPageObj_GetType(obj)
            if kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
                n_images += 1
            elif kind == pdfium_c.FPDF_PAGEOBJ_PATH and not is_form:
                rules.extend(_path_rules(obj, height))
            elif kind == pdfium_c.FPDF_PAGEOBJ_FORM:
                # nested forms: count their images; their paths are in form space and skipped
                stack.append((obj, True))
    return rules, n_images


def _read_page(pdf: pdfium.PdfDocument, index: int) -> _Page:
    page = pdf[index]
    try:
        width, height = page.get_size()
        textpage = page.get_textpage()
        try:
            chars, unmapped = _page_chars(textpage, height)
        finally:
            textpage.close()
        rules, n_images = _page_objects(page, height)
    finally:
        page.close()
    return _Page(index + 1, width, height, tuple(chars), tuple(rules), n_images, unmapped)


def _load_pages(path: Path) -> tuple[list[_Page], dict[str, str]]:
    with _PDFIUM_LOCK:
        pdf = _open(path)
        try:
            n = len(pdf)
            if n > MAX_PAGES:
                raise UnreadableDocument(
                    "too_large",
                    f"PDF 页数过多（{n} 页，上限 {MAX_PAGES} 页）",
                    f"PDF has too many pages ({n}, limit {MAX_PAGES})",
                )
            if n == 0:
                raise _unreadable_corrupt("no pages / 没有页面")
            meta = {f"pdf_{k.lower()}": v for k, v in pdf.get_metadata_dict(skip_empty=True).items()}
            try:
                pages = [_read_page(pdf, i) for i in range(n)]
            except pdfium.PdfiumError as exc:
                raise _unreadable_corrupt(str(exc)) from exc
        finally:
            pdf.close()
    return pages, meta


def _check_complete(path: Path) -> None:
    """A PDF ends with %%EOF; without it the file was cut off (PDFium would silently repair it)."""
    size = path.stat().st_size
    with path.open("rb") as fh:
        fh.seek(max(0, size - 4096))
        tail = fh.read()
    if b"%%EOF" not in tail:
        raise _unreadable_corrupt("missing %%EOF, file truncated / 缺少文件结尾标记，文件被截断")


# ---------------------------------------------------------------- layout into blocks


@dataclass(frozen=True, slots=True)
class _PageLayout:
    number: int
    width: float
    lines: tuple[Line, ...]  # free text lines (not inside any table), top to bottom
    grids: tuple[Grid, ...]
    cell_chars: tuple[dict[tuple[int, int], list[Char]], ...]  # per grid: cell top-left -> chars


def _layout(page: _Page) -> _PageLayout:
    grids = find_grids(list(page.rules))
    owners = [owner_map(g) for g in grids]
    cell_chars: list[dict[tuple[int, int], list[Char]]] = [{} for _ in grids]
    free: list[Char] = []
    for ch in page.chars:
        cx, cy = ch.cx, ch.cy
        for gi, g in enumerate(grids):
            if g.contains(cx, cy):
                cell = owners[gi][g.locate(cx, cy)]
                cell_chars[gi].setdefault((cell.row, cell.col), []).append(ch)
                break
        else:
            free.append(ch)
    keep = [i for i in range(len(grids)) if cell_chars[i]]  # a ruled box with no text is decoration
    lines = [
        ln for ln in group_lines(free)
        if not (is_page_number(ln.text) and (ln.top > page.height * 0.88 or ln.bottom < page.height * 0.08))
    ]
    lines.sort(key=lambda ln: (ln.top, ln.x0))
    return _PageLayout(
        page.number,
        page.width,
        tuple(lines),
        tuple(grids[i] for i in keep),
        tuple(cell_chars[i] for i in keep),
    )


def _table_rows(grid: Grid, chars: dict[tuple[int, int], list[Char]]) -> tuple[tuple[str, ...], ...]:
    rows = [["" for _ in range(grid.n_cols)] for _ in range(grid.n_rows)]
    for (r, c), cell_chars in chars.items():
        rows[r][c] = join_wrapped([ln.text for ln in group_lines(cell_chars)])
    return tuple(tuple(r) for r in rows)


def _caption(lines: tuple[Line, ...], grid: Grid) -> str:
    """The caption line just above a table (skipping 单位：万元 lines); '' when there is none."""
    above = [ln for ln in lines if ln.bottom <= grid.top + 2 and grid.top - ln.bottom <= CAPTION_REACH]
    above.sort(key=lambda ln: -ln.bottom)

    def plausible(ln: Line) -> bool:
        text = ln.text.strip()
        return len(text) <= 40 and "。" not in text and not text.endswith(("：", ":", "；", "，", ","))

    candidates = [ln for ln in above[:4] if not ln.text.strip().startswith(_UNIT_LINE)]
    for ln in candidates:
        if "表" in ln.text and plausible(ln):
            return ln.text.strip()
    if candidates and candidates[0] is above[0] and plausible(above[0]) and grid.top - above[0].bottom <= 40:
        return above[0].text.strip()
    return ""


@dataclass(frozen=True, slots=True)
class _Margins:
    left: float
    right: float


def _margins(layouts: list[_PageLayout]) -> dict[int, _Margins]:
    """Per page text margins; pages with few lines borrow those of pages of the same width."""
    per_page: dict[int, _Margins] = {}
    by_width: dict[int, list[_Margins]] = {}
    for lay in layouts:
        long_lines = [ln for ln in lay.lines if len(ln.text) >= 8]
        if len(long_lines) >= 3:
            m = _Margins(min(ln.x0 for ln in long_lines), max(ln.x1 for ln in long_lines))
            per_page[lay.number] = m
            by_width.setdefault(round(lay.width), []).append(m)
    result: dict[int, _Margins] = {}
    for lay in layouts:
        same = by_width.get(round(lay.width))
        fallback = (
            _Margins(median(m.left for m in same), median(m.right for m in same)) if same
            else _Margins(0.0, lay.width)  # unknown margins: no line counts as full
        )
        result[lay.number] = per_page.get(lay.number, fallback)
    return result


def _continues(prev: Line, prev_margins: _Margins, nxt: Line, nxt_margins: _Margins, same_page: bool) -> bool:
    """Is ``nxt`` the wrapped continuation of the paragraph whose last line is ``prev``?"""
    size = max(prev.size, 1.0)
    if prev.x1 < prev_margins.right - 3.5 * size:
        return False  # the previous line stopped short of the margin: its paragraph ended
    if is_heading_start(nxt.text):
        return False
    if nxt.x0 > nxt_margins.left + 0.8 * size:
        return False  # indented first line of a new paragraph
    if abs(nxt.size - prev.size) > 0.2 * size:
        return False
    pitch = (nxt.top + nxt.bottom - prev.top - prev.bottom) / 2  # distance between line centres
    return not same_page or 0 < pitch <= 2.6 * size


def _assemble(layouts: list[_PageLayout]) -> list[Block]:
    margins = _margins(layouts)
    sizes = [ln.size for lay in layouts for ln in lay.lines]
    body = median(sizes) if sizes else 0.0
    blocks: list[Block] = []
    para: list[Line] = []
    para_page = 0
    last_page = 0
    caption_lines: set[int] = set()  # id() of lines used as table captions
    last_title = ""
    last_cols = -1

    def flush() -> None:
        nonlocal para
        if not para:
            return
        text = join_wrapped([ln.text for ln in para])
        single = len(para) == 1
        heading = (
            single
            and len(text) <= 40
            and not text.endswith(("。", "；", ";", "，", ",", "：", ":"))
            and (
                is_heading_start(text)
                or (body > 0 and para[0].size >= body * 1.15)
                or id(para[0]) in caption_lines
            )
        )
        blocks.append(Paragraph(text=text, index=len(blocks), page=para_page, is_heading=heading))
        para = []

    for lay in layouts:
        items: list[tuple[float, int, Line | int]] = [(ln.top, 0, ln) for ln in lay.lines]
        items += [(g.top, 1, gi) for gi, g in enumerate(lay.grids)]
        items.sort(key=lambda it: (it[0], it[1]))
        for _, _kind, item in items:
            if isinstance(item, Line):
                if para and _continues(
                    para[-1], margins[last_page], item, margins[lay.number], last_page == lay.number
                ):
                    para.append(item)
                else:
                    flush()
                    para, para_page = [item], lay.number
                last_page = lay.number
                continue
            flush()
            grid = lay.grids[item]
            title = _caption(lay.lines, grid)
            if title:
                caption_lines.update(id(ln) for ln in lay.lines if ln.text.strip() == title)
            elif grid.n_cols == last_cols and not any(ln.bottom <= grid.top for ln in lay.lines):
                title = last_title  # a table continued from the previous page keeps its caption
            rows = _table_rows(grid, lay.cell_chars[item])
            merges = tuple(
                Merge(c.row, c.col, c.rowspan, c.colspan)
                for c in grid.cells
                if c.rowspan > 1 or c.colspan > 1
            )
            blocks.append(Table(rows=rows, index=len(blocks), page=lay.number, merges=merges, title=title))
            last_title, last_cols, last_page = title, grid.n_cols, lay.number
    flush()
    return blocks


# ---------------------------------------------------------------- entry point


def read(path: Path) -> Document:
    """Read a text PDF into paragraphs and tables, or raise UnreadableDocument."""
    path = Path(path)
    _check_complete(path)
    pages, meta = _load_pages(path)
    text_pages = [p for p in pages if p.n_visible >= MIN_TEXT_CHARS]
    image_pages = [p for p in pages if p.n_images > 0]
    if len(text_pages) <= 0.1 * len(pages) and image_pages:
        raise UnreadableDocument(
            "needs_ocr",
            "扫描件（仅图像、无文字层），需要 OCR",
            "image-only (scanned) PDF: needs OCR",
        )
    if not text_pages:
        raise UnreadableDocument("empty", "PDF 中没有文字内容", "PDF contains no text")
    without_text = [str(p.number) for p in pages if p.n_visible < MIN_TEXT_CHARS]
    if without_text:
        meta["pages_without_text"] = ",".join(without_text)
    unmapped = sum(p.n_unmapped for p in pages)
    if unmapped:
        meta["unmapped_chars"] = str(unmapped)
    layouts = [_layout(p) for p in pages]
    return Document(
        source_file=str(path),
        file_format="pdf",
        blocks=tuple(_assemble(layouts)),
        page_count=len(pages),
        meta=meta,
    )
