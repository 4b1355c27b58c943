"""Seeded defects of the budgets (预算) and of the 预算 ↔ 决算 link, labelled like the final accounts' defects
(kinds: ``defects.BUDGET_KINDS``, check family ``budget``).

Each edit keeps every other relation of the county true, so exactly one check family (``budget``) is meant
to see it:
* budget_quote_mismatch   the 决算 narrative quotes a 年初预算 of a 项 line that is not the 预算's (the
                          sentence's completion rate is recomputed, the 大于/小于 word kept);
* budget_yoy_wrong        a 预算 states a change against last year's budget that last year's 预算 contradicts;
* budget_units_mismatch   one 单位预算 books an amount under another 项 line than the 部门预算 does (the unit's
                          document stays consistent; the sum of the units no longer equals the department);
* budget_total_off        the 合计 of a 预算's 收入预算总表 differs from its rows;
* budget_compared_year    a 预算 compares with its own year's budget (比2024年预算 in a 2024 budget);
* budget_missing_table    a table of the template (国有资本经营预算支出功能分类预算表) is left out, the 目录 still
                          lists it;
* budget_narrative_mismatch  the 编制说明 states a 财政拨款收入 the tables do not.
"""

from __future__ import annotations

import random
from dataclasses import replace
from decimal import Decimal

from samplegen.budget_figures import BudgetFigures
from samplegen.compose_narrative import pct_text
from samplegen.defects import BUDGET_KINDS, Defect
from samplegen.docmodel import DocModel, Num, Para


def budget_defect(kind: str, location: dict[str, str], expected: str, shown: str, description: str) -> Defect:
    return Defect(kind, location, expected, shown, description)


def plan_budget_defects(
    slots: list[tuple[str, int, frozenset[str]]], rate: float, rng: random.Random
) -> dict[tuple[str, int], str]:
    """One kind per (dept_id, year) at most; ``slots`` = (dept_id, year, kinds possible there), county order.

    Kinds are dealt round-robin from a shuffled list; a kind not possible for a slot waits for the next.
    """
    kinds = list(BUDGET_KINDS)
    rng.shuffle(kinds)
    queue = list(kinds)
    out: dict[tuple[str, int], str] = {}
    for dept_id, year, possible in slots:
        if rng.random() >= rate or not possible:
            continue
        for _ in range(len(queue)):
            k = queue.pop(0)
            if k in possible:
                out[(dept_id, year)] = k
                break
            queue.append(k)
        if not queue:
            queue = list(kinds)
    return out


