"""Run history: an append-only JSON-lines log per warehouse under data/runs/ and the raw.pipeline_runs table.

Every run appends a ``running`` record when it starts, a ``publishing`` record (with its final counts) just
before it swaps its build in, and a final record when it ends (``succeeded`` or ``failed`` with the reason).
A run that was killed never writes its final record; the next run finds it: a ``running`` run is ``killed``; a
``publishing`` run is ``succeeded`` when the published warehouse carries its succeeded record (it was killed
after ``os.replace``) and ``killed`` otherwise. The log lives outside the warehouse so failed and killed runs are
kept too: each published warehouse carries the whole log in raw.pipeline_runs (marts.pipeline_run reads it).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, fields, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

if TYPE_CHECKING:
    import pyarrow as pa

KILLED_REASON = "运行未正常结束（进程被终止或崩溃） / run ended before finishing (killed or crashed)"


@dataclass(frozen=True, slots=True)
class RunRecord:
    run_id: str
    started_at: datetime
    status: str  # running | publishing | succeeded | failed | killed
    ended_at: datetime | None = None
    reason: str | None = None
    inbox: str | None = None
    executor: str | None = None
    files_seen: int = 0
    files_parsed: int = 0
    files_skipped: int = 0
    files_cached: int = 0
    files_quarantined: int = 0
    files_withdrawn: int = 0
    documents_added: int = 0
    documents_superseded: int = 0
    findings_error: int | None = None
    findings_warning: int | None = None
    findings_info: int | None = None
    findings_total: int | None = None
    parse_seconds: float = 0.0
    load_seconds: float = 0.0
    dbt_seconds: float = 0.0
    publish_seconds: float = 0.0
    dbt_built: bool = False
    parser_fingerprint: str | None = None
    dbt_fingerprint: str | None = None


def _encode(rec: RunRecord) -> str:
    data = asdict(rec)
    for key in ("started_at", "ended_at"):
        if data[key] is not None:
            data[key] = data[key].isoformat()
    return json.dumps(data, ensure_ascii=False)


def _decode(line: str) -> RunRecord | None:
    try:
        data = json.loads(line)
        known = {f.name for f in fields(RunRecord)}
        data = {k: v for k, v in data.items() if k in known}
        for key in ("started_at", "ended_at"):
            if data.get(key):
                data[key] = datetime.fromisoformat(data[key])
        return RunRecord(**data)
    except (ValueError, TypeError):
        return None  # a torn last line from a killed run


def append_record_best_effort(log: Path, rec: RunRecord) -> bool:
    """:func:`append_record` on a failure path: a full or read-only disk must not hide the run's own reason."""
    try:
        append_record(log, rec)
    except OSError:
        return False
    return True


def adopt_legacy_log(legacy: Path, own: Path, run_ids: set[str]) -> int:
    """Start a per-warehouse log from a log shared by the warehouses of one folder (older layout): the records of
    runs this warehouse carries in raw.pipeline_runs (``run_ids``) are its own. Returns how many were adopted."""
    if own.exists() or not legacy.exists() or not run_ids:
        return 0
    lines = [ln for ln in legacy.read_text(encoding="utf-8").splitlines()
             if ln.strip() and (rec := _decode(ln)) is not None and rec.run_id in run_ids]
    if not lines:
        return 0
    own.parent.mkdir(parents=True, exist_ok=True)
    tmp = own.with_name(f".{own.name}.{os.getpid()}.tmp")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    os.replace(tmp, own)
    return len(lines)


def append_record(log: Path, rec: RunRecord) -> None:
    log.parent.mkdir(parents=True, exist_ok=True)
    torn = False
    if log.exists() and log.stat().st_size:
        with log.open("rb") as fh:
            fh.seek(-1, os.SEEK_END)
            torn = fh.read(1) != b"\n"  # a killed writer's partial line: start a fresh one
    with log.open("a", encoding="utf-8") as fh:
        fh.write(("\n" if torn else "") + _encode(rec) + "\n")
        fh.flush()
        os.fsync(fh.fileno())


