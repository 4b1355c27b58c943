"""generate_county: departments × years → files in year folders, county.csv and truth.json.

Layout: ``out_dir/county.csv``, ``out_dir/truth.json``, ``out_dir/<year>/<部门><year>年度部门决算.<ext>``;
split documents are ``…-情况说明.docx|pdf`` + ``…-报表.xlsx|xls``. With ``budgets`` the year folders also
hold each department's 部门预算 (``<部门><year>年部门预算.<ext>``) and its units' 单位预算
(``<单位><year>年单位预算.<ext>``), listed under ``budget_documents`` in truth.json; without it the output is
byte-for-byte what it was before budgets existed.
Every random choice flows from ``seed`` through string-seeded ``random.Random`` instances, one per
department, so output does not depend on worker scheduling.
"""

from __future__ import annotations

import json
import os
import random
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from samplegen.budgets import BudgetPlan, budget_documents, plan_budgets
from samplegen.compose import compose
from samplegen.county import COUNTY, Department, make_departments, write_registry
from samplegen.defects import BUDGET_KINDS, KINDS, apply_defects, plan_defects
from samplegen.docmodel import Block, DocModel, DocTable, Para
from samplegen.figures import YearPlan, generate_series
from samplegen.render_docx import render_docx
from samplegen.render_pdf import render_pdf
from samplegen.render_text import render_text
from samplegen.render_xlsx import render_xls, render_xlsx
from samplegen.truth import defect_dict, document_facts_and_cells, files_truth, rounding_not_defects

ALL_FORMATS = ("docx", "pdf", "xlsx", "txt")


@dataclass(frozen=True, slots=True)
class CountyManifest:
    out_dir: Path
    files: tuple[Path, ...]
    departments: int
    documents: int
    defects: int
    truth_path: Path


@dataclass(frozen=True, slots=True)
class _Job:
    dept: Department
    years: tuple[int, ...]
    seed: int
    kinds: dict[int, tuple[str, ...]]
    formats: tuple[str, ...]
    out_dir: str
    index: int  # position of the department in the county; drives the format/variant rotation
    budgets: BudgetPlan | None = None


def _figure_plans(kinds: dict[int, tuple[str, ...]], rng: random.Random) -> dict[int, YearPlan]:
    plans = {}
    for year, ks in kinds.items():
        jump = rng.randint(50_000, 900_000) if "carryover_discontinuity" in ks else 0
        over = rng.choice(("reception", "vehicle_operation")) if "economic_exceeds_sangong" in ks else None
        if jump or over:
            plans[year] = YearPlan(carryover_jump=jump, economic_over_sangong=over)
    return plans


def _split(blocks: list[Block]) -> tuple[list[Block], list[Block]]:
    """(narrative file blocks, tables file blocks) for a split document."""
    standard: list[Block] = [b for b in blocks if isinstance(b, DocTable) and b.key != "performance"]
    narrative = [
        b
        for b in blocks
        if not (isinstance(b, DocTable) and b.key != "performance")
        and not (isinstance(b, Para) and b.section == "报表")
    ]
    return narrative, standard


@dataclass(frozen=True, slots=True)
class _Variant:
    """Rendering variants, rotated by document position so a small county shows all of them."""

    fmt: str
    split: bool
    xls: bool
    gbk: bool
    separate_numbers: bool


def _variant(formats: tuple[str, ...], dept_index: int, year_index: int) -> _Variant:
    k = dept_index * 7 + year_index
    fmt = formats[(dept_index + year_index) % len(formats)]
    split = fmt in ("docx", "pdf") and "xlsx" in formats and k % 4 == 3
    return _Variant(fmt, split, xls=k % 3 == 1, gbk=k % 2 == 1, separate_numbers=k % 3 != 0)


def _render(doc: DocModel, v: _Variant, out: Path, rng: random.Random) -> list[dict[str, Any]]:
    """Write the document; returns file entries with the blocks each file holds."""
    base = doc.title
    files: list[dict[str, Any]] = []
    if v.split:
        narrative, tables = _split(doc.blocks)
        tab_ext = "xls" if v.xls else "xlsx"
        _write(narrative, v.fmt, out / f"{base}-情况说明.{v.fmt}", doc, v, rng, files, "narrative")
        _write(tables, tab_ext, out / f"{base}-报表.{tab_ext}", doc, v, rng, files, "tables")
        return files
    ext = "xls" if v.fmt == "xlsx" and v.xls else v.fmt
    _write(doc.blocks, ext, out / f"{base}.{ext}", doc, v, rng, files, "full")
    return files


def _write(
    blocks: list[Block],
    ext: str,
    path: Path,
    doc: DocModel,
    v: _Variant,
    rng: random.Random,
    files: list[dict[str, Any]],
    role: str,
) -> None:
    entry: dict[str, Any] = {"path": path, "format": ext, "role": role, "blocks": blocks}
    if ext == "docx":
        render_docx(blocks, path, doc.title)
    elif ext == "pdf":
        entry["numbers_as_separate_text_objects"] = v.separate_numbers
        render_pdf(blocks, path, doc.title, separate_numbers=v.separate_numbers)
    elif ext == "xlsx":
        render_xlsx(blocks, path, doc.title)
    elif ext == "xls":
        render_xls(blocks, path, doc.title)
    elif ext == "txt":
        enc = "gbk" if v.gbk else "utf-8"
        entry["encoding"] = enc
        render_text(blocks, path, enc, rng)
    files.append(entry)


