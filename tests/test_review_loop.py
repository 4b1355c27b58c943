"""The bureau's review loop end to end on a small generated county (five runs, ~1 minute):

a real inbox has no registry (no sample departments), a registry file of the data folder gives 未提交部门;
decisions recorded with `juesuan review` survive a rebuild from scratch, a rollback and a re-run; an accepted
finding whose evidence changes comes back reopened; 审核意见表 workbooks round-trip, bad ones change nothing.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from openpyxl import load_workbook

from flows.cli import main
from flows.nightly import preflight, run_consolidation
from flows.options import RunOptions
from samplegen import generate_county
from warehouse.publish import DataLayout, history, restore
from warehouse.review.store import ReviewStore, store_path

YEARS = (2023, 2024)


def _run(inbox: Path, warehouse: Path) -> None:
    report = run_consolidation(inbox, warehouse, RunOptions(workers=0), tracked=False)
    assert report.ok, report.reason


def _rows(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("review")
    sample = root / "sample"
    generate_county(sample, departments=3, years=YEARS, seed=5, defect_rate=1.0, formats=("txt",))
    inbox = root / "inbox"  # a real county's inbox: the documents only, no registry
    shutil.copytree(sample, inbox, ignore=shutil.ignore_patterns("county.csv", "truth.json"))
    warehouse = root / "data" / "warehouse.duckdb"
    _run(inbox, warehouse)
    return {"root": root, "sample": sample, "inbox": inbox, "warehouse": warehouse}


def test_real_inbox_has_no_registry_and_no_sample_departments(county: dict):
    wh = county["warehouse"]
    depts = _rows(wh, "SELECT department_name, in_registry, expected_to_file FROM marts.dim_department ORDER BY 1")
    filed = {r[0] for r in _rows(wh, "SELECT DISTINCT department_name FROM marts.dim_document")}
    assert {d for d, _, _ in depts} == filed and len(filed) == 3  # only who filed; no 56 fictional departments
    assert not any(reg or exp for _, reg, exp in depts)
    assert _rows(wh, "SELECT count(*) FROM marts.fct_missing_submission") == [(0,)]


def _read(path: Path) -> tuple[str, str]:
    for encoding in ("utf-8", "gb18030"):  # the generator writes Tika text in either
        try:
            return path.read_text(encoding=encoding), encoding
        except UnicodeDecodeError:
            continue
    raise AssertionError(path)


def _fail_finding(wh: Path, inbox: Path) -> tuple[str, str, Path]:
    """A failed finding on a narrative sentence quoted verbatim in its text file: (id, evidence, file)."""
    for fid, evidence, source in _rows(wh, """
            SELECT f.finding_id, f.evidence, d.source_file FROM marts.fct_check_result f
            JOIN marts.dim_document d USING (document_id)
            WHERE f.status = 'fail' AND f.locator LIKE 'section:%' AND f.evidence LIKE '%。'
            ORDER BY f.finding_id"""):
        path = inbox / Path(source).relative_to(Path(source).parents[1])
        if path.is_file() and _read(path)[0].count(evidence) == 1:
            return fid, evidence, path
    raise AssertionError("no failed finding on a sentence quoted verbatim")


def test_decisions_registry_rebuild_rollback_and_changed_evidence(county: dict, capsys):
    wh, inbox = county["warehouse"], county["inbox"]
    # the bureau's registry file in the data folder: the three departments, one more expected, one exempt
    names = [r[0] for r in _rows(wh, "SELECT department_name FROM marts.dim_department ORDER BY 1")]
    lines = ["部门名称,部门编码,同类组,应报送"] + [f"{n},{i:03d},,是" for i, n in enumerate(names, 1)]
    lines += ["示例县迟报局,901,政府部门,是", "示例县免报中心,902,事业单位,否", ",903,,是", "示例县坏行局,904,,也许"]
    (wh.parent / "department_registry.csv").write_text("\n".join(lines) + "\n", encoding="gb18030")  # Excel's CSV

    accepted, evidence, source = _fail_finding(wh, inbox)
    rejected = next(r[0] for r in _rows(wh, "SELECT finding_id FROM marts.fct_check_result "
                                            f"WHERE status = 'fail' AND finding_id <> '{accepted}' ORDER BY 1"))
    w = ["--warehouse", str(wh)]
    assert main(["review", "accept", accepted, "--reason", "已说明：口径差异", "--by", "张三", *w]) == 0
    assert main(["review", "reject", rejected, "--reason", "误报", "--by", "李四", *w]) == 0
    assert main(["review", "reopen", "Fnope", "--reason", "x", "--by", "y", *w]) == 2
    assert "unknown finding id" in capsys.readouterr().err
    assert main(["review", "list", "--status", "accepted", "--format", "csv", *w]) == 0
    assert "已认可（待生效）" in capsys.readouterr().out  # shown at once, built in by the next run
    # a decision (and the registry) is a change: the run rebuilds
    assert preflight(inbox, wh, RunOptions()) == (False, None)

    _run(inbox, wh)  # run 2: registry + decisions built in
    missing = _rows(wh, "SELECT fiscal_year, department_name, last_filed_year FROM marts.fct_missing_submission "
                        "ORDER BY 1")
    assert missing == [(2023, "示例县迟报局", None), (2024, "示例县迟报局", None)]
    assert _rows(wh, "SELECT count(*) FILTER (in_registry), count(*) FROM marts.dim_department") == [(5, 5)]

    def states() -> dict[str, tuple]:
        return {r[0]: r[1:] for r in _rows(wh, "SELECT finding_id, status, lifecycle, disposition_reason, "
                                               "first_seen_run_id FROM marts.fct_check_result")}

    after_run2 = states()
    assert after_run2[accepted][:3] == ("accepted", "accepted", "已说明：口径差异")
    assert after_run2[rejected][:2] == ("rejected", "rejected")
    first_seen = after_run2[accepted][3]
    trail = _rows(wh, "SELECT finding_id, action, state_before, state_after, decided_by FROM "
                      "marts.fct_review_decision ORDER BY event_id")
    assert trail == [(accepted, "accept", "open", "accepted", "张三"), (rejected, "reject", "open", "rejected", "李四")]

    # rollback to the warehouse before run 2: the decisions are not in it, the store keeps them
    layout = DataLayout(wh)
    restore(layout, history(layout)[-1])
    assert states()[accepted][0] == "fail"
    _run(inbox, wh)
    assert states()[accepted][:2] == ("accepted", "accepted")

    # a rebuild from scratch (a new warehouse, as after an upgrade that re-reads everything): ids and decisions hold
    for path in (wh, *history(layout)):
        path.unlink()
    shutil.rmtree(layout.cache_dir, ignore_errors=True)
    _run(inbox, wh)
    rebuilt = states()
    assert rebuilt[accepted][:2] == ("accepted", "accepted") and rebuilt[rejected][:2] == ("rejected", "rejected")
    assert rebuilt[accepted][3] == first_seen  # first seen in run 1, remembered by the store's sightings
    assert set(rebuilt) == set(after_run2)

    # the department revises the sentence: the accepted finding comes back reopened, its history kept
    text, encoding = _read(source)
    source.write_text(text.replace(evidence, evidence[:-1] + "，详见附表。"), encoding=encoding)
    _run(inbox, wh)
    status, lifecycle, cause, events = _rows(wh, "SELECT status, lifecycle, reopen_cause, decision_count FROM "
                                                 f"marts.fct_check_result WHERE finding_id = '{accepted}'")[0]
    assert (status, lifecycle, cause, events) == ("fail", "reopened", "evidence_changed", 1)
    assert states()[rejected][:2] == ("rejected", "rejected")  # the other document is unchanged
    backup = _rows(wh, "SELECT count(*) FROM raw.review_decisions")[0][0]
    assert backup == len(ReviewStore.of(wh).decisions()) == 2  # every published warehouse carries the trail


def test_review_workbooks_round_trip_and_bad_workbooks(county: dict, tmp_path: Path, capsys):
    wh = county["warehouse"]
    w = ["--warehouse", str(wh)]
    assert main(["review", "export", "--out", str(tmp_path / "out"), *w]) == 0
    books = sorted((tmp_path / "out").glob("审核意见表-*.xlsx"))
    assert books and (tmp_path / "out").glob("审核意见汇总-全县-*.xlsx")
    wb = load_workbook(books[0])
    ws = wb["审核意见表"]
    header = [c.value for c in ws[3]]
    for name in ("编号", "页码", "原文", "应为", "实为", "差额", "状态", "处理意见", "整改情况"):
        assert name in header
    assert ws.freeze_panes == "B4" and ws.auto_filter.ref.startswith("A3:")
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$3:$3"
    dv = ws.data_validations.dataValidation
    assert dv and "已认可" in dv[0].formula1 and "已整改" not in dv[0].formula1
    col = {h: i + 1 for i, h in enumerate(header)}
    rows = list(range(4, ws.max_row + 1))
    numbers = [ws.cell(r, col["实为"]) for r in rows if ws.cell(r, col["实为"]).value is not None]
    assert numbers and all(c.data_type == "n" and c.number_format in ("#,##0.00", '0.00"%"') for c in numbers)
    todo = [r for r in rows if ws.cell(r, col["状态"]).value in ("待处理", "重新打开")]
    assert todo
    target = ws.cell(todo[0], col["编号"]).value

    def save(name: str, edit) -> Path:  # type: ignore[no-untyped-def]
        book = load_workbook(books[0])
        edit(book["审核意见表"])
        path = tmp_path / name
        book.save(path)
        return path

    before = len(ReviewStore.of(wh).decisions())
    bad = {
        "unknown.xlsx": (lambda s: s.cell(todo[0], col["编号"], "Fdoesnotexist"), "unknown finding id"),
        "status.xlsx": (lambda s: s.cell(todo[0], col["状态"], "搞定了"), "bad status"),
        "fixed.xlsx": (lambda s: s.cell(todo[0], col["状态"], "已整改"), "fixed is set by the system"),
        "reason.xlsx": (lambda s: (s.cell(todo[0], col["状态"], "已认可"),
                                   setattr(s.cell(todo[0], col["处理意见"]), "value", None)), "missing reason"),
        "evidence.xlsx": (lambda s: s.cell(todo[0], col["证据指纹"], "0123456789abcdef"), "evidence changed"),
    }
    for name, (edit, message) in bad.items():
        path = save(name, edit)
        # a good row next to the bad one: nothing at all is applied
        if len(todo) > 1:
            book = load_workbook(path)
            book["审核意见表"].cell(todo[1], col["状态"], "不成立")
            book["审核意见表"].cell(todo[1], col["处理意见"], "误报")
            book.save(path)
        assert main(["review", "import", str(path), "--by", "王五", *w]) == 2, name
        assert message in capsys.readouterr().err, name
        assert len(ReviewStore.of(wh).decisions()) == before, name
    (tmp_path / "not.xlsx").write_text("not a workbook", encoding="utf-8")
    assert main(["review", "import", str(tmp_path / "not.xlsx"), *w]) == 2
    assert "cannot open the workbook" in capsys.readouterr().err

    def good(s) -> None:  # type: ignore[no-untyped-def]
        s.cell(todo[0], col["状态"], "已认可")
        s.cell(todo[0], col["处理意见"], "部门已说明原因")
        s.cell(todo[0], col["整改情况"], "已在修订版中补充说明")
        s.cell(todo[0], col["处理人"], "赵六")

    assert main(["review", "import", str(save("good.xlsx", good)), *w]) == 0
    assert "1 条决定" in capsys.readouterr().out
    last = ReviewStore.of(wh).decisions()[-1]
    assert (last.finding_id, last.action, last.decided_by, last.response, last.source) == (
        target, "accept", "赵六", "已在修订版中补充说明", "workbook:good.xlsx")
    assert main(["review", "import", str(tmp_path / "good.xlsx"), *w]) == 0  # the same book again: no change
    assert "0 条决定" in capsys.readouterr().out
    assert store_path(wh).name == "warehouse.review.duckdb"
