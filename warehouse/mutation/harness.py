"""Mutation testing of the checks on real documents.

Every real 决算 of ``../shared/realdata`` becomes a text the project reads (page-text JSON; the Tika text as it
is; a PDF through :mod:`warehouse.mutation.render`). For each document and mutation kind a few sites are drawn
with a seeded generator; each mutant is written under its own department name (a prefix 变异<number> on every
occurrence of the department's name and on the file name), and all of them — plus the unmutated renderings and
the PDFs themselves — go through ONE real pipeline run (``juesuan run``).

Scoring: a mutant is *caught* when its document has an error/warning ``fail`` finding that the unmutated
rendering of the same document does not have (same check and message) and that points at the edit — on the
edited page, or stating the new figure / the table's name, or (a text without pages) quoting the words around
the edit. A harmless edit must add no error/warning finding at all; a finding of the original whose message quotes
the reworded words, reworded the same way, is the original's finding, not a new one.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import subprocess
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ingest.identify import parse_file_name
from ingest.readers import pdf
from ingest.readers.text import decode_text
from warehouse.mutation.constraint import constraint, year_constraint
from warehouse.mutation.operators import KINDS, Kind, Site, apply
from warehouse.mutation.render import PageText, read_page_json, render_document

_DIGITS = "零一二三四五六七八九"
PER_KIND = 3
PER_KIND_BUDGET = 1  # sixteen budget documents: one site per kind and budget keeps one run within minutes
PREDICTED = ("error", "warning")


@dataclass(frozen=True, slots=True)
class Source:
    """A real document as mutable text: its name, department, pages and how to write it back."""

    name: str  # short label (department without the region prefix)
    department: str
    stem: str  # file stem (department + year + kind)
    pages: tuple[str, ...]
    paged: bool  # False: one text without page numbers (Tika)
    suffix: str  # .page_texts.json | .tika.txt
    pdf: Path | None = None
    doc_type: str = "决算"  # 决算 | 预算
    year: int | None = None  # the fiscal year the file name gives


def previous_year(src: Source, library: list[Source]) -> list[Source]:
    """The documents a reviewer of ``src`` has beside it: the same department's document of the same type for the
    year before (last year's 预算 for a 预算). They are written under the same department name as ``src`` and each
    of its mutants, so a check that compares with last year's document (比上年预算减少 20 万元) judges the mutant as
    it judges the original."""
    return [s for s in library if s is not src and s.department == src.department and s.doc_type == src.doc_type
            and src.year is not None and s.year == src.year - 1]


@dataclass(frozen=True, slots=True)
class Mutant:
    mutant_id: int
    source: str
    kind: str
    harmless: bool
    site: Site
    before: str
    context: str  # the words just before the edit, as the mutated text shows them
    constraint: str | None = "非数字改动"  # why the original document decides the edit; None: undecidable


@dataclass(frozen=True, slots=True)
class Finding:
    check_id: str
    severity: str
    status: str
    message: str
    evidence: str
    page: int | None
    locator: str


def tag(n: int) -> str:
    """变异 + the number in Chinese digits (a department name the identification keeps whole)."""
    return "变异" + "".join(_DIGITS[int(c)] for c in f"{n:04d}")


def _short(department: str) -> str:
    return re.sub(r"^(上海市普陀区|中共上海市普陀区委|广元市朝天区)", "", department) or department


def load_sources(realdata: Path) -> list[Source]:
    """The real final accounts: Putuo 2024 PDFs, 宜川路 2025 page texts, the Sichuan Tika text, the other 决算 PDFs."""
    out: list[Source] = []
    for path in sorted((realdata / "govbudgetchecker").glob("*年度部门决算.pdf")):
        dept, _, _ = parse_file_name(path)
        pages = render_document(pdf.read(path)).pages
        out.append(Source(_short(dept or path.stem), dept or path.stem, path.stem, pages, True,
                          ".page_texts.json", path))
    for path in sorted((realdata / "govbudgetchecker" / "page_texts_2025_final").glob("*.json")):
        dept, _, _ = parse_file_name(path)
        stem = path.name.split(".")[0]
        out.append(Source(_short(dept or stem), dept or stem, stem, read_page_json(path).pages, True,
                          ".page_texts.json"))
    for path in sorted((realdata / "seed_sichuan").glob("*.txt")):
        dept, _, _ = parse_file_name(path)
        stem = path.name.split(".")[0]
        text, _ = decode_text(path.read_bytes())
        out.append(Source(_short(dept or stem), dept or stem, stem, (text,), False, ".tika.txt"))
    # the other real 决算 (a template none of the checks were written for: 西南大学's four 高等学校 tables), last so
    # that the sites drawn for the documents above stay the same
    for path in sorted((realdata / "more").glob("*年度部门决算.pdf")):
        dept, _, _ = parse_file_name(path)
        pages = render_document(pdf.read(path)).pages
        out.append(Source(_short(dept or path.stem), dept or path.stem, path.stem, pages, True,
                          ".page_texts.json", path))
    # the real budgets (部门/单位预算: PDFs and the 石泉路 page texts), after every 决算 so that their sites stay
    for path in sorted(p for d in ("govbudgetchecker", "tianbaoxitong", "more") for p in (realdata / d).glob("*.pdf")
                       if "预算" in p.name and "模板" not in p.name):
        dept, year, _ = parse_file_name(path)
        pages = render_document(pdf.read(path)).pages
        out.append(Source(_short(path.stem), dept or path.stem, path.stem, pages, True, ".page_texts.json", path,
                          "预算", year))
    for path in sorted((realdata / "govbudgetchecker").glob("*预算*.json")):
        dept, year, _ = parse_file_name(path)
        stem = path.name.split(".")[0]
        out.append(Source(_short(stem), dept or stem, stem, read_page_json(path).pages, True, ".page_texts.json",
                          None, "预算", year))
    return out


def draw(sources: list[Source], kinds: tuple[Kind, ...] = KINDS, per_kind: int = PER_KIND,
         seed: int = 16, per_kind_budget: int = PER_KIND_BUDGET) -> list[Mutant]:
    """Up to ``per_kind`` sites per kind and document (``per_kind_budget`` for a budget), drawn with a generator
    seeded by (``seed``, document, kind): deterministic, and the sites of one (document, kind) do not depend on
    any other — a change to one operator's candidate sites, an added kind or an added document redraws nothing
    else, so a seed stays comparable across changes. Kinds are listed part by part (numbering). Each figure edit
    is classified by :func:`constraint` (decidable or not)."""
    mutants: list[Mutant] = []
    for part in sorted({k.part for k in kinds}):
        for src in sources:
            for kind in (k for k in kinds if k.part == part):
                rng = random.Random(f"{seed}/{src.name}/{kind.key}")
                sites = kind.sites(src.pages)
                n = per_kind_budget if src.doc_type == "预算" else per_kind
                chosen = sorted(rng.sample(sites, min(n, len(sites))), key=lambda s: (s.page, s.start))
                for site in chosen:
                    text = src.pages[site.page]
                    edited = apply(src.pages, site)[site.page]
                    context = re.sub(r"\s+", "", edited[max(0, site.start - 12):site.start])[-6:]
                    reason = (constraint(src.pages, site) if kind.figure
                              else year_constraint(src.pages, site) if kind.year else "非数字改动")
                    mutants.append(Mutant(len(mutants) + 1, src.name, kind.key, kind.harmless, site,
                                          text[site.start:site.end], context, reason))
    return mutants


def _write(src: Source, pages: tuple[str, ...], n: int, inbox: Path, companions: tuple[Source, ...] = ()) -> str:
    """The document under the department name 变异<n> + its name, and its ``companions`` (unmutated, not scored)
    under the same name."""
    prefix = tag(n)
    for other in companions:
        _write(other, other.pages, n, inbox)
    body = [p.replace(src.department, prefix + src.department) for p in pages]
    name = prefix + src.stem + src.suffix
    if src.paged:
        (inbox / name).write_text(PageText(tuple(body)).to_json(), encoding="utf-8")
    else:
        (inbox / name).write_text(body[0], encoding="utf-8")
    return name


def write_inbox(sources: list[Source], mutants: list[Mutant], inbox: Path,
                library: list[Source] | None = None) -> dict[str, tuple[str, int]]:
    """Originals (number 0 per source: 变异零零零零 + index), the PDFs and every mutant; file → (source, mutant).
    Each original and mutant has last year's document of its department beside it (:func:`previous_year`, from
    ``library``: every source, when ``sources`` is a subset); those files are not scored and not returned."""
    if inbox.exists():
        shutil.rmtree(inbox)
    inbox.mkdir(parents=True)
    files: dict[str, tuple[str, int]] = {}
    by_name = {s.name: s for s in sources}
    everything = library if library is not None else sources
    companions = {s.name: tuple(previous_year(s, everything)) for s in sources}
    for i, src in enumerate(sources):
        files[_write(src, src.pages, 9000 + i, inbox, companions[src.name])] = (src.name, 0)
        if src.pdf is not None:
            shutil.copy(src.pdf, inbox / src.pdf.name)
            files[src.pdf.name] = (src.name, -1)
    for m in mutants:
        src = by_name[m.source]
        files[_write(src, apply(src.pages, m.site), m.mutant_id, inbox, companions[src.name])] = (src.name,
                                                                                                 m.mutant_id)
    return files


def run_pipeline(inbox: Path, warehouse: Path) -> None:
    for p in (warehouse, warehouse.with_suffix(".duckdb.wal")):
        p.unlink(missing_ok=True)
    cli = Path(sys.executable).with_name("juesuan")
    # one run holds ~500 documents (a county holds tens): give dbt's DuckDB more than the nightly default
    env = {**os.environ, "JUESUAN_DBT_MEMORY_LIMIT": os.environ.get("JUESUAN_DBT_MEMORY_LIMIT", "8GB")}
    subprocess.run([str(cli), "run", "--inbox", str(inbox), "--warehouse", str(warehouse)],
                   check=True, stdout=subprocess.DEVNULL, env=env)


def load(warehouse: Path) -> tuple[dict[str, list[Finding]], dict[str, str], list[tuple]]:
    """Findings per source file, the department of each file, and check_summary rows per file."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        docs = con.execute("select document_id, source_file, department_name from marts.dim_document "
                           "where is_current").fetchall()
        rows = con.execute(
            "select document_id, check_id, severity, status, message, coalesce(evidence, ''), page, "
            "coalesce(locator, '') from marts.fct_check_result").fetchall()
        summary = con.execute(
            "select document_id, check_id, evaluated, not_evaluable from marts.check_summary").fetchall()
    finally:
        con.close()
    file_of = {d: Path(f).name for d, f, _ in docs}
    findings: dict[str, list[Finding]] = defaultdict(list)
    for doc_id, *rest in rows:
        if doc_id in file_of:
            findings[file_of[doc_id]].append(Finding(*rest))
    summary_by_file = [(file_of[d], c, ev, ne) for d, c, ev, ne in summary if d in file_of]
    return findings, {file_of[d]: dept for d, _, dept in docs}, summary_by_file