def _department(job: _Job) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    dept = job.dept
    rng = random.Random(f"{job.seed}:{dept.dept_id}")
    series = generate_series(dept, job.years, rng, _figure_plans(job.kinds, rng))
    out_root = Path(job.out_dir)
    docs: list[dict[str, Any]] = []
    budget_docs: list[dict[str, Any]] = []
    for yi, year in enumerate(job.years):
        fig, prev = series[year], series[year - 1]
        doc = compose(dept, fig, prev, rng, initial_budget=job.budgets is not None)
        defects = apply_defects(doc, list(job.kinds.get(year, ())), fig, prev, rng)
        if job.budgets is not None:
            budget_docs += budget_documents(
                dept, series, year, job.budgets, doc, defects, job.seed, out_root,
                lambda d, v, out, r: _render(d, replace(_variant(job.formats, *v), split=False), out, r),
            )
        year_dir = out_root / str(year)
        year_dir.mkdir(parents=True, exist_ok=True)
        files = _render(doc, _variant(job.formats, job.index, yi), year_dir, rng)
        facts, cells = document_facts_and_cells(files, doc.doc_id)
        rels = [f["path"].relative_to(out_root).as_posix() for f in files]
        for k, d in enumerate(defects):
            d.defect_id = f"{doc.doc_id}-D{k + 1}"
            d.file = _file_for(d.location, files, out_root) or rels[0]
        docs.append(
            {
                "doc_id": doc.doc_id,
                "dept_id": dept.dept_id,
                "department": dept.name,
                "year": year,
                "template": doc.template,
                "peer_group": dept.peer_group,
                "files": files_truth(files, out_root),
                "facts": facts,
                "cells": cells,
                "defects": [defect_dict(d) for d in defects],
                "not_defects": rounding_not_defects(doc),
            }
        )
    return docs, budget_docs


def _file_for(location: dict[str, str], files: list[dict[str, Any]], root: Path) -> str | None:
    want_table = "table" in location
    for f in files:
        if f["role"] == "full":
            return f["path"].relative_to(root).as_posix()
        if want_table == (f["role"] == "tables"):
            return f["path"].relative_to(root).as_posix()
    return None


def generate_county(
    out_dir: Path,
    departments: int = 40,
    years: tuple[int, ...] = (2022, 2023, 2024),
    seed: int = 0,
    defect_rate: float = 0.0,
    formats: tuple[str, ...] = ALL_FORMATS,
    workers: int | None = None,
    budgets: bool = False,
) -> CountyManifest:
    """Write a complete sample county with ground truth; deterministic for a seed.

    ``budgets``: also the 部门预算 and 单位预算 of every department-year (a few left out, so that the checks meet
    a missing budget), with budget defects at ``defect_rate`` (docs: samplegen.budgets).
    """
    unknown = set(formats) - set(ALL_FORMATS)
    if unknown:
        raise ValueError(f"unknown formats: {sorted(unknown)}")
    if not 0.0 <= defect_rate <= 1.0:
        raise ValueError("defect_rate must be within [0, 1]")
    years = tuple(sorted(set(years)))
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    depts = make_departments(departments, random.Random(f"{seed}:county"))
    write_registry(out_dir / "county.csv", depts)
    order = [(d.dept_id, y, y != years[0] and (y - 1) in years) for y in years for d in depts]
    plan = plan_defects(order, defect_rate, random.Random(f"{seed}:defects"))
    budget_plans = plan_budgets(depts, years, defect_rate, random.Random(f"{seed}:budgets")) if budgets else {}
    jobs = [
        _Job(
            d,
            years,
            seed,
            {y: tuple(plan.get((d.dept_id, y), ())) for y in years},
            tuple(formats),
            str(out_dir),
            i,
            budget_plans.get(d.dept_id),
        )
        for i, d in enumerate(depts)
    ]
    n_workers = workers if workers is not None else min(2, os.cpu_count() or 1)
    if n_workers > 1 and len(jobs) >= 8:
        with ProcessPoolExecutor(n_workers) as ex:
            results = list(ex.map(_department, jobs, chunksize=4))
    else:
        results = [_department(j) for j in jobs]
    documents = sorted((d for r, _ in results for d in r), key=lambda d: (d["year"], d["dept_id"]))
    budget_docs = sorted((d for _, r in results for d in r), key=lambda d: (d["year"], d["dept_id"], d["doc_id"]))
    n_defects = sum(len(d["defects"]) for d in documents) + sum(len(d["defects"]) for d in budget_docs)
    defect_kinds = {k: {"check_family": f, "severity": s} for k, (f, s) in KINDS.items()}
    if budgets:
        defect_kinds.update({k: {"check_family": f, "severity": s} for k, (f, s) in BUDGET_KINDS.items()})
    truth = {
        "county": COUNTY,
        "seed": seed,
        "years": list(years),
        "defect_rate": defect_rate,
        "formats": list(formats),
        "layout": "<year>/<department><year>年度部门决算[-情况说明|-报表].<ext>",
        "departments": [
            {
                "dept_id": d.dept_id,
                "name": d.name,
                "aliases": list(d.aliases),
                "peer_group": d.peer_group,
                "parent": d.parent,
                "units": list(d.units),
                "template": d.template,
            }
            for d in depts
        ],
        "defect_kinds": defect_kinds,
        "documents": documents,
    }
    if budgets:
        truth["budget_layout"] = "<year>/<部门><year>年部门预算.<ext>, <year>/<单位><year>年单位预算.<ext>"
        truth["budget_documents"] = budget_docs
    truth_path = out_dir / "truth.json"
    truth_path.write_text(json.dumps(truth, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    files = tuple(sorted(out_dir / f["path"] for d in (*documents, *budget_docs) for f in d["files"]))
    return CountyManifest(out_dir, files, len(depts), len(documents) + len(budget_docs), n_defects, truth_path)
