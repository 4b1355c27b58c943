"""Reader for Word .docx (Office Open XML), parsing ``word/document.xml`` directly with lxml.

Why not python-docx: it builds a proxy object per run and cannot iterate body order
without private calls; parsing the XML once is several times faster (see the report in
``tests/test_reader_office.py::test_docx_speed``) and lets us skip what python-docx would
mis-read (deleted revisions, duplicated ``mc:Fallback`` text boxes).

Output, in body order (``w:p``, ``w:tbl``, and content controls ``w:sdt`` unwrapped):

* :class:`Paragraph` per non-empty paragraph. ``is_heading`` when its style (or a style it
  is based on) is named Heading*/Title/标题*, or an outline level 0–8 is set on the
  paragraph or inherited from its style. Text boxes inside a paragraph become separate
  paragraphs right after it.
* :class:`Table` per top-level table: a rectangular grid (``w:tblGrid`` columns,
  ``w:gridBefore``/``w:gridAfter`` honoured). Merged cells (``w:gridSpan`` horizontal,
  ``w:vMerge`` vertical, legacy ``w:hMerge``) keep their text at the top-left, covered
  cells are ``""`` and a :class:`Merge` is recorded. A cell's paragraphs are joined with
  ``"\\n"``; a nested table is flattened into the cell text (cells joined by ``" "``,
  rows by ``"\\n"``). ``title`` is the nearest preceding non-empty paragraph when it looks
  like a caption (short, no sentence punctuation; "单位：万元" lines are skipped over), else
  the text of a first row merged across the whole table (the row stays in the grid).

Pages. A .docx has no pages; layout is the word processor's business, so ``page`` is
``None`` and ``page_count`` is ``None`` — *unless* the file records page breaks:

* if Word saved ``w:lastRenderedPageBreak`` markers (where pages broke when it last laid
  the document out) those are used alone — they already include hard breaks;
* otherwise explicit breaks are counted: ``w:br w:type="page"``, direct
  ``w:pageBreakBefore`` and section breaks that are not ``continuous``.

Pages are then numbered from 1 and a block's page is the page on which its first
character stands. Page breaks implied only by styles (a heading style with
pageBreakBefore) are not counted. Headers, footers, footnotes and comments are not read.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from lxml import etree

from ingest.model import Block, Document, Merge, Paragraph, Table, UnreadableDocument
from ingest.readers import limits

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W_STRICT_NS = "http://purl.oclc.org/ooxml/wordprocessingml/main"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"

_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True, remove_comments=True
)

_HEADING_NAME = re.compile(r"^(heading|title|标题)", re.IGNORECASE)
_SENTENCE_PUNCT = re.compile(r"[。；;！!？?]")
_UNIT_LINE = re.compile(r"^\s*((金额|计量)?单位|编制(单位|部门)|填报(单位|部门))\s*[:：]")
MAX_CAPTION_CHARS = 60


# --------------------------------------------------------------------------- captions (shared)


def looks_like_caption(text: str) -> bool:
    """A table caption: short, one line, no sentence punctuation."""
    t = text.strip()
    return bool(t) and len(t) <= MAX_CAPTION_CHARS and "\n" not in t and not _SENTENCE_PUNCT.search(t)


def caption_before(blocks: list[Block]) -> str:
    """The caption for a table about to be appended to ``blocks`` ('' when none fits).

    Walks back over at most three paragraphs, skipping unit lines ("单位：万元"); stops at a
    table or at the first paragraph that is not a unit line.
    """
    for block in reversed(blocks[-3:]):
        if not isinstance(block, Paragraph):
            return ""
        text = block.text.strip()
        if _UNIT_LINE.match(text):
            continue
        return text if looks_like_caption(text) else ""
    return ""


def banner_title(rows: tuple[tuple[str, ...], ...], merges: tuple[Merge, ...]) -> str:
    """Text of a first row that is one merged cell across the whole table (a title inside the grid)."""
    if len(rows) < 2 or not rows[0]:
        return ""
    width = len(rows[0])
    full = any(m.row == 0 and m.col == 0 and m.colspan == width for m in merges)
    text = rows[0][0].strip()
    return text if full and width > 1 and looks_like_caption(text) else ""


# --------------------------------------------------------------------------- grid building (shared)


@dataclass(slots=True)
class _Anchor:
    row: int
    col: int
    rowspan: int
    colspan: int


def build_grid(
    cells: list[list[tuple[int, int, int, str]]], width: int
) -> tuple[tuple[tuple[str, ...], ...], tuple[Merge, ...]]:
    """Grid + merges from explicitly placed cells: per row ``(col, rowspan, colspan, text)``.

    Cells already placed must not overlap; covered positions stay ''. Used by the
    HTML reader after it resolved rowspans into positions.
    """
    n_rows = len(cells)
    grid = [[""] * width for _ in range(n_rows)]
    merges: list[Merge] = []
    for r, row in enumerate(cells):
        for col, rowspan, colspan, text in row:
            if col >= width:
                continue
            grid[r][col] = text
            rs = max(1, min(rowspan, n_rows - r))
            cs = max(1, min(colspan, width - col))
            if rs > 1 or cs > 1:
                merges.append(Merge(row=r, col=col, rowspan=rs, colspan=cs))
    return tuple(tuple(r) for r in grid), tuple(merges)


# --------------------------------------------------------------------------- page tracking


@dataclass(slots=True)
class _Pages:
    """Page counter while walking the body (local to one read)."""

    mode: str  # "none" | "rendered" | "explicit"
    page: int = 1
    section_types: list[str] = field(default_factory=list)
    section_no: int = 0

    def current(self) -> int | None:
        return None if self.mode == "none" else self.page


@dataclass(slots=True)
class _Ctx:
    w: str
    styles: dict[str, bool]
    default_heading: bool
    pages: _Pages


def _q(ns: str, tag: str) -> str:
    return f"{{{ns}}}{tag}"


# --------------------------------------------------------------------------- styles


def _heading_styles(styles_xml: bytes | None, w: str) -> tuple[dict[str, bool], bool]:
    """styleId -> is heading (name or inherited outline level), and the default paragraph style's."""
    if not styles_xml:
        return {}, False
    root = etree.fromstring(styles_xml, _PARSER)
    raw: dict[str, tuple[str, str | None, int | None]] = {}
    default_id = ""
    for st in root.iter(_q(w, "style")):
        if st.get(_q(w, "type")) not in (None, "paragraph"):
            continue
        sid = st.get(_q(w, "styleId")) or ""
        name_el = st.find(_q(w, "name"))
        name = name_el.get(_q(w, "val"), "") if name_el is not None else ""
        based_el = st.find(_q(w, "basedOn"))
        based = based_el.get(_q(w, "val")) if based_el is not None else None
        lvl_el = st.find(f"{_q(w, 'pPr')}/{_q(w, 'outlineLvl')}")
        lvl = _int(lvl_el.get(_q(w, "val"))) if lvl_el is not None else None
        raw[sid] = (name, based, lvl)
        if st.get(_q(w, "default")) in ("1", "true", "on"):
            default_id = sid

    def resolve(sid: str) -> bool:
        seen: set[str] = set()
        cur: str | None = sid
        while cur is not None and cur in raw and cur not in seen:
            seen.add(cur)
            name, based, lvl = raw[cur]
            if _HEADING_NAME.match(name.strip()) and not name.lower().startswith("title char"):
                return True
            if lvl is not None:
                return 0 <= lvl <= 8
            cur = based
        return False

    result = {sid: resolve(sid) for sid in raw}
    return result, result.get(default_id, False)


