"""Load ingest results into the raw schema of the DuckDB warehouse.

Rows become Arrow tables of the declared types (warehouse/schema.py; Decimal columns, never float) and are
inserted in one transaction; the connection is closed before dbt opens the file. (Arrow directly, not polars:
importing polars cost a run and a self-check ≈ 0.2 s of CPU for nothing a frame does here.)
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from ingest.discover import InboxFile
from ingest.records import IngestResult
from warehouse.load_state import DocRow as DocRow  # re-exported: the loader's callers read it from here
from warehouse.load_state import read_document_rows as read_document_rows
from warehouse.schema import TABLES, arrow_type, create_raw_schema_sql, frame_schema

if TYPE_CHECKING:
    import pyarrow as pa

    from ingest.model import Amount

DOC_TABLES = ("metric_facts", "line_items", "table_cells", "text_blocks", "recognised_tables", "table_parses")
SNAPSHOT_TABLES = ("documents", *DOC_TABLES, "quarantine")
LOAD_CHUNK_DOCUMENTS = 100  # documents whose rows are made and inserted at once (apply_changes)


@dataclass(frozen=True, slots=True)
class LoadStats:
    documents: int
    quarantined: int
    facts: int
    lines: int
    cells: int


def _frame(rows: list[dict], schema: dict[str, pa.DataType]) -> pa.Table:
    """The rows as a table of exactly these columns and types (a key a row lacks is null; a value that does not fit
    its type raises)."""
    import pyarrow as pa

    return pa.Table.from_pylist(rows, schema=pa.schema(list(schema.items())))


def _with_column(table: pa.Table, name: str, values: list, sql_type: str) -> pa.Table:
    """``table`` with column ``name`` set to ``values`` (replaced where it exists, else appended)."""
    import pyarrow as pa

    column = pa.array(values, type=arrow_type(sql_type))
    if name in table.column_names:
        return table.set_column(table.column_names.index(name), name, column)
    return table.append_column(name, column)


def _distinct_rows(table: pa.Table, key: str | None = None) -> pa.Table:
    """The table's rows without repeats, in order, the first kept: repeats of the whole row, or of ``key``."""
    import pyarrow as pa

    seen: set = set()
    keep: list[int] = []
    for i, row in enumerate(table.to_pylist()):
        k = row[key] if key is not None else tuple(row.values())
        if k not in seen:
            seen.add(k)
            keep.append(i)
    return table.take(pa.array(keep, type=pa.int64()))


def logical_key(source_file: str, inbox: Path | None) -> str:
    """The file's identity across revisions: its path relative to the inbox (posix form)."""
    path = Path(source_file)
    if inbox is not None:
        try:
            return path.resolve().relative_to(inbox.resolve()).as_posix()
        except ValueError:
            pass
    return path.name


def record_row(table: str, record: object, **given: Any) -> dict[str, Any]:
    """A row of the raw ``table`` from an ingest record: each column the loader writes (``in_frame``) is ``given``
    (what the load decides: keys, revision, run) or else the record's attribute of the same name — a column added to
    warehouse/schema.py is filled from its record field with no edit here (a record without it raises)."""
    return {c.name: given[c.name] if c.name in given else getattr(record, c.name)
            for c in TABLES[table].columns if c.in_frame}


def figure_columns(amount: Amount) -> dict[str, Any]:
    """The raw schema's FIGURE columns of an amount as printed."""
    return {"value": amount.value, "decimals": amount.decimals, "raw_text": amount.raw}


def build_frames(
    results: Sequence[IngestResult], run_id: str, inbox: Path | None = None, tables: Sequence[str] = SNAPSHOT_TABLES
) -> dict[str, pa.Table]:
    """Raw-table frames (Arrow tables) of ``tables`` from ingest results (pure). Every document is revision 1 and
    current here."""
    return {name: _frame([row for res in results for row in _rows(name, res, run_id, inbox)], frame_schema(name))
            for name in tables}


