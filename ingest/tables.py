"""Extract the standard tables of a disclosure: the public entry :func:`extract_tables`.

This module owns the orchestration and its result, :class:`TableExtraction`: tables are recognised
(``ingest.table_recognition``), the document's template family is chosen (``ingest.templates``), each
table's rows are read into long form (``ingest.table_long_form``: cells, line items) and metric facts
(``ingest.table_metrics``), and every table is checked against its own identities
(``ingest.table_verify``) and recorded in ``parses``. Amounts are never converted: the table's unit is
reported in :class:`RecognisedTable`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ingest.catalog import MetricCatalog, load_metric_catalog
from ingest.model import CellFact, Document, LineItem, MetricFact
from ingest.records import TableParse
from ingest.table_long_form import (
    _breakdown_labels,
    _fragment_rows,
    _grand_total_labels,
    _line_items,
    _performance_cells,
)
from ingest.table_metrics import _metric_facts, _performance_facts
from ingest.table_recognition import PROCUREMENT_KEY, STANDARD_TABLES, TableGroup, recognise_tables
from ingest.table_verify import verify_table
from ingest.tables_grid import CodeState
from ingest.templates import TemplateCatalog, TemplateFamily, load_template_catalog


@dataclass(frozen=True, slots=True)
class RecognisedTable:
    key: str
    title: str
    page: int | None
    n_rows: int  # data rows over all fragments
    unit: str  # '万元' unless the table says otherwise
    unit_stated: bool
    fragments: tuple[int, ...]  # Table.index of each page fragment


@dataclass(slots=True)
class TableExtraction:
    cells: list[CellFact] = field(default_factory=list)
    lines: list[LineItem] = field(default_factory=list)
    recognised: list[RecognisedTable] = field(default_factory=list)
    facts: list[MetricFact] = field(default_factory=list)
    parses: list[TableParse] = field(default_factory=list)
    template_family: str = ""


def _family(doc: Document, groups: list[TableGroup], doc_type: str | None,
            templates: TemplateCatalog) -> TemplateFamily | None:
    """The template family of the document, from its kind and the titles of its tables."""
    if doc_type is None:
        kinds = [STANDARD_TABLES[g.analysis.key].kind for g in groups]
        doc_type = "budget" if kinds.count("budget") > kinds.count("final") else "final_account"
    evidence = "\n".join([*(g.analysis.title for g in groups), doc.text()[:3000]])
    return templates.choose(doc_type, evidence)


def extract_tables(
    doc: Document, catalog: MetricCatalog | None = None, doc_type: str | None = None,
    templates: TemplateCatalog | None = None,
) -> TableExtraction:
    """Recognise the standard tables of ``doc`` and return their cells, lines and metric facts; every
    table is checked against its own identities (``ingest.table_verify``) and recorded in ``parses``."""
    out = TableExtraction()
    catalog = catalog if catalog is not None else load_metric_catalog()
    templates = templates if templates is not None else load_template_catalog()
    groups = recognise_tables(doc)
    family = _family(doc, groups, doc_type, templates)
    out.template_family = family.name if family else ""
    for seq, group in enumerate(groups):
        first_cell = len(out.cells)
        a = group.analysis
        std = STANDARD_TABLES[a.key]
        unit = a.unit or "万元"
        n_data = 0
        states = tuple(CodeState() for _ in a.blocks)  # codes carry over page breaks
        seen_metrics: set[tuple[str, str]] = set()
        breakdown: dict[str, str] = {}  # side -> '年初' / '年末' while its 结转和结余 sub-rows run
        seen_current: set[str] = set()  # sides whose 本年…合计 row has been read
        labelled = _performance_cells(group, unit) if a.key == "performance" else None
        if labelled:
            out.cells.extend(labelled)
            out.facts.extend(_performance_facts(labelled, unit))
        for table, first in group.fragments if not labelled else ():
            rows, states = _fragment_rows(table, first, a, std, states)
            if std.layout == "summary":
                rows = _grand_total_labels(_breakdown_labels(rows, breakdown), seen_current, std.kind == "budget")
            n_data += table.n_rows - first
            for row in rows:
                out.cells.extend(row.cells)
                out.lines.extend(_line_items(row, std))
                if (std.layout in ("summary", "sangong", "economic")
                        or std.key in ("fiscal_expenditure", "budget_fiscal_expenditure", PROCUREMENT_KEY)):
                    for fact in _metric_facts(row, std, unit, catalog):
                        # the first row naming a metric wins: later rows (年初结转 breakdown) repeat labels
                        if (fact.metric, fact.basis) not in seen_metrics:
                            seen_metrics.add((fact.metric, fact.basis))
                            out.facts.append(fact)
        first_table = group.fragments[0][0]
        template = (family.table(a.key) if family else None) or templates.table(a.key)
        verdict = verify_table(out.cells[first_cell:], template)
        out.cells[first_cell:] = verdict.cells
        out.parses.append(TableParse(
            table_seq=seq, table_key=a.key, title=a.title, page=first_table.page, layout=std.layout,
            template_family=out.template_family, n_cells=len(verdict.cells),
            n_identities=len(verdict.identities), n_held=verdict.n_held, confidence=verdict.confidence,
            parse_reliable=verdict.reliable, reason_zh=verdict.reason_zh,
            failed_identities=verdict.failed_names(), column_mapping=verdict.mapping, remapped=verdict.remapped,
        ))
        out.recognised.append(RecognisedTable(
            key=a.key, title=a.title, page=first_table.page, n_rows=n_data, unit=unit,
            unit_stated=a.unit is not None, fragments=tuple(t.index for t, _ in group.fragments),
        ))
    return out
