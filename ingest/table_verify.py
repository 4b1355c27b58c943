"""Tables that verify themselves: after a table is parsed, its own identities are checked before anything
downstream trusts it.

Identities (which apply to a table is data: ``ingest.templates``):

* ``row_total`` — per row: the total column = Σ component columns (``其中`` columns are parts of a
  component, never summed);
* ``rollup`` — per measure: 类 = Σ 款, 款 = Σ 项 (by code prefix), 合计 = Σ 类;
* ``summary`` — per amount column of a 总表: 本年…合计 = Σ numbered items above it; 总计 = 本年…合计 + the
  rows between them; 收入总计 = 支出总计;
* ``sangong`` — per basis: 三公 total = 因公出国 + 公务用车购置及运行 + 公务接待; 公务用车 = 购置 + 运行.

Sums use interval arithmetic: a figure with d decimals stands for ±0.5·10^-d, so an identity holds when
|total − Σ parts| ≤ the sum of the half-units of every figure in it (rounding alone never breaks one).

The column mapping is chosen by the identities: when the header reading breaks most row totals and
treating one component column as a part (``其中``) of the column on its left makes them hold, that mapping
is taken. A table is *reliable* unless several identities fail in a way no single wrong figure explains
(a wrong figure breaks its row and its column and nothing else), nor two rows that break their own row totals:
then the table is reported once (「第N页《…》未能可靠识别（…）」) and its figures are flagged so identity checks
skip them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from itertools import pairwise

from ingest.model import CellFact
from ingest.templates import TableTemplate

_TOTAL_LABEL = re.compile(r"^(?:合计|总计|合 ?计)$")
_NUMBERED = re.compile(r"^[一二三四五六七八九十]+、")
_CURRENT_TOTAL = re.compile(r"^(?:本年|当年)(?:财政拨款)?(?:收入|支出)?(?:合计|小计)$")
_GRAND = re.compile(r"^(?:收入|支出)?(?:总计|合计)$")
_OF_WHICH = re.compile(r"^其中")
# 年初/年末 一般公共预算 / 政府性基金 / 国有资本 … 结转和结余 break down the 财政拨款结转和结余 row above them (T4)
_CARRY_BREAKDOWN = re.compile(r"^(?:年初|年末)(?:一般公共预算|政府性基金|国有资本)")
_SANGONG_PARTS = {
    "overseas": re.compile(r"因公出国"),
    "vehicle": re.compile(r"^公务用车购置及运行(?:维护)?费?$|^公务用车购置和运行(?:维护)?费?$"),
    "purchase": re.compile(r"公务用车购置费?$"),
    "operation": re.compile(r"公务用车运行(?:维护)?费?$"),
    "reception": re.compile(r"公务接待"),
    "subtotal": re.compile(r"^“?三公”?经费(?:合计|小计)?$"),
    "total": re.compile(r"^合计$"),
    "meeting": re.compile(r"^会议费$"),
    "training": re.compile(r"^培训费$"),
}
# failures beyond which a table counts as misread, unless one figure explains them all
MAX_UNEXPLAINED_FAILURES = 2
MAX_FAILED_SHARE = Decimal("0.1")

REASON_ZH = {
    "row_total": "行合计与各列之和不符",
    "rollup": "上下级科目汇总不符",
    "summary": "总表合计与各项之和不符",
    "sangong": "三公经费合计与分项之和不符",
}


@dataclass(frozen=True, slots=True)
class IdentityResult:
    """One identity of a table: ``kind`` and a short name, whether it held, and the cells it used."""

    kind: str
    name: str
    held: bool
    total: Decimal
    parts_sum: Decimal
    cells: tuple[str, ...]  # locators


@dataclass(frozen=True, slots=True)
class TableVerification:
    identities: tuple[IdentityResult, ...]
    cells: tuple[CellFact, ...]  # with the mapping chosen and parse_reliable set
    reliable: bool
    reason_zh: str
    mapping: str  # 'col:measure' of the amount columns, as finally read
    remapped: bool

    @property
    def n_held(self) -> int:
        return sum(1 for i in self.identities if i.held)

    @property
    def n_failed(self) -> int:
        return sum(1 for i in self.identities if not i.held)

    @property
    def confidence(self) -> float | None:
        """Share of the table's identities that hold (None when none could be evaluated)."""
        n = len(self.identities)
        return round(self.n_held / n, 4) if n else None

    def failed_names(self, limit: int = 12) -> str:
        names = [f"{i.kind}:{i.name}" for i in self.identities if not i.held]
        return "; ".join(names[:limit]) + (" …" if len(names) > limit else "")


def _slack(cells: Iterable[CellFact]) -> Decimal:
    return sum((c.amount.half_ulp for c in cells), Decimal(0))


def _identity(kind: str, name: str, total: CellFact, parts: Sequence[CellFact]) -> IdentityResult:
    s = sum((p.amount.value for p in parts), Decimal(0))
    held = abs(total.amount.value - s) <= total.amount.half_ulp + _slack(parts)
    return IdentityResult(kind, name, held, total.amount.value, s,
                          (total.locator, *(p.locator for p in parts)))