def _rows(table: str, res: IngestResult, run_id: str, inbox: Path | None) -> list[dict[str, Any]]:
    """The rows one ingest result gives the raw ``table`` (a quarantined file gives only its quarantine row)."""
    if res.quarantine is not None:
        q = res.quarantine
        return ([record_row("quarantine", q, logical_key=logical_key(q.source_file, inbox), run_id=run_id)]
                if table == "quarantine" else [])
    d = res.document
    assert d is not None
    key = d.document_id
    if table == "documents":
        return [record_row("documents", d, logical_key=logical_key(d.source_file, inbox), revision=1,
                           is_current=True, status="current", run_id=run_id)]
    if table == "metric_facts":
        return [record_row("metric_facts", f, document_id=key, fact_index=i, **figure_columns(f.amount),
                           has_reason=f.claim.has_reason if f.claim else None,
                           compared_year=f.claim.compared_year if f.claim else None)
                for i, f in enumerate(res.facts)]
    if table == "line_items":
        return [record_row("line_items", li, document_id=key, line_index=i, **figure_columns(li.amount))
                for i, li in enumerate(res.lines)]
    if table == "table_cells":
        return [record_row("table_cells", c, document_id=key, cell_index=i, **figure_columns(c.amount))
                for i, c in enumerate(res.cells)]
    records: dict[str, Sequence[object]] = {
        "text_blocks": res.blocks, "table_parses": res.table_parses, "recognised_tables": res.tables}
    return [record_row(table, r, document_id=key) for r in records.get(table, ())]


def _dedupe_documents(frames: dict[str, pa.Table]) -> dict[str, pa.Table]:
    """The same bytes under two names are one document: keep the first file name."""
    docs = frames["documents"]
    ids = docs.column("document_id").to_pylist()
    if len(ids) == len(set(ids)):
        return frames
    out = dict(frames)
    out["documents"] = _distinct_rows(docs, "document_id")
    for name in DOC_TABLES:
        out[name] = _distinct_rows(frames[name])
    return out


def rollback(con: duckdb.DuckDBPyConnection) -> None:
    """Roll back after a failed statement; DuckDB may already have aborted the transaction itself (a full disk):
    the original error is the one to report, never "cannot rollback - no transaction is active"."""
    with contextlib.suppress(duckdb.Error):
        con.execute("ROLLBACK")


def load_results(
    warehouse: Path, results: Iterable[IngestResult], run_id: str, inbox: Path | None = None
) -> LoadStats:
    """Replace the raw schema's contents with these results, in one transaction (no history).

    The nightly flow uses :func:`apply_incremental` instead, which keeps history.
    """
    frames = _dedupe_documents(build_frames(list(results), run_id, inbox))
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(warehouse)) as con:
        for statement in create_raw_schema_sql():
            con.execute(statement)
        con.execute("BEGIN TRANSACTION")
        try:
            for name in SNAPSHOT_TABLES:
                con.execute(f"DELETE FROM raw.{name}")
                _insert(con, name, frames[name])
            con.execute("COMMIT")
        except Exception:
            rollback(con)
            raise
    return LoadStats(
        documents=frames["documents"].num_rows,
        quarantined=frames["quarantine"].num_rows,
        facts=frames["metric_facts"].num_rows,
        lines=frames["line_items"].num_rows,
        cells=frames["table_cells"].num_rows,
    )


def _insert(con: duckdb.DuckDBPyConnection, name: str, frame: pa.Table) -> None:
    if frame.num_rows:
        con.register("incoming", frame)
        con.execute(f"INSERT INTO raw.{name} BY NAME SELECT * FROM incoming")
        con.unregister("incoming")


# --------------------------------------------------------------------------- incremental load (with history)


