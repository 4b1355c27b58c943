"""Per-page extracted text saved as JSON (``{"page_texts": [...]}``, ``{"pages": [...]}`` or a bare list of
``{"page": n, "text": …}``).

Some bureaus and upstream tools keep a PDF's text per page instead of the PDF. Each line becomes a
Paragraph on its page, except the lines of a standard table: from a recognised table title
(``ingest.table_recognition.classify_title``) to the 注：/说明： line or the next title, the header lines and
rows are rebuilt into :class:`~ingest.model.Table` blocks (one per page) by
``ingest.readers.text_tables``. ``Document.meta`` counts the tables rebuilt, the cells left out
because their column was ambiguous and the rows that could not be read.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from ingest.model import Document, Paragraph, Table, UnreadableDocument
from ingest.readers.text import decode_text, is_heading
from ingest.readers.text_summary import read_summary_pairs
from ingest.readers.text_tables import (
    CONTAINED_IN,
    EVERY_ROW,
    INCOME_ITEMS_OF,
    balance_caps,
    build_table_rows,
    find_schema,
    income_caps,
    income_items,
    is_note_line,
    row_bounds,
    tokenise_line,
)
from ingest.table_recognition import STANDARD_TABLES, classify_title

MAX_JSON_BYTES = 50 * 1024 * 1024
_MAX_HEADER_LINES = 14


def _page_text(item: object) -> str:
    return item if isinstance(item, str) else str(item.get("text", "")) if isinstance(item, dict) else str(item)


def _page_list(items: list[object]) -> list[str]:
    """Page texts in page order. Items may be strings or ``{"page": n, "text": …}``; when every item numbers
    its page, a page missing from the list is an empty page (its number is kept)."""
    numbered = [i for i in items if isinstance(i, dict) and isinstance(i.get("page"), int) and i["page"] >= 1]
    if items and len(numbered) == len(items) and len({i["page"] for i in numbered}) == len(numbered):
        pages = [""] * max(i["page"] for i in numbered)
        for i in numbered:
            pages[i["page"] - 1] = _page_text(i)
        return pages
    return [_page_text(i) for i in items]


def _pages(payload: object) -> list[str]:
    """``{"page_texts": [...]}``, ``{"pages": [...]}`` or a bare list of pages (``[{"page": 1, "text": …}]``)."""
    if isinstance(payload, dict):
        for key in ("page_texts", "pages"):
            value = payload.get(key)
            if isinstance(value, list):
                return _page_list(value)
    if isinstance(payload, list) and payload and all(
            isinstance(i, str) or (isinstance(i, dict) and "text" in i) for i in payload):
        return _page_list(payload)
    raise UnreadableDocument(
        "unsupported_format",
        "JSON 文件不是逐页文本（缺少 page_texts/pages，也不是逐页文本列表）",
        "JSON file is not page texts (no page_texts/pages key, nor a list of pages)",
    )


@dataclass(slots=True)
class _Open:
    """A table being collected: title and the lines after it."""

    key: str
    header: list[tuple[int, str]] = field(default_factory=list)
    title: str = ""
    title_continued: bool = False  # the title's tail was printed again under it: the table carries its title
    data: list[tuple[int, str]] = field(default_factory=list)


@dataclass(slots=True)
class _Builder:
    blocks: list[Paragraph | Table] = field(default_factory=list)
    tables: int = 0
    ambiguous: int = 0
    dropped: int = 0
    unreadable: list[str] = field(default_factory=list)
    bounds: dict[str, dict[str, dict[str, Decimal]]] = field(default_factory=dict)  # per table key: row_bounds
    balances: dict[str, Decimal] = field(default_factory=dict)  # the 总表's 年初/年末结转和结余 (balance_caps)
    sources: dict[str, Decimal] = field(default_factory=dict)  # the 总表's 收入 items (income_caps)
    text: str = ""  # the document's whole text: it may state a figure the table's sums leave unplaced

    def paragraph(self, page: int, line: str, first_on_page: bool = False) -> None:
        heading = is_heading(line) or (first_on_page and _is_title_line(line))
        self.blocks.append(Paragraph(text=line, index=len(self.blocks), page=page, is_heading=heading))

    def close(self, table: _Open | None) -> None:
        """Emit a collected table (or its lines as paragraphs when it is not a readable table)."""
        if table is None:
            return
        trailing = _trailing_text(table)
        if trailing:
            table.data = table.data[:-len(trailing)]
        header, data = [t for _, t in table.header], [t for _, t in table.data]
        schema = find_schema(table.key, header, data) if table.data else None
        if schema is not None and table.header and _starts_without_name(table.data[0][1]):
            table.data.insert(0, table.header.pop())  # a wrapped name's first part above the first row
        if schema is None and table.data and self._summary_pairs(table, header):
            for page, line in trailing:
                self.paragraph(page, line)
            return
        if schema is None and not table.data and _is_column_header(header):
            self._without_figures(table)
            return
        if schema is None:
            for page, line in [*table.header, *table.data, *trailing]:
                self.paragraph(page, line)
            return
        container = CONTAINED_IN.get(schema.key)
        bounds = {**self.bounds.get(container, {}), EVERY_ROW: self.balances} if container else None
        if schema.key in INCOME_ITEMS_OF and self.sources:
            bounds = {EVERY_ROW: income_caps(schema, self.sources)}
        rebuilt = build_table_rows(schema, [(p, t) for p, t in table.data], bounds, self.text)
        self.bounds.setdefault(schema.key, row_bounds(rebuilt))
        if not self.balances:
            self.balances.update(balance_caps(rebuilt))
        if schema.key in INCOME_ITEMS_OF.values() and not self.sources:
            self.sources.update(income_items(rebuilt))
        self.tables += 1
        self.ambiguous += rebuilt.ambiguous_cells
        self.dropped += rebuilt.dropped_rows
        self.unreadable.extend(f"《{schema.key}》{u}" for u in rebuilt.unreadable)
        pages: list[int | None] = []
        for row_page, _ in rebuilt.rows:
            if row_page not in pages:
                pages.append(row_page)
        for i, table_page in enumerate(pages):
            body = tuple(cells for p, cells in rebuilt.rows if p == table_page)
            rows = (*rebuilt.header, *body) if i == 0 else body
            self.blocks.append(Table(rows=rows, index=len(self.blocks), page=table_page,
                                     title=table.title if table.title_continued else ""))
        for page, line in trailing:
            self.paragraph(page, line)

    def _without_figures(self, table: _Open) -> None:
        """A recognised title over column headers and no row with a figure (a fund table the unit has none of,
        or a table whose rows are gone): the table is there, without figures, as a PDF's empty grid is."""
        self.tables += 1
        self.blocks.append(Table(rows=tuple(tuple(line.split()) for _, line in table.header), index=len(self.blocks),
                                 page=table.header[0][0], title=table.title if table.title_continued else ""))

    def _summary_pairs(self, table: _Open, header: list[str]) -> bool:
        """A 收支 summary table whose header no schema knows, read as label/amount blocks
        (``ingest.readers.text_summary``); False when that reading is not confirmed."""
        std = STANDARD_TABLES.get(table.key)
        if std is None or std.layout != "summary":
            return False
        grid = read_summary_pairs(header, [(p, t) for p, t in table.data])
        if grid is None:
            return False
        self.tables += 1
        self.ambiguous += len(grid.left_out)
        self.unreadable.extend(f"《{table.key}》{u}" for u in grid.left_out)
        pages: list[int | None] = list(dict.fromkeys(p for p, _ in grid.rows))
        for i, table_page in enumerate(pages):
            body = tuple(cells for p, cells in grid.rows if p == table_page)
            self.blocks.append(Table(rows=(*grid.header, *body) if i == 0 else body, index=len(self.blocks),
                                     page=table_page))
        return True