def move_between_lines(bf: BudgetFigures, rng: random.Random) -> tuple[BudgetFigures, str, str, int] | None:
    """``bf`` with an amount of 一般公共预算 (项目, else 基本) moved from one 项 line to another."""
    for part in ("gb_project", "gb_basic"):
        donors = [ln for ln in bf.lines if getattr(ln, part) >= 2000]
        if not donors or len(bf.lines) < 2:
            continue
        src = rng.choice(donors)
        dst = rng.choice([ln for ln in bf.lines if ln.code != src.code])
        amount = rng.randint(1000, min(getattr(src, part) // 2, 500_000))
        lines = tuple(
            replace(ln, **{part: getattr(ln, part) - amount}) if ln.code == src.code
            else replace(ln, **{part: getattr(ln, part) + amount}) if ln.code == dst.code
            else ln
            for ln in bf.lines
        )
        return replace(bf, lines=lines), src.code, dst.code, amount
    return None


def _nums(doc: DocModel, pred) -> list[tuple[Para, int, Num]]:
    return [(p, i, s) for p in doc.paras() for i, s in enumerate(p.segs) if isinstance(s, Num) and pred(s)]


def quote_mismatch(final: DocModel, rng: random.Random) -> Defect | None:
    """Change a 项 line's 年初预算 in the 决算 narrative; keep its completion rate and comparison word true."""
    cands = _nums(final, lambda n: n.metric == "function_expenditure" and n.basis == "budget")
    rng.shuffle(cands)
    for p, _i, num in cands:
        actual = next((s for s in p.segs if isinstance(s, Num) and s.basis == "actual"
                       and s.metric == "function_expenditure"), None)
        if actual is None:
            continue
        a, b = Decimal(actual.text), Decimal(num.text)
        delta = Decimal(rng.randint(11, 9999)) / 100
        if b > a:  # 决算数小于预算数: a higher budget keeps the word
            new = b + delta
        elif b < a and b - delta > 0:  # 决算数大于预算数: a lower one
            new = b - delta
        else:
            continue
        old = num.text
        num.text = format(new, ".2f")
        for s in p.segs:
            if isinstance(s, Num) and s.basis == "completion_pct":
                s.text = pct_text(a / new * 100)
        return budget_defect("budget_quote_mismatch",
                             {"section": p.section, "sentence": p.pid, "code": num.code or ""},
                             old, num.text, "年初预算 quoted in the 决算 differs from the 预算 document")
    return None


def yoy_wrong(doc: DocModel, rng: random.Random) -> Defect | None:
    cands = _nums(doc, lambda n: n.basis == "yoy_change" and n.metric in (
        "income_fiscal_appropriation", "general_budget_expenditure", "sangong_total"))
    if not cands:
        return None
    p, _, num = rng.choice(cands)
    old = num.text
    num.text = format(Decimal(old) + Decimal(rng.randint(300, 30000)) / 100, ".2f")
    return budget_defect("budget_yoy_wrong", {"section": p.section, "sentence": p.pid, "metric": num.metric},
                         old, num.text, "change against last year's budget contradicts last year's 预算")


def total_off(doc: DocModel, rng: random.Random) -> Defect | None:
    t = doc.table("budget_income")
    if t is None:
        return None
    hits = t.find(label="合计", measure="total")
    if not hits:
        return None
    cell = hits[0][2]
    old = cell.text
    cell.text = format(Decimal(old.replace(",", "")) + Decimal(rng.randint(100, 99999)) / 100, ".2f")
    return budget_defect("budget_total_off", {"table": t.key, "row": "合计", "column": cell.column},
                         old, cell.text, "合计 of the 收入预算总表 differs from the sum of its rows")


def compared_year(doc: DocModel, rng: random.Random) -> Defect | None:
    y = doc.year
    cands = [(p, i, s) for p in doc.paras() for i, s in enumerate(p.segs)
             if isinstance(s, str) and f"比{y - 1}年预算" in s]
    if not cands:
        return None
    p, i, s = rng.choice(cands)
    p.segs[i] = s.replace(f"比{y - 1}年预算", f"比{y}年预算", 1)
    nxt = p.segs[i + 1] if i + 1 < len(p.segs) else None
    if isinstance(nxt, Num):
        nxt.compared_year = y
    return budget_defect("budget_compared_year", {"section": p.section, "sentence": p.pid},
                         f"比{y - 1}年预算", f"比{y}年预算", "a budget compared with its own year")


def missing_table(doc: DocModel, rng: random.Random) -> Defect | None:
    t = doc.table("budget_soe_capital")
    if t is None:
        return None
    doc.blocks.remove(t)
    return budget_defect("budget_missing_table", {"table": t.key}, t.title, "",
                         "a table of the budget template is missing (the 目录 lists it)")


def narrative_mismatch(doc: DocModel, rng: random.Random) -> Defect | None:
    cands = _nums(doc, lambda n: n.metric == "income_fiscal_appropriation" and n.basis == "budget")
    if not cands:
        return None
    p, _, num = cands[0]
    old = num.text
    num.text = format(Decimal(old) + Decimal(rng.randint(11, 9999)) / 100, ".2f")
    return budget_defect("budget_narrative_mismatch", {"section": p.section, "sentence": p.pid,
                                                       "metric": num.metric},
                         old, num.text, "budget narrative figure differs from the budget tables")


BUDGET_EDITORS = {
    "budget_yoy_wrong": yoy_wrong,
    "budget_total_off": total_off,
    "budget_compared_year": compared_year,
    "budget_missing_table": missing_table,
    "budget_narrative_mismatch": narrative_mismatch,
}
