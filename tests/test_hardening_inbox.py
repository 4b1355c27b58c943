"""Hostile or unlucky inboxes (issue 18): links and special files, files still being written, ``..`` names,
UTF-16/32 text, and an inbox that vanished or lost files — without Prefect or dbt (fast)."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import duckdb
import pytest

from flows.cli import main
from flows.nightly import run_consolidation, scan_state, withdrawal_refusal
from flows.options import RunOptions
from ingest.batch import parse_inbox
from ingest.cache import ResultCache
from ingest.discover import scan, walk_inbox
from ingest.pipeline import ingest_file
from tests.e2e_support import NARRATIVE
from warehouse.load import apply_changes, ensure_raw_schema, plan_changes, read_document_rows
from warehouse.publish import DataLayout

FP = "fp-test"


def _text(dept: str) -> bytes:
    return "\n".join([f"示例县{dept}2024年度部门决算", *NARRATIVE[1:]]).encode("utf-8")


def _old(path: Path) -> Path:
    """Backdate a file: written long enough ago (no settle wait in the scan)."""
    os.utime(path, (time.time() - 60, time.time() - 60))
    return path


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return _old(path)


def test_links_and_special_files_are_quarantined_never_read(tmp_path: Path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_bytes(_text("机密局"))
    _write(inbox / "示例县正常局2024年度部门决算.txt", _text("正常局"))
    (inbox / "示例县链接局2024年度部门决算.txt").symlink_to(secret)
    (inbox / "folder-link").symlink_to(tmp_path, target_is_directory=True)  # a link to a folder: not walked
    os.mkfifo(inbox / "示例县管道局2024年度部门决算.txt")  # opening it would block the run forever
    kinds = {e.path.name: e.kind for e in walk_inbox(inbox)}
    assert kinds == {"示例县正常局2024年度部门决算.txt": "regular", "示例县链接局2024年度部门决算.txt": "symlink",
                     "folder-link": "symlink", "示例县管道局2024年度部门决算.txt": "special"}
    found = scan(inbox)
    assert len(found.files) == 4 and not found.deferred
    outcome = parse_inbox(found.files, set(), ResultCache(tmp_path / "cache", FP), tmp_path / "archive", workers=0)
    codes = {k: (r.quarantine.reason_code, r.quarantine.reason_zh) if r.quarantine else "loaded"
             for k, r in outcome.results.items()}
    assert codes["示例县正常局2024年度部门决算.txt"] == "loaded"
    assert codes["示例县链接局2024年度部门决算.txt"][0] == "symlink" and "链接文件" in codes[
        "示例县链接局2024年度部门决算.txt"][1]
    assert codes["folder-link"][0] == "symlink"
    assert codes["示例县管道局2024年度部门决算.txt"][0] == "not_regular_file"
    archived = [p for p in (tmp_path / "archive").rglob("*") if p.is_file()]
    assert len(archived) == 1  # only the regular file; the link's target was never copied
    assert all(b"\xe6\x9c\xba\xe5\xaf\x86" not in p.read_bytes() for p in archived)  # "机密" nowhere


def test_dotdot_names_are_read_hidden_files_skipped(tmp_path: Path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    _write(inbox / "..\\..\\示例县点点局2024年度部门决算.txt", _text("点点局"))
    _write(inbox / "..示例县前缀局2024年度部门决算.txt", _text("前缀局"))
    _write(inbox / ".~lock.x.txt#", b"lock")
    _write(inbox / "~$临时.docx", b"tmp")
    keys = [f.logical_key for f in scan(inbox).files]
    assert keys == ["..\\..\\示例县点点局2024年度部门决算.txt", "..示例县前缀局2024年度部门决算.txt"]


def test_a_file_being_written_is_deferred(tmp_path: Path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    _write(inbox / "示例县完整局2024年度部门决算.txt", _text("完整局"))
    growing = inbox / "示例县写入局2024年度部门决算.txt"
    data = _text("写入局")
    growing.write_bytes(data[: len(data) // 2])  # a partially written file, written just now

    def finish() -> None:
        time.sleep(0.3)
        with growing.open("ab") as fh:
            fh.write(data[len(data) // 2:])

    writer = threading.Thread(target=finish)
    writer.start()
    found = scan(inbox, settle_seconds=1.0)
    writer.join()
    assert [f.logical_key for f in found.files] == ["示例县完整局2024年度部门决算.txt"]
    assert found.deferred == ["示例县写入局2024年度部门决算.txt"]
    _old(growing)
    assert len(scan(inbox).files) == 2  # complete and quiet: read next run


def test_deferred_file_keeps_its_current_document(tmp_path: Path):
    inbox, warehouse = tmp_path / "inbox", tmp_path / "data" / "warehouse.duckdb"
    inbox.mkdir()
    warehouse.parent.mkdir()
    path = _write(inbox / "示例县写入局2024年度部门决算.txt", _text("写入局"))
    first = scan(inbox)
    _load(warehouse, first.files, inbox)
    path.write_bytes(_text("写入局")[:40])  # being rewritten right now: it grows during the scan
    writer = threading.Timer(0.3, lambda: path.write_bytes(_text("写入局")[:80]))
    writer.start()
    state = scan_state(inbox, warehouse, FP)
    writer.join()
    assert state.deferred == ["示例县写入局2024年度部门决算.txt"]
    assert [f.sha256 for f in state.files] == [first.files[0].sha256]  # the current bytes: nothing withdrawn
    assert state.unchanged == {"示例县写入局2024年度部门决算.txt"}


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"])
def test_utf16_and_utf32_text_is_read(tmp_path: Path, encoding: str):
    path = tmp_path / "示例县宽字节局2024年度部门决算.txt"
    path.write_bytes(_text("宽字节局").decode("utf-8").encode(encoding))
    result = ingest_file(path)
    assert result.quarantine is None, result.quarantine
    assert result.document is not None and result.document.department_name == "示例县宽字节局"
    assert any("150.25" in b.text for b in result.blocks)


def _load(warehouse: Path, files, inbox: Path) -> None:
    results = parse_inbox(files, set(), ResultCache(warehouse.parent / "cache", FP), workers=0).results
    with duckdb.connect(str(warehouse)) as con:
        ensure_raw_schema(con)
        apply_changes(con, plan_changes(read_document_rows(con), files, results, FP), "r1", FP)


def test_withdrawal_rule():
    known = {f"f{i}" for i in range(10)}
    assert withdrawal_refusal(set(), set(), 0.2) is None  # a first run
    assert "收件箱为空" in withdrawal_refusal(known, set(), 0.2) and "--allow-withdraw" in withdrawal_refusal(
        known, set(), 0.2)
    assert withdrawal_refusal(known, known - {"f0", "f1"}, 0.2) is None  # 20 % is still allowed
    assert "3/10" in withdrawal_refusal(known, known - {"f0", "f1", "f2"}, 0.2)
    assert withdrawal_refusal(known, known - {"f0", "f1", "f2"}, 0.5) is None
    assert withdrawal_refusal(known, {"new"} | known - {"f0"}, 0.2) is None


def test_a_vanished_or_emptied_inbox_never_publishes(tmp_path: Path, capsys):
    inbox, warehouse = tmp_path / "inbox", tmp_path / "data" / "warehouse.duckdb"
    inbox.mkdir()
    warehouse.parent.mkdir()
    for dept in ("甲局", "乙局", "丙局", "丁局"):
        _write(inbox / f"示例县{dept}2024年度部门决算.txt", _text(dept))
    _load(warehouse, scan(inbox).files, inbox)
    published = warehouse.read_bytes()
    options = RunOptions(workers=0)
    for name in list(os.listdir(inbox))[:2]:  # half of the files gone (> 20 %)
        (inbox / name).unlink()
    report = run_consolidation(inbox, warehouse, options, tracked=False)
    assert not report.ok and "2/4" in report.reason and "refusing to withdraw" in report.reason
    for name in os.listdir(inbox):
        (inbox / name).unlink()
    report = run_consolidation(inbox, warehouse, options, tracked=False)
    assert not report.ok and "收件箱为空" in report.reason
    inbox.rmdir()
    report = run_consolidation(inbox, warehouse, options, tracked=False)  # the served flow: no CLI check first
    assert not report.ok and "收件箱不存在" in report.reason and "not mounted" in report.reason
    assert warehouse.read_bytes() == published  # nothing was published
    assert not DataLayout(warehouse).history_dir.exists()
    assert main(["run", "--inbox", str(inbox), "--warehouse", str(warehouse), "--workers", "0"]) == 2
    assert "收件箱不存在" in capsys.readouterr().err
    inbox.mkdir()
    assert main(["run", "--inbox", str(inbox), "--warehouse", str(warehouse), "--workers", "0"]) == 2
    err = capsys.readouterr().err
    assert "收件箱为空" in err and "inbox is empty" in err and "Traceback" not in err
    assert warehouse.read_bytes() == published
