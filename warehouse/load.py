"""Load ingest results into the raw schema of the DuckDB warehouse.

Frames are built with polars (Decimal columns, never float) and inserted through
Arrow in one transaction; the connection is closed before dbt opens the file.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from ingest.records import IngestResult
from warehouse.schema import RAW_TABLES, create_raw_schema_sql

DECIMAL = pl.Decimal(18, 4)


@dataclass(frozen=True, slots=True)
class LoadStats:
    documents: int
    quarantined: int
    facts: int
    lines: int
    cells: int


def _frame(rows: list[dict], schema: dict[str, pl.DataType]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=schema, orient="row") if rows else pl.DataFrame(schema=schema)


def logical_key(source_file: str, inbox: Path | None) -> str:
    """The file's identity across revisions: its path relative to the inbox (posix form)."""
    path = Path(source_file)
    if inbox is not None:
        try:
            return path.resolve().relative_to(inbox.resolve()).as_posix()
        except ValueError:
            pass
    return path.name


def build_frames(
    results: Sequence[IngestResult], run_id: str, inbox: Path | None = None
) -> dict[str, pl.DataFrame]:
    """Raw-table frames from ingest results (pure). Every document is revision 1 and current here."""
    docs, quarantine, facts, lines, cells, blocks = [], [], [], [], [], []
    for res in results:
        if res.quarantine is not None:
            q = res.quarantine
            quarantine.append({
                "logical_key": logical_key(q.source_file, inbox), "source_file": q.source_file,
                "file_sha256": q.file_sha256, "file_format": q.file_format,
                "department_name": q.department_name, "fiscal_year": q.fiscal_year, "doc_type": q.doc_type,
                "reason_code": q.reason_code, "reason_zh": q.reason_zh, "reason_en": q.reason_en,
                "detected_at": q.detected_at, "run_id": run_id,
            })
            continue
        d = res.document
        assert d is not None
        docs.append({
            "document_id": d.document_id, "logical_key": logical_key(d.source_file, inbox), "revision": 1,
            "is_current": True, "status": "current", "source_file": d.source_file, "file_sha256": d.file_sha256,
            "file_size": d.file_size, "file_format": d.file_format, "department_name": d.department_name,
            "fiscal_year": d.fiscal_year, "doc_type": d.doc_type, "page_count": d.page_count,
            "encoding": d.encoding, "department_source": d.department_source, "year_source": d.year_source,
            "parser_version": d.parser_version, "ingested_at": d.ingested_at, "run_id": run_id,
        })
        for i, f in enumerate(res.facts):
            facts.append({
                "document_id": d.document_id, "fact_index": i, "metric": f.metric, "basis": f.basis,
                "value": f.amount.value, "decimals": f.amount.decimals, "raw_text": f.amount.raw,
                "unit": f.unit, "source_kind": f.source_kind, "page": f.page, "locator": f.locator,
                "evidence": f.evidence, "direction": f.direction,
                "has_reason": f.claim.has_reason if f.claim else None,
                "compared_year": f.claim.compared_year if f.claim else None,
            })
        for i, li in enumerate(res.lines):
            lines.append({
                "document_id": d.document_id, "line_index": i, "classification": li.classification,
                "code": li.code, "level": li.level, "name_reported": li.name_reported, "measure": li.measure,
                "value": li.amount.value, "decimals": li.amount.decimals, "raw_text": li.amount.raw,
                "source_kind": li.source_kind, "page": li.page, "locator": li.locator, "evidence": li.evidence,
            })
        for i, c in enumerate(res.cells):
            cells.append({
                "document_id": d.document_id, "cell_index": i, "table_key": c.table_key,
                "table_title": c.table_title, "row_index": c.row_index, "col_index": c.col_index,
                "row_label": c.row_label, "code": c.code, "measure": c.measure,
                "measure_label": c.measure_label, "value": c.amount.value, "decimals": c.amount.decimals,
                "raw_text": c.amount.raw, "page": c.page, "locator": c.locator, "evidence": c.evidence,
            })
        for b in res.blocks:
            blocks.append({
                "document_id": d.document_id, "block_index": b.block_index, "page": b.page,
                "kind": b.kind, "text": b.text,
            })
    ts = pl.Datetime("us", "UTC")
    s, i32, i64, b = pl.String, pl.Int32, pl.Int64, pl.Boolean
    return {
        "documents": _frame(docs, {
            "document_id": s, "logical_key": s, "revision": i32, "is_current": b, "status": s,
            "source_file": s, "file_sha256": s, "file_size": i64, "file_format": s,
            "department_name": s, "fiscal_year": i32, "doc_type": s, "page_count": i32, "encoding": s,
            "department_source": s, "year_source": s, "parser_version": s, "ingested_at": ts, "run_id": s,
        }),
        "metric_facts": _frame(facts, {
            "document_id": s, "fact_index": i32, "metric": s, "basis": s, "value": DECIMAL, "decimals": i32,
            "raw_text": s, "unit": s, "source_kind": s, "page": i32, "locator": s, "evidence": s,
            "direction": s, "has_reason": b, "compared_year": i32,
        }),
        "line_items": _frame(lines, {
            "document_id": s, "line_index": i32, "classification": s, "code": s, "level": s,
            "name_reported": s, "measure": s, "value": DECIMAL, "decimals": i32, "raw_text": s,
            "source_kind": s, "page": i32, "locator": s, "evidence": s,
        }),
        "table_cells": _frame(cells, {
            "document_id": s, "cell_index": i32, "table_key": s, "table_title": s, "row_index": i32,
            "col_index": i32, "row_label": s, "code": s, "measure": s, "measure_label": s, "value": DECIMAL,
            "decimals": i32, "raw_text": s, "page": i32, "locator": s, "evidence": s,
        }),
        "text_blocks": _frame(blocks, {"document_id": s, "block_index": i32, "page": i32, "kind": s, "text": s}),
        "quarantine": _frame(quarantine, {
            "logical_key": s, "source_file": s, "file_sha256": s, "file_format": s, "department_name": s,
            "fiscal_year": i32,
            "doc_type": s, "reason_code": s, "reason_zh": s,
            "reason_en": s, "detected_at": ts, "run_id": s,
        }),
    }


def _dedupe_documents(frames: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """The same bytes under two names are one document: keep the first file name."""
    docs = frames["documents"]
    if docs.height == docs.get_column("document_id").n_unique():
        return frames
    keep = docs.unique(subset="document_id", keep="first", maintain_order=True)
    out = dict(frames)
    out["documents"] = keep
    for name in ("metric_facts", "line_items", "table_cells", "text_blocks"):
        out[name] = frames[name].unique(maintain_order=True)
    return out


def load_results(
    warehouse: Path, results: Iterable[IngestResult], run_id: str, inbox: Path | None = None
) -> LoadStats:
    """Replace the raw schema's contents with these results, in one transaction."""
    frames = _dedupe_documents(build_frames(list(results), run_id, inbox))
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(warehouse)) as con:
        for statement in create_raw_schema_sql():
            con.execute(statement)
        con.execute("BEGIN TRANSACTION")
        try:
            for name in RAW_TABLES:
                con.execute(f"DELETE FROM raw.{name}")
                if frames[name].height:
                    con.register("incoming", frames[name].to_arrow())
                    con.execute(f"INSERT INTO raw.{name} BY NAME SELECT * FROM incoming")
                    con.unregister("incoming")
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
    return LoadStats(
        documents=frames["documents"].height,
        quarantined=frames["quarantine"].height,
        facts=frames["metric_facts"].height,
        lines=frames["line_items"].height,
        cells=frames["table_cells"].height,
    )
