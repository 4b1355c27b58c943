"""Operational hardening (issue 18): a held write lock, per-warehouse state, history of distinct versions,
ENOSPC during load, the run log after a kill right after publishing — without Prefect or dbt (fast)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from flows.cli import main
from flows.nightly import preflight, run_consolidation
from flows.options import RunOptions
from ingest.batch import parse_inbox
from ingest.cache import ResultCache, parser_fingerprint
from ingest.discover import scan
from ingest.pipeline import PARSER_VERSION
from tests.test_hardening_inbox import _load, _text, _write
from warehouse.publish import DataLayout, history, prepare_build, publish, restore, run_lock
from warehouse.runs import RunRecord, adopt_legacy_log, append_record, read_records

HOLDER = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])  # read-write: what the DuckDB CLI does by default
con.execute("SELECT 1").fetchall()
print("held", flush=True)
time.sleep(float(sys.argv[2]))
con.close()
print("released", flush=True)
"""


def _published(tmp_path: Path) -> tuple[Path, Path]:
    inbox, warehouse = tmp_path / "inbox", tmp_path / "data" / "warehouse.duckdb"
    inbox.mkdir()
    warehouse.parent.mkdir()
    for dept in ("甲局", "乙局"):
        _write(inbox / f"示例县{dept}2024年度部门决算.txt", _text(dept))
    _load(warehouse, scan(inbox).files, inbox)
    return inbox, warehouse


def _hold(warehouse: Path, seconds: float) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(warehouse), str(seconds)], stdout=subprocess.PIPE,
                            text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    return proc


def test_a_held_write_lock_is_waited_for_then_refused(tmp_path: Path, capsys):
    inbox, warehouse = _published(tmp_path)
    published = warehouse.read_bytes()
    holder = _hold(warehouse, 30)
    try:
        started = time.monotonic()
        assert main(["run", "--inbox", str(inbox), "--warehouse", str(warehouse), "--workers", "0",
                     "--lock-wait", "0.6"]) == 2
        assert 0.5 <= time.monotonic() - started < 10
        err = capsys.readouterr().err
        assert "数据仓库被其他程序以读写方式占用" in err and "held open read-write" in err, err
        assert "Traceback" not in err and "IOException" not in err
    finally:
        holder.kill()
        holder.wait()
    assert warehouse.read_bytes() == published
    holder = _hold(warehouse, 0.5)  # released while the run waits: the run goes on
    try:
        assert preflight(inbox, warehouse, RunOptions(workers=0, lock_wait=15)) == (False, None)
    finally:
        holder.wait(timeout=30)


def _version(path: Path, value: int) -> None:
    with duckdb.connect(str(path)) as con:
        con.execute("create or replace table t as select ? as v", [value])


def _value(path: Path) -> int:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute("select v from t").fetchall()[0][0]


def _publish(layout: DataLayout, value: int, keep: int = 5, archive: bool = True) -> None:
    build = prepare_build(layout)
    _version(build, value)
    publish(layout, build, keep=keep, archive_previous=archive)
    time.sleep(0.01)  # distinct history stamps


def test_two_warehouses_in_one_folder_are_independent(tmp_path: Path, capsys):
    a, b = DataLayout(tmp_path / "county_a.duckdb"), DataLayout(tmp_path / "county_b.duckdb")
    assert len({a.lock_file, b.lock_file}) == len({a.build_dir, b.build_dir}) == 2
    assert len({a.runs_log, b.runs_log}) == len({a.dbt_dir, b.dbt_dir}) == 2
    with run_lock(a), run_lock(b):  # one run per warehouse, not per folder
        pass
    for value in (1, 2, 3):
        _publish(a, value, keep=2)
    for value in (10, 20):
        _publish(b, value, keep=2)
    assert [_value(p) for p in history(a)] == [1, 2] and [_value(p) for p in history(b)] == [10]
    _publish(a, 4, keep=2)  # pruning A counts only A's entries
    assert [_value(p) for p in history(a)] == [2, 3] and [_value(p) for p in history(b)] == [10]
    with pytest.raises(ValueError, match="not a history entry"):
        restore(a, history(b)[0])
    assert main(["history", "--warehouse", str(a.warehouse), "--restore", history(b)[0].name]) == 2
    assert "没有这个历史版本" in capsys.readouterr().err
    assert _value(a.warehouse) == 4 and _value(b.warehouse) == 20  # county B never went into A
    assert main(["history", "--warehouse", str(a.warehouse), "--restore", history(a)[0].name]) == 0
    assert _value(a.warehouse) == 2


