"""The one document model every reader produces, and the facts extracted from it.

Readers (``ingest.readers``) turn a file of any supported format into a
:class:`Document`: an ordered sequence of :class:`Paragraph` and :class:`Table`
blocks with page numbers where the format has pages. Extractors read only this
model, never the file, so a rule written once works for .docx, .pdf, .xlsx and
Tika text alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

SourceKind = Literal["table", "narrative"]
Basis = Literal[
    "actual", "budget", "prior_year", "yoy_change", "yoy_pct", "share_pct", "completion_pct"
]
BASES: tuple[str, ...] = (
    "actual", "budget", "prior_year", "yoy_change", "yoy_pct", "share_pct", "completion_pct"
)


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One line or paragraph of running text, in reading order."""

    text: str
    index: int
    page: int | None = None
    is_heading: bool = False


@dataclass(frozen=True, slots=True)
class Merge:
    """A merged cell: the text stands at (row, col); the other covered cells are ''."""

    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1


@dataclass(frozen=True, slots=True)
class Table:
    """A table as a rectangular grid of cell texts (row-major, 0-based).

    ``title`` is the caption the reader saw (sheet name, a caption line above a
    PDF table); extractors also look at the paragraphs before the table.
    """

    rows: tuple[tuple[str, ...], ...]
    index: int
    page: int | None = None
    merges: tuple[Merge, ...] = ()
    title: str = ""

    @property
    def n_rows(self) -> int:
        return len(self.rows)

    @property
    def n_cols(self) -> int:
        return max((len(r) for r in self.rows), default=0)


Block = Paragraph | Table


@dataclass(frozen=True, slots=True)
class Document:
    """A parsed file. ``blocks`` keep the document order; ``index`` is unique across blocks."""

    source_file: str
    file_format: str
    blocks: tuple[Block, ...]
    page_count: int | None = None
    encoding: str | None = None
    meta: dict[str, str] = field(default_factory=dict)

    @property
    def paragraphs(self) -> tuple[Paragraph, ...]:
        return tuple(b for b in self.blocks if isinstance(b, Paragraph))

    @property
    def tables(self) -> tuple[Table, ...]:
        return tuple(b for b in self.blocks if isinstance(b, Table))

    def text(self) -> str:
        return "\n".join(b.text for b in self.blocks if isinstance(b, Paragraph))


class UnreadableDocument(Exception):
    """A file that cannot be read; it goes to quarantine with both reasons."""

    def __init__(self, code: str, reason_zh: str, reason_en: str) -> None:
        super().__init__(f"{code}: {reason_en}")
        self.code = code
        self.reason_zh = reason_zh
        self.reason_en = reason_en


@dataclass(frozen=True, slots=True)
class Amount:
    """A figure as displayed: its exact value and the number of decimals shown.

    A displayed value v with d decimals stands for [v - 0.5*10^-d, v + 0.5*10^-d].
    """

    value: Decimal
    decimals: int
    raw: str

    @property
    def half_ulp(self) -> Decimal:
        return Decimal(5).scaleb(-(self.decimals + 1))


@dataclass(frozen=True, slots=True)
class MetricFact:
    """One scalar fact of a document, with provenance."""

    metric: str
    basis: str
    amount: Amount
    unit: str
    source_kind: SourceKind
    page: int | None
    locator: str
    evidence: str
    direction: str | None = None
    claim: NarrativeClaim | None = None


@dataclass(frozen=True, slots=True)
class NarrativeClaim:
    """Extra reading of a narrative MetricFact: what the sentence says besides the number."""

    has_reason: bool
    compared_year: int | None = None


@dataclass(frozen=True, slots=True)
class CellFact:
    """One numeric cell of a recognised standard table, in long form.

    ``table_key`` names the standard table (see ``ingest.table_recognition.STANDARD_TABLES``);
    ``code`` is the classification code of the row (one 7-digit code, or joined
    from split 类/款/项 columns), ``measure`` the column's meaning as a key
    (e.g. total, basic, project, fiscal_appropriation, budget, actual).
    """

    table_key: str
    table_title: str
    row_index: int
    col_index: int
    row_label: str
    code: str | None
    measure: str
    measure_label: str
    amount: Amount
    page: int | None
    locator: str
    evidence: str
    parse_reliable: bool = True  # False: the table's own identities say it was misread (ingest.table_verify)


@dataclass(frozen=True, slots=True)
class LineItem:
    """An expenditure line by functional or economic classification (table row or narrative line)."""

    classification: Literal["function", "economic"]
    code: str | None
    level: str | None  # 类 / 款 / 项
    name_reported: str
    measure: str  # total / basic / project / budget / completion_pct / ...
    amount: Amount
    source_kind: SourceKind
    page: int | None
    locator: str
    evidence: str
