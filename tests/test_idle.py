"""The idle run (flows/idle.py): nothing changed → the run is recorded in the log and the warehouse is not touched
(byte-identical, nothing copied, built or published, no polars/Prefect/dbt imported); any one change — a file's
bytes, a new or withdrawn file, the registry, a review decision, the parser or dbt project, sightings the store
lacks — is not idle. And the scan's hash memo: a file is read again on any change of its stat identity."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from flows.cli import main
from flows.idle import idle_run, preflight_of
from flows.nightly import run_consolidation
from flows.options import RunOptions
from ingest import discover
from ingest.cache import current_parser_fingerprint, parser_fingerprint
from ingest.discover import read_hash_memo, scan, write_hash_memo
from ingest.pipeline import PARSER_VERSION
from samplegen import generate_county
from warehouse.dbt import DBT_PROJECT_DIR
from warehouse.publish import DataLayout, history
from warehouse.review.store import ReviewStore
from warehouse.runs import dbt_fingerprint, read_records

REPO = Path(__file__).resolve().parents[1]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _backdate(root: Path) -> None:
    for path in root.rglob("*"):
        if path.is_file():
            os.utime(path, (time.time() - 60, time.time() - 60))


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A published warehouse of a small county after one full run (its sightings recorded)."""
    root = tmp_path_factory.mktemp("idle")
    inbox = root / "inbox"
    generate_county(inbox, departments=3, years=(2024,), seed=3, defect_rate=1.0, formats=("txt",))
    for side in ("county.csv", "truth.json"):
        (inbox / side).unlink(missing_ok=True)
    _backdate(inbox)
    warehouse = root / "data" / "warehouse.duckdb"
    report = run_consolidation(inbox, warehouse, RunOptions(workers=0), tracked=False)
    assert report.ok, report.reason
    return root


@pytest.fixture()
def copy(county: Path, tmp_path: Path) -> tuple[Path, Path]:
    """A private copy of the county (inbox and data folder): each test changes its own."""
    shutil.copytree(county / "inbox", tmp_path / "inbox")
    shutil.copytree(county / "data", tmp_path / "data")
    _backdate(tmp_path / "inbox")
    return tmp_path / "inbox", tmp_path / "data" / "warehouse.duckdb"


def _fingerprints() -> tuple[str, str]:
    return parser_fingerprint(PARSER_VERSION), dbt_fingerprint(DBT_PROJECT_DIR)


@pytest.mark.slow
def test_an_idle_run_records_itself_and_leaves_the_warehouse_byte_identical(copy: tuple[Path, Path]):
    inbox, warehouse = copy
    layout = DataLayout(warehouse)
    before, store_before = _sha(warehouse), _sha(ReviewStore.of(warehouse).path)
    runs_before, history_before = read_records(layout.runs_log), history(layout)
    proc = _idle_cli(inbox, warehouse)
    assert "dbt skipped (nothing changed)" in proc.stdout and "nothing to build or publish" in proc.stdout
    # not polars, the parser (its fingerprint is remembered by the full run), Prefect, dbt or pyarrow
    assert "IMPORTED []" in proc.stdout
    assert _sha(warehouse) == before and _sha(ReviewStore.of(warehouse).path) == store_before
    assert history(layout) == history_before
    assert not layout.build_dir.exists() or not any(layout.build_dir.glob("*.duckdb"))  # nothing copied
    runs = read_records(layout.runs_log)
    assert len(runs) == len(runs_before) + 1
    last = runs[-1]
    assert (last.status, last.dbt_built, last.files_parsed, last.files_skipped) == ("succeeded", False, 0, 3)
    assert last.findings_total == runs_before[-1].findings_total
    # the next run that publishes carries the idle run into the warehouse's own history (marts.pipeline_run)
    assert main(["run", "--inbox", str(inbox), "--warehouse", str(warehouse), "--force"]) == 0
    with duckdb.connect(str(warehouse), read_only=True) as con:
        ids = {r[0] for r in con.execute("SELECT run_id FROM marts.pipeline_run").fetchall()}
    assert last.run_id in ids


