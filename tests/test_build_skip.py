"""The incremental build does not run a document-scoped model for documents it has no input rows for — and only
then: a model that also reads a county-wide relation (read whole, not per document) is run, since that relation
can give it rows for any document. A table declared department-scoped (one row per department, no
document) is recomputed for the departments of the changed documents. A small hand-made project
(warehouse/build/project.py nodes), built incrementally and compared row for row with a full build of the same
data."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from warehouse.build.project import SCOPE_MODEL, CompiledProject, Node
from warehouse.build.runner import BuildOutcome, build
from warehouse.build.verify import differences

DB = "wh"


def _rel(schema: str, name: str) -> str:
    return f'"{DB}"."{schema}"."{name}"'


def _source(name: str) -> Node:
    return Node(f"source.t.raw.{name}", name, "source", "source", _rel("raw", name), DB, "raw", name)


def _model(name: str, sql: str, deps: tuple[str, ...], scoped: bool, view: bool = False) -> Node:
    return Node(f"model.t.{name}", name, "model", "view" if view else "table", _rel("m", name), DB, "m", name,
                sql, deps, scoped=scoped)


DOCS, ITEMS = _source("docs"), _source("items")
SCOPES = _model(SCOPE_MODEL, f"SELECT document_id, department AS scope_key FROM {DOCS.relation}", (DOCS.uid,),
                scoped=False)
# county-wide view: every document, read whole by its readers
ALL_DOCS = _model("v_docs", f"SELECT document_id, department FROM {DOCS.relation}", (DOCS.uid,), False, view=True)
# document-scoped, reads only per-document inputs: no item rows for a document → no rows for it
ITEM_TOTALS = _model("m_item_totals", f"SELECT document_id, sum(amount) AS total FROM {ITEMS.relation} GROUP BY ALL",
                     (ITEMS.uid,), scoped=True)
ITEM_FLAGS = _model("m_item_flags", f"SELECT document_id, total > 10 AS big FROM {ITEM_TOTALS.relation}",
                    (ITEM_TOTALS.uid,), scoped=True)
# document-scoped, but one row per document of the county-wide view whether it has items or not
ITEM_COUNTS = _model(
    "m_item_counts",
    f"SELECT d.document_id, count(i.amount) AS n FROM {ALL_DOCS.relation} AS d "
    f"LEFT JOIN {ITEMS.relation} AS i ON i.document_id = d.document_id GROUP BY ALL",
    (ALL_DOCS.uid, ITEMS.uid), scoped=True)
# department-scoped: one row per department (no single document), placed by department_name; and a
# document-scoped model reading it
DEPARTMENT_TOTALS = Node(
    "model.t.m_department_totals", "m_department_totals", "model", "table", _rel("m", "m_department_totals"), DB,
    "m", "m_department_totals",
    f"SELECT d.department AS department_name, sum(i.amount) AS total FROM {ITEMS.relation} AS i "
    f"JOIN {DOCS.relation} AS d ON d.document_id = i.document_id GROUP BY ALL",
    (ITEMS.uid, DOCS.uid), scoped=True, scope_column="department_name")
DEPARTMENT_SHARES = _model(
    "m_department_shares",
    f"SELECT d.document_id, t.total FROM {DOCS.relation} AS d "
    f"JOIN {DEPARTMENT_TOTALS.relation} AS t ON t.department_name = d.department",
    (DOCS.uid, DEPARTMENT_TOTALS.uid), scoped=True)
PROJECT = CompiledProject("fp-skip", "test", (DOCS, ITEMS, SCOPES, ALL_DOCS, ITEM_TOTALS, ITEM_FLAGS, ITEM_COUNTS,
                                              DEPARTMENT_TOTALS, DEPARTMENT_SHARES))


def _raw(path: Path, docs: list[tuple[str, str]], items: list[tuple[str, int]]) -> None:
    con = duckdb.connect(str(path))
    try:
        con.execute("CREATE SCHEMA IF NOT EXISTS raw")
        con.execute("CREATE OR REPLACE TABLE raw.docs (document_id VARCHAR, department VARCHAR)")
        con.execute("CREATE OR REPLACE TABLE raw.items (document_id VARCHAR, amount DECIMAL(18, 2))")
        if docs:
            con.executemany("INSERT INTO raw.docs VALUES (?, ?)", docs)
        if items:
            con.executemany("INSERT INTO raw.items VALUES (?, ?)", items)
    finally:
        con.close()


def _build(warehouse: Path, seeds: Path, full: bool = False) -> BuildOutcome:
    outcome = build(warehouse, PROJECT, seeds, full_refresh=full)
    assert outcome.success, outcome.message
    return outcome


def _same_as_full(warehouse: Path, tmp: Path) -> None:
    full = tmp / "full.duckdb"
    shutil.copyfile(warehouse, full)
    _build(full, seeds=tmp / "seeds.duckdb", full=True)
    assert differences(warehouse, full, ("m",)) == []


def _rows(warehouse: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_a_model_without_input_rows_is_not_run_and_a_county_wide_reader_is(tmp_path: Path):
    duckdb.connect(str(tmp_path / "seeds.duckdb")).close()
    warehouse = tmp_path / "wh.duckdb"
    docs = [("a", "甲"), ("a2", "甲"), ("b", "乙"), ("c", "丙")]
    _raw(warehouse, docs, [("a", 5), ("a", 7), ("a2", 1), ("b", 20)])
    assert _build(warehouse, tmp_path / "seeds.duckdb").mode == "full"

    # b's items withdrawn (the documents stay: the county-wide view is unchanged, only b changed)
    _raw(warehouse, docs, [("a", 5), ("a", 7), ("a2", 1)])
    outcome = _build(warehouse, tmp_path / "seeds.duckdb")
    modes = dict(outcome.node_modes)
    assert outcome.mode == "incremental"
    assert modes["m_item_totals"] == "1 documents, no input rows, not run", modes
    assert modes["m_item_flags"] == "1 documents, no input rows, not run", modes
    assert "not run" not in modes["m_item_counts"], modes  # reads the county-wide view: b still has a row
    _same_as_full(warehouse, tmp_path)
    assert _rows(warehouse, "SELECT document_id, n FROM m.m_item_counts ORDER BY 1") == [
        ("a", 2), ("a2", 1), ("b", 0), ("c", 0)]
    assert _rows(warehouse, "SELECT * FROM m.m_department_totals ORDER BY 1") == [("甲", 13)]

    # one of a2's items changed: its department's row is recomputed (both of 甲's documents), 乙's and 丙's not
    _raw(warehouse, docs, [("a", 5), ("a", 7), ("a2", 2)])
    outcome = _build(warehouse, tmp_path / "seeds.duckdb")
    modes = dict(outcome.node_modes)
    assert modes["m_department_totals"] == "2 documents, 2 changed", modes
    _same_as_full(warehouse, tmp_path)
    assert _rows(warehouse, "SELECT * FROM m.m_department_totals") == [("甲", 14)]
    assert _rows(warehouse, "SELECT document_id, total FROM m.m_department_shares ORDER BY 1") == [
        ("a", 14), ("a2", 14)]


def test_a_full_build_fails_a_scoped_model_without_its_scope_column_or_with_rows_without_a_document(tmp_path: Path):
    duckdb.connect(str(tmp_path / "seeds.duckdb")).close()
    no_column = _model("m_no_column", f"SELECT department FROM {DOCS.relation}", (DOCS.uid,), scoped=True)
    null_rows = _model("m_null_rows", f"SELECT NULL::VARCHAR AS document_id FROM {DOCS.relation}", (DOCS.uid,),
                       scoped=True)
    no_department = Node("model.t.m_no_dept", "m_no_dept", "model", "table", _rel("m", "m_no_dept"), DB, "m",
                         "m_no_dept", f"SELECT document_id FROM {DOCS.relation}", (DOCS.uid,), scoped=True,
                         scope_column="department_name")
    for model, message in [
        (no_column, "m_no_column: declared scoped but has no document_id column"),
        (null_rows, "m_null_rows: declared document-scoped but 1 row(s) have no document_id"),
        (no_department, "m_no_dept: declared scoped but has no department_name column"),
    ]:
        warehouse = tmp_path / f"{model.name}.duckdb"
        _raw(warehouse, [("a", "甲")], [])
        outcome = build(warehouse, CompiledProject("fp-bad", "test", (DOCS, ITEMS, SCOPES, model)),
                        tmp_path / "seeds.duckdb", full_refresh=True)
        assert not outcome.success
        assert outcome.message.startswith(f"build failed: {message}"), outcome.message
        assert outcome.failed[0].startswith(message), outcome.failed
