"""Sample county generator: files open, identities hold, defects are labelled, output is deterministic."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from decimal import Decimal

import pytest

from samplegen import generate_county
from samplegen.defects import KINDS

YEARS = (2023, 2024)
HALF = Decimal("0.005")


def dec(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    out = tmp_path_factory.mktemp("clean")
    manifest = generate_county(out, departments=3, years=YEARS, seed=5, defect_rate=0.0, workers=1)
    truth = json.loads(manifest.truth_path.read_text(encoding="utf-8"))
    return out, manifest, truth


@pytest.fixture(scope="module")
def defected(tmp_path_factory):
    out = tmp_path_factory.mktemp("defected")
    manifest = generate_county(
        out, departments=12, years=YEARS, seed=9, defect_rate=1.0, formats=("txt",), workers=1
    )
    truth = json.loads(manifest.truth_path.read_text(encoding="utf-8"))
    return out, manifest, truth


def _files_by_ext(truth) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = defaultdict(list)
    for d in truth["documents"]:
        for i, f in enumerate(d["files"]):
            out[f["format"]].append({**f, "department": d["department"], "doc": d, "index": i})
    return out


def test_manifest_and_registry(clean):
    out, manifest, truth = clean
    assert manifest.departments == 3 and manifest.documents == 6 and manifest.defects == 0
    assert all(p.exists() and p.stat().st_size > 0 for p in manifest.files)
    rows = list(csv.DictReader((out / "county.csv").open(encoding="utf-8")))
    assert [r["name"] for r in rows] == [d["name"] for d in truth["departments"]]
    assert all(r["peer_group"] and r["units"] for r in rows)
    for f in manifest.files:
        assert f.parent.name in {str(y) for y in YEARS}
        dept = next(d for d in truth["departments"] if f.name.startswith(d["name"]))
        assert f"{dept['name']}{f.parent.name}年度部门决算" in f.name


def test_every_format_opens(clean):
    import docx
    import openpyxl
    import pypdfium2
    import xlrd

    out, _, truth = clean
    by_ext = _files_by_ext(truth)
    assert {"docx", "pdf", "xlsx", "xls", "txt"} <= set(by_ext), sorted(by_ext)
    for f in by_ext["docx"]:
        d = docx.Document(str(out / f["path"]))
        text = "\n".join(p.text for p in d.paragraphs)
        assert f["department"] in text
    for f in by_ext["pdf"]:
        pdf = pypdfium2.PdfDocument(str(out / f["path"]))
        text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
        assert f["department"] in text
        facts = f["doc"]["facts"]
        mine = [x for x in facts if x["file_index"] == f["index"] and x["source_kind"] == "narrative"]
        assert mine
        missing = [x["value"] for x in mine if x["value"] not in text]
        assert not missing, (f["path"], missing[:5])
        assert "一般公共预算财政拨款" in text
    import pdfplumber  # the reader a reviewer would reach for: it must see the text and the ruled tables too

    for f in by_ext["pdf"]:
        with pdfplumber.open(str(out / f["path"])) as pdf:
            text = "".join(page.extract_text() or "" for page in pdf.pages)
            n_tables = sum(len(page.find_tables()) for page in pdf.pages)
        assert f["department"].replace(" ", "") in text.replace(" ", "").replace("\n", "")
        assert "万元" in text
        if "报表" in f["path"] or "情况说明" not in f["path"]:
            assert n_tables >= 1, f["path"]
    for f in by_ext["xlsx"]:
        wb = openpyxl.load_workbook(out / f["path"])
        tables = [ws for ws in wb.worksheets if ws.title != "情况说明"]
        assert len(tables) >= 9
        nums = [
            c
            for ws in tables
            for row in ws.iter_rows()
            for c in row
            if isinstance(c.value, (int, float, Decimal))
        ]
        assert nums and all(c.number_format == "#,##0.00" for c in nums)
    for f in by_ext["xls"]:
        book = xlrd.open_workbook(str(out / f["path"]))
        assert book.nsheets >= 9
        assert any("收入支出决算总表" in s.name for s in book.sheets())
    encodings = {f["encoding"] for f in by_ext["txt"]}
    for f in by_ext["txt"]:
        raw = (out / f["path"]).read_bytes()
        text = raw.decode(f["encoding"])
        assert f["department"] in text and "[bookmark: _Toc" in text
        if f["encoding"] == "gbk":
            with pytest.raises(UnicodeDecodeError):
                raw.decode("utf-8")
    assert "gbk" in encodings


def test_cells_satisfy_identities(clean):
    """Recompute from truth.json cells: row totals, 类 = Σ款 = Σ项, T1 totals, T6 vs T5, 三公."""
    _, _, truth = clean
    for doc in truth["documents"]:
        assert doc["defects"] == []
        cells = doc["cells"]
        by_table: dict[str, list[dict]] = defaultdict(list)
        for c in cells:
            by_table[c["table_key"]].append(c)
        assert {
            "income_expenditure_summary",
            "income",
            "expenditure",
            "fiscal_summary",
            "general_budget_expenditure",
            "general_budget_basic",
            "sangong",
        } <= set(by_table)
        for key in ("income", "expenditure", "general_budget_expenditure"):
            rows: dict[str, dict[str, Decimal]] = defaultdict(dict)
            for c in by_table[key]:
                rows[c["code"] or c["row_label"]][c["measure"]] = dec(c["value"])
            for rk, vals in rows.items():
                parts = [v for m, v in vals.items() if m != "total"]
                assert abs(vals["total"] - sum(parts)) <= len(parts) * HALF, (doc["doc_id"], key, rk)
            for code, vals in rows.items():
                if code.isdigit() and len(code) in (3, 5):
                    kids = [k for k in rows if k.isdigit() and len(k) == len(code) + 2 and k.startswith(code)]
                    s = sum(rows[k]["total"] for k in kids)
                    assert kids and abs(vals["total"] - s) <= len(kids) * HALF, (doc["doc_id"], key, code)
        t1 = {(c["measure"], c["row_label"]): dec(c["value"]) for c in by_table["income_expenditure_summary"]}
        z = Decimal(0)
        assert t1[("income", "总计")] == t1[("expenditure", "总计")]
        assert (
            abs(
                t1[("income", "总计")]
                - t1[("income", "本年收入合计")]
                - t1.get(("income", "年初结转和结余"), z)
                - t1.get(("income", "使用非财政拨款结余"), z)
            )
            <= 3 * HALF
        )
        t6 = {c["row_label"]: dec(c["value"]) for c in by_table["general_budget_basic"] if c["code"] is None}
        t5 = {(c["row_label"], c["measure"]): dec(c["value"]) for c in by_table["general_budget_expenditure"]}
        assert abs(t5[("合计", "basic")] - t6["人员经费合计"] - t6["公用经费合计"]) <= 2 * HALF
        sg = {c["row_label"]: dec(c["value"]) for c in by_table["sangong"] if c["measure"] == "actual"}
        assert (
            abs(sg["合计"] - sg["因公出国（境）费"] - sg["公务用车购置及运行费小计"] - sg["公务接待费"])
            <= 3 * HALF
        )
        assert abs(sg["公务用车购置及运行费小计"] - sg["公务用车购置费"] - sg["公务用车运行费"]) <= 2 * HALF
        eco = {c["code"]: dec(c["value"]) for c in by_table["general_budget_basic"] if c["code"]}
        # T6 lines count basic spending only, the 三公 items basic + project: a line never exceeds its item
        assert eco.get("30217", z) <= sg["公务接待费"] and eco.get("30231", z) <= sg["公务用车运行费"]
        for nd in doc["not_defects"]:
            assert nd["kind"] == "rounding_only"
            assert abs(dec(nd["total_shown"]) - dec(nd["parts_sum"])) <= Decimal(nd["tolerance"])


def test_narrative_matches_tables_and_last_year(clean):
    _, _, truth = clean
    docs = {(d["dept_id"], d["year"]): d for d in truth["documents"]}
    for (dept, year), doc in docs.items():
        facts = doc["facts"]
        nar = {
            (f["metric"], f["basis"]): f for f in facts if f["source_kind"] == "narrative" and "code" not in f
        }
        tab = {
            f["metric"]: f["value"] for f in facts if f["source_kind"] == "table" and f["basis"] == "actual"
        }
        for metric in ("income_total", "carryover_begin", "sangong_total", "basic_personnel", "basic_public"):
            # a blank table cell stands for zero
            assert dec(nar[(metric, "actual")]["value"]) == dec(tab.get(metric, "0")), (doc["doc_id"], metric)
        prev = docs.get((dept, year - 1))
        if prev is not None:
            ptab = {f["metric"]: f["value"] for f in prev["facts"] if f["source_kind"] == "table"}
            assert dec(tab.get("carryover_begin", "0")) == dec(ptab.get("carryover_end", "0"))
            change = nar.get(("income_total", "yoy_change"))
            delta = dec(tab["income_total"]) - dec(ptab["income_total"])
            if change is not None:
                sign = 1 if change["direction"] == "增加" else -1
                assert sign * dec(change["value"]) == delta
        metrics = {f["metric"] for f in facts}
        assert {
            "staff_authorized",
            "staff_actual",
            "vehicles_total",
            "reception_batches",
            "procurement_total",
            "income_general_budget_appropriation",
        } <= metrics


def test_every_defect_kind_is_labelled(defected):
    _, manifest, truth = defected
    defects = [x for d in truth["documents"] for x in d["defects"]]
    assert manifest.defects == len(defects)
    assert {x["kind"] for x in defects} == set(KINDS)
    files = {f["path"] for d in truth["documents"] for f in d["files"]}
    for x in defects:
        assert x["check_family"] == KINDS[x["kind"]][0] and x["severity"] in ("error", "warning", "info")
        assert x["file"] in files and x["location"] and x["expected"] != x["shown"]
    ids = [x["defect_id"] for x in defects]
    assert len(ids) == len(set(ids))


def test_defects_are_visible_in_the_files(defected):
    out, _, truth = defected
    for doc in truth["documents"]:
        text = (out / doc["files"][0]["path"]).read_bytes().decode(doc["files"][0]["encoding"])
        cells = defaultdict(dict)
        for c in doc["cells"]:
            cells[c["table_key"]][(c["code"] or c["row_label"], c["measure"])] = dec(c["value"])
        for x in doc["defects"]:
            if x["shown"] and x["kind"] not in (
                "carryover_discontinuity",
                "economic_exceeds_sangong",
                "direction_word_wrong",
            ):
                split_code = x["kind"] == "invalid_classification_code" and f"\t{x['shown'][5:]}\n" in text
                assert x["shown"] in text or split_code, x
            if x["kind"] == "missing_table":
                assert x["location"]["table"] not in cells
            if x["kind"] == "table_total_off":
                t = cells[x["location"]["table"]]
                classes = sum(v for (k, m), v in t.items() if m == "total" and k.isdigit() and len(k) == 3)
                assert abs(t[("合计", "total")] - classes) > Decimal("0.5")


def test_deterministic(tmp_path):
    a = generate_county(tmp_path / "a", departments=3, years=YEARS, seed=11, defect_rate=0.5, workers=1)
    b = generate_county(tmp_path / "b", departments=3, years=YEARS, seed=11, defect_rate=0.5, workers=1)
    assert a.truth_path.read_bytes() == b.truth_path.read_bytes()
    for fa, fb in zip(a.files, b.files, strict=True):
        assert fa.relative_to(tmp_path / "a") == fb.relative_to(tmp_path / "b")
        assert fa.read_bytes() == fb.read_bytes(), fa.name
    c = generate_county(tmp_path / "c", departments=3, years=YEARS, seed=12, defect_rate=0.5, workers=1)
    assert c.truth_path.read_bytes() != a.truth_path.read_bytes()
