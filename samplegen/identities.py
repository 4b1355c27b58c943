"""Identities of a disclosure evaluated on displayed cells (for not_defects and for tests)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from samplegen.docmodel import DocModel, DocTable

HALF_CENT = Decimal("0.005")


@dataclass(frozen=True, slots=True)
class IdentityResult:
    name: str
    table_key: str
    location: str
    total: Decimal
    parts_sum: Decimal
    n_parts: int

    @property
    def diff(self) -> Decimal:
        return self.total - self.parts_sum

    @property
    def rounding_only(self) -> bool:
        return self.diff != 0 and abs(self.diff) <= self.n_parts * HALF_CENT

    @property
    def violated(self) -> bool:
        return abs(self.diff) > self.n_parts * HALF_CENT


def dec(text: str) -> Decimal:
    return Decimal(text.replace(",", "")) if text else Decimal(0)


def _grid(t: DocTable) -> dict[tuple[str, str], Decimal]:
    """(row key, measure) -> value; row key = code or row label."""
    out: dict[tuple[str, str], Decimal] = {}
    for row in t.rows:
        for c in row:
            if c.numeric and c.measure:
                out[(c.code or c.row_label, c.measure)] = dec(c.text)
    return out


def _rowkeys(t: DocTable) -> list[tuple[str, str | None]]:
    """(row key, code) of every row holding a numeric cell."""
    keys = []
    for row in t.rows:
        cell = next((c for c in row if c.numeric), None)
        if cell is not None:
            keys.append((cell.code or cell.row_label, cell.code))
    return keys


def function_table_identities(
    t: DocTable, measures: list[str], total_measure: str = "total"
) -> list[IdentityResult]:
    g = _grid(t)
    out: list[IdentityResult] = []
    keys = [k for k, _ in _rowkeys(t)]
    codes = [c for _, c in _rowkeys(t) if c]
    others = [m for m in measures if m != total_measure]
    for k in keys:
        if (k, total_measure) in g or any((k, m) in g for m in others):
            parts = [g.get((k, m), Decimal(0)) for m in others]
            out.append(
                IdentityResult(
                    "row_total",
                    t.key,
                    f"row {k}",
                    g.get((k, total_measure), Decimal(0)),
                    sum(parts, Decimal(0)),
                    len(parts),
                )
            )
    children: dict[str, list[str]] = defaultdict(list)
    for c in codes:
        if len(c) == 5:
            children[c[:3]].append(c)
        elif len(c) == 7:
            children[c[:5]].append(c)
    for parent, kids in children.items():
        for m in measures:
            if (parent, m) not in g and not any((kid, m) in g for kid in kids):
                continue
            parts = [g.get((kid, m), Decimal(0)) for kid in kids]
            out.append(
                IdentityResult(
                    "rollup",
                    t.key,
                    f"{parent}/{m}",
                    g.get((parent, m), Decimal(0)),
                    sum(parts, Decimal(0)),
                    len(parts),
                )
            )
    classes = [c for c in codes if len(c) == 3]
    total_key = "合计"
    for m in measures:
        if (total_key, m) in g:
            parts = [g.get((c, m), Decimal(0)) for c in classes]
            out.append(
                IdentityResult(
                    "grand_total", t.key, f"合计/{m}", g[(total_key, m)], sum(parts, Decimal(0)), len(parts)
                )
            )
    return out


def summary_identities(t: DocTable) -> list[IdentityResult]:
    inc = {c.row_label: dec(c.text) for row in t.rows for c in row if c.numeric and c.measure == "income"}
    exp = {
        c.row_label: dec(c.text) for row in t.rows for c in row if c.numeric and c.measure == "expenditure"
    }
    z = Decimal(0)
    sources = [
        v for k, v in inc.items() if k[:2] in ("一、", "二、", "三、", "四、", "五、", "六、", "七、", "八、")
    ]
    classes = [v for k, v in exp.items() if "、" in k]
    res = [
        IdentityResult(
            "income_current", t.key, "本年收入合计", inc.get("本年收入合计", z), sum(sources, z), len(sources)
        ),
        IdentityResult(
            "income_total",
            t.key,
            "收入总计",
            inc.get("总计", z),
            inc.get("本年收入合计", z) + inc.get("使用非财政拨款结余", z) + inc.get("年初结转和结余", z),
            3,
        ),
        IdentityResult(
            "expenditure_current",
            t.key,
            "本年支出合计",
            exp.get("本年支出合计", z),
            sum(classes, z),
            len(classes),
        ),
        IdentityResult(
            "expenditure_total",
            t.key,
            "支出总计",
            exp.get("总计", z),
            exp.get("本年支出合计", z) + exp.get("结余分配", z) + exp.get("年末结转和结余", z),
            3,
        ),
        IdentityResult("balance", t.key, "收入总计=支出总计", inc.get("总计", z), exp.get("总计", z), 1),
    ]
    return res


def basic_identities(t: DocTable) -> list[IdentityResult]:
    g = _grid(t)
    z = Decimal(0)
    out = []
    for cls in ("301", "302", "303", "310"):
        kids = [v for (k, m), v in g.items() if len(k) == 5 and k[:3] == cls and k.isdigit()]
        out.append(IdentityResult("rollup", t.key, cls, g.get((cls, "actual"), z), sum(kids, z), len(kids)))
    out.append(
        IdentityResult(
            "personnel",
            t.key,
            "人员经费合计",
            g.get(("人员经费合计", "actual"), z),
            g.get(("301", "actual"), z) + g.get(("303", "actual"), z),
            2,
        )
    )
    out.append(
        IdentityResult(
            "public",
            t.key,
            "公用经费合计",
            g.get(("公用经费合计", "actual"), z),
            g.get(("302", "actual"), z) + g.get(("310", "actual"), z),
            2,
        )
    )
    return out


def sangong_identities(t: DocTable) -> list[IdentityResult]:
    out = []
    for basis in ("budget", "actual"):
        v = {c.row_label: dec(c.text) for c in t.rows[0] if c.numeric and c.measure == basis}
        z = Decimal(0)
        out.append(
            IdentityResult(
                "sangong_total",
                t.key,
                f"合计/{basis}",
                v.get("合计", z),
                v.get("因公出国（境）费", z) + v.get("公务用车购置及运行费小计", z) + v.get("公务接待费", z),
                3,
            )
        )
        out.append(
            IdentityResult(
                "vehicle_subtotal",
                t.key,
                f"小计/{basis}",
                v.get("公务用车购置及运行费小计", z),
                v.get("公务用车购置费", z) + v.get("公务用车运行费", z),
                2,
            )
        )
    return out


def document_identities(doc: DocModel) -> list[IdentityResult]:
    out: list[IdentityResult] = []
    for t in doc.tables():
        if t.key == "income_expenditure_summary":
            out += summary_identities(t)
        elif t.key == "income":
            out += function_table_identities(
                t, ["total", "fiscal", "superior", "business", "operating", "affiliated", "other"]
            )
        elif t.key == "expenditure":
            out += function_table_identities(
                t, ["total", "basic", "project", "remit", "operating", "subsidy"]
            )
        elif t.key == "general_budget_expenditure":
            out += function_table_identities(t, ["total", "basic", "project"])
        elif t.key == "general_budget_basic":
            out += basic_identities(t)
        elif t.key == "sangong":
            out += sangong_identities(t)
    t5, t6 = doc.table("general_budget_expenditure"), doc.table("general_budget_basic")
    if t5 and t6:
        g5, g6 = _grid(t5), _grid(t6)
        z = Decimal(0)
        out.append(
            IdentityResult(
                "basic_t5_t6",
                "general_budget_basic",
                "基本支出=人员经费+公用经费",
                g5.get(("合计", "basic"), z),
                g6.get(("人员经费合计", "actual"), z) + g6.get(("公用经费合计", "actual"), z),
                2,
            )
        )
    return out
