"""Precision and recall of the checks (``marts.fct_check_result``) against labelled defects.

Generated county: ``python -m warehouse.check_eval --warehouse W --truth inbox/truth.json``.
Real documents: ``python -m warehouse.check_eval --warehouse W --real`` (the known defects of
PROVENANCE §6, as figures; a finding matches when it is on the same document and states them).

Matching (generated county): a finding is a *prediction* when its status is ``fail`` and its severity is
error or warning (``info`` findings are hints, not predictions). It matches a defect of the same
department, year and check family; when that document has several defects of the family, the one whose
location (table key, or narrative section) agrees with the finding's locator is taken. Several findings
of one defect (a wrong 合计 breaks the column sum and the row sum) are all true positives; a defect is
found when at least one finding matches it. Every unmatched prediction is listed as a false positive.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb


@dataclass(frozen=True, slots=True)
class Finding:
    check_id: str
    family: str
    severity: str
    department: str
    year: int | None
    locator: str
    message: str
    evidence: str


@dataclass(frozen=True, slots=True)
class Label:
    defect_id: str
    family: str
    department: str
    year: int
    location: tuple[tuple[str, str], ...]
    kind: str


@dataclass(frozen=True, slots=True)
class KnownDefect:
    """A real document's known defect: the document (file name fragment) and figures the finding must state."""

    name: str
    document: str
    family: str
    needles: tuple[str, ...]


# PROVENANCE §6: 宜川路 2025 决算 (figures only)
REAL_KNOWN: tuple[KnownDefect, ...] = (
    # within the rounding of ten rows: reported as identity.rounding_residue (info), never as an error
    KnownDefect("收入决算表 类 rows vs 合计", "宜川路", "identity", ("20323.21", "20323.19")),
    KnownDefect("30217 公务接待费 vs 三公表", "宜川路", "sangong", ("8.31", "0.30")),
    KnownDefect("其他住房保障支出 narrative vs table", "宜川路", "narrative", ("135.00", "105.00")),
    KnownDefect("职业年金 narrative vs table", "宜川路", "narrative", ("269.85", "269.86")),
    KnownDefect("占 76.23 lacks %", "宜川路", "hygiene", ("76.23",)),
)


# Error findings on the real documents verified against the page (docs/checks.md, "Real documents"): each is a
# defect visible on the page. An error finding on a real document outside this list is unverified (a false
# alarm until someone reads the page).
REAL_VERIFIED: tuple[KnownDefect, ...] = (
    KnownDefect("302 = Σ 302xx, but 30299 其他商品和服务支出 repeats 1,844.57 (p.22)", "宜川路",
                "identity.rollup_class", ("1844.57", "3689.14")),
    KnownDefect("政府性基金 其他住房保障支出 135.00 vs table 105.00 (p.37)", "宜川路",
                "narrative.amount_vs_table", ("135.00", "105.00")),
    KnownDefect("职业年金 269.85 in the narrative, 269.86 in the tables and the same paragraph (p.31)", "宜川路",
                "narrative.amount_vs_table", ("269.85", "269.86")),
    KnownDefect("一般公共预算支出 减少 929.49 下降 4.35% on 20218.21 → 4.40% (p.28)", "宜川路",
                "percent.growth", ("4.35", "929.49")),
    KnownDefect("公务用车 减少 3.59 下降 15.31% on 19.56 → 15.51% (p.36)", "宜川路",
                "percent.growth", ("15.31", "19.56")),
    KnownDefect("基本支出 5377.64 (all funds) stated as 一般公共预算 basic 5364.75 (p.24)", "规划",
                "narrative.amount_vs_table", ("5377.64", "5364.75")),
    KnownDefect("人员经费 4896.98 vs T6 4884.09 (p.24)", "规划", "narrative.amount_vs_table", ("4896.98", "4884.09")),
    KnownDefect("财政拨款收入支出总计 0.3万元 vs T4 2961.68 (p.21)", "财政局", "narrative.amount_vs_table",
                ("0.3", "2961.68")),
    KnownDefect("一般公共服务支出 占 71.73% vs 2106.66 ÷ 2940.05 = 71.65% (p.21)", "财政局", "percent.share",
                ("71.73", "71.65")),
)


def verified(finding: Finding) -> KnownDefect | None:
    """The verified real defect a finding states, if any."""
    for k in REAL_VERIFIED:
        text = finding.message + " " + finding.evidence
        if k.document in finding.department and finding.check_id == k.family and all(n in text for n in k.needles):
            return k
    return None


def labels_from_truth(truth: dict) -> list[Label]:
    """Every labelled defect: of the final accounts and, in a county generated with budgets, of its 部门预算 and
    单位预算 (``budget_documents``; family budget, scored like any other)."""
    out: list[Label] = []
    for doc in [*truth["documents"], *truth.get("budget_documents", [])]:
        for d in doc.get("defects", []):
            loc = tuple(sorted((str(k), str(v)) for k, v in d.get("location", {}).items()))
            out.append(Label(d["defect_id"], d["check_family"], d["department"], int(d["year"]), loc, d["kind"]))
    return out


def locator_matches(label: Label, finding: Finding) -> bool:
    """Location agreement: same table key, or same narrative section (the first section element)."""
    loc = dict(label.location)
    if "table" in loc:
        return f"table:{loc['table']}" in finding.locator or loc.get("code", "\0") in finding.message
    if "section" in loc:
        m = re.search(r"section:([^/]+)", finding.locator)
        return m is not None and m.group(1) == loc["section"]
    return False