def read_records(
    log: Path, active_run_id: str | None = None, published: set[str] | None = None
) -> list[RunRecord]:
    """The last record of every run, oldest first; unfinished runs other than the active one are 'killed'.

    ``published`` are the run ids the published warehouse records as succeeded: a run that was killed while
    publishing is ``succeeded`` when its warehouse went live (killed right after ``os.replace``).
    """
    if not log.exists():
        return []
    latest: dict[str, RunRecord] = {}
    for line in log.read_text(encoding="utf-8").splitlines():
        rec = _decode(line) if line.strip() else None
        if rec is not None:
            latest[rec.run_id] = rec
    out = []
    for rec in sorted(latest.values(), key=lambda r: r.started_at):
        if rec.status == "publishing" and rec.run_id != active_run_id and rec.run_id in (published or set()):
            rec = replace(rec, status="succeeded")
        elif rec.status in ("running", "publishing") and rec.run_id != active_run_id:
            rec = replace(rec, status="killed", reason=KILLED_REASON)
        out.append(rec)
    return out


def published_run_ids(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Run ids a warehouse records as succeeded in raw.pipeline_runs (empty before any run)."""
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'raw' AND table_name = 'pipeline_runs'"
    ).fetchall()[0][0]
    if not exists:
        return set()
    return {r[0] for r in con.execute("SELECT run_id FROM raw.pipeline_runs WHERE status = 'succeeded'").fetchall()}


def last_success(records: list[RunRecord]) -> RunRecord | None:
    ok = [r for r in records if r.status == "succeeded"]
    return ok[-1] if ok else None


def now() -> datetime:
    return datetime.now(UTC)


def write_runs(con: duckdb.DuckDBPyConnection, records: list[RunRecord]) -> None:
    """Upsert run records into raw.pipeline_runs (the table must exist)."""
    if not records:
        return
    import pyarrow as pa  # here, not at import: an idle run never writes the warehouse

    rows = [asdict(r) for r in records]
    frame = pa.Table.from_pylist(rows, schema=pa.schema(list(_types().items())))
    con.register("runs_in", frame)
    con.execute("DELETE FROM raw.pipeline_runs WHERE run_id IN (SELECT run_id FROM runs_in)")
    con.execute("INSERT INTO raw.pipeline_runs BY NAME SELECT * FROM runs_in")
    con.unregister("runs_in")


def _types() -> dict[str, pa.DataType]:
    import pyarrow as pa

    types: dict[str, pa.DataType] = {}
    for f in fields(RunRecord):
        t = str(f.type)
        if f.name in ("started_at", "ended_at"):
            types[f.name] = pa.timestamp("us", tz="UTC")
        elif t.startswith("int"):
            types[f.name] = pa.int32()
        elif t.startswith("float"):
            types[f.name] = pa.float64()
        elif t.startswith("bool"):
            types[f.name] = pa.bool_()
        else:
            types[f.name] = pa.string()
    return types


def findings_by_severity(con: duckdb.DuckDBPyConnection) -> dict[str, int] | None:
    """Failed checks by severity from marts.fct_check_result, or None when that mart does not exist."""
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables "
        "WHERE table_schema = 'marts' AND table_name = 'fct_check_result'"
    ).fetchall()[0][0]
    if not exists:
        return None
    return dict(con.execute(
        "SELECT severity, count(*) FROM marts.fct_check_result WHERE status = 'fail' GROUP BY 1"
    ).fetchall())


def with_findings(rec: RunRecord, findings: dict[str, int] | None) -> RunRecord:
    if findings is None:
        return rec
    return replace(
        rec, findings_error=findings.get("error", 0), findings_warning=findings.get("warning", 0),
        findings_info=findings.get("info", 0), findings_total=sum(findings.values()),
    )


def dbt_fingerprint(project_dir: Path) -> str:
    """A hash of the dbt project (models, seeds, macros, tests, config): a change forces a dbt build."""
    digest = hashlib.sha256()
    for sub in ("models", "seeds", "macros", "tests", "snapshots", "analyses"):
        for path in sorted((project_dir / sub).rglob("*")):
            if path.is_file():
                digest.update(path.relative_to(project_dir).as_posix().encode())
                digest.update(path.read_bytes())
    for name in ("dbt_project.yml", "packages.yml"):
        if (project_dir / name).exists():
            digest.update((project_dir / name).read_bytes())
    return digest.hexdigest()[:16]
