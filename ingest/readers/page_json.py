"""Per-page extracted text saved as JSON (``{"page_texts": [...]}`` or ``{"pages": [...]}``).

Some bureaus and upstream tools keep a PDF's text per page instead of the PDF. Each line becomes a
Paragraph on its page, except the lines of a standard table: from a recognised table title
(``ingest.tables.classify_title``) to the 注：/说明： line or the next title, the header lines and
rows are rebuilt into :class:`~ingest.model.Table` blocks (one per page) by
``ingest.readers.text_tables``. ``Document.meta`` counts the tables rebuilt, the cells left out
because their column was ambiguous and the rows that could not be read.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from ingest.model import Document, Paragraph, Table, UnreadableDocument
from ingest.readers.text import decode_text, is_heading
from ingest.readers.text_tables import build_table_rows, find_schema, is_note_line, tokenise_line
from ingest.tables import classify_title

MAX_JSON_BYTES = 50 * 1024 * 1024
_MAX_HEADER_LINES = 14


def _pages(payload: object) -> list[str]:
    if isinstance(payload, dict):
        for key in ("page_texts", "pages"):
            value = payload.get(key)
            if isinstance(value, list):
                return [p if isinstance(p, str) else str(p.get("text", "")) for p in value]
    raise UnreadableDocument(
        "unsupported_format",
        "JSON 文件不是逐页文本（缺少 page_texts/pages）",
        "JSON file is not page texts (no page_texts/pages key)",
    )


@dataclass(slots=True)
class _Open:
    """A table being collected: title and the lines after it."""

    key: str
    header: list[tuple[int, str]] = field(default_factory=list)
    data: list[tuple[int, str]] = field(default_factory=list)


@dataclass(slots=True)
class _Builder:
    blocks: list[Paragraph | Table] = field(default_factory=list)
    tables: int = 0
    ambiguous: int = 0
    dropped: int = 0
    unreadable: list[str] = field(default_factory=list)

    def paragraph(self, page: int, line: str) -> None:
        self.blocks.append(Paragraph(text=line, index=len(self.blocks), page=page, is_heading=is_heading(line)))

    def close(self, table: _Open | None) -> None:
        """Emit a collected table (or its lines as paragraphs when it is not a readable table)."""
        if table is None:
            return
        schema = find_schema(table.key, [t for _, t in table.header]) if table.data else None
        if schema is not None and table.header and _starts_without_name(table.data[0][1]):
            table.data.insert(0, table.header.pop())  # a wrapped name's first part above the first row
        if schema is None:
            for page, line in [*table.header, *table.data]:
                self.paragraph(page, line)
            return
        rebuilt = build_table_rows(schema, [(p, t) for p, t in table.data])
        self.tables += 1
        self.ambiguous += rebuilt.ambiguous_cells
        self.dropped += rebuilt.dropped_rows
        self.unreadable.extend(f"《{schema.key}》{u}" for u in rebuilt.unreadable)
        pages: list[int | None] = []
        for page, _ in rebuilt.rows:
            if page not in pages:
                pages.append(page)
        for i, page in enumerate(pages):
            body = tuple(cells for p, cells in rebuilt.rows if p == page)
            rows = (*rebuilt.header, *body) if i == 0 else body
            self.blocks.append(Table(rows=rows, index=len(self.blocks), page=page))


def _starts_without_name(line: str) -> bool:
    tokens = tokenise_line(line)
    return len(tokens) > 1 and tokens[0].kind == "code" and tokens[1].kind != "label"


def _has_figures(line: str) -> bool:
    return any(t.kind in ("code", "number") for t in tokenise_line(line))


def _ends_table(line: str) -> bool:
    """Running text after a table that had no 注 line: a long sentence or a part heading."""
    return (line.startswith("第") and "部分" in line[:6]) or (len(line) > 40 and line.endswith("。"))


def page_blocks(pages: list[str]) -> _Builder:
    """Paragraphs and rebuilt tables of the page texts (pure)."""


    out = _Builder()
    table: _Open | None = None
    for page_no, page in enumerate(pages, start=1):
        for raw in page.splitlines():
            line = raw.strip()
            if not line:
                continue
            key = classify_title(line) if len(line) <= 60 else None
            if key is not None:
                out.close(table)
                table = _Open(key)
                out.paragraph(page_no, line)
                continue
            if table is None:
                out.paragraph(page_no, line)
                continue
            if is_note_line(line) or _ends_table(line):
                out.close(table)
                table = None
                out.paragraph(page_no, line)
                continue
            if not table.data and not _has_figures(line):
                if "单位" in line and ("元" in line):
                    out.paragraph(page_no, line)
                    continue
                table.header.append((page_no, line))
                if len(table.header) > _MAX_HEADER_LINES:
                    out.close(_Open(table.key, table.header))
                    table = None
                continue
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
