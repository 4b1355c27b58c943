"""Ingest one file: hash → read → identify → extract, never raising for bad input.

The result is plain data (:class:`IngestResult`) so it can cross process
boundaries and be loaded by :mod:`warehouse.load` without touching the file again.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from ingest.catalog import MetricCatalog, load_metric_catalog
from ingest.identify import identify, not_a_disclosure, parse_file_name
from ingest.model import Document, Paragraph, UnreadableDocument
from ingest.narrative import extract_narrative
from ingest.narrative_resolve import resolve_near_synonyms
from ingest.readers import detect_format, read_document
from ingest.records import DocumentRecord, IngestResult, QuarantineRecord, TableRecord, TextBlock
from ingest.tables import extract_tables

PARSER_VERSION = "0.1.0"
_T = TypeVar("_T")
MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class FileLimits:
    """Per-file limits of the ingest stage (the readers' own guards, ingest/readers/limits.py, run as well).

    ``timeout_seconds`` is enforced by the executor (ingest/batch.py) that runs :func:`ingest_file`.
    """

    max_bytes: int = 200 * MB
    max_pages: int = 2000
    timeout_seconds: float | None = 300.0
    io_retries: int = 2
    io_retry_delay: float = 0.5


DEFAULT_FILE_LIMITS = FileLimits()


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _text_blocks(doc: Document) -> list[TextBlock]:
    out = []
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            kind = "heading" if block.is_heading else "paragraph"
            out.append(TextBlock(block.index, block.page, kind, block.text))
        else:
            text = "\n".join(" | ".join(row) for row in block.rows)
            out.append(TextBlock(block.index, block.page, "table", text))
    return out


def extract_document(doc: Document, path: Path, sha256: str, catalog: MetricCatalog) -> IngestResult:
    """Everything we know about a parsed document (pure given the document)."""
    ident = identify(doc, path)
    if (refused := not_a_disclosure(doc, path, ident)) is not None:
        raise refused
    record = DocumentRecord(
        document_id=sha256[:16],
        source_file=str(path),
        file_sha256=sha256,
        file_size=path.stat().st_size,
        file_format=doc.file_format,
        department_name=ident.department_name,
        fiscal_year=ident.fiscal_year,
        doc_type=ident.doc_type,
        page_count=doc.page_count,
        encoding=doc.encoding,
        department_source=ident.department_source,
        year_source=ident.year_source,
        parser_version=PARSER_VERSION,
        ingested_at=datetime.now(UTC),
        doc_level=ident.doc_level,
        identification_confidence=ident.confidence,
        unit_name=ident.unit_name,
    )
    narrative = extract_narrative(doc, catalog, ident.fiscal_year, ident.doc_type)
    tables = extract_tables(doc, doc_type=ident.doc_type if ident.doc_type != "unknown" else None)
    return IngestResult(
        source_file=str(path),
        document=record,
        facts=[*tables.facts, *resolve_near_synonyms(narrative.facts, tables.facts)],
        lines=[*tables.lines, *narrative.lines],
        cells=list(tables.cells),
        blocks=_text_blocks(doc),
        tables=[
            TableRecord(t.key, t.title, t.page, t.n_rows, t.unit, t.unit_stated) for t in tables.recognised
        ],
        table_parses=list(tables.parses),
        reader_notes=dict(doc.meta),
    )


def with_io_retries(fn: Callable[[], _T], limits: FileLimits) -> _T:
    """Call ``fn``, retrying only on OSError (network shares, busy files), with a growing delay."""
    for attempt in range(limits.io_retries + 1):
        try:
            return fn()
        except OSError:
            if attempt >= limits.io_retries:
                raise
            time.sleep(limits.io_retry_delay * (attempt + 1))
    raise AssertionError("unreachable")


def ingest_file(
    path: Path, catalog: MetricCatalog | None = None, limits: FileLimits = DEFAULT_FILE_LIMITS,
    sha256: str | None = None,
) -> IngestResult:
    """Parse and extract one file; bad input becomes a quarantine record, never an exception."""
    fmt = path.suffix.lower().lstrip(".")
    try:
        sha = sha256 or with_io_retries(lambda: file_sha256(path), limits)
        fmt = with_io_retries(lambda: detect_format(path), limits)
    except OSError as exc:
        return _quarantined(
            path, sha256 or "", fmt, "io_error", "文件无法读取（I/O 错误）", f"I/O error: {exc}"
        )
    size = path.stat().st_size
    if size > limits.max_bytes:
        return _quarantined(
            path, sha, fmt, "too_large", f"文件过大（{size / MB:.0f} MB，上限 {limits.max_bytes / MB:.0f} MB）",
            f"file too large ({size / MB:.0f} MB, limit {limits.max_bytes / MB:.0f} MB)",
        )
    try:
        doc = with_io_retries(lambda: read_document(path), limits)
        if doc.page_count is not None and doc.page_count > limits.max_pages:
            return _quarantined(
                path, sha, fmt, "too_many_pages", f"页数过多（{doc.page_count} 页，上限 {limits.max_pages} 页）",
                f"too many pages ({doc.page_count}, limit {limits.max_pages})",
            )
        return extract_document(doc, path, sha, catalog or load_metric_catalog())
    except OSError as exc:
        return _quarantined(path, sha, fmt, "io_error", "文件无法读取（I/O 错误）", f"I/O error: {exc}")
    except UnreadableDocument as exc:
        return _quarantined(path, sha, fmt, exc.code, exc.reason_zh, exc.reason_en)
    except Exception as exc:
        return _quarantined(
            path, sha, fmt, "parser_error",
            f"解析失败：文件内容不符合预期结构（{type(exc).__name__}）",
            f"parser error: {type(exc).__name__}: {exc}"[:500],
        )


def _quarantined(path: Path, sha: str, fmt: str, code: str, zh: str, en: str) -> IngestResult:
    dept, year, kind = parse_file_name(path)
    return IngestResult(
        source_file=str(path),
        quarantine=QuarantineRecord(
            source_file=str(path), file_sha256=sha, file_format=fmt, department_name=dept,
            fiscal_year=year, doc_type=kind, reason_code=code,
            reason_zh=zh, reason_en=en, detected_at=datetime.now(UTC),
        ),
    )