def _int(text: str | None) -> int | None:
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


# --------------------------------------------------------------------------- paragraphs


def _paragraph(p: etree._Element, ctx: _Ctx) -> tuple[str, int | None, bool, list[str]]:
    """(text, page of first character, is_heading, text-box paragraphs) of one ``w:p``."""
    w = ctx.w
    pages = ctx.pages
    heading = ctx.default_heading
    ppr = p.find(_q(w, "pPr"))
    section_break = False
    if ppr is not None:
        style = ppr.find(_q(w, "pStyle"))
        if style is not None:
            heading = ctx.styles.get(style.get(_q(w, "val"), ""), False)
        lvl = ppr.find(_q(w, "outlineLvl"))
        if lvl is not None:
            value = _int(lvl.get(_q(w, "val")))
            heading = value is not None and 0 <= value <= 8
        if pages.mode == "explicit":
            pbb = ppr.find(_q(w, "pageBreakBefore"))
            if pbb is not None and pbb.get(_q(w, "val"), "true") not in ("0", "false", "off"):
                pages.page += 1
            if ppr.find(_q(w, "sectPr")) is not None:
                section_break = True
    parts: list[str] = []
    first_page: list[int | None] = []
    boxes: list[str] = []
    _walk_runs(p, ctx, parts, first_page, boxes)
    text = "".join(parts).strip()
    page = first_page[0] if first_page else pages.current()
    if section_break:
        pages.section_no += 1
        nxt = pages.section_no
        if nxt < len(pages.section_types) and pages.section_types[nxt] != "continuous":
            pages.page += 1
    return text, page, heading, boxes


