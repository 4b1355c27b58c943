"""Reliability, end to end through the real command: bad files mixed with good ones, kill -9 while parsing and
while dbt builds, a reader querying in a loop during a run. Each step is one `juesuan run` (economical: five runs,
three dbt builds)."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from tests.e2e_support import NARRATIVE, write_sample_docx

REPO = Path(__file__).resolve().parents[1]
NOISE = ("Traceback", "ERROR", "Error flushing", "telemetry", "database is locked")

# `juesuan run` in-process (--workers 0) with a parser that hangs on files named *slow*: a window to kill it in.
SLOW_DRIVER = """
import sys, time
import ingest.pipeline as p
_read = p.read_document
def _slow(path):
    if "slow" in path.name:
        time.sleep(300)
    return _read(path)
p.read_document = _slow
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


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}


def _run(inbox: Path, warehouse: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "flows.cli", "run", "--inbox", str(inbox), "--warehouse", str(warehouse), *extra],
        cwd=REPO, env=_env(), capture_output=True, text=True, timeout=400,
    )


def _start(args: list[str], out: Path) -> subprocess.Popen:
    return subprocess.Popen(
        args, cwd=REPO, env=_env(), stdout=out.open("w"), stderr=subprocess.STDOUT, start_new_session=True,
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

    # 2. kill -9 while parsing: the published warehouse is untouched and still answers
    write_sample_docx(inbox / "slow局2024年度部门决算.docx")
    log = tmp_path / "killed-parse.log"
    proc = _start([sys.executable, "-c", SLOW_DRIVER, "run", "--inbox", str(inbox), "--warehouse", str(warehouse),
                   "--workers", "0"], log)
    _kill_when(proc, log, "发现文件", delay=1.0)
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

    # 4. kill -9 during dbt build: untouched again; the rerun completes and records the killed run
    (inbox / "示例县测试局2024年度部门决算.docx").unlink()  # a withdrawal to publish
    log = tmp_path / "killed-dbt.log"
    proc = _start([sys.executable, "-m", "flows.cli", "run", "--inbox", str(inbox), "--warehouse", str(warehouse)],
                  log)
    try:
        _kill_when(proc, log, "dbt build", delay=2.0)
        assert _sha(warehouse) == good
        assert _current(warehouse)["示例县测试局2024年度部门决算.docx"] == "current"
        final = _run(inbox, warehouse)
    finally:
        with pytest.raises(ProcessLookupError):  # dbt, orphaned by the kill, is stopped too (its group)
            for _ in range(50):
                os.killpg(proc.pid, signal.SIGKILL)
                time.sleep(0.1)
    assert final.returncode == 0, final.stdout + final.stderr
    assert "示例县测试局2024年度部门决算.docx" not in _current(warehouse)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        withdrawn = con.execute(
            "select status from raw.documents where logical_key = '示例县测试局2024年度部门决算.docx'"
        ).fetchall()
        runs = con.execute("select status, files_seen from marts.pipeline_run order by started_at").fetchall()
    assert withdrawn == [("withdrawn",)]
    assert [s for s, _ in runs] == ["succeeded", "killed", "succeeded", "killed", "succeeded"]
