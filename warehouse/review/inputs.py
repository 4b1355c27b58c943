"""What a run copies from the bureau's own files into the warehouse it builds, before dbt.

The department registry file and the review store live outside the warehouse (they survive rebuilds, publishes,
rollbacks and upgrades). A run reads both once, writes them into ``raw.department_registry``,
``raw.review_decisions`` and ``raw.finding_sightings`` of its build file, and stamps ``raw.bureau_inputs`` with a
fingerprint: when the registry or a decision changes while the inbox does not, the next run still rebuilds the
marts (:func:`inputs_changed`). After publishing, the run records what it saw in the store
(:func:`record_sightings`), which gives every finding its first and last run.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from warehouse.review.registry import RegistryRead, find_registry, read_registry
from warehouse.review.store import (
    DECISION_COLUMNS,
    SIGHTING_COLUMNS,
    Decision,
    ReviewStore,
    Sighting,
    decisions_fingerprint,
    insert_rows,
)
from warehouse.sql import one_row, read_only

REGISTRY_COLUMNS = ("department_name", "department_code", "aliases", "peer_group", "parent", "county",
                    "expected_to_file", "source_file", "source_row")


@dataclass(frozen=True, slots=True)
class BureauInputs:
    registry: RegistryRead
    store: Path
    decisions: tuple[Decision, ...]
    sightings: tuple[Sighting, ...]
    review_fingerprint: str

    @property
    def fingerprint(self) -> str:
        return bureau_fingerprint(self.registry.sha256, self.review_fingerprint)


def bureau_fingerprint(registry_sha256: str | None, review_fingerprint: str) -> str:
    """What raw.bureau_inputs.fingerprint records: the registry file's bytes and the review decisions (pure)."""
    return hashlib.sha256(f"{registry_sha256}|{review_fingerprint}".encode()).hexdigest()[:16]


def read_inputs(warehouse: Path, inbox: Path | None = None, registry: Path | None = None) -> BureauInputs:
    """The registry and the review store (one connection to it)."""
    store = ReviewStore.of(warehouse)
    decisions, sightings = store.contents()
    return BureauInputs(
        read_registry(find_registry(warehouse, inbox, registry)), store.path, tuple(decisions), tuple(sightings),
        decisions_fingerprint(decisions),
    )


def write_inputs(con: duckdb.DuckDBPyConnection, inputs: BureauInputs, run_id: str | None) -> None:
    """Replace the bureau tables of a build with ``inputs`` (the raw schema must exist)."""
    tables = {
        "department_registry": (REGISTRY_COLUMNS, inputs.registry.rows),
        "review_decisions": (DECISION_COLUMNS, inputs.decisions),
        "finding_sightings": (SIGHTING_COLUMNS, inputs.sightings),
    }
    for name, (columns, rows) in tables.items():
        con.execute(f"DELETE FROM raw.{name}")
        insert_rows(con, f"raw.{name}", columns, rows)
    reg = inputs.registry
    con.execute("DELETE FROM raw.bureau_inputs")
    con.execute("INSERT INTO raw.bureau_inputs VALUES (?, ?, ?, ?, ?, ?, ?)", [
        run_id, datetime.now(UTC), str(reg.path) if reg.path else None, reg.sha256, str(inputs.store),
        inputs.review_fingerprint, inputs.fingerprint])


def published_fingerprint(warehouse: Path) -> str | None:
    """The bureau-inputs fingerprint the published warehouse was built with (None: unknown or none)."""
    if not warehouse.is_file():
        return None
    try:
        with read_only(warehouse) as con:
            return one_row(con, "SELECT any_value(fingerprint) FROM raw.bureau_inputs")[0]
    except (duckdb.CatalogException, duckdb.BinderException):
        return None


def inputs_changed(warehouse: Path, inputs: BureauInputs) -> bool:
    return published_fingerprint(warehouse) != inputs.fingerprint


def record_sightings(warehouse: Path) -> int:
    """After a publish: store each finding of the published warehouse as seen in its run."""
    with read_only(warehouse) as con:
        cols = {r[0] for r in con.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = 'marts' AND table_name = 'fct_check_result'").fetchall()}
        if "finding_id" not in cols:
            return 0
        rows = con.execute("""
            SELECT finding_id, check_id, department_name, fiscal_year, doc_type, locator, evidence_hash, severity,
                   message, first_seen_run_id, last_seen_run_id, now(), document_id
            FROM marts.fct_check_result
        """).fetchall()
    return ReviewStore.of(warehouse).update_sightings([Sighting(*r) for r in rows])