def _walk_runs(
    el: etree._Element, ctx: _Ctx, parts: list[str], first_page: list[int | None], boxes: list[str]
) -> None:
    w = ctx.w
    for child in el:
        tag = child.tag
        if not isinstance(tag, str):
            continue
        ns, _, local = tag[1:].partition("}")
        if ns == MC_NS:
            if local == "AlternateContent":
                choice = child.find(_q(MC_NS, "Choice"))
                if choice is not None:
                    _walk_runs(choice, ctx, parts, first_page, boxes)
            continue
        if ns != w:
            _walk_runs(child, ctx, parts, first_page, boxes)  # drawing / VML wrappers
            continue
        if local == "t":
            if child.text:
                if not first_page and child.text.strip():
                    first_page.append(ctx.pages.current())
                parts.append(child.text)
        elif local == "tab":
            parts.append("\t")
        elif local in ("cr",):
            parts.append("\n")
        elif local == "br":
            if child.get(_q(w, "type")) == "page":
                if ctx.pages.mode == "explicit":
                    ctx.pages.page += 1
            else:
                parts.append("\n")
        elif local == "lastRenderedPageBreak":
            if ctx.pages.mode == "rendered":
                ctx.pages.page += 1
        elif local == "noBreakHyphen":
            parts.append("-")
        elif local == "txbxContent":
            for bp in child.iter(_q(w, "p")):
                t = "".join(x.text or "" for x in bp.iter(_q(w, "t"))).strip()
                if t:
                    boxes.append(t)
        elif local in ("pPr", "rPr", "del", "moveFrom", "instrText", "delText", "fldData", "sectPr"):
            continue
        else:
            _walk_runs(child, ctx, parts, first_page, boxes)


# --------------------------------------------------------------------------- tables


def _children(el: etree._Element, w: str, local: str) -> Iterator[etree._Element]:
    """Children named ``local``, looking through content-control / customXml wrappers."""
    for child in el:
        tag = child.tag
        if not isinstance(tag, str):
            continue
        if tag == _q(w, local):
            yield child
        elif tag in (_q(w, "sdt"), _q(w, "customXml")):
            content = child.find(_q(w, "sdtContent")) if tag == _q(w, "sdt") else child
            if content is not None:
                yield from _children(content, w, local)


def _val(parent: etree._Element | None, w: str, local: str) -> str | None:
    if parent is None:
        return None
    el = parent.find(_q(w, local))
    if el is None:
        return None
    return el.get(_q(w, "val"), "")