def _rows(cells: Sequence[CellFact]) -> dict[tuple[str, int | None, int], list[CellFact]]:
    rows: dict[tuple[str, int | None, int], list[CellFact]] = defaultdict(list)
    for c in cells:
        rows[(c.locator.split("/row:")[0], c.page, c.row_index)].append(c)
    return rows


def _row_totals(cells: Sequence[CellFact], t: TableTemplate) -> list[IdentityResult]:
    out = []
    for row in _rows(cells).values():
        total = next((c for c in row if c.measure == t.row_total), None)
        parts = [c for c in row if c.measure in t.components]
        if total is None or not parts:
            continue
        out.append(_identity("row_total", f"{row[0].code or row[0].row_label}/{t.row_total}", total, parts))
    return out


def _rollups(cells: Sequence[CellFact]) -> list[IdentityResult]:
    out: list[IdentityResult] = []
    by_measure: dict[str, list[CellFact]] = defaultdict(list)
    for c in cells:
        by_measure[c.measure].append(c)
    for measure, group in by_measure.items():
        coded: dict[str, CellFact] = {}
        for c in group:
            if c.code and c.code not in coded:
                coded[c.code] = c
        codes = {c.code for c in cells if c.code}
        for code, parent in coded.items():
            child_len = {3: 5, 5: 7}.get(len(code))
            if child_len is None:
                continue
            child_codes = [k for k in codes if len(k) == child_len and k.startswith(code)]
            if not child_codes:
                continue
            kids = [coded[k] for k in child_codes if k in coded]
            out.append(_identity("rollup", f"{code}/{measure}", parent, kids))
        classes = [c for k, c in coded.items() if len(k) == 3]
        totals = [c for c in group if c.code is None and _TOTAL_LABEL.match(c.row_label.replace(" ", ""))]
        for total in totals[:2]:  # a total printed at the top and again at the bottom
            if classes:
                out.append(_identity("rollup", f"合计/{measure}", total, classes))
    return out


def _summary(cells: Sequence[CellFact]) -> list[IdentityResult]:
    """Per amount column of a 总表 (income block, expenditure block …)."""
    out: list[IdentityResult] = []
    by_col: dict[int, list[CellFact]] = defaultdict(list)
    for c in sorted(cells, key=lambda c: (c.page or 0, c.locator.split("/row:")[0], c.row_index)):
        by_col[c.col_index].append(c)
    grands: list[CellFact] = []
    for col, column in by_col.items():
        labels = [c.row_label.replace(" ", "") for c in column]
        current = next((i for i, lb in enumerate(labels) if _CURRENT_TOTAL.match(lb)), None)
        if current is None:
            # no 本年…合计 row (a budget's 总表): the 总计 is the sum of the numbered rows above it
            grand = next((i for i, lb in enumerate(labels) if _GRAND.match(lb)), None)
            items = [c for c, lb in zip(column[:grand], labels[:grand], strict=True) if _NUMBERED.match(lb)] \
                if grand is not None else []
            if grand is not None and items:
                out.append(_identity("summary", f"{labels[grand]}/col{col}", column[grand], items))
                grands.append(column[grand])
            continue
        items = [c for c, lb in zip(column[:current], labels[:current], strict=True) if _NUMBERED.match(lb)]
        if items:
            out.append(_identity("summary", f"{labels[current]}/col{col}", column[current], items))
        grand = next((i for i in range(current + 1, len(column)) if _GRAND.match(labels[i])), None)
        if grand is not None:
            between = [c for c, lb in zip(column[current + 1:grand], labels[current + 1:grand], strict=True)
                       if not _OF_WHICH.match(lb) and not _CARRY_BREAKDOWN.match(lb)]
            out.append(_identity("summary", f"{labels[grand]}/col{col}", column[grand],
                                 [column[current], *between]))
            grands.append(column[grand])
    if len(grands) == 2:
        out.append(_identity("summary", "收入总计=支出总计", grands[0], [grands[1]]))
    return out


def _sangong(cells: Sequence[CellFact]) -> list[IdentityResult]:
    out: list[IdentityResult] = []
    by_basis: dict[str, dict[str, CellFact]] = defaultdict(dict)
    for c in cells:
        label = c.row_label.replace(" ", "").strip("“”\"")
        for part, pattern in _SANGONG_PARTS.items():
            if pattern.search(label) and part not in by_basis[c.measure]:
                by_basis[c.measure][part] = c
                break
    for basis, parts in by_basis.items():
        items = [parts[k] for k in ("overseas", "vehicle", "reception") if k in parts]
        wider = [parts[k] for k in ("meeting", "training") if k in parts]
        if "subtotal" in parts and len(items) == 3:
            out.append(_identity("sangong", f"三公经费/{basis}", parts["subtotal"], items))
        if "total" in parts and len(items) == 3:
            # a 合计 beside 会议费 and 培训费 holds them too (Jiangsu: “三公”经费、会议费、培训费支出预算表)
            parts_of_total = [parts["subtotal"], *wider] if "subtotal" in parts and wider else [*items, *wider]
            out.append(_identity("sangong", f"合计/{basis}", parts["total"], parts_of_total))
        if "vehicle" in parts and "operation" in parts:
            pieces = [parts["operation"], *([parts["purchase"]] if "purchase" in parts else [])]
            out.append(_identity("sangong", f"公务用车/{basis}", parts["vehicle"], pieces))
    return out


