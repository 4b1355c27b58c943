"""Reliability, end to end through the real command: bad files mixed with good ones, kill -9 while parsing and
while the models build (incrementally), a reader querying in a loop during a run. Each step is one `juesuan run`
(economical: five runs, three builds). One kill is of a run tracked by Prefect (its temporary API must die with
it); the others are of plain runs, as `juesuan run` is by default."""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from tests.e2e_support import NARRATIVE, cli_env, juesuan_run, write_sample_docx

REPO = Path(__file__).resolve().parents[1]
NOISE = ("Traceback", "ERROR", "Error flushing", "telemetry", "database is locked")

# `juesuan run` that stops for good at one point (JUESUAN_TEST_HANG): a window to kill it in. The parse hook is
# preloaded into the forkserver, so the process pool's workers hang on files named *slow* (process executor).
HANG_MODULE = """
import os, sys, time

def hang(label):
    print(f"HANG {label}", flush=True)
    time.sleep(300)

if os.environ.get("JUESUAN_TEST_HANG") == "parse":
    import ingest.pipeline as p
    _read = p.read_document
    def _slow(path):
        if "slow" in path.name:
            hang("parse")
        return _read(path)
    p.read_document = _slow
"""

HANG_DRIVER = """
import multiprocessing.forkserver as fs, os, sys
import juesuan_hang  # on PYTHONPATH, so that the forkserver can preload it too
fs.set_forkserver_preload(["juesuan_hang"])
point = os.environ["JUESUAN_TEST_HANG"]
import flows.idle as idle
import flows.nightly as nightly
if point == "scan":  # the run's scan (the idle check's scans before it are let through)
    _scan, calls = idle.scan, []
    def _scan_then_hang(*a, **k):
        calls.append(1)
        if len(calls) > int(os.environ.get("JUESUAN_TEST_SCANS_BEFORE", "0")):
            juesuan_hang.hang("scan")
        return _scan(*a, **k)
    idle.scan = _scan_then_hang
elif point == "build":  # in the middle of the (incremental) build: half of the models are rebuilt
    import warehouse.build.runner as runner
    _execute, done = runner._execute, []
    def _slow_execute(run, node, what):
        _execute(run, node, what)
        done.append(node.name)
        if len(done) == 10:
            juesuan_hang.hang("build")
    runner._execute = _slow_execute
elif point == "load":
    nightly.apply_changes = lambda *a, **k: juesuan_hang.hang("load")
elif point == "publish":  # right after the build became the live warehouse
    _replace = os.replace
    def _replaced(src, dst, *a, **k):
        _replace(src, dst, *a, **k)
        if str(dst).endswith("warehouse.duckdb") and ".build" in str(src):
            juesuan_hang.hang("publish")
    os.replace = _replaced
from flows.cli import main
sys.exit(main(sys.argv[1:]))
"""

READER = """
import sys, time, duckdb
path, stop = sys.argv[1], sys.argv[2]
ok = errors = 0
import os
while not os.path.exists(stop):
    try:
        with duckdb.connect(path, read_only=True) as con:
            con.execute("select count(*) from marts.dim_document").fetchall()
            con.execute("select count(*) from marts.fct_disclosure_metric").fetchall()
        ok += 1
    except Exception as exc:
        errors += 1
        print("ERR", type(exc).__name__, exc, flush=True)
    time.sleep(0.02)
print("OK", ok, "ERRORS", errors, flush=True)
"""


def _run(inbox: Path, warehouse: Path, *extra: str) -> subprocess.CompletedProcess:
    return juesuan_run(inbox, warehouse, *extra, timeout=400)


def _start(args: list[str], out: Path) -> subprocess.Popen:
    return subprocess.Popen(
        args, cwd=REPO, env=cli_env(), stdout=out.open("w"), stderr=subprocess.STDOUT, start_new_session=True,
    )