_COLUMN_WORDS = re.compile(r"合\s*计|金\s*额|科目|预算数|决算数|基本支出|项目支出")


def _is_column_header(header: list[str]) -> bool:
    """Header lines that name a table's columns (科目编码 科目名称 合计 …), not running text or a 目录's entries."""
    return any(_COLUMN_WORDS.search(line) for line in header) and not any(
        _TITLE_PUNCTUATION.search(line.replace("：", "")) and len(line) > 40 for line in header)


def _continues_title(table: _Open, line: str) -> bool:
    """A title line that only repeats the tail of the open table's title before any of its lines (a title
    printed over two lines: 「…会议费、培训费」 / 「支出预算表」): the open table goes on."""
    tail = _compact(line)
    title = _compact(table.title)
    return not table.header and not table.data and len(tail) < len(title) and title.endswith(tail)


def _trailing_text(table: _Open) -> list[tuple[int, str]]:
    """Lines after a table's last row with figures that start on a later page: the next part's headings
    (其他相关情况说明 …), not the table's."""
    last = max((i for i, (_, line) in enumerate(table.data) if _has_figures(line)), default=None)
    if last is None:
        return []
    tail = table.data[last + 1:]
    first_later = next((i for i, (page, _) in enumerate(tail) if page != table.data[last][0]), None)
    return tail[first_later:] if first_later is not None else []