@dataclass(frozen=True, slots=True)
class ChangePlan:
    """What one run changes in raw.* (pure result of :func:`plan_changes`)."""

    # documents (re)written with their facts: (result, logical_key, revision)
    upserts: tuple[tuple[IngestResult, str, int], ...]
    # existing rows that stop being current: document_id -> 'superseded' | 'withdrawn'
    retired: dict[str, str]
    # quarantine results to (re)write: (result, logical_key)
    quarantined: tuple[tuple[IngestResult, str], ...]
    # logical keys with their current sha: quarantine rows of other bytes (or keys gone) stop being current
    inbox_shas: dict[str, str]

    @property
    def documents_added(self) -> int:
        return len(self.upserts)

    @property
    def superseded(self) -> int:
        return sum(1 for s in self.retired.values() if s == "superseded")

    @property
    def withdrawn(self) -> int:
        return sum(1 for s in self.retired.values() if s == "withdrawn")

    @property
    def empty(self) -> bool:
        return not (self.upserts or self.retired or self.quarantined)


def plan_changes(
    existing: Sequence[DocRow], inbox: Sequence[InboxFile], results: dict[str, IngestResult], fingerprint: str
) -> ChangePlan:
    """Decide revisions, supersessions and withdrawals (pure).

    ``results`` maps logical keys to this run's parse results (new or changed files only;
    files unchanged since the last run have no entry). A changed file is a new revision of
    its logical key; a file gone from the inbox is withdrawn unless its bytes are still
    there under another name (then the document moves to that name).
    """
    by_id = {r.document_id: r for r in existing}
    current = {r.logical_key: r for r in existing if r.is_current}
    max_rev: dict[str, int] = {}
    for r in existing:
        max_rev[r.logical_key] = max(max_rev.get(r.logical_key, 0), r.revision)
    inbox_keys = {f.logical_key for f in inbox}
    inbox_shas = {f.logical_key: f.sha256 for f in inbox}
    upserts: list[tuple[IngestResult, str, int]] = []
    retired: dict[str, str] = {}
    quarantined: list[tuple[IngestResult, str]] = []
    claimed: set[str] = set()  # document_ids current after this run
    for f in inbox:
        res = results.get(f.logical_key)
        cur = current.get(f.logical_key)
        if res is None:  # unchanged
            if cur is not None:
                claimed.add(cur.document_id)
            continue
        if res.quarantine is not None or res.document is None:
            quarantined.append((res, f.logical_key))
            if cur is not None:
                retired[cur.document_id] = "superseded"
            continue
        doc_id = res.document.document_id
        if doc_id in claimed:  # the same bytes already current under another name this run
            continue
        old = by_id.get(doc_id)
        if (
            old is not None and old.is_current and old.logical_key != f.logical_key
            and old.logical_key in inbox_keys and inbox_shas.get(old.logical_key) == old.file_sha256
        ):
            claimed.add(doc_id)  # a copy of a file that is still there: one document
            continue
        if cur is not None and cur.document_id == doc_id and cur.parser_fingerprint == fingerprint:
            claimed.add(doc_id)
            continue
        if cur is not None and cur.document_id != doc_id:
            retired[cur.document_id] = "superseded"
        if cur is not None and cur.document_id == doc_id:
            revision = cur.revision  # same bytes, new parser: re-extracted in place
        else:
            revision = max_rev.get(f.logical_key, 0) + 1
            max_rev[f.logical_key] = revision
        upserts.append((res, f.logical_key, revision))
        claimed.add(doc_id)
        retired.pop(doc_id, None)
    for key, cur in current.items():
        if (
            cur.document_id not in claimed and cur.document_id not in retired and key not in results
            and (key not in inbox_keys or inbox_shas.get(key) != cur.file_sha256)
        ):
            retired[cur.document_id] = "withdrawn" if key not in inbox_keys else "superseded"
    for doc_id in claimed:
        retired.pop(doc_id, None)
    return ChangePlan(tuple(upserts), retired, tuple(quarantined), inbox_shas)


@dataclass(frozen=True, slots=True)
class IncrementalStats:
    documents_added: int
    superseded: int
    withdrawn: int
    quarantined: int
    facts: int