def _idle_cli(inbox: Path, warehouse: Path) -> subprocess.CompletedProcess:
    code = (
        "import sys; from flows.cli import main; rc = main(sys.argv[1:]); "
        "print('IMPORTED', sorted(m for m in ('polars', 'prefect', 'dbt', 'ingest.pipeline', 'pyarrow') "
        "if m in sys.modules)); sys.exit(rc)"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, "run", "--inbox", str(inbox), "--warehouse", str(warehouse)],
        cwd=REPO, env={k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")},
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0 and not proc.stderr.strip(), proc.stdout + proc.stderr
    return proc


def _change_bytes(inbox: Path, warehouse: Path) -> None:
    target = sorted(inbox.rglob("*.txt"))[0]
    target.write_bytes(target.read_bytes() + b"\n")


def _same_bytes_new_mtime(inbox: Path, warehouse: Path) -> None:
    os.utime(sorted(inbox.rglob("*.txt"))[0], (time.time() - 30, time.time() - 30))  # not a moment ago: not waited for


def _add_file(inbox: Path, warehouse: Path) -> None:
    shutil.copy(sorted(inbox.rglob("*.txt"))[0], inbox / "示例县新增局2024年度部门决算.txt")


def _withdraw_file(inbox: Path, warehouse: Path) -> None:
    sorted(inbox.rglob("*.txt"))[0].unlink()


def _registry(inbox: Path, warehouse: Path) -> None:
    (warehouse.parent / "department_registry.csv").write_text("部门名称,部门编码\n示例县迟报局,901\n",
                                                              encoding="utf-8")


def _decision(inbox: Path, warehouse: Path) -> None:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        finding = con.execute("SELECT finding_id FROM marts.fct_check_result WHERE status = 'fail' "
                              "ORDER BY 1 LIMIT 1").fetchall()[0][0]
    assert main(["review", "accept", finding, "--reason", "已说明", "--by", "张三", "--warehouse", str(warehouse)]) == 0


def _sightings_lost(inbox: Path, warehouse: Path) -> None:
    with duckdb.connect(str(ReviewStore.of(warehouse).path)) as con:
        con.execute("DELETE FROM sightings")


CHANGES: dict[str, Callable[[Path, Path], None]] = {
    "bytes": _change_bytes, "new file": _add_file, "withdrawn": _withdraw_file, "registry": _registry,
    "decision": _decision, "sightings": _sightings_lost,
}


@pytest.mark.slow
@pytest.mark.parametrize("change", sorted(CHANGES))
def test_any_one_change_is_not_idle(copy: tuple[Path, Path], change: str):
    inbox, warehouse = copy
    parser_fp, dbt_fp = _fingerprints()
    options = RunOptions(workers=0)
    assert preflight_of(inbox, warehouse, options, parser_fp, dbt_fp).idle  # the copy itself is idle
    CHANGES[change](inbox, warehouse)
    check = preflight_of(inbox, warehouse, options, parser_fp, dbt_fp)
    assert not check.idle, change
    published = _sha(warehouse)
    assert idle_run(inbox, warehouse, options) is None
    assert _sha(warehouse) == published  # deciding changed nothing


@pytest.mark.slow
def test_a_new_parser_or_dbt_project_is_not_idle_and_same_bytes_are(copy: tuple[Path, Path]):
    inbox, warehouse = copy
    parser_fp, dbt_fp = _fingerprints()
    options = RunOptions(workers=0)
    assert not preflight_of(inbox, warehouse, options, parser_fp, "another-project").idle
    assert not preflight_of(inbox, warehouse, options, "0.0.0-another", dbt_fp).idle
    assert not idle_run(inbox, warehouse, RunOptions(workers=0, force=True))  # --force always runs
    _same_bytes_new_mtime(inbox, warehouse)  # touched, same bytes: hashed again, still the same file
    assert preflight_of(inbox, warehouse, options, parser_fp, dbt_fp).idle


def test_scan_memo_rehashes_on_any_change(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for i in range(3):
        (inbox / f"f{i}.txt").write_bytes(f"file {i}".encode())
    monkeypatch.setattr(discover, "MEMO_MIN_AGE", 0.0)
    time.sleep(0.05)
    first = scan(inbox, settle_seconds=0)
    assert first.hashed == 3 and len(first.hashes) == 3
    memo_file = tmp_path / "memo.json"
    write_hash_memo(memo_file, first.hashes)
    memo = read_hash_memo(memo_file)
    assert memo == first.hashes
    again = scan(inbox, settle_seconds=0, memo=memo)
    assert again.hashed == 0 and again.files == first.files  # nothing read
    target = inbox / "f1.txt"
    st = target.stat()
    target.write_bytes(b"file X")  # same size, and the modification time put back: the change time moved
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))
    changed = scan(inbox, settle_seconds=0, memo=memo)
    assert changed.hashed == 1
    assert {f.logical_key: f.sha256 for f in changed.files}["f1.txt"] == hashlib.sha256(b"file X").hexdigest()
    monkeypatch.setattr(discover, "MEMO_MIN_AGE", 3600.0)  # just written: never remembered
    assert scan(inbox, settle_seconds=0).hashes == {}
    assert read_hash_memo(tmp_path / "missing.json") == {}
    (tmp_path / "torn.json").write_text('{"a": [1, 2', encoding="utf-8")
    assert read_hash_memo(tmp_path / "torn.json") == {}


def test_parser_fingerprint_memo_equals_the_computed_one(tmp_path: Path):
    computed = parser_fingerprint(PARSER_VERSION)
    assert current_parser_fingerprint(tmp_path, min_age=0.0) == computed
    assert len(list(tmp_path.iterdir())) == 1
    (next(tmp_path.iterdir())).write_text("stale-but-keyed", encoding="utf-8")
    assert current_parser_fingerprint(tmp_path) == "stale-but-keyed"  # read back by the same stat key
    assert current_parser_fingerprint(None) == computed


def test_a_look_without_waiting_defers_a_file_written_a_moment_ago(tmp_path: Path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "old.txt").write_bytes(b"old")
    os.utime(inbox / "old.txt", (time.time() - 60, time.time() - 60))
    (inbox / "new.txt").write_bytes(b"new")
    started = time.monotonic()
    found = scan(inbox, settle_seconds=5.0, wait=False)
    assert time.monotonic() - started < 2.0  # no settle wait
    assert [f.logical_key for f in found.files] == ["old.txt"] and found.deferred == ["new.txt"]