def _kill_when(proc: subprocess.Popen, log: Path, marker: str, delay: float, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while marker not in log.read_text(encoding="utf-8", errors="replace"):
        assert proc.poll() is None, log.read_text()
        assert time.monotonic() < deadline, f"{marker!r} never appeared: {log.read_text()}"
        time.sleep(0.1)
    time.sleep(delay)
    assert proc.poll() is None, f"the run ended before it could be killed: {log.read_text()}"
    os.kill(proc.pid, signal.SIGKILL)  # the run's own process only: its children are orphaned, as in a crash
    proc.wait(timeout=30)


def _marked(test_id: str) -> list[str]:
    """Command lines of the processes whose environment carries this test's id (the run and all it started)."""
    needle = f"JUESUAN_TEST_ID={test_id}\0".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if needle in (entry / "environ").read_bytes():
                    found.append((entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace"))
            except OSError:
                continue
    return found


def _kill_at(point: str, inbox: Path, warehouse: Path, tmp_path: Path, *extra: str, delay: float = 0.5) -> None:
    """Start a run that hangs at ``point``, kill -9 its own process only, and require that nothing it started
    outlives it (Prefect's temporary server when tracked, the forkserver and its workers, a dbt compilation)."""
    hooks = tmp_path / "hooks"
    hooks.mkdir(exist_ok=True)
    (hooks / "juesuan_hang.py").write_text(HANG_MODULE, encoding="utf-8")
    test_id = f"{point}-{os.getpid()}-{time.monotonic_ns()}"
    path = os.pathsep.join(p for p in (str(hooks), os.environ.get("PYTHONPATH", "")) if p)
    env = {**cli_env(), "JUESUAN_TEST_HANG": point, "PYTHONPATH": path, "JUESUAN_TEST_ID": test_id,
           # the idle check scans first when there is a warehouse; a tracked run scans once more before Prefect
           "JUESUAN_TEST_SCANS_BEFORE": str(int(warehouse.exists()) + int("--prefect" in extra))}
    log = tmp_path / f"killed-{point}.log"
    proc = subprocess.Popen(
        [sys.executable, "-c", HANG_DRIVER, "run", "--inbox", str(inbox), "--warehouse", str(warehouse), *extra],
        cwd=REPO, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        _kill_when(proc, log, f"HANG {point}", delay=delay)
        deadline = time.monotonic() + 20
        while (left := _marked(test_id)) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not left, f"orphans after kill -9 at {point}: {left}"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _current(warehouse: Path) -> dict[str, str]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return dict(con.execute(
            "select logical_key, status from raw.documents where is_current "
            "union all select logical_key, 'quarantined:' || reason_code from raw.quarantine where is_current"
        ).fetchall())


def _bad_files(inbox: Path) -> None:
    fpdf = pytest.importorskip("fpdf")
    from PIL import Image

    (inbox / "损坏局2024年度部门决算.pdf").write_bytes(b"%PDF-1.4\n" + b"\x00garbage" * 50)
    (inbox / "空文件局2024年度部门决算.txt").write_bytes(b"")
    doc = fpdf.FPDF()
    doc.set_encryption(owner_password="owner", user_password="secret")
    doc.add_page()
    doc.set_font("Helvetica", size=12)
    doc.text(20, 20, "confidential")
    doc.output(str(inbox / "加密局2024年度部门决算.pdf"))
    img = inbox.parent / "scan.png"
    Image.new("RGB", (100, 140), (240, 240, 240)).save(img)
    scan = fpdf.FPDF()
    scan.add_page()
    scan.image(str(img), x=10, y=10, w=180)
    scan.output(str(inbox / "扫描件局2024年度部门决算.pdf"))
    good = write_sample_docx(inbox.parent / "full.docx").read_bytes()
    (inbox / "截断局2024年度部门决算.docx").write_bytes(good[: len(good) // 2])
    with (inbox / "超大局2024年度部门决算.txt").open("wb") as fh:  # sparse: 201 MB, over the 200 MB limit
        fh.truncate(201 * 1024 * 1024)


def test_bad_files_kills_and_a_reader_in_a_loop(tmp_path: Path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    write_sample_docx(inbox / "示例县测试局2024年度部门决算.docx")
    (inbox / "示例县国标编码局2024年度部门决算.tika.txt").write_bytes(
        "\n".join(["示例县国标编码局2024年度部门决算", *NARRATIVE[1:]]).encode("gbk")
    )
    _bad_files(inbox)
    warehouse = tmp_path / "data" / "warehouse.duckdb"

    # 1. a clean first run: good files loaded, every bad one quarantined with its reason
    first = _run(inbox, warehouse)
    out = first.stdout + first.stderr
    assert first.returncode == 0, out
    assert not any(n in out for n in NOISE), out
    state = _current(warehouse)
    assert state["示例县测试局2024年度部门决算.docx"] == "current"
    assert state["示例县国标编码局2024年度部门决算.tika.txt"] == "current"
    reasons = {k: v.split(":", 1)[1] for k, v in state.items() if v.startswith("quarantined")}
    assert reasons["加密局2024年度部门决算.pdf"] == "encrypted"
    assert reasons["空文件局2024年度部门决算.txt"] == "empty"
    assert reasons["扫描件局2024年度部门决算.pdf"] == "needs_ocr"
    assert reasons["超大局2024年度部门决算.txt"] == "too_large"
    assert reasons["截断局2024年度部门决算.docx"] == "corrupt"
    assert "损坏局2024年度部门决算.pdf" in reasons
    good = _sha(warehouse)

    # 2. kill -9 while the process pool parses, in a run tracked by Prefect: the published warehouse is untouched,
    # nothing is left running (Prefect's temporary server, the forkserver and its worker)
    write_sample_docx(inbox / "slow局2024年度部门决算.docx")
    _kill_at("parse", inbox, warehouse, tmp_path, "--workers", "1", "--prefect")
    assert _sha(warehouse) == good and "slow局2024年度部门决算.docx" not in _current(warehouse)

    # 3. the rerun completes while a reader queries in a loop: never an error, never a partial state
    stop = tmp_path / "stop-reader"
    reader_log = tmp_path / "reader.log"
    reader = _start([sys.executable, "-c", READER, str(warehouse), str(stop)], reader_log)
    try:
        rerun = _run(inbox, warehouse)
    finally:
        stop.touch()
        reader.wait(timeout=60)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert _current(warehouse)["slow局2024年度部门决算.docx"] == "current"
    summary = reader_log.read_text()
    assert "ERR" not in summary.replace("ERRORS 0", ""), summary
    assert int(summary.split("OK ")[1].split()[0]) > 10, summary
    good = _sha(warehouse)

    # 4. kill -9 in the middle of the incremental build, during the scan and during the load: untouched each
    # time, no orphan
    (inbox / "示例县测试局2024年度部门决算.docx").unlink()  # a withdrawal to publish
    _kill_at("build", inbox, warehouse, tmp_path)
    for point in ("scan", "load"):
        _kill_at(point, inbox, warehouse, tmp_path)
    assert _sha(warehouse) == good
    assert _current(warehouse)["示例县测试局2024年度部门决算.docx"] == "current"

    # 5. kill -9 right after os.replace: the new warehouse is live; the next (idle) run records it as published
    _kill_at("publish", inbox, warehouse, tmp_path)
    assert _sha(warehouse) != good
    assert "示例县测试局2024年度部门决算.docx" not in _current(warehouse)
    # nothing was lost to the kills: what the incremental build published is what a full build of its data gives
    from warehouse.build.verify import full_rebuild_differences

    assert full_rebuild_differences(warehouse, tmp_path) == []
    idle = _run(inbox, warehouse)
    assert idle.returncode == 0 and "dbt skipped" in idle.stdout, idle.stdout + idle.stderr
    with duckdb.connect(str(warehouse), read_only=True) as con:
        withdrawn = con.execute(
            "select status from raw.documents where logical_key = '示例县测试局2024年度部门决算.docx'"
        ).fetchall()
        runs = con.execute("select status, files_seen from marts.pipeline_run order by started_at").fetchall()
    assert withdrawn == [("withdrawn",)]
    statuses = [s for s, _ in runs]
    assert statuses == ["succeeded", "killed", "succeeded", "killed", "killed", "killed", "succeeded", "succeeded"]
    assert runs[6][1] > 0  # the run killed after publishing keeps its counts ("seen 0" before)