def _cell_text(tc: etree._Element, ctx: _Ctx, first_page: list[int | None]) -> str:
    lines: list[str] = []
    for child in _children_blocks(tc, ctx.w):
        if child.tag == _q(ctx.w, "p"):
            text, page, _, boxes = _paragraph(child, ctx)
            if text and not first_page:
                first_page.append(page)
            lines.extend(x for x in [text, *boxes] if x)
        else:  # nested table, flattened
            rows, _ = _table_grid(child, ctx, first_page)
            for row in rows:
                line = " ".join(c for c in row if c)
                if line:
                    lines.append(line)
    return "\n".join(lines)


def _children_blocks(el: etree._Element, w: str) -> Iterator[etree._Element]:
    for child in el:
        tag = child.tag
        if tag in (_q(w, "p"), _q(w, "tbl")):
            yield child
        elif tag == _q(w, "sdt"):
            content = child.find(_q(w, "sdtContent"))
            if content is not None:
                yield from _children_blocks(content, w)
        elif tag == _q(w, "customXml"):
            yield from _children_blocks(child, w)


def _table_grid(
    tbl: etree._Element, ctx: _Ctx, first_page: list[int | None]
) -> tuple[tuple[tuple[str, ...], ...], tuple[Merge, ...]]:
    w = ctx.w
    grid_el = tbl.find(_q(w, "tblGrid"))
    grid_cols = len(grid_el.findall(_q(w, "gridCol"))) if grid_el is not None else 0
    rows: list[dict[int, str]] = []
    anchors: list[_Anchor] = []
    open_v: dict[int, _Anchor] = {}
    width = grid_cols
    for r, tr in enumerate(_children(tbl, w, "tr")):
        trpr = tr.find(_q(w, "trPr"))
        col = _int(_val(trpr, w, "gridBefore")) or 0
        row: dict[int, str] = {}
        last: _Anchor | None = None
        for tc in _children(tr, w, "tc"):
            tcpr = tc.find(_q(w, "tcPr"))
            span = max(1, _int(_val(tcpr, w, "gridSpan")) or 1)
            vmerge = _val(tcpr, w, "vMerge")
            hmerge = _val(tcpr, w, "hMerge")
            text = _cell_text(tc, ctx, first_page)
            if hmerge is not None and hmerge != "restart" and last is not None and last.row == r:
                last.colspan += span
                if text:
                    row[last.col] = "\n".join(x for x in (row.get(last.col, ""), text) if x)
                col += span
                continue
            above = open_v.get(col)
            if vmerge is not None and vmerge != "restart" and above is not None and above.colspan == span:
                above.rowspan = r - above.row + 1
                if text:
                    rows[above.row][above.col] = "\n".join(
                        x for x in (rows[above.row].get(above.col, ""), text) if x
                    )
                last = None
            else:
                anchor = _Anchor(r, col, 1, span)
                anchors.append(anchor)
                row[col] = text
                last = anchor
                for c in range(col, col + span):
                    open_v.pop(c, None)
                if vmerge == "restart":
                    open_v[col] = anchor
            col += span
        col += _int(_val(trpr, w, "gridAfter")) or 0
        width = max(width, col)
        rows.append(row)
    grid = tuple(tuple(row.get(c, "") for c in range(width)) for row in rows)
    merges = tuple(
        Merge(a.row, a.col, a.rowspan, min(a.colspan, width - a.col))
        for a in anchors
        if a.rowspan > 1 or a.colspan > 1
    )
    return grid, merges


# --------------------------------------------------------------------------- document


def _main_part(zf: zipfile.ZipFile) -> str:
    try:
        rels = etree.fromstring(limits.read_member(zf, "_rels/.rels"), _PARSER)
    except UnreadableDocument:
        return "word/document.xml"
    for rel in rels.iter(_q(REL_NS, "Relationship")):
        if rel.get("Type", "").endswith("/officeDocument"):
            return rel.get("Target", "word/document.xml").lstrip("/")
    return "word/document.xml"


