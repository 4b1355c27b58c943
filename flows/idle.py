"""Preflight of a run, and the idle run: when nothing changed, record the run and stop.

A quiet night finds the same files, parser, dbt project, registry and review decisions as the run that built the
published warehouse. Such a run changes nothing, so :func:`idle_run` decides that from one cheap look — the scan
(hashes remembered by stat identity, ingest/discover.py), one read-only connection to the published warehouse and
one to the review store — and then only appends its record to the run log: no copy, no load, no build, no
publish. The published warehouse stays byte-identical; the run appears in ``juesuan runs`` at once and in
``marts.pipeline_run`` with the next published run (every run copies the whole log into the warehouse it builds).

Any doubt is not idle: the full run (flows/nightly.py) decides. This module imports neither polars, nor the
parsers, nor dbt or Prefect.
"""

from __future__ import annotations

import contextlib
import hashlib
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import duckdb

from flows.options import RunOptions
from ingest.cache import ResultCache, current_parser_fingerprint
from ingest.discover import InboxFile, read_hash_memo, scan, write_hash_memo
from warehouse.load_state import DocRow, read_document_rows
from warehouse.publish import LOCK_WAIT_SECONDS, DataLayout, RunLocked, WarehouseBusy, read_published, run_lock
from warehouse.review.inputs import bureau_fingerprint
from warehouse.review.registry import find_registry, read_registry
from warehouse.review.store import ReviewStore
from warehouse.runs import (
    RunRecord,
    append_record,
    dbt_fingerprint,
    findings_by_severity,
    last_success,
    now,
    published_run_ids,
    read_records,
    with_findings,
)
from warehouse.summary import WarehouseSummary, summary_of


@dataclass(frozen=True, slots=True)
class ScanState:
    """What the scan found, what the warehouse holds, and which files are unchanged since they were read."""

    files: list[InboxFile]
    rows: list[DocRow]
    unchanged: set[str]
    deferred: list[str]
    known_keys: set[str]  # logical keys current in the warehouse (documents and quarantined files)
    published: set[str] = field(default_factory=set)  # run ids the published warehouse records as succeeded
    hashed: int = 0  # files whose bytes the scan read (the others: stat identity unchanged since last hashed)


@dataclass(frozen=True, slots=True)
class PublishedState:
    """What one read-only look at the published warehouse tells a preflight."""

    rows: list[DocRow]
    quarantined: set[tuple[str, str]]  # current (logical_key, sha256)
    published: set[str]  # run ids recorded as succeeded
    bureau_fingerprint: str | None = None  # raw.bureau_inputs.fingerprint
    seen: dict[str, str] = field(default_factory=dict)  # finding → last_seen_run_id (marts.fct_check_result)
    findings: dict[str, int] | None = None
    summary: WarehouseSummary | None = None


@dataclass(frozen=True, slots=True)
class IdleRun:
    """A run that found nothing to do: its record (already in the run log) and the published warehouse's summary."""

    record: RunRecord
    summary: WarehouseSummary
    files_found: int


def _columns(con: duckdb.DuckDBPyConnection, schema: str) -> set[tuple[str, str]]:
    return {(t, c) for t, c in con.execute(
        "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = ?", [schema]
    ).fetchall()}


def read_published_state(warehouse: Path, wait_seconds: float = LOCK_WAIT_SECONDS) -> PublishedState:
    """The published warehouse's documents, current quarantine and succeeded runs, read-only.

    Waits briefly for a write lock someone holds, then raises :class:`WarehouseBusy`.
    """
    if not warehouse.exists():
        return PublishedState([], set(), set())
    with read_published(warehouse, wait_seconds) as con:
        return _published_state(con)


def _published_state(con: duckdb.DuckDBPyConnection) -> PublishedState:
    published = published_run_ids(con)
    raw = _columns(con, "raw")
    # a warehouse from before incremental runs: everything is re-planned
    rows = read_document_rows(con) if ("documents", "parser_fingerprint") in raw else []
    quarantined: set[tuple[str, str]] = set()
    if ("quarantine", "is_current") in raw:
        quarantined = {(k, s) for k, s in con.execute(
            "SELECT logical_key, file_sha256 FROM raw.quarantine WHERE is_current").fetchall()}
    return PublishedState(rows, quarantined, published)


def _idle_details(con: duckdb.DuckDBPyConnection, state: PublishedState) -> PublishedState:
    """What only an idle run needs: the bureau-inputs fingerprint, the findings' sightings, the summary."""
    bureau = None
    if ("bureau_inputs", "fingerprint") in _columns(con, "raw"):
        bureau = con.execute("SELECT any_value(fingerprint) FROM raw.bureau_inputs").fetchall()[0][0]
    seen: dict[str, str] = {}
    if ("fct_check_result", "last_seen_run_id") in _columns(con, "marts"):
        seen = dict(con.execute("SELECT finding_id, last_seen_run_id FROM marts.fct_check_result").fetchall())
    return replace(state, bureau_fingerprint=bureau, seen=seen, findings=findings_by_severity(con),
                   summary=summary_of(con))


