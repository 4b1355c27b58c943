"""A department's self-check: its new files checked against the published warehouse, without publishing.

The files' parse results go into a *scratch* warehouse that holds, from the published one, the raw rows of every
document of the same scope (int_document_scopes: the department's other years, its budgets, the revisions) and
the bureau's inputs (registry, review decisions, sightings); a checked file that is a new version of a published
document (same department, year and kind) supersedes it there, as the next run would. The compiled project is
built on that scratch file in full — a few documents, so it takes a second — and the findings are read from its
marts as the report reads them.

Document-scoped models relate only documents of one scope, so every finding of those models is the one the county
build would give. County-wide comparisons (the peer groups of a year) need the whole county: they are left out of
a self-check (:data:`COUNTY_WIDE_FAMILIES`).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ingest.discover import InboxFile
from ingest.records import IngestResult
from warehouse.build.project import CompiledProject
from warehouse.build.runner import BuildOutcome, BuildSettings, build
from warehouse.load import apply_changes, plan_changes, read_document_rows
from warehouse.schema import RAW_TABLES, create_raw_schema_sql
from warehouse.sql import one_row

# check families whose findings compare a department with the rest of the county (check_registry.family)
COUNTY_WIDE_FAMILIES = frozenset({"peer"})
# the mart the findings are read from: without reports, only it and what it reads are built
FINDINGS_MART = "fct_check_result"
PUBLISHED = "published"


@dataclass(frozen=True, slots=True)
class ScratchWarehouse:
    path: Path
    checked: tuple[str, ...]  # document ids of the checked files (quarantined files have none)
    context_documents: int  # published documents copied in (the scope of the checked ones)
    superseded: tuple[str, ...]  # published documents the checked files replace
    load_seconds: float
    build: BuildOutcome


def _scope_documents(con: duckdb.DuckDBPyConnection, names: Sequence[str]) -> list[str]:
    """Published documents of the scopes the checked documents fall in: the scopes of published documents
    filed under the same department name, and the scope named like it (the registry's name)."""
    if not names:
        return []
    return [r[0] for r in con.execute(
        f"""
        WITH scopes AS (
            SELECT s.scope_key FROM {PUBLISHED}.intermediate.int_document_scopes AS s
            INNER JOIN {PUBLISHED}.raw.documents AS d USING (document_id)
            WHERE d.department_name IN (SELECT unnest(?::VARCHAR[]))
            UNION SELECT unnest(?::VARCHAR[])
        )
        SELECT document_id FROM {PUBLISHED}.intermediate.int_document_scopes
        WHERE scope_key IN (SELECT scope_key FROM scopes)
        """, [list(names), list(names)]).fetchall()]


def _same_filing(con: duckdb.DuckDBPyConnection, result: IngestResult, scope: Sequence[str]) -> str | None:
    """The logical key of the current published document the checked one would replace: same department (as
    filed or as identified), fiscal year and kind of document, among the scope's documents."""
    doc = result.document
    if doc is None:
        return None
    row = con.execute(
        f"""
        SELECT d.logical_key FROM {PUBLISHED}.raw.documents AS d
        LEFT JOIN {PUBLISHED}.intermediate.int_documents_identified AS i USING (document_id)
        WHERE d.is_current AND d.document_id IN (SELECT unnest(?::VARCHAR[]))
          AND ? IN (d.department_name, i.department_name)
          AND d.fiscal_year IS NOT DISTINCT FROM ? AND d.doc_type = ?
        ORDER BY d.logical_key LIMIT 1
        """, [list(scope), doc.department_name, doc.fiscal_year, doc.doc_type]).fetchone()
    return row[0] if row else None


def prepare(published: Path, results: Sequence[IngestResult], scratch: Path) -> tuple[list[str], list[str], float]:
    """Write the scratch warehouse's raw schema: the scope's published rows, then the checked files as the next
    run would load them. Returns (checked document ids, superseded document ids, seconds)."""
    started = time.perf_counter()
    names = sorted({r.document.department_name for r in results if r.document is not None})
    scratch.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(scratch)) as con:
        for statement in create_raw_schema_sql():
            con.execute(statement)
        con.execute(f"ATTACH '{published.resolve().as_posix()}' AS {PUBLISHED} (READ_ONLY)")
        scope = _scope_documents(con, names)
        keys = {r.source_file: _same_filing(con, r, scope) for r in results}
        con.execute("CREATE TEMP TABLE scope_docs AS SELECT unnest(?::VARCHAR[]) AS document_id", [scope])
        keyed = {r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.columns WHERE table_catalog = ? AND table_schema = 'raw' "
            "AND column_name = 'document_id'", [PUBLISHED]).fetchall()}
        for table in RAW_TABLES:
            if table in keyed and not scope:
                continue  # no published document of the scope: nothing of this table to copy
            where = " WHERE document_id IN (SELECT document_id FROM scope_docs)" if table in keyed else ""
            con.execute(f"INSERT INTO raw.{table} BY NAME SELECT * FROM {PUBLISHED}.raw.{table}{where}")
        con.execute(f"DETACH {PUBLISHED}")
        existing = read_document_rows(con)
        current = {r.logical_key: r for r in existing if r.is_current}
        inbox = [InboxFile(r.logical_key, "", r.file_sha256) for r in current.values()]
        by_key: dict[str, IngestResult] = {}
        for res in results:
            key = keys[res.source_file] or f"check/{Path(res.source_file).name}"
            by_key[key] = res
            sha = res.document.file_sha256 if res.document else (res.quarantine.file_sha256 if res.quarantine else "")
            inbox = [f for f in inbox if f.logical_key != key] + [InboxFile(key, res.source_file, sha)]
        fingerprint = existing[0].parser_fingerprint if existing else ""
        plan = plan_changes(existing, inbox, by_key, fingerprint or "")
        apply_changes(con, plan, f"check-{uuid.uuid4().hex[:8]}", fingerprint or "")
        superseded = [current[k].document_id for k, res in by_key.items() if k in current
                      and res.document is not None and current[k].document_id != res.document.document_id]
    checked = [r.document.document_id for r in results if r.document is not None]
    return checked, superseded, time.perf_counter() - started


def check_against(
    published: Path, results: Sequence[IngestResult], scratch: Path, project: CompiledProject, seeds_file: Path,
    settings: BuildSettings | None = None, only: frozenset[str] | None = None,
) -> ScratchWarehouse:
    """The scratch warehouse of ``results`` built from ``project`` (no data tests: nothing is published); ``only``:
    just these models and what they read (e.g. ``{FINDINGS_MART}``), else every model (for the reports)."""
    checked, superseded, seconds = prepare(published, results, scratch)
    with duckdb.connect(str(scratch), read_only=True) as con:
        context = one_row(con, "SELECT count(*) FROM raw.documents")[0] - len(checked)
    outcome = build(scratch, project, seeds_file, full_refresh=True, settings=settings, data_tests=False,
                    keep_state=False, only=only, views_as_tables=True)
    return ScratchWarehouse(scratch, tuple(checked), int(context), tuple(superseded), seconds, outcome)
