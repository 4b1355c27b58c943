"""Text renderings of real documents: the page-text JSON the project reads (``ingest.readers.page_json``).

A PDF is read by the project's own PDF reader and written back as one text per page: paragraphs as lines,
table rows as their non-blank cells separated by spaces, a code split over 类/款/项 columns joined into one
code (``201 06 01`` → ``2010601``), as a PDF text extractor prints them. Mutating this rendering edits the same
words and figures a reviewer reads on the page; the harness checks that the unmutated rendering gives the same
findings as the PDF itself (``--compare-pdf``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from ingest.model import Document, Paragraph, Table
from ingest.readers.page_json import _pages

_SPLIT_CODE = re.compile(r"^(?P<c>[1-9]\d{2})(?: (?P<k>\d{2}))?(?: (?P<x>\d{2}))?(?= )")
_LEVEL_WORDS = ("类", "款", "项")


@dataclass(frozen=True, slots=True)
class PageText:
    """A document as its per-page texts (index 0 = page 1)."""

    pages: tuple[str, ...]

    def to_json(self) -> str:
        return json.dumps({"page_texts": list(self.pages)}, ensure_ascii=False, indent=0)


def _row_lines(row: tuple[str, ...]) -> list[str]:
    cells = [" ".join(c.split()) for c in row if c.strip()]
    if len(cells) > 3 and tuple(cells[:3]) == _LEVEL_WORDS:
        return [" ".join(cells[:3]), " ".join(cells[3:])]
    line = " ".join(cells)
    m = _SPLIT_CODE.match(line)
    if m and m.group("k"):
        line = "".join(g for g in m.group("c", "k", "x") if g) + line[m.end():]
    return [line] if line else []


def render_document(doc: Document) -> PageText:
    """Per-page text of a parsed document (pure)."""
    last = max((b.page or 1 for b in doc.blocks), default=1)
    pages: list[list[str]] = [[] for _ in range(max(doc.page_count or 0, last))]
    previous_title = None
    for block in doc.blocks:
        lines = pages[(block.page or 1) - 1]
        if isinstance(block, Paragraph):
            lines.append(block.text)
            previous_title = None
        elif isinstance(block, Table):
            if block.title and block.title != previous_title:  # a table continued on the next page: no new title
                lines.append(block.title)
            previous_title = block.title or previous_title
            for row in block.rows:
                lines.extend(_row_lines(row))
    return PageText(tuple("\n".join(lines) for lines in pages))


def read_page_json(path: Path) -> PageText:
    """The page texts of a page-text JSON, in the forms the project's reader accepts."""
    return PageText(tuple(_pages(json.loads(path.read_text(encoding="utf-8")))))
