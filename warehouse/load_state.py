"""What the published warehouse holds of each file, read without the loader's heavy imports (polars).

:mod:`warehouse.load` plans a run's changes from these rows; an idle run (flows/idle.py) only compares them with
the inbox, so it reads them through this module.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb


@dataclass(frozen=True, slots=True)
class DocRow:
    document_id: str
    logical_key: str
    file_sha256: str
    revision: int
    is_current: bool
    parser_fingerprint: str | None


def read_document_rows(con: duckdb.DuckDBPyConnection) -> list[DocRow]:
    rows = con.execute(
        "SELECT document_id, logical_key, file_sha256, revision, is_current, parser_fingerprint FROM raw.documents"
    ).fetchall()
    return [DocRow(*r) for r in rows]
