"""Seeded defects: planning per document, editing the DocModel, and the labels for truth.json.

Two kinds act on the figures before the document is composed (so the document stays
self-consistent and only the cross-year / cross-table relation breaks): carryover_discontinuity
and economic_exceeds_sangong. All other kinds edit the composed DocModel.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import Decimal

from samplegen.catalog import FUNCTION_NAMES, INVALID_CODES, OLD_NAMES
from samplegen.compose_tables import fmt
from samplegen.docmodel import DocModel, Num, Para
from samplegen.figures import YearFigures, money

# kind -> (check family, expected severity)
KINDS: dict[str, tuple[str, str]] = {
    "table_total_off": ("identity", "error"),
    "class_not_sum_of_kuan": ("identity", "error"),
    "narrative_amount_mismatch": ("narrative", "error"),
    "wrong_percent": ("percent", "error"),
    "direction_word_wrong": ("direction", "error"),
    "yoy_contradiction": ("yoy", "error"),
    "carryover_discontinuity": ("carryover", "error"),
    "outdated_classification_name": ("classification", "warning"),
    "invalid_classification_code": ("classification", "error"),
    "template_residue": ("template", "warning"),
    "impossible_date": ("date", "error"),
    "missing_table": ("completeness", "error"),
    "missing_explanation": ("completeness", "warning"),
    "sangong_narrative_mismatch": ("sangong", "error"),
    "economic_exceeds_sangong": ("sangong", "warning"),
    "wrong_unit": ("hygiene", "warning"),
}
# kinds of the budgets (预算) and of the 预算 ↔ 决算 link, planned apart (samplegen.budget_defects)
BUDGET_KINDS: dict[str, tuple[str, str]] = {
    "budget_quote_mismatch": ("budget", "error"),
    "budget_yoy_wrong": ("budget", "error"),
    "budget_units_mismatch": ("budget", "error"),
    "budget_total_off": ("budget", "error"),
    "budget_compared_year": ("budget", "error"),
    "budget_missing_table": ("budget", "error"),
    "budget_narrative_mismatch": ("budget", "error"),
}
FIGURE_KINDS = ("carryover_discontinuity", "economic_exceeds_sangong")
NEEDS_PRIOR_DOC = ("carryover_discontinuity", "yoy_contradiction")


@dataclass(slots=True)
class Defect:
    kind: str
    location: dict[str, str]
    expected: str
    shown: str
    description: str
    family: str = ""
    severity: str = ""
    defect_id: str = ""
    dept_id: str = ""
    department: str = ""
    year: int = 0
    file: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.family, self.severity = KINDS[self.kind] if self.kind in KINDS else BUDGET_KINDS[self.kind]


def plan_defects(
    docs: list[tuple[str, int, bool]], rate: float, rng: random.Random
) -> dict[tuple[str, int], list[str]]:
    """Kinds per (dept_id, year). ``docs`` = (dept_id, year, has_prior_doc), in county order.

    Kinds are dealt round-robin from a shuffled list so every kind appears as soon as there are
    enough defected documents; kinds that need last year's document wait for a later year.
    """
    kinds = list(KINDS)
    rng.shuffle(kinds)
    queue = list(kinds)
    out: dict[tuple[str, int], list[str]] = {}
    for dept_id, year, has_prior in docs:
        if rng.random() >= rate:
            continue
        n = rng.choice((1, 1, 2, 2, 3))
        chosen: list[str] = []
        skipped: list[str] = []
        tries = 0
        while len(chosen) < n and tries < 2 * len(kinds):
            tries += 1
            if not queue:
                queue = list(kinds)
            k = queue.pop(0)
            if k in chosen or (k in NEEDS_PRIOR_DOC and not has_prior):
                if k not in skipped:
                    skipped.append(k)
                continue
            chosen.append(k)
        # kinds that could not be used here go first next time (once each)
        queue = skipped + [k for k in queue if k not in skipped]
        out[(dept_id, year)] = chosen
    return out


def _shift(text: str, delta: Decimal, commas: bool) -> str:
    return fmt(Decimal(text.replace(",", "")) + delta, commas)


def _delta(rng: random.Random) -> Decimal:
    return Decimal(rng.randint(100, 9999)) / 100


def _nums(doc: DocModel, pred) -> list[tuple[Para, int, Num]]:
    out = []
    for p in doc.paras():
        for i, s in enumerate(p.segs):
            if isinstance(s, Num) and pred(s):
                out.append((p, i, s))
    return out


def _table_total_off(doc: DocModel, rng: random.Random) -> Defect | None:
    t = doc.table("expenditure") or doc.table("income")
    if t is None:
        return None
    hits = t.find(label="合计", measure="total")
    if not hits:
        return None
    _, _, cell = hits[0]
    old = cell.text
    cell.text = _shift(old, _delta(rng), "," in old or doc.money_with_commas)
    return Defect(
        "table_total_off",
        {"table": t.key, "row": "合计", "column": cell.column},
        old,
        cell.text,
        "合计 row differs from the sum of the 类 rows",
    )


def _class_not_sum(doc: DocModel, rng: random.Random) -> Defect | None:
    t = doc.table("general_budget_expenditure")
    if t is None:
        return None
    rows = [r for r in t.rows if any(c.numeric and c.code and len(c.code) == 3 for c in r)]
    if not rows:
        return None
    row = rng.choice(rows)
    d = _delta(rng)
    total = next(c for c in row if c.measure == "total")
    part = next((c for c in row if c.measure in ("basic", "project") and c.numeric), None)
    old = total.text
    total.text = _shift(total.text, d, "," in old)
    if part is not None:
        part.text = _shift(part.text, d, "," in part.text)
    return Defect(
        "class_not_sum_of_kuan",
        {"table": t.key, "row": total.row_label, "code": total.code or "", "column": total.column},
        old,
        total.text,
        "类 row differs from the sum of its 款 rows (row total still equals its columns)",
    )


_NARR_METRICS = (
    "expenditure_basic",
    "basic_personnel",
    "basic_public",
    "general_budget_basic",
    "function_expenditure",
    "income_current_year",
    "expenditure_project",
)


def _narrative_mismatch(doc: DocModel, rng: random.Random) -> Defect | None:
    c = _nums(doc, lambda n: n.metric in _NARR_METRICS and n.basis == "actual" and n.unit == "万元")
    if not c:
        return None
    p, _, num = rng.choice(c)
    old = num.text
    num.text = _shift(old, _delta(rng), False)
    return Defect(
        "narrative_amount_mismatch",
        {"section": p.section, "sentence": p.pid, "metric": num.metric, "code": num.code or ""},
        old,
        num.text,
        "narrative figure differs from the table",
    )


def _wrong_percent(doc: DocModel, rng: random.Random) -> Defect | None:
    c = _nums(doc, lambda n: n.basis in ("share_pct", "completion_pct", "yoy_pct"))
    if not c:
        return None
    p, _, num = rng.choice(c)
    old = num.text
    num.text = format(Decimal(old) + Decimal(rng.randint(150, 1500)) / 100, ".2f")
    return Defect(
        "wrong_percent",
        {"section": p.section, "sentence": p.pid, "metric": num.metric, "basis": num.basis},
        old,
        num.text,
        "percentage does not follow from the figures",
    )


_FLIP = {"增加": "减少", "减少": "增加", "增长": "下降", "下降": "增长"}


def _direction(doc: DocModel, rng: random.Random) -> Defect | None:
    c = _nums(doc, lambda n: n.basis == "yoy_change" and n.direction in _FLIP)
    if not c:
        return None
    p, i, num = rng.choice(c)
    prev = p.segs[i - 1]
    assert isinstance(prev, str) and prev.endswith(num.direction or "")
    old_word = num.direction or ""
    p.segs[i - 1] = prev[: -len(old_word)] + _FLIP[old_word]
    num.direction = _FLIP[old_word]
    if i + 3 < len(p.segs):
        txt, pct = p.segs[i + 2], p.segs[i + 3]
        if isinstance(pct, Num) and isinstance(txt, str) and pct.direction in _FLIP:
            p.segs[i + 2] = txt[: -len(pct.direction or "")] + _FLIP[pct.direction or ""]
            pct.direction = _FLIP[pct.direction or ""]
    return Defect(
        "direction_word_wrong",
        {"section": p.section, "sentence": p.pid, "metric": num.metric},
        old_word,
        num.direction,
        "direction word contradicts the figures",
    )


def _yoy(doc: DocModel, rng: random.Random) -> Defect | None:
    c = _nums(
        doc,
        lambda n: (
            n.basis == "yoy_change"
            and n.metric in ("income_total", "fiscal_total", "general_budget_expenditure")
        ),
    )
    if not c:
        return None
    p, _i, num = rng.choice(c)
    old = num.text
    num.text = _shift(old, _delta(rng) * 3, False)
    return Defect(
        "yoy_contradiction",
        {
            "section": p.section,
            "sentence": p.pid,
            "metric": num.metric,
            "compared_year": str(num.compared_year),
        },
        old,
        num.text,
        "YoY change implies a last-year figure different from last year's document",
    )


def _outdated_name(doc: DocModel, rng: random.Random) -> Defect | None:
    for t in [doc.table("general_budget_expenditure"), doc.table("expenditure")]:
        if t is None:
            continue
        for row in t.rows:
            code = next((c.code for c in row if c.numeric and c.code), None)
            if code in OLD_NAMES and doc.year > OLD_NAMES[code][1]:
                for cell in row:
                    if cell.text == FUNCTION_NAMES[code]:
                        cell.text = OLD_NAMES[code][0]
                        for c in row:
                            if c.numeric:
                                c.row_label = cell.text
                        return Defect(
                            "outdated_classification_name",
                            {"table": t.key, "code": code},
                            FUNCTION_NAMES[code],
                            cell.text,
                            "subject name no longer valid in this year",
                        )
    return None


def _invalid_code(doc: DocModel, rng: random.Random) -> Defect | None:
    t = doc.table("expenditure")
    if t is None:
        return None
    rows = [r for r in t.rows if any(c.numeric and c.code and len(c.code) == 7 for c in r)]
    if not rows:
        return None
    row = rng.choice(rows)
    code = next(c.code for c in row if c.numeric and c.code)
    assert code is not None
    bad = next(
        (x for x in (code[:5] + s for s in ("97", "98", "96")) if x not in FUNCTION_NAMES), INVALID_CODES[0]
    )
    for cell in row:
        if not cell.numeric and cell.text == code:
            cell.text = bad
        elif not cell.numeric and cell.text == code[5:7] and len(row) > 3 and row[0].text == code[:3]:
            cell.text = bad[5:7]
        if cell.numeric:
            cell.code = bad
    label = next(c.row_label for c in row if c.numeric)
    return Defect(
        "invalid_classification_code",
        {"table": t.key, "row": label, "code": bad},
        code,
        bad,
        "function code not in the catalogue",
    )


def _template_residue(doc: DocModel, rng: random.Random) -> Defect | None:
    paras = [
        p for p in doc.paras() if not p.heading and isinstance(p.segs[-1], str) and "主要原因是" in p.segs[-1]
    ]
    if not paras:
        return None
    p = rng.choice(paras)
    last = p.segs[-1]
    assert isinstance(last, str)
    choice = rng.choice(("XX", "***", "……", "（注：数据来源于财决附03表）", "（  ）"))
    head = last.split("主要原因是")[0]
    p.segs[-1] = f"{head}主要原因是{choice}。" if choice != "（注：数据来源于财决附03表）" else last + choice
    return Defect(
        "template_residue",
        {"section": p.section, "sentence": p.pid},
        "",
        choice,
        "template placeholder or instruction left in the text",
    )


def _impossible_date(doc: DocModel, rng: random.Random) -> Defect | None:
    y = doc.year
    for p in doc.paras():
        for i, s in enumerate(p.segs):
            if isinstance(s, str) and f"{y}年12月31日" in s:
                bad = rng.choice((f"{y}年12月32日", f"{str(y)[:3]}0{str(y)[3]}年12月31日", f"{y}0年12月31日"))
                p.segs[i] = s.replace(f"{y}年12月31日", bad, 1)
                return Defect(
                    "impossible_date",
                    {"section": p.section, "sentence": p.pid},
                    f"{y}年12月31日",
                    bad,
                    "impossible date",
                )
    return None


def _missing_table(doc: DocModel, rng: random.Random) -> Defect | None:
    key = rng.choice(("sangong", "general_budget_basic", "fiscal_summary"))
    t = doc.table(key)
    if t is None:
        return None
    doc.blocks.remove(t)
    return Defect("missing_table", {"table": key}, t.title, "", "a required table is missing")


def _missing_explanation(doc: DocModel, rng: random.Random) -> Defect | None:
    blocks = doc.blocks
    for i, b in enumerate(blocks):
        if isinstance(b, Para) and b.heading and b.text == "（一）机关运行经费支出情况":
            nxt = blocks[i + 1]
            del blocks[i : i + 2]
            return Defect(
                "missing_explanation",
                {"section": b.section, "subsection": "机关运行经费"},
                nxt.text if isinstance(nxt, Para) else "",
                "",
                "a required explanation is missing",
            )
    return None


def _sangong_narrative(doc: DocModel, rng: random.Random) -> Defect | None:
    c = _nums(
        doc,
        lambda n: (
            n.metric in ("sangong_reception", "sangong_vehicle", "sangong_total")
            and n.basis == "actual"
            and Decimal(n.text) > 0
        ),
    )
    if not c:
        return None
    p, _, num = rng.choice(c)
    old = num.text
    num.text = _shift(old, Decimal(rng.randint(11, 499)) / 100, False)
    return Defect(
        "sangong_narrative_mismatch",
        {"section": p.section, "sentence": p.pid, "metric": num.metric},
        old,
        num.text,
        "三公 figure in the narrative differs from the 三公 table",
    )


def _wrong_unit(doc: DocModel, rng: random.Random) -> Defect | None:
    c = []
    for p in doc.paras():
        for i, s in enumerate(p.segs[:-1]):
            nxt = p.segs[i + 1]
            if isinstance(s, Num) and s.unit == "万元" and isinstance(nxt, str) and nxt.startswith("万元"):
                c.append((p, i))
    if not c:
        return None
    p, i = rng.choice(c)
    nxt = p.segs[i + 1]
    assert isinstance(nxt, str)
    bad = rng.choice(("万", "元"))
    p.segs[i + 1] = bad + nxt[2:]
    num = p.segs[i]
    assert isinstance(num, Num)
    num.unit = bad
    return Defect(
        "wrong_unit",
        {"section": p.section, "sentence": p.pid, "metric": num.metric},
        "万元",
        bad,
        "unit missing or wrong after a figure",
    )


EDITORS = {
    "table_total_off": _table_total_off,
    "class_not_sum_of_kuan": _class_not_sum,
    "narrative_amount_mismatch": _narrative_mismatch,
    "wrong_percent": _wrong_percent,
    "direction_word_wrong": _direction,
    "yoy_contradiction": _yoy,
    "outdated_classification_name": _outdated_name,
    "invalid_classification_code": _invalid_code,
    "template_residue": _template_residue,
    "impossible_date": _impossible_date,
    "missing_table": _missing_table,
    "missing_explanation": _missing_explanation,
    "sangong_narrative_mismatch": _sangong_narrative,
    "wrong_unit": _wrong_unit,
}


def figure_defect_labels(kind: str, doc: DocModel, fig: YearFigures, prev: YearFigures) -> Defect | None:
    """Labels of the figure-level kinds (the edit happened in figures.generate_year)."""
    if kind == "carryover_discontinuity":
        return Defect(
            kind,
            {"table": "income_expenditure_summary", "row": "年初结转和结余", "compared_year": str(prev.year)},
            format(money(prev.carry_end), ".2f"),
            format(money(fig.carry_begin), ".2f"),
            "年初结转和结余 differs from last year's 年末结转和结余",
        )
    if kind == "economic_exceeds_sangong":
        sg = fig.sangong
        for item, code in (("reception", "30217"), ("vehicle_operation", "30231")):
            value = getattr(sg, item)
            if value and fig.economic.get(code, 0) > value:
                return Defect(
                    kind,
                    {"table": "general_budget_basic", "code": code, "sangong_item": item},
                    f"<= {format(money(value), '.2f')}",
                    format(money(fig.economic.get(code, 0)), ".2f"),
                    "economic classification line (basic only) larger than its 三公 item (basic + project)",
                )
    return None


def apply_defects(
    doc: DocModel, kinds: list[str], fig: YearFigures, prev: YearFigures, rng: random.Random
) -> list[Defect]:
    out: list[Defect] = []
    for kind in kinds:
        d = figure_defect_labels(kind, doc, fig, prev) if kind in FIGURE_KINDS else EDITORS[kind](doc, rng)
        if d is not None:
            d.dept_id, d.department, d.year = doc.dept_id, doc.dept_name, doc.year
            out.append(d)
    return out