def test_legacy_shared_run_log_is_split_by_what_each_warehouse_carries(tmp_path: Path):
    legacy = tmp_path / "runs" / "runs.jsonl"
    start = datetime(2025, 1, 1, tzinfo=UTC)
    for run_id in ("a1", "b1", "a2"):
        append_record(legacy, RunRecord(run_id, start, "succeeded"))
    own = DataLayout(tmp_path / "a.duckdb").runs_log
    assert adopt_legacy_log(legacy, own, {"a1", "a2"}) == 2
    assert [r.run_id for r in read_records(own)] == ["a1", "a2"]
    assert adopt_legacy_log(legacy, own, {"a1", "a2"}) == 0  # once


def test_idle_runs_keep_history_of_distinct_versions(tmp_path: Path):
    layout = DataLayout(tmp_path / "warehouse.duckdb")
    _publish(layout, 1)
    _publish(layout, 2)  # a change: version 1 goes to history
    for _ in range(6):  # six quiet nights: same data, only the run record is new
        _publish(layout, 2, keep=5, archive=False)
    assert [_value(p) for p in history(layout)] == [1]  # the pre-change version is still there
    _publish(layout, 3)
    assert [_value(p) for p in history(layout)] == [1, 2]


def test_run_killed_right_after_publishing_is_recorded_as_published(tmp_path: Path):
    log = tmp_path / "runs.jsonl"
    start = datetime(2025, 1, 1, tzinfo=UTC)
    append_record(log, RunRecord("live", start, "running"))
    append_record(log, RunRecord("live", start, "publishing", files_seen=7))  # then kill -9 after os.replace
    append_record(log, RunRecord("lost", start.replace(day=2), "running"))
    append_record(log, RunRecord("lost", start.replace(day=2), "publishing", files_seen=7))  # killed before it
    records = {r.run_id: r for r in read_records(log, published={"live"})}
    assert (records["live"].status, records["live"].files_seen) == ("succeeded", 7)
    assert records["lost"].status == "killed"


def _tmpfs(path: Path, size: str) -> bool:
    path.mkdir(parents=True, exist_ok=True)
    return subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                          capture_output=True).returncode == 0


def test_disk_full_during_load_gives_a_clear_reason(tmp_path: Path):
    inbox, data = tmp_path / "inbox", tmp_path / "data"
    if os.geteuid() != 0 or not _tmpfs(data, "32m"):
        pytest.skip("needs root to mount a small tmpfs (disk-full simulation)")
    try:
        inbox.mkdir()
        warehouse = data / "warehouse.duckdb"
        for i in range(3):
            _write(inbox / f"示例县{i}号局2024年度部门决算.txt", _text(f"{i}号局"))
        _load(warehouse, scan(inbox).files, inbox)
        published = warehouse.read_bytes()
        for i in range(3, 60):  # enough new text that the build cannot take it
            _write(inbox / f"示例县{i}号局2024年度部门决算.txt", _text(f"{i}号局") * 20)
        layout = DataLayout(warehouse)  # parse results cached and files archived: the run writes only its build
        parse_inbox(scan(inbox).files, set(), ResultCache(layout.cache_dir, parser_fingerprint(PARSER_VERSION)),
                    layout.archive_dir, workers=0)
        free = os.statvfs(data).f_bavail * os.statvfs(data).f_frsize
        (data / "filler").write_bytes(b"\0" * max(0, free - len(published) - 64 * 1024))
        report = run_consolidation(inbox, warehouse, RunOptions(workers=0), tracked=False)
        assert not report.ok
        assert "IOException" in report.reason or "Error" in report.reason
        assert "磁盘空间不足 no space left on device" in report.reason, report.reason
        assert "no transaction is active" not in report.reason
        assert warehouse.read_bytes() == published
    finally:
        subprocess.run(["umount", str(data)], check=False)
