"""Reader for HTML pages (stdlib ``html.parser``), e.g. disclosures published as web pages.

* ``p``, ``div``, ``li``, ``h1``–``h6`` (and other block elements) end a paragraph; ``br``
  becomes a line break inside it; ``h*`` paragraphs are headings. ``script``, ``style``,
  ``head`` and similar are ignored.
* ``table`` → :class:`Table` with ``colspan``/``rowspan`` resolved into a rectangular grid
  (text at the top-left, covered cells ``""``, a :class:`Merge` each). ``caption`` is the
  title, else the nearest preceding caption-like paragraph. A nested table is flattened into
  its cell's text (cells joined by " ", rows by "\\n").
* Encoding: BOM, then ``<meta charset>`` / ``http-equiv`` in the first 4 KB (GB2312/GBK
  are read as their superset GB18030), then strict UTF-8, then charset-normalizer.

HTML has no pages: ``page`` and ``page_count`` are ``None``.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from ingest.model import Block, Document, Paragraph, Table
from ingest.readers import limits
from ingest.readers.docx import banner_title, build_grid, caption_before

_BLOCK_TAGS = frozenset(
    {
        "p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article",
        "header", "footer", "blockquote", "pre", "dd", "dt", "dl", "center", "address", "form",
        "hr", "body", "main", "nav", "aside", "figure", "figcaption",
    }
)
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_SKIP_TAGS = frozenset({"script", "style", "head", "title", "noscript", "template", "svg", "object"})
_VOID = frozenset({"br", "hr", "img", "meta", "link", "input", "col", "area", "base", "wbr", "source"})
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
MAX_SPAN = 1000


def detect_encoding(data: bytes) -> str:
    """Encoding of an HTML byte string (BOM > meta charset > UTF-8 > charset-normalizer)."""
    boms = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
    for bom, name in boms:
        if data.startswith(bom):
            return name
    m = _META_CHARSET.search(data[:4096])
    if m:
        name = m.group(1).decode("ascii", "ignore").lower()
        if name in ("gb2312", "gbk", "x-gbk", "gb_2312-80", "cp936", "euc-cn"):
            return "gb18030"
        try:
            return codecs.lookup(name).name
        except LookupError:
            pass
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        return "gb18030"
    return "gb18030" if best.encoding in ("gb2312", "gbk", "cp936") else best.encoding


@dataclass(slots=True)
class _Cell:
    rowspan: int
    colspan: int
    text: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _TableState:
    rows: list[list[_Cell]] = field(default_factory=list)
    caption: list[str] = field(default_factory=list)
    in_caption: bool = False


class _Parser(HTMLParser):
    """Collects blocks; a parser instance is used for exactly one document."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self._buf: list[str] = []
        self._heading = 0
        self._skip = 0
        self._tables: list[_TableState] = []

    # ------------------------------------------------------------------ text sinks
    def _sink(self) -> list[str]:
        if self._tables:
            t = self._tables[-1]
            if t.in_caption:
                return t.caption
            if t.rows and t.rows[-1]:
                return t.rows[-1][-1].text
            return []  # text between cells is ignored
        return self._buf

    def _flush(self) -> None:
        text = _clean("".join(self._buf))
        self._buf = []
        if text:
            for line in text.split("\n"):
                self.blocks.append(
                    Paragraph(text=line, index=len(self.blocks), is_heading=self._heading > 0)
                )

    # ------------------------------------------------------------------ events
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skip += 1
            return
        if self._skip:
            return
        if tag == "table":
            if not self._tables:
                self._flush()
            self._tables.append(_TableState())
        elif tag == "tr" and self._tables:
            self._tables[-1].rows.append([])
        elif tag in ("td", "th") and self._tables:
            t = self._tables[-1]
            if not t.rows:
                t.rows.append([])
            a = dict(attrs)
            t.rows[-1].append(_Cell(rowspan=_span(a.get("rowspan")), colspan=_span(a.get("colspan"))))
        elif tag == "caption" and self._tables:
            self._tables[-1].in_caption = True
        elif tag == "br":
            self._sink().append("\n")
        elif tag in _BLOCK_TAGS:
            if self._tables:
                self._sink().append("\n")
            else:
                self._flush()
                if tag in _HEADINGS:
                    self._heading += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self._skip = max(0, self._skip - 1)
            return
        if self._skip:
            return
        if tag == "table" and self._tables:
            state = self._tables.pop()
            if self._tables:  # nested: flatten into the enclosing cell
                rows, _ = _grid(state)
                flat = "\n".join(" ".join(c for c in row if c) for row in rows)
                self._sink().append("\n" + flat + "\n")
            else:
                self._emit_table(state)
        elif tag == "caption" and self._tables:
            self._tables[-1].in_caption = False
        elif tag in _BLOCK_TAGS:
            if self._tables:
                self._sink().append("\n")
            else:
                self._flush()
                if tag in _HEADINGS and self._heading:
                    self._heading -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._sink().append(data)

    def close(self) -> None:
        super().close()
        while self._tables:
            self.handle_endtag("table")
        self._flush()

    def _emit_table(self, state: _TableState) -> None:
        rows, merges = _grid(state)
        if not rows:
            return
        caption = _clean("".join(state.caption)).replace("\n", " ")
        self.blocks.append(
            Table(
                rows=rows,
                index=len(self.blocks),
                merges=merges,
                title=caption or caption_before(self.blocks) or banner_title(rows, merges),
            )
        )


