"""An abstract disclosure (paragraphs with annotated numbers, tables with annotated cells).

Compose builds it from figures, defects edit it, every renderer writes the same model, and the
truth is read back from it — so what a file shows and what truth.json says cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class Num:
    """A number inside a sentence, with the fact it states."""

    text: str
    metric: str
    basis: str = "actual"
    unit: str = "万元"
    code: str | None = None
    fact_id: str = ""
    direction: str | None = None  # 增加/减少/持平 for yoy claims
    compared_year: int | None = None


@dataclass(slots=True)
class Para:
    pid: str  # locator: section/sentence, e.g. "三.1"
    segs: list[str | Num]
    heading: bool = False
    section: str = ""

    @property
    def text(self) -> str:
        return "".join(s if isinstance(s, str) else s.text for s in self.segs)

    def nums(self) -> list[Num]:
        return [s for s in self.segs if isinstance(s, Num)]


@dataclass(slots=True)
class Cell:
    """A table cell; numeric cells carry ``measure`` (column key) and their row/column labels."""

    text: str
    measure: str | None = None
    row_label: str = ""
    code: str | None = None
    column: str = ""
    metric: str | None = None  # scalar fact this cell also states (e.g. income_total)

    @property
    def numeric(self) -> bool:
        return self.measure is not None


@dataclass(slots=True)
class DocTable:
    key: str
    title: str
    header: list[list[str]]
    rows: list[list[Cell]]
    unit: str = "单位：万元"
    note: str = ""
    col_widths: list[float] = field(default_factory=list)

    def find(
        self, *, code: str | None = None, label: str | None = None, measure: str | None = None
    ) -> list[tuple[int, int, Cell]]:
        out = []
        for r, row in enumerate(self.rows):
            for c, cell in enumerate(row):
                if not cell.numeric:
                    continue
                if code is not None and cell.code != code:
                    continue
                if label is not None and cell.row_label != label:
                    continue
                if measure is not None and cell.measure != measure:
                    continue
                out.append((r, c, cell))
        return out


Block = Para | DocTable


@dataclass(slots=True)
class DocModel:
    doc_id: str
    dept_id: str
    dept_name: str
    year: int
    template: str
    title: str
    blocks: list[Block]
    money_with_commas: bool = True
    zero_blank: bool = True

    def tables(self) -> list[DocTable]:
        return [b for b in self.blocks if isinstance(b, DocTable)]

    def table(self, key: str) -> DocTable | None:
        return next((t for t in self.tables() if t.key == key), None)

    def paras(self) -> list[Para]:
        return [b for b in self.blocks if isinstance(b, Para)]
