from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import duckdb

from ingest.model import Amount, MetricFact, NarrativeClaim
from ingest.records import DocumentRecord, IngestResult, QuarantineRecord, TextBlock
from warehouse.load import load_results

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def _doc(doc_id: str) -> DocumentRecord:
    return DocumentRecord(
        document_id=doc_id, source_file=f"/in/{doc_id}.txt", file_sha256=doc_id * 4, file_size=10,
        file_format="txt", department_name="示例县财政局", fiscal_year=2024, doc_type="final_account",
        page_count=None, encoding="utf-8", department_source="file_name", year_source="file_name",
        parser_version="t", ingested_at=NOW,
    )


def _fact(metric: str, raw: str, decimals: int) -> MetricFact:
    return MetricFact(
        metric=metric, basis="actual", amount=Amount(Decimal(raw), decimals, raw), unit="万元",
        source_kind="narrative", page=None, locator="para:1", evidence="收入总计7.7万元",
        direction="增加", claim=NarrativeClaim(has_reason=True, compared_year=2023),
    )


def test_load_keeps_decimals_and_replaces_previous_contents(tmp_path: Path):
    wh = tmp_path / "w.duckdb"
    good = IngestResult(
        source_file="/in/a.txt", document=_doc("a" * 16),
        facts=[_fact("income_total", "1233.76", 2), _fact("carryover_begin", "7.7", 1)],
        blocks=[TextBlock(0, None, "paragraph", "收入总计")],
    )
    bad = IngestResult(
        source_file="/in/b.pdf",
        quarantine=QuarantineRecord(
            source_file="/in/b.pdf", file_sha256="b" * 64, file_format="pdf", department_name=None,
            fiscal_year=None, doc_type=None, reason_code="encrypted", reason_zh="文件已加密",
            reason_en="encrypted", detected_at=NOW,
        ),
    )
    stats = load_results(wh, [good, bad], run_id="r1")
    assert (stats.documents, stats.quarantined, stats.facts) == (1, 1, 2)
    with duckdb.connect(str(wh), read_only=True) as con:
        rows = con.execute(
            "select metric, value, decimals, raw_text, compared_year from raw.metric_facts order by fact_index"
        ).fetchall()
        assert rows == [
            ("income_total", Decimal("1233.7600"), 2, "1233.76", 2023),
            ("carryover_begin", Decimal("7.7000"), 1, "7.7", 2023),
        ]
        assert con.execute("select reason_code from raw.quarantine").fetchall() == [("encrypted",)]
    # a second run replaces the raw contents instead of appending
    load_results(wh, [good], run_id="r2")
    with duckdb.connect(str(wh), read_only=True) as con:
        assert con.execute("select count(*) from raw.metric_facts").fetchone()[0] == 2
        assert con.execute("select count(*) from raw.quarantine").fetchone()[0] == 0
        assert con.execute("select distinct run_id from raw.documents").fetchall() == [("r2",)]


def test_same_bytes_under_two_names_are_one_document(tmp_path: Path):
    wh = tmp_path / "w.duckdb"
    a = IngestResult(source_file="/in/a.txt", document=_doc("c" * 16), facts=[_fact("income_total", "1.00", 2)])
    b = IngestResult(source_file="/in/copy.txt", document=_doc("c" * 16), facts=[_fact("income_total", "1.00", 2)])
    stats = load_results(wh, [a, b], run_id="r")
    assert stats.documents == 1


def test_the_loader_and_the_self_check_import_no_polars():
    """The loader writes Arrow tables of the declared types directly: a run's load and a self-check (which loads
    its files into a scratch warehouse) do not pay polars' import (≈ 0.2 s of CPU)."""
    import subprocess
    import sys

    code = ("import sys, flows.nightly, flows.check_cli, warehouse.build.selfcheck, warehouse.load, warehouse.runs; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'polars'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
