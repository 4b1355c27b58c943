"""What a run leaves in the warehouse, for the end-of-run summary (read-only)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb


@dataclass(frozen=True, slots=True)
class WarehouseSummary:
    documents_loaded: int
    documents_quarantined: int
    mart_rows: dict[str, int]
    findings_by_severity: dict[str, int]
    quarantine_reasons: list[tuple[str, str]]


def _current_filter(con: duckdb.DuckDBPyConnection) -> str:
    """Only what is in the inbox now (history rows of superseded/withdrawn files are kept but not counted)."""
    has = con.execute(
        "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'raw' AND table_name = 'quarantine' "
        "AND column_name = 'is_current'"
    ).fetchall()[0][0]
    return "coalesce(is_current, true)" if has else "true"


def summarize(warehouse: Path) -> WarehouseSummary:
    """Counts of the current state (documents in the inbox now), rows per mart and findings."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return summary_of(con)


def summary_of(con: duckdb.DuckDBPyConnection) -> WarehouseSummary:
    """:func:`summarize` on an open connection to the warehouse."""
    current = _current_filter(con)
    loaded = con.execute(f"SELECT count(*) FROM raw.documents WHERE {current}").fetchall()[0][0]
    quarantined = con.execute(f"SELECT count(*) FROM raw.quarantine WHERE {current}").fetchall()[0][0]
    reasons = con.execute(
        f"SELECT source_file, reason_zh FROM raw.quarantine WHERE {current} ORDER BY source_file"
    ).fetchall()
    marts = [r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'marts' ORDER BY 1"
    ).fetchall()]
    rows = {m: con.execute(f'SELECT count(*) FROM marts."{m}"').fetchall()[0][0] for m in marts}
    findings: dict[str, int] = {}
    if "fct_check_result" in marts:
        findings = dict(con.execute(
            "SELECT severity, count(*) FROM marts.fct_check_result WHERE status = 'fail' GROUP BY 1"
        ).fetchall())
    return WarehouseSummary(loaded, quarantined, rows, findings, [(Path(f).name, r) for f, r in reasons])
