"""Executors: per-file timeout and crash isolation in worker processes; the parse stage on a local Dask cluster;
atomic publication with history and the run lock."""

from __future__ import annotations

import os
import time
from pathlib import Path

import duckdb
import pytest

from ingest.batch import ParseTask, parse_tasks
from ingest.catalog import MetricCatalog
from ingest.pipeline import FileLimits, ingest_file
from ingest.records import IngestResult
from tests.e2e_support import write_sample_docx
from warehouse.publish import DataLayout, RunLocked, history, prepare_build, publish, run_lock


def slow_or_crashing(path: Path, catalog: MetricCatalog, limits: FileLimits, sha: str | None) -> IngestResult:
    """A parse function for the tests: 'slow' files hang, 'crash' files kill their process."""
    if "slow" in path.name:
        time.sleep(60)
    if "crash" in path.name:
        os._exit(3)
    return ingest_file(path, catalog, limits, sha)


@pytest.fixture(scope="module")
def small_inbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    inbox = tmp_path_factory.mktemp("inbox")
    write_sample_docx(inbox / "示例县测试局2024年度部门决算.docx")
    write_sample_docx(inbox / "示例县另一局2024年度部门决算.docx")
    (inbox / "slow2024年度部门决算.txt").write_text("x", encoding="utf-8")
    (inbox / "crash2024年度部门决算.txt").write_text("x", encoding="utf-8")
    (inbox / "空.txt").write_bytes(b"")
    return inbox


def test_timeout_and_crash_cost_only_their_file(small_inbox: Path):
    tasks = [ParseTask(str(p)) for p in sorted(small_inbox.iterdir())]
    started = time.monotonic()
    results = parse_tasks(tasks, workers=2, limits=FileLimits(timeout_seconds=3), parse_fn=slow_or_crashing)
    assert time.monotonic() - started < 30
    by_name = {Path(r.source_file).name: r for r in results}
    assert [Path(r.source_file).name for r in results] == [Path(t.path).name for t in tasks]  # input order
    assert by_name["slow2024年度部门决算.txt"].quarantine.reason_code == "timeout"
    assert by_name["crash2024年度部门决算.txt"].quarantine.reason_code == "crashed"
    assert by_name["空.txt"].quarantine.reason_code == "empty"
    assert by_name["示例县测试局2024年度部门决算.docx"].document.department_name == "示例县测试局"
    assert by_name["示例县另一局2024年度部门决算.docx"].document is not None


def test_parse_on_a_local_dask_cluster_of_two_workers(small_inbox: Path):
    distributed = pytest.importorskip("distributed")
    tasks = [ParseTask(str(p)) for p in sorted(small_inbox.iterdir()) if "crash" not in p.name and "slow" not in p.name]
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=40,
    ) as cluster:
        results = parse_tasks(tasks, executor="dask", dask_address=cluster.scheduler_address,
                              limits=FileLimits(timeout_seconds=60))
    assert [r.source_file for r in results] == [t.path for t in tasks]  # paths of the inbox, not of the workers
    assert sum(1 for r in results if r.document and r.document.department_name == "示例县测试局") == 2
    assert [r.quarantine.reason_code for r in results if r.quarantine] == ["empty"]


def _warehouse_with(path: Path, value: int) -> None:
    with duckdb.connect(str(path)) as con:
        con.execute("create or replace table t as select ? as v", [value])


def _read(path: Path) -> int:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute("select v from t").fetchall()[0][0]


def test_publish_is_atomic_keeps_history_and_never_blocks_readers(tmp_path: Path):
    layout = DataLayout(tmp_path / "data" / "warehouse.duckdb")
    for run in range(1, 5):
        build = prepare_build(layout)
        if run == 1:
            assert not build.exists()
        else:
            assert _read(build) == run - 1  # a copy of the last good warehouse
        _warehouse_with(build, run)
        reader = duckdb.connect(str(layout.warehouse), read_only=True) if layout.warehouse.exists() else None
        publish(layout, build, keep=2)
        if reader is not None:  # a reader that was connected keeps its snapshot, and was never blocked
            assert reader.execute("select v from t").fetchall()[0][0] == run - 1
            reader.close()
        assert _read(layout.warehouse) == run
        time.sleep(0.01)
    assert [_read(p) for p in history(layout)] == [2, 3]
    # a failed run: its build is dropped by the next run, the warehouse is untouched
    failed = prepare_build(layout)
    _warehouse_with(failed, 99)
    fresh = prepare_build(layout)
    assert _read(fresh) == 4 and _read(layout.warehouse) == 4  # the failed build's 99 is gone


def test_one_run_at_a_time(tmp_path: Path):
    layout = DataLayout(tmp_path / "warehouse.duckdb")
    with run_lock(layout), pytest.raises(RunLocked), run_lock(layout):
        pass
    with run_lock(layout):  # released
        pass


def test_workers_prestarted_with_the_parser_imported_parse_as_in_process(small_inbox: Path):
    """A run starts the workers' forkserver before it scans, the parser imported in it (ingest/batch.py
    prestart_workers): workers forked from it parse exactly as the parser does in this process."""
    import multiprocessing as mp
    from multiprocessing import forkserver

    from ingest.batch import WORKER_PRELOAD, prestart_workers

    mp.get_context("forkserver").set_forkserver_preload(["__main__", "json"])  # someone else's preload: kept
    prestart_workers()
    server = forkserver._forkserver  # type: ignore[attr-defined]
    assert server._forkserver_pid is not None and "ingest.batch" in server._preload_modules
    assert "json" in server._preload_modules
    os.kill(server._forkserver_pid, 0)  # alive
    assert "ingest.batch" in WORKER_PRELOAD
    tasks = [ParseTask(str(p)) for p in sorted(small_inbox.glob("*.docx"))]
    in_workers = parse_tasks(tasks, workers=2)
    in_process = parse_tasks(tasks, workers=0)
    assert [r.document.document_id for r in in_workers] == [r.document.document_id for r in in_process]
    assert [len(r.facts) for r in in_workers] == [len(r.facts) for r in in_process]
    assert server._forkserver_pid is not None  # the same server served them
