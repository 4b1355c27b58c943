"""Per-page extracted text saved as JSON (``{"page_texts": [...]}`` or ``{"pages": [...]}``).

Some bureaus and upstream tools keep a PDF's text per page instead of the PDF;
each line becomes a Paragraph on its page. Tables are not reconstructed here:
their rows stay text lines, which the narrative extractor ignores.
"""

from __future__ import annotations

import json
from pathlib import Path

from ingest.model import Document, Paragraph, UnreadableDocument
from ingest.readers.text import decode_text, is_heading

MAX_JSON_BYTES = 50 * 1024 * 1024


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


def read(path: Path) -> Document:
    if path.stat().st_size > MAX_JSON_BYTES:
        raise UnreadableDocument("too_large", "JSON 文件过大", "JSON file too large")
    text, encoding = decode_text(path.read_bytes())
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UnreadableDocument("corrupt", "JSON 文件已损坏，无法解析", f"corrupt JSON: {exc.msg}") from None
    blocks: list[Paragraph] = []
    pages = _pages(payload)
    for page_no, page in enumerate(pages, start=1):
        for line in page.splitlines():
            line = line.strip()
            if line:
                blocks.append(Paragraph(text=line, index=len(blocks), page=page_no, is_heading=is_heading(line)))
    if not blocks:
        raise UnreadableDocument("empty", "文件没有可读取的文字", "file holds no readable text")
    return Document(
        source_file=str(path), file_format="page_json", blocks=tuple(blocks), page_count=len(pages),
        encoding=encoding,
    )
