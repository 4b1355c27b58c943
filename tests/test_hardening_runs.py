"""Operational hardening (issue 18): a held write lock, per-warehouse state, history of distinct versions,
ENOSPC during load, the run log after a kill right after publishing — without Prefect or dbt (fast)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from flows.cli import main
from flows.nightly import RunOptions, preflight
from ingest.discover import scan
from tests.test_hardening_inbox import _load, _text, _write

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
