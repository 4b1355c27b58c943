"""Readers: one module per file format, each exposing ``read(path) -> Document``.

``read_document`` picks the reader from the file's content (magic bytes) first and
its extension second, so a .pdf renamed .docx is still read, and a file that is
neither is quarantined with a reason.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from ingest.model import Document, UnreadableDocument

# format -> reader module (imported lazily: a missing optional library only affects its format)
READERS: dict[str, str] = {
    "pdf": "ingest.readers.pdf",
    "docx": "ingest.readers.docx",
    "xlsx": "ingest.readers.xlsx",
    "xls": "ingest.readers.xls",
    "html": "ingest.readers.html",
    "mht": "ingest.readers.html",
    "txt": "ingest.readers.text",
    "json": "ingest.readers.page_json",
    "doc": "ingest.readers.legacy_office",
    "wps": "ingest.readers.legacy_office",
    "et": "ingest.readers.legacy_office",
}


_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def detect_format(path: Path) -> str:
    """The file's format from its first bytes, falling back to its extension."""
    with path.open("rb") as fh:
        head = fh.read(8)
    suffix = path.suffix.lower().lstrip(".")
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        if suffix in ("xlsx", "xlsm"):
            return "xlsx"
        if suffix == "docx":
            return "docx"
        return _ooxml_kind(path)
    if head.startswith(_OLE_MAGIC):
        if suffix in ("xls", "et"):
            return "xls" if suffix == "xls" else "et"
        return suffix if suffix in ("doc", "wps") else "doc"
    if suffix in ("htm", "html"):
        return "html"
    if suffix in ("mht", "mhtml"):
        return "mht"
    if suffix == "xlsm":
        return "xlsx"
    return suffix or "txt"


def _ooxml_kind(path: Path) -> str:
    import zipfile

    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
    except zipfile.BadZipFile:
        return "zip"
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return "zip"


def read_document(path: Path) -> Document:
    """Read any supported file into the document model, or raise UnreadableDocument."""
    if not path.is_file():
        raise UnreadableDocument("missing", "文件不存在", "file does not exist")
    if path.stat().st_size == 0:
        raise UnreadableDocument("empty", "文件为空（0 字节）", "file is empty (0 bytes)")
    fmt = detect_format(path)
    module_name = READERS.get(fmt)
    if module_name is None:
        raise UnreadableDocument(
            "unsupported_format",
            f"不支持的文件格式：{fmt}",
            f"unsupported file format: {fmt}",
        )
    module = importlib.import_module(module_name)
    return module.read(path)
