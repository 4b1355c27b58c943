"""Ground truth of one document, read back from the DocModel as it was rendered."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from samplegen.defects import Defect
from samplegen.docmodel import Block, DocModel, DocTable, Para
from samplegen.identities import HALF_CENT, document_identities


def facts_and_cells(blocks: list[Block], file_index: int, doc_id: str) -> tuple[list[dict], list[dict]]:
    facts: list[dict[str, Any]] = []
    cells: list[dict[str, Any]] = []
    for b in blocks:
        if isinstance(b, Para):
            reasons = _claim_reasons(b)
            for n in b.nums():
                fact = {
                    "metric": n.metric,
                    "basis": n.basis,
                    "value": n.text,
                    "unit": n.unit,
                    "source_kind": "narrative",
                    "file_index": file_index,
                    "section": b.section,
                    "sentence": b.pid,
                }
                if n.code:
                    fact["code"] = n.code
                if n.direction:
                    fact["direction"] = n.direction
                if n.compared_year:
                    fact["compared_year"] = n.compared_year
                if id(n) in reasons:
                    fact["has_reason"] = reasons[id(n)]
                facts.append(fact)
        elif isinstance(b, DocTable):
            for r, row in enumerate(b.rows):
                for c, cell in enumerate(row):
                    if not cell.numeric:
                        continue
                    entry = {
                        "table_key": b.key,
                        "row": r,
                        "col": c,
                        "row_label": cell.row_label,
                        "code": cell.code,
                        "column": cell.column,
                        "measure": cell.measure,
                        "value": cell.text,
                        "file_index": file_index,
                    }
                    cells.append(entry)
                    if cell.metric:
                        basis = "budget" if cell.measure == "budget" else "actual"
                        facts.append(
                            {
                                "metric": cell.metric,
                                "basis": basis,
                                "value": cell.text,
                                "unit": "万元",
                                "source_kind": "table",
                                "file_index": file_index,
                                "table_key": b.key,
                                "row_label": cell.row_label,
                                "column": cell.column,
                            }
                        )
    for i, f in enumerate(facts):
        f["fact_id"] = f"{doc_id}-F{i:04d}"
    return facts, cells


_CLAIM_BASES = ("yoy_change", "yoy_pct", "completion_pct")
_SENTENCE_ENDS = "。！？"


def document_facts_and_cells(files: list[dict[str, Any]], doc_id: str) -> tuple[list[dict], list[dict]]:
    """The facts and cells of a document's rendered files, in order (the second file's are keyed ``<doc_id>b``)."""
    facts: list[dict[str, Any]] = []
    cells: list[dict[str, Any]] = []
    for fi, f in enumerate(files):
        fa, ce = facts_and_cells(f["blocks"], fi, doc_id if not facts else f"{doc_id}b")
        facts += fa
        cells += ce
    return facts, cells


def files_truth(files: list[dict[str, Any]], out_root: Path) -> list[dict[str, Any]]:
    """The truth's entries of a document's rendered files: their paths relative to the county, no blocks."""
    return [{k: (v.relative_to(out_root).as_posix() if k == "path" else v) for k, v in f.items() if k != "blocks"}
            for f in files]


def _claim_reasons(p: Para) -> dict[int, bool]:
    """For each claim (year-over-year, completion) of a paragraph: whether a reason goes with it, i.e.
    its sentence or the next one of the paragraph says 原因 (keyed by id of the Num)."""
    sentences: list[str] = [""]
    where: dict[int, int] = {}
    for seg in p.segs:
        if not isinstance(seg, str):
            if seg.basis in _CLAIM_BASES:
                where[id(seg)] = len(sentences) - 1
            sentences[-1] += seg.text
            continue
        for ch in seg:
            sentences[-1] += ch
            if ch in _SENTENCE_ENDS:
                sentences.append("")
    return {
        key: any("原因" in s for s in sentences[i:i + 2])
        for key, i in where.items()
    }


def rounding_not_defects(doc: DocModel) -> list[dict[str, Any]]:
    return [
        {
            "kind": "rounding_only",
            "identity": r.name,
            "table_key": r.table_key,
            "location": r.location,
            "total_shown": str(r.total),
            "parts_sum": str(r.parts_sum),
            "n_parts": r.n_parts,
            "tolerance": str(r.n_parts * HALF_CENT),
        }
        for r in document_identities(doc)
        if r.rounding_only
    ]


def defect_dict(d: Defect) -> dict[str, Any]:
    return {
        "defect_id": d.defect_id,
        "kind": d.kind,
        "check_family": d.family,
        "dept_id": d.dept_id,
        "department": d.department,
        "year": d.year,
        "file": d.file,
        "location": d.location,
        "expected": d.expected,
        "shown": d.shown,
        "severity": d.severity,
        "description": d.description,
    }
