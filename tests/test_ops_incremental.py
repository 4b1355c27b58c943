"""Incremental runs without Prefect or dbt: revisions, withdrawal, the parse cache, the archive, run records."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb

from ingest.batch import parse_inbox
from ingest.cache import ResultCache, archive_file, parser_fingerprint
from ingest.discover import InboxFile, scan_inbox
from ingest.pipeline import PARSER_VERSION
from ingest.records import DocumentRecord, IngestResult, QuarantineRecord
from tests.e2e_support import write_sample_docx
from warehouse.load import DocRow, apply_changes, ensure_raw_schema, plan_changes, read_document_rows
from warehouse.runs import RunRecord, append_record, read_records, write_runs

NOW = datetime(2025, 1, 1, tzinfo=UTC)
FP = "fp-1"


def _doc(sha: str, path: str) -> IngestResult:
    record = DocumentRecord(
        document_id=sha[:16], source_file=path, file_sha256=sha, file_size=1, file_format="txt",
        department_name="测试局", fiscal_year=2024, doc_type="final_account", page_count=None, encoding="utf-8",
        department_source="title", year_source="title", parser_version=PARSER_VERSION, ingested_at=NOW,
    )
    return IngestResult(source_file=path, document=record)


def _bad(sha: str, path: str, code: str = "corrupt") -> IngestResult:
    return IngestResult(source_file=path, quarantine=QuarantineRecord(
        source_file=path, file_sha256=sha, file_format="pdf", department_name=None, fiscal_year=None, doc_type=None,
        reason_code=code, reason_zh="损坏", reason_en="corrupt", detected_at=NOW,
    ))


def _apply(db: Path, files: list[InboxFile], results: dict[str, IngestResult], run_id: str) -> None:
    with duckdb.connect(str(db)) as con:
        ensure_raw_schema(con)
        plan = plan_changes(read_document_rows(con), files, results, FP)
        apply_changes(con, plan, run_id, FP)


def _docs(db: Path) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(
            "select logical_key, revision, is_current, status, file_sha256 from raw.documents order by 1, 2"
        ).fetchall()


def test_revisions_supersede_and_withdraw_without_losing_history(tmp_path: Path):
    db = tmp_path / "w.duckdb"
    a1, b1, a2 = "a" * 64, "b" * 64, "c" * 64
    files = [InboxFile("a.txt", "/in/a.txt", a1), InboxFile("b.txt", "/in/b.txt", b1)]
    _apply(db, files, {"a.txt": _doc(a1, "/in/a.txt"), "b.txt": _doc(b1, "/in/b.txt")}, "r1")
    assert _docs(db) == [("a.txt", 1, True, "current", a1), ("b.txt", 1, True, "current", b1)]
    # a.txt changed, b.txt removed
    _apply(db, [InboxFile("a.txt", "/in/a.txt", a2)], {"a.txt": _doc(a2, "/in/a.txt")}, "r2")
    assert _docs(db) == [
        ("a.txt", 1, False, "superseded", a1),
        ("a.txt", 2, True, "current", a2),
        ("b.txt", 1, False, "withdrawn", b1),
    ]
    # b.txt comes back with its old bytes: the same document, current again, a new revision number
    files = [InboxFile("a.txt", "/in/a.txt", a2), InboxFile("b.txt", "/in/b.txt", b1)]
    _apply(db, files, {"b.txt": _doc(b1, "/in/b.txt")}, "r3")
    assert ("b.txt", 2, True, "current", b1) in _docs(db)
    assert len(_docs(db)) == 3


def test_unchanged_files_need_no_result_and_copies_are_one_document(tmp_path: Path):
    db = tmp_path / "w.duckdb"
    a = "a" * 64
    files = [InboxFile("a.txt", "/in/a.txt", a), InboxFile("copy/a.txt", "/in/copy/a.txt", a)]
    _apply(db, files, {"a.txt": _doc(a, "/in/a.txt"), "copy/a.txt": _doc(a, "/in/copy/a.txt")}, "r1")
    assert _docs(db) == [("a.txt", 1, True, "current", a)]
    with duckdb.connect(str(db)) as con:
        rows = read_document_rows(con)
    assert plan_changes(rows, files, {}, FP).empty  # nothing parsed, nothing changes
    # the original leaves, the copy stays: the document moves to the copy's name, nothing withdrawn
    _apply(db, files[1:], {"copy/a.txt": _doc(a, "/in/copy/a.txt")}, "r2")
    assert _docs(db) == [("copy/a.txt", 1, True, "current", a)]


def test_a_corrupt_new_version_supersedes_and_quarantine_follows_the_inbox(tmp_path: Path):
    db = tmp_path / "w.duckdb"
    good, broken = "a" * 64, "d" * 64
    _apply(db, [InboxFile("a.pdf", "/in/a.pdf", good)], {"a.pdf": _doc(good, "/in/a.pdf")}, "r1")
    _apply(db, [InboxFile("a.pdf", "/in/a.pdf", broken)], {"a.pdf": _bad(broken, "/in/a.pdf")}, "r2")
    assert _docs(db) == [("a.pdf", 1, False, "superseded", good)]
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select logical_key, is_current from raw.quarantine").fetchall() == [("a.pdf", True)]
    _apply(db, [], {}, "r3")  # the file is removed: quarantine row kept, not current
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select is_current from raw.quarantine").fetchall() == [(False,)]


def test_new_parser_re_extracts_in_place(tmp_path: Path):
    rows = [DocRow("a" * 16, "a.txt", "a" * 64, 1, True, "old-fp")]
    files = [InboxFile("a.txt", "/in/a.txt", "a" * 64)]
    plan = plan_changes(rows, files, {"a.txt": _doc("a" * 64, "/in/a.txt")}, FP)
    assert [(k, rev) for _, k, rev in plan.upserts] == [("a.txt", 1)] and not plan.retired


def test_parse_cache_archive_and_scan(tmp_path: Path):
    inbox = tmp_path / "inbox"
    (inbox / "sub").mkdir(parents=True)
    write_sample_docx(inbox / "sub" / "示例县测试局2024年度部门决算.docx")
    (inbox / "坏文件2024年度部门决算.xlsx").write_bytes(b"PK\x03\x04 truncated")
    files = scan_inbox(inbox)
    assert [f.logical_key for f in files] == ["sub/示例县测试局2024年度部门决算.docx", "坏文件2024年度部门决算.xlsx"]
    cache = ResultCache(tmp_path / "cache", parser_fingerprint(PARSER_VERSION))
    first = parse_inbox(files, set(), cache, tmp_path / "archive", workers=0)
    assert (first.parsed, first.cached) == (2, 0)
    second = parse_inbox(files, set(), cache, tmp_path / "archive", workers=0)
    assert (second.parsed, second.cached) == (0, 2)
    assert second.results[files[0].logical_key].document.department_name == "示例县测试局"
    third = parse_inbox(files, {files[0].logical_key}, cache, tmp_path / "archive", workers=0)
    assert (third.parsed, third.cached, third.unchanged, third.skipped) == (0, 1, 1, 2)
    for f in files:
        archived = tmp_path / "archive" / f.sha256[:2] / f"{f.sha256}{Path(f.path).suffix}"
        assert archived.read_bytes() == Path(f.path).read_bytes()
    assert archive_file(tmp_path / "archive", Path(files[0].path), files[0].sha256).exists()


def test_transient_failures_are_not_cached(tmp_path: Path):
    cache = ResultCache(tmp_path / "cache", "fp")
    assert not cache.put("e" * 64, _bad("e" * 64, "/in/x.pdf", code="io_error"))
    assert cache.put("f" * 64, _bad("f" * 64, "/in/y.pdf", code="encrypted"))
    hit = cache.get("f" * 64, "/in/moved/y.pdf")
    assert hit is not None and hit.quarantine.source_file == "/in/moved/y.pdf"
    assert cache.get("e" * 64, "/in/x.pdf") is None
    # a timeout or a crash is a verdict on these bytes: cached for this parser, tried again by a new one
    for code, sha in (("timeout", "1" * 64), ("crashed", "2" * 64)):
        assert cache.put(sha, _bad(sha, "/in/hostile.xlsx", code=code))
        assert cache.get(sha, "/in/hostile.xlsx").quarantine.reason_code == code
        assert ResultCache(tmp_path / "cache", "fp-new").get(sha, "/in/hostile.xlsx") is None


def test_run_log_marks_unfinished_runs_killed_and_loads_into_raw(tmp_path: Path):
    log = tmp_path / "runs" / "runs.jsonl"
    append_record(log, RunRecord("r1", NOW, "running"))
    append_record(log, RunRecord("r2", datetime(2025, 1, 2, tzinfo=UTC), "running"))
    append_record(log, RunRecord("r2", datetime(2025, 1, 2, tzinfo=UTC), "failed", ended_at=NOW, reason="dbt"))
    with log.open("a") as fh:
        fh.write('{"run_id": "torn", "start')  # a killed writer's last line
    append_record(log, RunRecord("r3", datetime(2025, 1, 3, tzinfo=UTC), "running"))
    records = read_records(log, active_run_id="r3")
    assert [(r.run_id, r.status) for r in records] == [("r1", "killed"), ("r2", "failed"), ("r3", "running")]
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        ensure_raw_schema(con)
        write_runs(con, records)
        write_runs(con, records[:1])  # an upsert, not a duplicate
        assert con.execute("select count(*), count(distinct run_id) from raw.pipeline_runs").fetchall() == [(3, 3)]


def test_quarantined_file_is_unchanged_only_while_its_verdict_is_cached():
    from flows.nightly import unchanged_keys

    files = [InboxFile("a.pdf", "a.pdf", "s1"), InboxFile("b.txt", "b.txt", "s2")]
    rows = [DocRow("d2", "b.txt", "s2", 1, True, FP)]
    bad = {("a.pdf", "s1")}
    assert unchanged_keys(rows, files, FP) == {"b.txt"}
    assert unchanged_keys(rows, files, FP, bad, cached=lambda sha: True) == {"a.pdf", "b.txt"}
    assert unchanged_keys(rows, files, FP, bad, cached=lambda sha: False) == {"b.txt"}  # new parser: retry
    assert unchanged_keys(rows, files, "fp-2", bad, cached=lambda sha: True) == {"a.pdf"}


def test_a_load_in_chunks_writes_the_rows_of_a_load_at_once(tmp_path: Path, monkeypatch):
    """apply_changes makes and inserts rows LOAD_CHUNK_DOCUMENTS documents at a time: one document a chunk writes
    the same rows, in the same order, as the whole county at once."""
    import warehouse.load as load
    from samplegen import generate_county

    inbox = tmp_path / "inbox"
    generate_county(inbox, departments=3, years=(2024,), seed=3, formats=("txt", "xlsx"))
    files = scan_inbox(inbox)
    parsed = parse_inbox(files, set(), ResultCache(tmp_path / "cache", FP), None, workers=0)
    assert sum(1 for r in parsed.results.values() if r.document) >= 3
    tables = ("documents", *load.DOC_TABLES, "quarantine")

    def loaded(db: Path) -> dict[str, list[tuple]]:
        _apply(db, files, parsed.results, "run-1")
        with duckdb.connect(str(db), read_only=True) as con:
            return {t: con.execute(f"SELECT * EXCLUDE (ingested_at) FROM raw.{t}" if t == "documents"
                                   else f"SELECT * FROM raw.{t}").fetchall() for t in tables}

    whole = loaded(tmp_path / "whole.duckdb")
    monkeypatch.setattr(load, "LOAD_CHUNK_DOCUMENTS", 1)
    chunked = loaded(tmp_path / "chunked.duckdb")
    assert whole["metric_facts"] and whole["table_cells"]
    assert chunked == whole


def test_the_memory_limit_is_the_option_else_the_environment_else_the_default(monkeypatch):
    from flows.options import RunOptions, add_run_options
    from warehouse.memory import DEFAULT_MEMORY_LIMIT, MEMORY_LIMIT_ENV, memory_limit

    monkeypatch.delenv(MEMORY_LIMIT_ENV, raising=False)
    assert memory_limit(None) == DEFAULT_MEMORY_LIMIT
    monkeypatch.setenv(MEMORY_LIMIT_ENV, "3GB")
    assert memory_limit(None) == "3GB"
    import argparse

    p = argparse.ArgumentParser()
    add_run_options(p, one_off=False)
    options = RunOptions.from_args(p.parse_args(["--memory-limit", "768MB"]))
    assert memory_limit(options.memory_limit) == "768MB"
    assert RunOptions.from_parameters(options.to_parameters()) == options
