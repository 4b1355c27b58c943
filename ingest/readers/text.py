"""Plain text, as exported by Apache Tika from .docx/.doc (UTF-8 or GBK).

Tika writes paragraphs as lines, Word bookmarks as ``[bookmark: _Toc…]`` markers,
and each table cell as a line starting with a tab, one blank line between table
rows; a cell's own line breaks continue without the tab. There are no pages.
"""

from __future__ import annotations

import re
from pathlib import Path

from ingest.model import Document, Paragraph, Table, UnreadableDocument

MAX_TEXT_BYTES = 50 * 1024 * 1024

_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")
_HEADING = re.compile(
    r"^\s*(第[一二三四五六七八九十\d]+部分|[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+[、.．]\s)"
)
_SENTENCE_END = re.compile(r"[。；;：:]$")


# byte-order marks, longest first (the UTF-32 LE mark starts with the UTF-16 LE one)
_BOMS = ((b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
         (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
_WIDE_SAMPLE = 4096


def _plausible(text: str) -> bool:
    """Decoded text that is text: no control characters other than tab, newline, carriage return, form feed."""
    return not any(ord(ch) < 32 and ch not in "\t\n\r\f" for ch in text[:_WIDE_SAMPLE])


def _wide_guess(data: bytes) -> str | None:
    """UTF-32/UTF-16 without BOM, from where the zero bytes of ASCII characters fall (newlines at least)."""
    sample = data[: _WIDE_SAMPLE - _WIDE_SAMPLE % 4]
    zeros = [sum(1 for i in range(k, len(sample), 4) if sample[i] == 0) for k in range(4)]
    quarter = max(1, len(sample) // 4)
    if len(data) % 4 == 0 and zeros[2] == zeros[3] == quarter:  # the high half of every BMP code point
        return "utf-32-le"
    if len(data) % 4 == 0 and zeros[0] == zeros[1] == quarter:
        return "utf-32-be"
    if len(data) % 2:
        return None
    # ASCII characters (newlines, digits) have a zero high byte; few CJK characters have a zero low byte
    odd, even = zeros[1] + zeros[3], zeros[0] + zeros[2]
    if odd > 3 * even:
        return "utf-16-le"
    if even > 3 * odd:
        return "utf-16-be"
    return None


def decode_wide(data: bytes) -> tuple[str, str] | None:
    """Decode UTF-16/UTF-32 text (with a BOM, or recognised without one); None when it is not such text."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom):].decode(encoding)
            except UnicodeDecodeError:
                return None
            return (text, encoding) if _plausible(text) else None
    guessed = _wide_guess(data)
    if guessed is None:
        return None
    try:
        text = data.decode(guessed)
    except UnicodeDecodeError:
        return None
    return (text, guessed) if _plausible(text) else None


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode bytes as UTF-8 (with or without BOM), UTF-16/32 (with or without BOM) or GB18030 (a superset of
    GBK); else detect."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    if (wide := decode_wide(data)) is not None:
        return wide
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise UnreadableDocument(
            "undecodable", "无法识别文本编码（不是 UTF-8 或 GBK）", "text encoding not recognised (not UTF-8/GBK)"
        )
    return str(best), best.encoding


def clean_line(line: str) -> str:
    """Drop Tika's bookmark markers and trailing white space."""
    return _BOOKMARK.sub("", line).rstrip("\r\n")


def is_heading(text: str) -> bool:
    t = text.strip()
    return bool(_HEADING.match(t)) and len(t) <= 40 and not _SENTENCE_END.search(t) and "万元" not in t


def parse_tika_text(text: str) -> list[Paragraph | Table]:
    """Split Tika text into paragraphs and tab-cell tables (pure)."""
    blocks: list[Paragraph | Table] = []
    rows: list[list[str]] = []
    row: list[str] = []
    index = 0

    def flush_row() -> None:
        nonlocal row
        if row:
            rows.append(row)
            row = []

    def flush_table() -> None:
        nonlocal rows, index
        flush_row()
        if rows:
            width = max(len(r) for r in rows)
            grid = tuple(tuple(r + [""] * (width - len(r))) for r in rows)
            title = next((c for r in grid for c in r if c.strip()), "")
            blocks.append(Table(rows=grid, index=index, title=title.split("\n")[0].strip()))
            index += 1
        rows = []

    in_table = False
    blank_run = 0
    for raw in text.splitlines():
        line = clean_line(raw)
        if line.startswith("\t"):
            if in_table and blank_run >= 2:  # two blank lines end a table; one separates its rows
                flush_table()
            in_table = True
            blank_run = 0
            row.append(line[1:].strip())
            continue
        if in_table:
            if not line.strip():
                blank_run += 1
                flush_row()
                continue
            blank_run = 0
            if row:  # a cell's own line break
                row[-1] = f"{row[-1]}\n{line.strip()}"
                continue
            flush_table()
            in_table = False
        stripped = line.strip().replace("\u3000", " ").strip()
        if not stripped:
            continue
        blocks.append(Paragraph(text=stripped, index=index, is_heading=is_heading(stripped)))
        index += 1
    if in_table:
        flush_table()
    return blocks


def read(path: Path) -> Document:
    size = path.stat().st_size
    if size > MAX_TEXT_BYTES:
        raise UnreadableDocument(
            "too_large",
            f"文本文件过大（{size // 1024 // 1024} MB，上限 {MAX_TEXT_BYTES // 1024 // 1024} MB）",
            f"text file too large ({size} bytes)",
        )
    data = path.read_bytes()
    if b"\x00" in data[:4096] and decode_wide(data) is None:
        raise UnreadableDocument(
            "binary", "文件不是文本（含二进制内容），且不是可识别的格式", "not a text file (binary content)"
        )
    text, encoding = decode_text(data)
    blocks = parse_tika_text(text)
    if not any(isinstance(b, Paragraph) for b in blocks) and not any(isinstance(b, Table) for b in blocks):
        raise UnreadableDocument("empty", "文件没有可读取的文字", "file holds no readable text")
    return Document(
        source_file=str(path), file_format="txt", blocks=tuple(blocks), page_count=None, encoding=encoding
    )