def _starts_without_name(line: str) -> bool:
    tokens = tokenise_line(line)
    return len(tokens) > 1 and tokens[0].kind == "code" and tokens[1].kind != "label"


def _compact(line: str) -> str:
    return "".join(line.split())


_TITLE_PUNCTUATION = re.compile(r"[，。；：:,;、！？]")


def _is_title_line(line: str) -> bool:
    """A page's first line that is a short title (2026年单位预算编制说明, 名词解释): page texts start each part on
    a new page and print no other sign of a heading."""
    t = _compact(line)
    return 2 <= len(t) <= 30 and not _TITLE_PUNCTUATION.search(t) and not _has_figures(line)


def _has_figures(line: str) -> bool:
    return any(t.kind in ("code", "number") for t in tokenise_line(line))


_SENTENCE_FIGURE = re.compile(r"\d\s*(?:万元|亿元|元|%|％)")


def _ends_table(line: str) -> bool:
    """Running text after a table that had no 注 line: a long sentence, a part heading, or a sentence stating a
    figure with its unit (a table row prints figures without units)."""
    return ((line.startswith("第") and "部分" in line[:6]) or (len(line) > 40 and line.endswith("。"))
            or bool(_SENTENCE_FIGURE.search(line)))


_OTHER_TITLE = re.compile(r"^(?:公开\d+表[：:]\s*)?\S{2,40}表$")


def _is_other_table_title(line: str) -> bool:
    """The title of a table the catalogue does not know (公开12表：政府采购支出预算表) after a table's rows: it ends
    that table (its rows are not the table's)."""
    return bool(_OTHER_TITLE.match(line.strip())) and not _has_figures(line)


_PAGE_NUMBER = re.compile(r"^-?\s*\d{1,3}\s*-?$")


def page_blocks(pages: list[str]) -> _Builder:
    """Paragraphs and rebuilt tables of the page texts (pure)."""


    out = _Builder(text="\n".join(pages))
    table: _Open | None = None
    for page_no, page in enumerate(pages, start=1):
        first_on_page = True
        lines = [raw.strip() for raw in page.splitlines() if raw.strip()]
        for n, line in enumerate(lines):
            first, first_on_page = first_on_page, False
            key = classify_title(line) if len(line) <= 60 else None
            if key is not None and table is not None and _continues_title(table, line):
                table.title_continued = True
                out.paragraph(page_no, line, first)
                continue
            if key == (table.key if table else None) and first and table is not None and table.data \
                    and _compact(line) == _compact(table.title):
                out.paragraph(page_no, line, first)  # the title printed again over the table's next page
                continue
            if table is not None and n == len(lines) - 1 and _PAGE_NUMBER.match(line):
                out.paragraph(page_no, line, first)  # the page number under the table, no row of it
                continue
            if key is not None:
                out.close(table)
                table = _Open(key, title=line)
                out.paragraph(page_no, line, first)
                continue
            if table is None:
                out.paragraph(page_no, line, first)
                continue
            if is_note_line(line) or _ends_table(line) or (table.data and _is_other_table_title(line)):
                out.close(table)
                table = None
                out.paragraph(page_no, line, first)
                continue
            if not table.data and not _has_figures(line):
                if "单位" in line and ("元" in line):
                    out.paragraph(page_no, line, first)
                    continue
                table.header.append((page_no, line))
                if len(table.header) > _MAX_HEADER_LINES:
                    out.close(_Open(table.key, table.header))
                    table = None
                continue
            if table.data and _compact(line) in {_compact(h) for _, h in table.header}:
                continue  # the header printed again at the top of the next page
            table.data.append((page_no, line))
    out.close(table)
    return out


def read(path: Path) -> Document:
    if path.stat().st_size > MAX_JSON_BYTES:
        raise UnreadableDocument("too_large", "JSON 文件过大", "JSON file too large")
    text, encoding = decode_text(path.read_bytes())
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UnreadableDocument("corrupt", "JSON 文件已损坏，无法解析", f"corrupt JSON: {exc.msg}") from None
    pages = _pages(payload)
    built = page_blocks(pages)
    if not built.blocks:
        raise UnreadableDocument("empty", "文件没有可读取的文字", "file holds no readable text")
    meta = {
        "text_tables": str(built.tables),
        "text_table_ambiguous_cells": str(built.ambiguous),
        "text_table_dropped_rows": str(built.dropped),
    }
    if built.unreadable:
        meta["text_table_unreadable"] = "\n".join(built.unreadable)
    return Document(
        source_file=str(path), file_format="page_json", blocks=tuple(built.blocks), page_count=len(pages),
        encoding=encoding, meta=meta,
    )