def _span(value: str | None) -> int:
    try:
        n = int((value or "1").strip().rstrip(";"))
    except ValueError:
        return 1
    return max(1, min(n, MAX_SPAN))


def _clean(text: str) -> str:
    lines = (_SPACES.sub(" ", ln).strip() for ln in text.split("\n"))
    return "\n".join(ln for ln in lines if ln)


def _grid(state: _TableState) -> tuple[tuple[tuple[str, ...], ...], tuple]:
    """Place cells honouring rowspan/colspan (the HTML table model)."""
    occupied: set[tuple[int, int]] = set()
    placed: list[list[tuple[int, int, int, str]]] = []
    width = 0
    n_rows = len(state.rows)
    for r, row in enumerate(state.rows):
        out: list[tuple[int, int, int, str]] = []
        c = 0
        for cell in row:
            while (r, c) in occupied:
                c += 1
            rs = min(cell.rowspan, max(1, n_rows - r))
            for rr in range(r, r + rs):
                for cc in range(c, c + cell.colspan):
                    occupied.add((rr, cc))
            out.append((c, rs, cell.colspan, _clean("".join(cell.text))))
            c += cell.colspan
            width = max(width, c)
        placed.append(out)
    width = max([width, *(cc + 1 for _, cc in occupied)]) if occupied else width
    if not placed or width == 0:
        return (), ()
    return build_grid(placed, width)


_MIME_HEAD = re.compile(rb"^\s*(?:[A-Za-z-]+:[^\n]*\n)*?\s*(?:MIME-Version|Content-Type)\s*:", re.IGNORECASE)


def sniff_markup(data: bytes) -> str | None:
    """'mht' for a MIME web archive, 'html' for markup, else None (used by the .xls/.doc readers)."""
    start = data[:2048].lstrip(b"\xef\xbb\xbf\xff\xfe\x00 \t\r\n")
    if _MIME_HEAD.match(start[:1024]) and b"multipart" in data[:4096].lower():
        return "mht"
    low = data[:4096].lower().replace(b"\x00", b"")
    if start.startswith(b"<") and any(k in low for k in (b"<html", b"<table", b"<!doctype html", b"<body", b"<p")):
        return "html"
    return None


def parse_html(data: bytes, source_file: str, file_format: str = "html") -> Document:
    """Parse HTML bytes (or a .mht web archive) into the document model."""
    meta: dict[str, str] = {}
    if sniff_markup(data) == "mht":
        data, declared = _mht_html_part(data)
        meta["container"] = "mht"
        encoding = declared or detect_encoding(data)
    else:
        encoding = detect_encoding(data)
    text = data.decode(encoding, errors="replace")
    parser = _Parser()
    parser.feed(text)
    parser.close()
    return Document(
        source_file=source_file,
        file_format=file_format,
        blocks=tuple(parser.blocks),
        page_count=None,
        encoding=encoding,
        meta=meta,
    )


def _mht_html_part(data: bytes) -> tuple[bytes, str | None]:
    """The first text/html part of a MIME web archive and its declared charset."""
    import email
    import email.policy

    msg = email.message_from_bytes(data, policy=email.policy.compat32)
    for part in msg.walk():
        if part.get_content_type() == "text/html":
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                charset = part.get_content_charset()
                if charset:
                    try:
                        charset = codecs.lookup(charset).name
                    except LookupError:
                        charset = None
                if charset in ("gb2312", "gbk", "cp936"):
                    charset = "gb18030"
                return payload, charset
    raise limits.corrupt("MHT 网页归档中没有 HTML 部分", "MHT web archive has no HTML part")


def read(path: Path) -> Document:
    """Read an HTML (or .mht) file into the document model."""
    limits.check_file(path)
    return parse_html(path.read_bytes(), str(path))