def unchanged_keys(
    rows: list[DocRow], files: list[InboxFile], fingerprint: str,
    quarantined: set[tuple[str, str]] | None = None, cached: Callable[[str], bool] | None = None,
) -> set[str]:
    """Keys whose current document has the same bytes and was parsed by the same parser (pure).

    A file quarantined with the same bytes is unchanged too when this parser's verdict on it is cached
    (a new parser may read it); a link or special file quarantined as the same entry is unchanged (never read).
    """
    current = {r.logical_key: r for r in rows if r.is_current}
    still_bad = quarantined or set()
    return {
        f.logical_key for f in files
        if ((c := current.get(f.logical_key)) is not None and c.file_sha256 == f.sha256
            and c.parser_fingerprint == fingerprint)
        or ((f.logical_key, f.sha256) in still_bad
            and (f.kind != "regular" or (cached is not None and cached(f.sha256))))
    }


def keep_deferred(
    files: list[InboxFile], deferred: list[str], rows: list[DocRow], quarantined: set[tuple[str, str]], inbox: Path
) -> list[InboxFile]:
    """Files still being written keep their current state this run: listed with the bytes the warehouse has (pure).

    A deferred file the warehouse does not know yet is left out until it is complete.
    """
    known = {r.logical_key: r.file_sha256 for r in rows if r.is_current}
    known.update({k: s for k, s in quarantined if k not in known})
    kept = [InboxFile(k, str(inbox / k), known[k]) for k in deferred if k in known]
    return sorted([*files, *kept], key=lambda f: f.logical_key)


def withdrawal_refusal(known: set[str], found: set[str], max_share: float) -> str | None:
    """Why a run must not publish what this inbox would withdraw, or None (pure).

    ``known`` are the logical keys current in the published warehouse, ``found`` those in the inbox now.
    """
    if not known:
        return None
    lost = known - found
    if not found:
        return (f"收件箱为空，发布将撤回全部 {len(known)} 个文件 the inbox is empty: publishing would withdraw all "
                f"{len(known)} files (use --allow-withdraw if intended)")
    if len(lost) / len(known) > max_share:
        return (f"收件箱缺少上次的 {len(lost)}/{len(known)} 个文件（超过 {max_share:.0%}），拒绝撤回 "
                f"the inbox lost {len(lost)} of {len(known)} files since the last run (more than {max_share:.0%}); "
                f"refusing to withdraw them (use --allow-withdraw if intended)")
    return None


def inbox_missing(inbox: Path) -> str:
    return f"收件箱不存在或不是文件夹（未挂载？） inbox not found or not a folder (not mounted?): {inbox}"


def hash_memo_path(layout: DataLayout, inbox: Path) -> Path:
    """Where the scan of ``inbox`` remembers its hashes (in the shared cache: keyed by file path and stat)."""
    key = hashlib.sha256(str(inbox.resolve()).encode()).hexdigest()[:16]
    return layout.cache_dir / "scan" / f"{key}.json"


def scan_with(inbox: Path, layout: DataLayout, published: PublishedState, fingerprint: str,
              wait: bool = True) -> ScanState:
    """The inbox against what the warehouse holds (the hash memo read before and written after the scan);
    ``wait`` off: a file modified a moment ago is deferred (not idle) rather than waited for."""
    memo_file = hash_memo_path(layout, inbox)
    memo = read_hash_memo(memo_file)
    found = scan(inbox, memo=memo, wait=wait)
    if found.hashes != memo:
        with contextlib.suppress(OSError):  # a read-only or full cache: the next scan hashes again
            write_hash_memo(memo_file, found.hashes)
    rows, quarantined = published.rows, published.quarantined
    files = keep_deferred(found.files, found.deferred, rows, quarantined, inbox)
    cache = ResultCache(layout.cache_dir, fingerprint)
    unchanged = unchanged_keys(rows, files, fingerprint, quarantined, cache.has)
    unchanged |= set(found.deferred) & {f.logical_key for f in files}
    known = {r.logical_key for r in rows if r.is_current} | {k for k, _ in quarantined}
    return ScanState(files, rows, unchanged, found.deferred, known, published.published, found.hashed)


def scan_state(inbox: Path, warehouse: Path, fingerprint: str, lock_wait: float = LOCK_WAIT_SECONDS) -> ScanState:
    """The inbox's files, the warehouse's documents, and which files are unchanged since they were read."""
    published = read_published_state(warehouse, lock_wait)
    return scan_with(inbox, DataLayout(warehouse), published, fingerprint)


@dataclass(frozen=True, slots=True)
class Preflight:
    idle: bool
    refusal: str | None = None
    state: ScanState | None = None
    published: PublishedState | None = None
    why: str = ""  # what is not idle (for tests and the log)


