"""End to end: the consolidation flow on a temp inbox (real Sichuan file + a generated .docx + bad files)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from tests.e2e_support import write_sample_docx
from tests.realdata import realdata_path
from warehouse.publish import DataLayout, history

SICHUAN = "seed_sichuan/广元市朝天区人民政府办公室2020年度部门决算.tika.txt"
REPO = Path(__file__).resolve().parents[1]


def _actuals(warehouse: Path, department: str) -> dict[str, Decimal]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            """
            select metric, value from marts.fct_disclosure_metric
            where department_name = ? and basis = 'actual'
            qualify row_number() over (partition by metric order by page nulls first, locator) = 1
            """,
            [department],
        ).fetchall()
    return dict(rows)


@pytest.fixture(scope="module")
def inbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    inbox = tmp_path_factory.mktemp("inbox")
    write_sample_docx(inbox / "示例县测试局2024年度部门决算.docx")
    (inbox / "损坏的文件2024年度部门决算.pdf").write_bytes(b"%PDF-1.4\n" + b"\x00garbage" * 50)
    (inbox / "空文件.txt").write_bytes(b"")
    return inbox


def test_flow_on_real_sichuan_file(prefect_harness, tmp_path: Path):
    from flows.nightly import consolidate

    source = realdata_path(SICHUAN)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(source, inbox / source.name)
    warehouse = tmp_path / "warehouse.duckdb"
    report = consolidate(inbox=inbox, warehouse=warehouse, options={"workers": 1})
    assert report.ok, report.dbt.message
    facts = _actuals(warehouse, "广元市朝天区人民政府办公室")
    assert facts["income_total"] == Decimal("1233.76")
    assert facts["income_current_year"] == Decimal("1226.06")
    assert facts["carryover_begin"] == Decimal("7.70")
    assert facts["expenditure_current_year"] == Decimal("1233.76")
    assert facts["expenditure_basic"] == Decimal("735.01")
    assert facts["expenditure_project"] == Decimal("498.75")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        year, doc_type = con.execute("select fiscal_year, doc_type from marts.dim_document").fetchone()
        decimals = con.execute(
            "select decimals from marts.fct_disclosure_metric where metric = 'carryover_begin' and basis = 'actual'"
        ).fetchone()[0]
    assert (year, doc_type) == (2020, "final_account")
    assert decimals == 1  # "7.7" was displayed with one decimal


@pytest.fixture(scope="module")
def cli_run(inbox: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess, Path]:
    """The real command, as an operator runs it, once for the module."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    warehouse = tmp_path_factory.mktemp("cli") / "data" / "warehouse.duckdb"
    proc = subprocess.run(
        [sys.executable, "-m", "flows.cli", "run", "--inbox", str(inbox), "--warehouse", str(warehouse)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300,
    )
    return proc, warehouse


def test_cli_run_is_quiet_and_exits_zero(cli_run: tuple[subprocess.CompletedProcess, Path]):
    """A summary, no traceback, no ERROR, no telemetry noise."""
    proc, _ = cli_run
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output
    assert "已加载 documents loaded: 1" in output
    assert "已隔离 quarantined: 2" in output
    assert "marts.fct_disclosure_metric" in output
    for noise in ("Traceback", "ERROR", "Error flushing", "telemetry", "database is locked", "Exception"):
        assert noise not in output, output


def test_generated_docx_loaded_and_bad_files_quarantined(cli_run: tuple[subprocess.CompletedProcess, Path]):
    proc, warehouse = cli_run
    assert proc.returncode == 0, proc.stdout + proc.stderr
    facts = _actuals(warehouse, "示例县测试局")
    assert facts["income_total"] == Decimal("150.25")
    assert facts["expenditure_basic"] == Decimal("100.20")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        statuses = dict(con.execute("select status, count(*) from marts.dim_document group by 1").fetchall())
        reasons = [r[0] for r in con.execute(
            "select status_reason from marts.dim_document where status = 'quarantined'").fetchall()]
    assert statuses == {"loaded": 1, "quarantined": 2}
    assert all(" / " in r for r in reasons)  # Chinese / English


def test_cli_fails_with_one_line_reason(tmp_path: Path):
    proc = subprocess.run(
        [sys.executable, "-m", "flows.cli", "run", "--inbox", str(tmp_path / "nope")],
        cwd=tmp_path, capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode != 0
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "inbox not found" in lines[0]


def test_cli_rerun_with_nothing_changed_skips_work(cli_run: tuple[subprocess.CompletedProcess, Path], inbox: Path):
    """Same files (bad ones included), same parser and dbt project: nothing is parsed, rebuilt or published; the
    run is recorded in the run log (`juesuan runs`), and in marts.pipeline_run with the next published run."""
    proc, warehouse = cli_run
    assert proc.returncode == 0, proc.stdout + proc.stderr
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    again = subprocess.run(
        [sys.executable, "-m", "flows.cli", "run", "--inbox", str(inbox), "--warehouse", str(warehouse)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300,
    )
    output = again.stdout + again.stderr
    assert again.returncode == 0, output
    assert "未变化 unchanged 3" in output and "dbt skipped (nothing changed)" in output
    assert "已隔离 quarantined: 2" in output
    with duckdb.connect(str(warehouse), read_only=True) as con:
        runs = con.execute("select status, files_skipped from marts.pipeline_run order by started_at").fetchall()
    assert runs == [("succeeded", 0)]  # the warehouse was not touched
    from warehouse.runs import read_records

    logged = read_records(DataLayout(warehouse).runs_log)
    assert [(r.status, r.files_skipped, r.dbt_built) for r in logged] == [("succeeded", 0, True),
                                                                        ("succeeded", 3, False)]
    assert history(DataLayout(warehouse)) == []  # an idle run publishes the same data: history stays as it was