def _styles_part(zf: zipfile.ZipFile, main: str) -> str | None:
    folder = PurePosixPath(main).parent
    rels_name = str(folder / "_rels" / (PurePosixPath(main).name + ".rels"))
    if rels_name in zf.namelist():
        rels = etree.fromstring(limits.read_member(zf, rels_name), _PARSER)
        for rel in rels.iter(_q(REL_NS, "Relationship")):
            if rel.get("Type", "").endswith("/styles"):
                target = rel.get("Target", "")
                return target.lstrip("/") if target.startswith("/") else str(folder / target)
    fallback = str(folder / "styles.xml")
    return fallback if fallback in zf.namelist() else None


def read(path: Path) -> Document:
    """Read a .docx into the document model (see the module docstring for the rules)."""
    limits.check_zip(path)
    try:
        with zipfile.ZipFile(path) as zf:
            limits.check_zip_xml_parts(zf)
            main = _main_part(zf)
            body_xml = limits.read_member(zf, main)
            styles_name = _styles_part(zf, main)
            styles_xml = limits.read_member(zf, styles_name) if styles_name else None
    except zipfile.BadZipFile as exc:
        raise limits.corrupt("zip 结构损坏", f"damaged zip: {exc}") from exc
    try:
        return _parse(path, body_xml, styles_xml)
    except etree.XMLSyntaxError as exc:
        raise limits.corrupt("Word 文档 XML 无法解析", f"Word XML cannot be parsed: {exc}") from exc


def _parse(path: Path, body_xml: bytes, styles_xml: bytes | None) -> Document:
    root = etree.fromstring(body_xml, _PARSER)
    w = root.tag[1:].partition("}")[0] if root.tag.startswith("{") else W_NS
    if w not in (W_NS, W_STRICT_NS):
        raise limits.corrupt("不是 Word 文档正文", "main part is not a WordprocessingML document")
    body = root.find(_q(w, "body"))
    if body is None:
        raise limits.corrupt("Word 文档缺少正文", "Word document has no body")
    styles, default_heading = _heading_styles(styles_xml, w)
    pages = _page_mode(root, w)
    ctx = _Ctx(w=w, styles=styles, default_heading=default_heading, pages=pages)
    blocks: list[Block] = []
    for el in _children_blocks(body, w):
        if el.tag == _q(w, "p"):
            text, page, heading, boxes = _paragraph(el, ctx)
            for t, h in [(text, heading), *((b, False) for b in boxes)]:
                if t:
                    blocks.append(Paragraph(text=t, index=len(blocks), page=page, is_heading=h))
        else:
            first_page: list[int | None] = []
            start_page = pages.current()
            rows, merges = _table_grid(el, ctx, first_page)
            if not rows:
                continue
            blocks.append(
                Table(
                    rows=rows,
                    index=len(blocks),
                    page=first_page[0] if first_page else start_page,
                    merges=merges,
                    title=caption_before(blocks) or banner_title(rows, merges),
                )
            )
    return Document(
        source_file=str(path),
        file_format="docx",
        blocks=tuple(blocks),
        page_count=pages.current(),
        encoding="utf-8",
        meta={"page_basis": pages.mode},
    )


def _page_mode(root: etree._Element, w: str) -> _Pages:
    section_types = [
        _val(sp, w, "type") or "nextPage" for sp in root.iter(_q(w, "sectPr"))
    ]
    if next(root.iter(_q(w, "lastRenderedPageBreak")), None) is not None:
        return _Pages(mode="rendered", section_types=section_types)
    explicit = any(br.get(_q(w, "type")) == "page" for br in root.iter(_q(w, "br")))
    explicit = explicit or next(root.iter(_q(w, "pageBreakBefore")), None) is not None
    explicit = explicit or any(t != "continuous" for t in section_types[1:])
    return _Pages(mode="explicit" if explicit else "none", section_types=section_types)
