"""Plain records that cross from ingest to the warehouse (and across process boundaries)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from ingest.model import CellFact, LineItem, MetricFact


@dataclass(frozen=True, slots=True)
class DocumentRecord:
    document_id: str
    source_file: str
    file_sha256: str
    file_size: int
    file_format: str
    department_name: str
    fiscal_year: int | None
    doc_type: str
    page_count: int | None
    encoding: str | None
    department_source: str
    year_source: str
    parser_version: str
    ingested_at: datetime
    doc_level: str = "unknown"  # department | unit | unknown
    identification_confidence: float = 0.0
    unit_name: str | None = None  # the unit of a 单位预算/单位决算 (department_name is its 主管部门)


@dataclass(frozen=True, slots=True)
class QuarantineRecord:
    source_file: str
    file_sha256: str
    file_format: str
    department_name: str | None
    fiscal_year: int | None
    doc_type: str | None
    reason_code: str
    reason_zh: str
    reason_en: str
    detected_at: datetime


@dataclass(frozen=True, slots=True)
class TextBlock:
    block_index: int
    page: int | None
    kind: str  # paragraph | heading | table
    text: str


@dataclass(frozen=True, slots=True)
class TableRecord:
    """A standard table recognised in the document (present even when it holds no figure)."""

    table_key: str
    title: str
    page: int | None
    n_rows: int
    unit: str
    unit_stated: bool


@dataclass(frozen=True, slots=True)
class TableParse:
    """How one recognised table was read and whether its own identities hold (ingest.table_verify)."""

    table_seq: int  # order of the table in the document
    table_key: str
    title: str
    page: int | None
    layout: str
    template_family: str
    n_cells: int
    n_identities: int
    n_held: int
    confidence: float | None  # share of identities that hold; None when none applies
    parse_reliable: bool
    reason_zh: str
    failed_identities: str
    column_mapping: str
    remapped: bool


@dataclass(slots=True)
class IngestResult:
    source_file: str
    document: DocumentRecord | None = None
    quarantine: QuarantineRecord | None = None
    facts: list[MetricFact] = field(default_factory=list)
    lines: list[LineItem] = field(default_factory=list)
    cells: list[CellFact] = field(default_factory=list)
    blocks: list[TextBlock] = field(default_factory=list)
    tables: list[TableRecord] = field(default_factory=list)
    table_parses: list[TableParse] = field(default_factory=list)
    reader_notes: dict[str, str] = field(default_factory=dict)  # Document.meta: e.g. figures unreadable from text