def match(labels: Sequence[Label], findings: Iterable[Finding]) -> tuple[dict[str, list[Finding]], list[Finding]]:
    """(defect_id → matching findings, false positives)."""
    by_key: dict[tuple[str, int, str], list[Label]] = defaultdict(list)
    for lab in labels:
        by_key[(lab.department, lab.year, lab.family)].append(lab)
    hits: dict[str, list[Finding]] = {lab.defect_id: [] for lab in labels}
    false_pos: list[Finding] = []
    for f in findings:
        if f.severity not in ("error", "warning") or f.year is None:
            continue
        cands = by_key.get((f.department, f.year, f.family), [])
        if not cands:
            false_pos.append(f)
            continue
        chosen = next((c for c in cands if locator_matches(c, f)), cands[0])
        hits[chosen.defect_id].append(f)
    return hits, false_pos


def ratio(num: int, den: int) -> str:
    return "  n/a " if den == 0 else f"{100 * num / den:5.1f}%"


def _row(name: str, n: int, found: int, tp: int, fp: int) -> str:
    return f"{name:16} {n:7} {found:5} {ratio(found, n):>7} {tp:7} {fp:4} {ratio(tp, tp + fp):>9}"


def report(labels: Sequence[Label], hits: dict[str, list[Finding]], false_pos: Sequence[Finding]) -> list[str]:
    lines: list[str] = []
    families = sorted({lab.family for lab in labels} | {f.family for f in false_pos})
    lines.append(f"{'family':16} {'defects':>7} {'found':>5} {'recall':>7} {'TP-find':>7} {'FP':>4} {'precision':>9}")
    tot = [0, 0, 0, 0]
    for fam in families:
        labs = [lab for lab in labels if lab.family == fam]
        found = sum(1 for lab in labs if hits[lab.defect_id])
        tp = sum(len(hits[lab.defect_id]) for lab in labs)
        fp = sum(1 for f in false_pos if f.family == fam)
        tot = [tot[0] + len(labs), tot[1] + found, tot[2] + tp, tot[3] + fp]
        lines.append(_row(fam, len(labs), found, tp, fp))
    lines.append(_row("ALL", *tot))
    lines.append("")
    lines.append("per document (department year: defects found / defects, false positives)")
    docs = sorted({(lab.department, lab.year) for lab in labels} | {(f.department, f.year or 0) for f in false_pos})
    for dep, year in docs:
        labs = [lab for lab in labels if (lab.department, lab.year) == (dep, year)]
        found = sum(1 for lab in labs if hits[lab.defect_id])
        fp = sum(1 for f in false_pos if (f.department, f.year) == (dep, year))
        missed = [lab.kind for lab in labs if not hits[lab.defect_id]]
        lines.append(f"  {dep} {year}: {found}/{len(labs)} found, {fp} FP" + (f"  missed: {missed}" if missed else ""))
    lines.append("")
    lines.append(f"false positives ({len(false_pos)}):")
    for f in false_pos:
        lines.append(f"  [{f.severity}] {f.department} {f.year} {f.check_id} {f.locator}: {f.message}")
    return lines


def real_report(findings: Sequence[Finding]) -> list[str]:
    lines = ["known real defects (PROVENANCE §6):"]
    for k in REAL_KNOWN:
        ok = [
            f
            for f in findings
            if k.document in f.department and f.family == k.family
            and all(n in (f.message + " " + f.evidence) for n in k.needles)
        ]
        lines.append(f"  {'FOUND ' if ok else 'MISSED'} {k.name}: " + (ok[0].check_id if ok else "-"))
    lines.append("")
    errors = [f for f in findings if f.severity == "error"]
    unverified = [f for f in errors if verified(f) is None]
    lines.append(f"error findings on real documents: {len(errors)}, verified against the page: "
                 f"{len(errors) - len(unverified)}, unverified: {len(unverified)}")
    for f in sorted(findings, key=lambda f: (f.severity != "error", f.department, f.check_id, f.locator)):
        if f.severity in ("error", "warning"):
            tag = "" if f.severity != "error" else ("verified  " if verified(f) else "UNVERIFIED ")
            lines.append(f"  [{f.severity}] {tag}{f.department} {f.year} {f.check_id} {f.locator}: {f.message}")
    return lines


def load_findings(warehouse: Path) -> list[Finding]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows = con.execute(
            "select check_id, family, severity, department_name, fiscal_year, coalesce(locator, ''), message, "
            "coalesce(evidence, '') from marts.fct_check_result where status = 'fail'"
        ).fetchall()
    finally:
        con.close()
    return [Finding(*r) for r in rows]


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="precision/recall of the checks")
    ap.add_argument("--warehouse", type=Path, required=True)
    ap.add_argument("--truth", type=Path, help="truth.json of a generated county")
    ap.add_argument("--real", action="store_true", help="score against the real documents' known defects")
    args = ap.parse_args(argv)
    findings = load_findings(args.warehouse)
    if args.truth:
        labels = labels_from_truth(json.loads(args.truth.read_text(encoding="utf-8")))
        hits, fps = match(labels, findings)
        print("\n".join(report(labels, hits, fps)))
    if args.real:
        print("\n".join(real_report(findings)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