def apply_changes(
    con: duckdb.DuckDBPyConnection, plan: ChangePlan, run_id: str, fingerprint: str, inbox: Path | None = None
) -> IncrementalStats:
    """Write a :class:`ChangePlan` into raw.* in one transaction; nothing is deleted from history.

    Each table's rows are made and inserted :data:`LOAD_CHUNK_DOCUMENTS` documents at a time, in the plan's order
    (a county's rows at once were ≈ 0.5 GB of Arrow and row dicts beside the results at 1,000 departments)."""
    upserted = [res for res, _, _ in plan.upserts]
    keys = {res.document.document_id: (key, rev) for res, key, rev in plan.upserts if res.document}
    import pyarrow as pa

    q_keys = [key for _, key in plan.quarantined]
    quarantine = build_frames([res for res, _ in plan.quarantined], run_id, inbox, tables=("quarantine",))["quarantine"]
    if quarantine.num_rows:
        quarantine = _with_column(quarantine, "logical_key", q_keys, "VARCHAR")
        quarantine = _with_column(quarantine, "is_current", [True] * len(q_keys), "BOOLEAN")
    con.execute("BEGIN TRANSACTION")
    try:
        if keys:
            con.register("ids", pa.table({"document_id": pa.array(list(keys), type=pa.string())}))
            for name in ("documents", *DOC_TABLES):
                con.execute(f"DELETE FROM raw.{name} WHERE document_id IN (SELECT document_id FROM ids)")
            con.unregister("ids")
        for doc_id, status in plan.retired.items():
            con.execute(
                "UPDATE raw.documents SET is_current = false, status = ?, status_run_id = ? WHERE document_id = ?",
                [status, run_id, doc_id],
            )
        facts = 0
        for name in ("documents", *DOC_TABLES):
            for start in range(0, len(upserted), LOAD_CHUNK_DOCUMENTS):
                frame = build_frames(upserted[start:start + LOAD_CHUNK_DOCUMENTS], run_id, inbox, tables=(name,))[name]
                if name == "documents":
                    frame = _with_plan_columns(frame, keys, fingerprint, run_id)
                facts += frame.num_rows if name == "metric_facts" else 0
                _insert(con, name, frame)
                del frame
        if quarantine.num_rows:
            con.register("q", quarantine.select(["logical_key", "file_sha256"]))
            con.execute(
                "DELETE FROM raw.quarantine WHERE (logical_key, file_sha256) IN (SELECT (logical_key, file_sha256) "
                "FROM q)"
            )
            con.unregister("q")
            _insert(con, "quarantine", quarantine)
        shas = pa.table({"logical_key": pa.array(list(plan.inbox_shas), type=pa.string()),
                         "file_sha256": pa.array(list(plan.inbox_shas.values()), type=pa.string())})
        con.register("inbox_now", shas)
        con.execute(
            "UPDATE raw.quarantine SET is_current = false WHERE is_current AND NOT EXISTS (SELECT 1 FROM inbox_now i "
            "WHERE i.logical_key = raw.quarantine.logical_key AND i.file_sha256 = raw.quarantine.file_sha256)"
        )
        con.unregister("inbox_now")
        con.execute("COMMIT")
    except Exception:
        rollback(con)
        raise
    return IncrementalStats(
        documents_added=plan.documents_added, superseded=plan.superseded, withdrawn=plan.withdrawn,
        quarantined=quarantine.num_rows, facts=facts,
    )


def _with_plan_columns(docs: pa.Table, keys: dict[str, tuple[str, int]], fingerprint: str, run_id: str) -> pa.Table:
    """The documents' frame with what the plan decided: logical key, revision, parser fingerprint, status run."""
    if not docs.num_rows:
        return docs
    ids = docs.column("document_id").to_pylist()
    docs = _with_column(docs, "logical_key", [keys[i][0] for i in ids], "VARCHAR")
    docs = _with_column(docs, "revision", [keys[i][1] for i in ids], "INTEGER")
    docs = _with_column(docs, "parser_fingerprint", [fingerprint] * len(ids), "VARCHAR")
    return _with_column(docs, "status_run_id", [run_id] * len(ids), "VARCHAR")


def ensure_raw_schema(con: duckdb.DuckDBPyConnection) -> None:
    for statement in create_raw_schema_sql():
        con.execute(statement)