def preflight_of(inbox: Path, warehouse: Path, options: RunOptions, parser_fp: str, dbt_fp: str) -> Preflight:
    """Whether a run would change nothing — same files (none deferred or withdrawn), same parser and dbt project as
    the last successful run, same registry file and review decisions as the published warehouse was built with,
    and the review store holds the published findings' sightings — and why a run must be refused before it
    starts (a missing or emptied inbox). Any doubt answers not idle."""
    if not inbox.is_dir():
        return Preflight(False, inbox_missing(inbox), why="inbox missing")
    if not warehouse.exists():
        return Preflight(False, why="no warehouse yet")
    layout = DataLayout(warehouse)
    if not layout.runs_log.exists():
        return Preflight(False, why="no run log")
    try:
        with read_published(warehouse, options.lock_wait) as con:
            published = _published_state(con)
            # a file written a moment ago is a change: deferred (not idle) at once, the full run's scan waits for it
            state = scan_with(inbox, layout, published, parser_fp, wait=False)
            refusal, why = _file_changes(state, options)
            if not why:  # only then is the rest worth reading
                published = _idle_details(con, published)
    except WarehouseBusy as exc:
        return Preflight(False, str(exc), why="warehouse busy")
    if why:
        return Preflight(False, refusal, state, published, why)
    builder = built_by(read_records(layout.runs_log, published=state.published), state.published)
    if builder is None or builder.dbt_fingerprint != dbt_fp or builder.parser_fingerprint != parser_fp:
        return Preflight(False, None, state, published, "parser or dbt project changed")
    review_fp, seen = ReviewStore.of(warehouse).idle_state()
    registry = read_registry(find_registry(warehouse, inbox, options.registry))
    if published.bureau_fingerprint != bureau_fingerprint(registry.sha256, review_fp):
        return Preflight(False, None, state, published, "registry or review decisions changed")
    if any(seen.get(f) != run for f, run in published.seen.items()):
        return Preflight(False, None, state, published, "sightings not recorded")
    return Preflight(True, None, state, published)


def _file_changes(state: ScanState, options: RunOptions) -> tuple[str | None, str]:
    """(refusal, what changed) of the scanned files against the published warehouse; (None, "") when nothing."""
    found = {f.logical_key for f in state.files}
    if not options.allow_withdraw and (refusal := withdrawal_refusal(state.known_keys, found,
                                                                     options.max_withdraw_share)):
        return refusal, "withdrawal refused"
    if not state.files or len(state.unchanged) != len(state.files) or state.deferred:
        return None, "files changed"
    if not {r.logical_key for r in state.rows if r.is_current} <= found:
        return None, "a file was withdrawn"
    return None, ""


def built_by(records: list[RunRecord], published: set[str]) -> RunRecord | None:
    """The run that published the warehouse: its last succeeded run that the warehouse itself records (pure).

    Idle runs after it are in the log only; a warehouse restored from history names its own builder."""
    return last_success([r for r in records if r.run_id in published])


def idle_run(inbox: Path, warehouse: Path, options: RunOptions) -> IdleRun | None:
    """Record a run that has nothing to do and return it; None when the run has something to do (or may: the
    full run decides, refusals included). Holds the warehouse's run lock while it looks."""
    if options.force or options.full_refresh:
        return None
    started, t0 = now(), time.monotonic()
    layout = DataLayout(warehouse)
    try:
        with run_lock(layout):
            parser_fp = current_parser_fingerprint(layout.cache_dir / "fingerprints")
            from warehouse.dbt import DBT_PROJECT_DIR

            dbt_fp = dbt_fingerprint(DBT_PROJECT_DIR)
            check = preflight_of(inbox, warehouse, options, parser_fp, dbt_fp)
            if not check.idle or check.state is None or check.published is None:
                return None
            state, published = check.state, check.published
            assert published.summary is not None
            record = RunRecord(
                run_id=uuid.uuid4().hex[:12], started_at=started, status="succeeded", inbox=str(inbox),
                executor=options.executor, files_seen=len(state.files), files_skipped=len(state.files),
                files_quarantined=published.summary.documents_quarantined, parser_fingerprint=parser_fp,
                dbt_fingerprint=dbt_fp,
            )
            record = replace(with_findings(record, published.findings), ended_at=now(),
                             publish_seconds=0.0, load_seconds=0.0)
            append_record(layout.runs_log, record)
            print(f"发现文件 found {len(state.files)} file(s) in {inbox}; 未变化 unchanged {len(state.unchanged)}; "
                  f"无需重建或发布 nothing to build or publish ({time.monotonic() - t0:.2f} s)", flush=True)
            return IdleRun(record, published.summary, len(state.files))
    except RunLocked:
        return None
    except Exception:  # any doubt is not idle: the full run meets the problem and reports it
        return None
