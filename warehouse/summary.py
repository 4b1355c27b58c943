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


def summarize(warehouse: Path) -> WarehouseSummary:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        loaded = con.execute("SELECT count(*) FROM raw.documents").fetchone()[0]
        quarantined = con.execute("SELECT count(*) FROM raw.quarantine").fetchone()[0]
        reasons = con.execute(
            "SELECT source_file, reason_zh FROM raw.quarantine ORDER BY source_file"
        ).fetchall()
        marts = [r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'marts' ORDER BY 1"
        ).fetchall()]
        rows = {m: con.execute(f'SELECT count(*) FROM marts."{m}"').fetchone()[0] for m in marts}
        findings: dict[str, int] = {}
        if "fct_check_result" in marts:
            findings = dict(con.execute(
                "SELECT severity, count(*) FROM marts.fct_check_result WHERE status = 'fail' GROUP BY 1"
            ).fetchall())
    return WarehouseSummary(loaded, quarantined, rows, findings, [(Path(f).name, r) for f, r in reasons])