def table_cells(warehouse: Path) -> dict[str, int]:
    """Table cells read per source file (how much of each document the reader could read)."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows = con.execute(
            "select d.source_file, count(c.document_id) from marts.dim_document as d "
            "left join raw.table_cells as c using (document_id) where d.is_current group by all").fetchall()
    finally:
        con.close()
    return {Path(f).name: n for f, n in rows}


def unreadable_renderings(files: dict[str, tuple[str, int]], cells: dict[str, int],
                          share: float = 0.5) -> set[str]:
    """Sources whose text rendering yields less than ``share`` of the table cells the PDF itself yields: the
    page-text reader does not know that template's tables (an extraction gap), so their mutants measure the reader,
    not the checks; they are reported apart."""
    pdf_cells = {src: cells.get(f, 0) for f, (src, n) in files.items() if n == -1}
    rendered = {src: cells.get(f, 0) for f, (src, n) in files.items() if n == 0}
    return {src for src, n in pdf_cells.items() if n and rendered.get(src, 0) < share * n}


def _key(f: Finding) -> tuple[str, str]:
    return f.check_id, re.sub(r"变异[零一二三四五六七八九]{4}", "", f.message)


def _core(before: str, after: str) -> tuple[str, str]:
    """The part of an edit that differs: ``before`` and ``after`` without their common prefix and suffix."""
    i = 0
    while i < min(len(before), len(after)) and before[i] == after[i]:
        i += 1
    j = 0
    while j < min(len(before), len(after)) - i and before[-1 - j] == after[-1 - j]:
        j += 1
    return before[i:len(before) - j], after[i:len(after) - j]


def new_findings(mutant: list[Finding], original: list[Finding],
                 edit: tuple[str, str] | None = None) -> list[Finding]:
    """The mutant's error/warning fails the original does not have (same check and message). With ``edit``
    (before, after), a finding of the original whose message quotes the edited words is the same finding with the
    words as the mutant prints them (a harmless rewording inside a real defect's evidence is nothing new)."""
    fails = [f for f in original if f.status == "fail"]
    base = {_key(f) for f in fails}
    if edit is not None:
        was, now = _core(*edit)
        if was:
            for check, msg in (_key(f) for f in fails):
                # each occurrence on its own (the edit touched one of them), and all at once
                starts = [m.start() for m in re.finditer(re.escape(was), msg)]
                base |= {(check, msg[:k] + now + msg[k + len(was):]) for k in starts}
                base.add((check, msg.replace(was, now)))
    return [f for f in mutant if f.status == "fail" and f.severity in PREDICTED and _key(f) not in base]


def points_at(f: Finding, m: Mutant, paged: bool) -> bool:
    text = re.sub(r"\s+", "", f.message + f.evidence).replace(",", "")
    if any(a and re.sub(r"\s+", "", a) in text for a in m.site.anchors):
        return True
    if paged:
        # on the edited page, or naming it (a roll-up whose parts continue on the next page: 明细行在第9页)
        page = m.site.page + 1
        return f.page == page or any(int(a) <= page <= int(b or a)
                                     for a, b in re.findall(r"明细行在第(\d+)(?:—(\d+))?页", text))
    return bool(m.context) and m.context in text


@dataclass
class Score:
    mutants: list[Mutant]
    caught: dict[int, list[Finding]]
    missing: list[int]  # mutants whose document did not load (a reading failure of the mutant)


def score(sources: list[Source], mutants: list[Mutant], files: dict[str, tuple[str, int]],
          findings: dict[str, list[Finding]], loaded: set[str]) -> Score:
    original = {src: findings.get(f, []) for f, (src, n) in files.items() if n == 0}
    file_of = {n: f for f, (_, n) in files.items() if n > 0}
    paged = {s.name: s.paged for s in sources}
    caught: dict[int, list[Finding]] = {}
    missing = []
    for m in mutants:
        f = file_of[m.mutant_id]
        if f not in loaded:
            missing.append(m.mutant_id)
            continue
        if m.harmless:
            caught[m.mutant_id] = new_findings(findings.get(f, []), original[m.source], (m.before, m.site.after))
            continue
        new = new_findings(findings.get(f, []), original[m.source])
        caught[m.mutant_id] = [x for x in new if points_at(x, m, paged[m.source])]
    return Score(mutants, caught, missing)