def evaluate(cells: Sequence[CellFact], template: TableTemplate) -> list[IdentityResult]:
    """Every identity of ``template`` on ``cells`` (pure)."""
    out: list[IdentityResult] = []
    if "row_total" in template.identities:
        out += _row_totals(cells, template)
    if "rollup" in template.identities:
        out += _rollups(cells)
    if "summary" in template.identities:
        out += _summary(cells)
    if "sangong" in template.identities:
        out += _sangong(cells)
    return out


def _mapping(cells: Sequence[CellFact]) -> str:
    cols = sorted({(c.col_index, c.measure) for c in cells})
    return " ".join(f"{col}:{m}" for col, m in cols)


def _of_which_candidates(cells: Sequence[CellFact], template: TableTemplate) -> list[list[CellFact]]:
    """Alternative readings: one component column read as the '其中' part of the component column on
    its left (a sub-column whose group header was lost)."""
    cols = sorted({(c.col_index, c.measure) for c in cells})
    alts = []
    for (left_col, left_m), (col, m) in pairwise(cols):
        if m not in template.components or left_m not in template.components or col != left_col + 1:
            continue
        alts.append([replace(c, measure=f"{left_m}_of_which") if c.col_index == col else c for c in cells])
    return alts


def _explained_by_one_cell(failed: Sequence[IdentityResult]) -> bool:
    """One cell, or one row (a 类 row typed wrong in every column keeps its row total), is in every failure."""
    common = set(failed[0].cells)
    rows = {c.split("/col:")[0] for c in failed[0].cells}
    for f in failed[1:]:
        common &= set(f.cells)
        rows &= {c.split("/col:")[0] for c in f.cells}
    return bool(common) or bool(rows)


def _explained_by_two_rows(failed: Sequence[IdentityResult]) -> bool:
    """Two rows, each breaking its own row total, are between them in every failure: two wrong figures (a real
    defect and a second one beside it) break their rows and their parents' sums and nothing else, while a misread
    column breaks every row it crosses, or leaves the row totals whole. A defect the table already has must not
    hide a second one."""
    rows_of = [{c.split("/col:")[0] for c in f.cells} for f in failed]
    candidates = sorted({row for f, rows in zip(failed, rows_of, strict=True) if f.kind == "row_total"
                         for row in rows})
    for i, first in enumerate(candidates):
        rest = [rows for rows in rows_of if first not in rows]
        if not rest or any(all(second in rows for rows in rest) for second in candidates[i + 1:]):
            return True
    return False


def verify_table(cells: Sequence[CellFact], template: TableTemplate | None) -> TableVerification:
    """Check a parsed table's identities, choose the column mapping they support, judge reliability."""
    if template is None or not cells:
        return TableVerification((), tuple(cells), True, "", _mapping(cells), False)
    best = list(cells)
    results = evaluate(best, template)
    remapped = False
    if "row_total" in template.identities:
        rows_failed = sum(1 for r in results if r.kind == "row_total" and not r.held)
        for alt in _of_which_candidates(cells, template):
            alt_results = evaluate(alt, template)
            alt_failed = sum(1 for r in alt_results if r.kind == "row_total" and not r.held)
            held_more = sum(r.held for r in alt_results) > sum(r.held for r in results)
            if alt_failed < rows_failed and held_more and alt_failed * 2 <= rows_failed:
                best, results, rows_failed, remapped = alt, alt_results, alt_failed, True
    failed = [r for r in results if not r.held]
    reliable = True
    reason = ""
    if failed and len(failed) > MAX_UNEXPLAINED_FAILURES and not _explained_by_one_cell(failed) and (
            not _explained_by_two_rows(failed)) and (
            Decimal(len(failed)) / Decimal(len(results)) > MAX_FAILED_SHARE):
        reliable = False
        kinds: dict[str, int] = defaultdict(int)
        for f in failed:
            kinds[f.kind] += 1
        reason = "；".join(f"{REASON_ZH[k]} {n} 处" for k, n in sorted(kinds.items(), key=lambda kv: -kv[1]))
        reason += f"，共 {len(results)} 项勾稽关系中 {len(failed)} 项不成立"
        best = [replace(c, parse_reliable=False) for c in best]
    return TableVerification(tuple(results), tuple(best), reliable, reason, _mapping(best), remapped)
