"""The review store: reviewers' decisions and the sightings of every finding, in a DuckDB file next to the warehouse.

``<warehouse>.review.duckdb`` (``data/warehouse.review.duckdb``) is never part of a build: rebuilds, atomic
publishes, rollbacks and code upgrades replace the warehouse file, never this one. Decisions are an append-only
log (who, when, the state before and after, the evidence hash they were made on) — the audit trail is the data
itself. Every run copies the log into the warehouse it builds (``raw.review_decisions``), so each published
warehouse and each entry of ``data/history/`` holds a backup; :meth:`ReviewStore.restore_from` rebuilds a lost
store from one. Connections are short: one per operation, closed on return.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import astuple, dataclass, fields, replace
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from warehouse.sql import one_row, read_only

SCHEMA_VERSION = "1"


def store_path(warehouse: Path) -> Path:
    """The review store of a warehouse: ``warehouse.duckdb`` → ``warehouse.review.duckdb`` in the same folder."""
    return warehouse.with_name(f"{warehouse.stem}.review.duckdb")


@dataclass(frozen=True, slots=True)
class Decision:
    """One event of the audit trail (columns of raw.review_decisions)."""

    event_id: int
    finding_id: str
    action: str
    state_before: str
    state_after: str
    evidence_hash: str | None
    reason: str | None
    response: str | None
    decided_by: str
    decided_at: datetime
    source: str
    check_id: str | None = None
    department_name: str | None = None
    fiscal_year: int | None = None
    message: str | None = None


@dataclass(frozen=True, slots=True)
class Sighting:
    """Where and when a finding was seen (columns of raw.finding_sightings)."""

    finding_id: str
    check_id: str
    department_name: str | None
    fiscal_year: int | None
    doc_type: str | None
    locator: str | None
    evidence_hash: str | None
    severity: str | None
    message: str | None
    first_seen_run_id: str
    last_seen_run_id: str
    last_seen_at: datetime | None
    last_document_id: str | None


class StoreBusy(RuntimeError):
    """The store stayed locked by another process."""


class ConcurrentChange(RuntimeError):
    """Someone else decided on the same finding since it was read: nothing was recorded."""


DECISION_COLUMNS = tuple(f.name for f in fields(Decision))
SIGHTING_COLUMNS = tuple(f.name for f in fields(Sighting))


def insert_sql(table: str, columns: Sequence[str]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"


def insert_rows(con: duckdb.DuckDBPyConnection, table: str, columns: Sequence[str], rows: Sequence[object],
                suffix: str = "") -> None:
    """Insert dataclass records (their attributes named like ``columns``) in one statement, through Arrow
    (DuckDB's executemany costs ≈ 1 ms a row; ``dataclasses.astuple`` deep-copies every value)."""
    if not rows:
        return
    import pyarrow as pa

    frame = pa.table({c: pa.array([getattr(r, c) for r in rows]) for c in columns})
    con.register("incoming_rows", frame)
    try:
        cols = ", ".join(columns)
        con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM incoming_rows {suffix}")
    finally:
        con.unregister("incoming_rows")


def _ddl() -> list[str]:
    from warehouse.schema import RAW_TABLES

    return [
        f"CREATE TABLE IF NOT EXISTS decisions ({RAW_TABLES['review_decisions']}, PRIMARY KEY (event_id))",
        f"CREATE TABLE IF NOT EXISTS sightings ({RAW_TABLES['finding_sightings']}, PRIMARY KEY (finding_id))",
        "CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)",
        f"INSERT OR IGNORE INTO meta VALUES ('schema_version', '{SCHEMA_VERSION}')",
    ]


def decisions_fingerprint(decisions: Sequence[Decision]) -> str:
    """:meth:`ReviewStore.fingerprint` of an audit trail (pure)."""
    digest = hashlib.sha256()
    for d in decisions:
        digest.update(f"{d.event_id}|{d.finding_id}|{d.action}|{d.evidence_hash}|{d.decided_at}\n".encode())
    return digest.hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class ReviewStore:
    path: Path

    @classmethod
    def of(cls, warehouse: Path) -> ReviewStore:
        return cls(store_path(warehouse))

    def exists(self) -> bool:
        return self.path.is_file()

    @contextmanager
    def _write(self, attempts: int = 10, delay: float = 0.05) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-write connection (created on first use), retried while another process holds the file."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        last: Exception | None = None
        for attempt in range(attempts):
            try:
                con = duckdb.connect(str(self.path))
            except duckdb.IOException as exc:  # the file lock of another process
                last = exc
                time.sleep(delay * (2 ** min(attempt, 5)))
                continue
            try:
                for statement in _ddl():
                    con.execute(statement)
                yield con
            finally:
                con.close()
            return
        first = str(last).splitlines()[0] if last else "unknown"
        raise StoreBusy(f"审核记录库被占用 review store is busy ({self.path}): {first}")

    def _rows(self, sql: str) -> list[tuple]:
        return self._queries(sql)[0]

    def _queries(self, *sql: str) -> list[list[tuple]]:
        """Each query's rows, all in one short read-only connection (empty lists before the store exists)."""
        if not self.exists():
            return [[] for _ in sql]
        with read_only(self.path) as con:
            tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
            if not {"decisions", "sightings"} <= tables:
                return [[] for _ in sql]
            return [con.execute(q).fetchall() for q in sql]

    def contents(self) -> tuple[list[Decision], list[Sighting]]:
        """The audit trail and the sightings, read in one connection."""
        decisions, sightings = self._queries(
            f"SELECT {', '.join(DECISION_COLUMNS)} FROM decisions ORDER BY event_id",
            f"SELECT {', '.join(SIGHTING_COLUMNS)} FROM sightings ORDER BY finding_id")
        return [Decision(*r) for r in decisions], [Sighting(*r) for r in sightings]

    def idle_state(self) -> tuple[str, dict[str, str]]:
        """(:meth:`fingerprint`, finding → run it was last seen in), in one connection: what an idle run compares
        with the published warehouse."""
        decisions, seen = self._queries(
            f"SELECT {', '.join(DECISION_COLUMNS)} FROM decisions ORDER BY event_id",
            "SELECT finding_id, last_seen_run_id FROM sightings")
        return decisions_fingerprint([Decision(*r) for r in decisions]), dict(seen)

    def decisions(self) -> list[Decision]:
        """The whole audit trail, oldest first."""
        cols = ", ".join(DECISION_COLUMNS)
        return [Decision(*r) for r in self._rows(f"SELECT {cols} FROM decisions ORDER BY event_id")]

    def latest(self) -> dict[str, Decision]:
        """The last decision on each finding."""
        out: dict[str, Decision] = {}
        for d in self.decisions():
            out[d.finding_id] = d
        return out

    def sightings(self) -> list[Sighting]:
        cols = ", ".join(SIGHTING_COLUMNS)
        return [Sighting(*r) for r in self._rows(f"SELECT {cols} FROM sightings ORDER BY finding_id")]

    def fingerprint(self) -> str:
        """Changes with every recorded decision (sightings, which every run updates, do not count)."""
        return decisions_fingerprint(self.decisions())

    def record(self, new: Sequence[Decision], seen: dict[str, int] | None = None) -> list[Decision]:
        """Append decisions in one transaction: all or nothing. ``event_id`` and ``decided_at`` are assigned here.

        ``seen`` maps a finding to the last event id the caller based its decision on (0: none); when another
        reviewer decided on one of them in between, nothing is recorded (ConcurrentChange).
        """
        if not new:
            return []
        stamp = datetime.now(UTC)
        with self._write() as con:
            con.execute("BEGIN TRANSACTION")
            try:
                if seen:
                    latest = dict(con.execute(
                        "SELECT finding_id, max(event_id) FROM decisions GROUP BY finding_id").fetchall())
                    moved = sorted(f for f, e in seen.items() if latest.get(f, 0) != e)
                    if moved:
                        raise ConcurrentChange(
                            "以下问题刚被他人处理，未记录任何决定 decided by someone else meanwhile, nothing "
                            f"recorded: {', '.join(moved[:10])}")
                start = one_row(con, "SELECT coalesce(max(event_id), 0) FROM decisions")[0]
                recorded = []
                for i, d in enumerate(new, start=1):
                    row = replace(d, event_id=start + i, decided_at=stamp)
                    con.execute(insert_sql("decisions", DECISION_COLUMNS), list(astuple(row)))
                    recorded.append(row)
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        return recorded

    def update_sightings(self, seen: Sequence[Sighting]) -> int:
        """Upsert what a published run saw: first_seen stays, everything else is the latest sighting."""
        if not seen:
            return 0
        kept = ("finding_id", "first_seen_run_id")
        keep = ", ".join(f"{c} = excluded.{c}" for c in SIGHTING_COLUMNS if c not in kept)
        with self._write() as con:
            con.execute("BEGIN TRANSACTION")
            try:
                insert_rows(con, "sightings", SIGHTING_COLUMNS, seen,
                            f"ON CONFLICT (finding_id) DO UPDATE SET {keep}")
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        return len(seen)

    def restore_from(self, warehouse: Path) -> tuple[int, int]:
        """Rebuild the store from the copy a (published or history) warehouse carries; returns (decisions, sightings).

        Refused when the store already holds decisions the warehouse's copy lacks (it would lose them).
        """
        with read_only(warehouse) as con:
            decisions = [Decision(*r) for r in con.execute(
                f"SELECT {', '.join(DECISION_COLUMNS)} FROM raw.review_decisions ORDER BY event_id").fetchall()]
            sightings = [Sighting(*r) for r in con.execute(
                f"SELECT {', '.join(SIGHTING_COLUMNS)} FROM raw.finding_sightings").fetchall()]
        have = {d.event_id for d in decisions}
        lost = [d for d in self.decisions() if d.event_id not in have]
        if lost:
            raise ConcurrentChange(
                f"审核记录库中有 {len(lost)} 条决定不在该备份中，拒绝覆盖 the store holds {len(lost)} decision(s) the "
                "backup lacks: refusing to overwrite")
        with self._write() as con:
            con.execute("BEGIN TRANSACTION")
            try:
                con.execute("DELETE FROM decisions")
                con.execute("DELETE FROM sightings")
                insert_rows(con, "decisions", DECISION_COLUMNS, decisions)
                insert_rows(con, "sightings", SIGHTING_COLUMNS, sightings)
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        return len(decisions), len(sightings)
