"""Is a mutated figure decidable from the document itself? (independent of the checks and of their output)

A reviewer can only find a wrong figure when the document constrains it: the same figure is stated elsewhere
(another sentence, a table), or an identity / arithmetic the document itself prints ties it to other figures.
:func:`constraint` looks for such a relation in the *original* text: a relation that holds for the original
figure and fails for the mutated one. A mutant with none is *undecidable by construction*: nothing in the
document distinguishes it from a correct figure (a count stated once; a completion rate with neither the budget
nor a 大于/小于 word; a change with no rate, no total and no last-year document). The harness reports those
apart; it never reads the rules' findings to decide.

Relations (each with the rounding rule: a figure printed with d decimals stands for ± half a unit of its last
place; a rate may be rounded or truncated):

- *stated twice*: an equal figure in another sentence or table row of the document (a 万元 figure equals a 元
  figure divided by 10,000 within the rounding); a count only with the same unit word (辆, 批次, 人次);
- *sentence / row arithmetic*: in the figure's sentence (or table row) one figure is the sum of two or more
  others, and the edited figure is one of them;
- *ratio*: a rate of the paragraph equals a/b, a/(b − a), (a − b)/b or a/(a + b) of two amounts of the
  paragraph (share, completion, growth from a change and the current figure, growth from the two years), or a/b
  with b anywhere in the document (a share of a table's total), the edited figure being the rate or one of the
  amounts (a base from elsewhere is never the amount itself restated);
- *table column*: a row with a classification code (or 合计) and the rows under it in the same table (the next
  code level, on the same or the neighbouring page, the same number of figures): parent = Σ children in the
  edited figure's column;
- *a year* (not a figure): every year edit is decidable except one that writes the year the document prints most
  often in the same role in place of a year that differs from it — it corrects the document;
- *within its own rounding*: an edited rate, or an amount of its rate, that the paragraph's own figures explain
  before and after the edit is undecidable, whatever base elsewhere would fit (the checks' interval arithmetic);
- *words*: a share (占 …%) is at most 100%; a completion rate beside 大于/超过 (> 100), 小于/未完成 (< 100)
  or 等于 (= 100); 批次 ≤ 人次 and 批次 = 0 exactly when 人次 = 0 in one sentence.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import lru_cache
from itertools import combinations

from warehouse.mutation.operators import Site

_NUMBER = re.compile(r"(?<![\d.,])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?!\d)")
_COUNT_UNITS = ("个批次", "批次", "人次", "辆", "台")
_ROW_HEAD = re.compile(r"^\s*(\d{3}(?:\d{2}){0,2}|合计|总计)(?=[\s\t])")
_WAN = Decimal(10000)
MAX_SENTENCE_FIGURES = 12
MAX_TERMS = 5


@dataclass(frozen=True, slots=True)
class Figure:
    """A number printed in the document: where, its value, its half-unit and what kind of number it is."""

    page: int
    start: int
    end: int
    value: Decimal
    half: Decimal  # half a unit of its last printed place
    kind: str  # amount | rate | count:<unit> | table
    sentence: int  # sentence (or table row) index within the document
    paragraph: int  # paragraph (line) index: the sentence's arithmetic may run over its paragraph
    row: str | None = None  # the code / 合计 heading a table row


def _half(text: str) -> Decimal:
    _, _, frac = text.partition(".")
    return Decimal(5) / Decimal(10) ** (len(frac) + 1)


def _kind(text: str, start: int, end: int, in_row: bool) -> str | None:
    after = text[end:end + 4].lstrip()
    before = text[max(0, start - 2):start]
    if after.startswith(("年", "月", "日", "类", "款", "项", "、", "号", "家", "名", "．")) or before.endswith("第"):
        return None
    if re.match(r"\d\.\D", text[start:end + 2]) and "." not in text[start:end]:
        return None  # a list number 1.
    if after.startswith(("%", "％")):
        return "rate"
    if after.startswith(("万元", "万", "元")):
        return "amount"
    for unit in _COUNT_UNITS:
        if after.startswith(unit):
            return "count:" + unit.removeprefix("个")
    return "table" if in_row else None


_SEGMENT_CODE = re.compile(r"(?:^|(?<=\s))([1-9]\d{2})((?: \d{2}){0,2}|\d{2}|\d{4})(?=\s+[^\d\s])")


def _is_row(line: str) -> bool:
    return bool(_ROW_HEAD.match(line)) or (not re.search(r"[，。；]", line) and bool(re.search(r"\d\.\d", line)))


def _sentences(pages: tuple[str, ...]) -> Iterator[tuple[int, int, int, bool, bool, bool]]:
    """(page, start, end, is a table row, starts a sentence, starts a paragraph) of the document's sentences.

    A sentence runs to its 。 — over a line break too (page texts wrap their lines: 「20323.21 万\\n元」); a
    paragraph runs until a line ends with 。, ： or ；. A table line is a row of its own, split where a second code
    starts a row beside it (two tables side by side)."""
    open_sentence = open_paragraph = False
    for p, page in enumerate(pages):
        offset = 0
        for line in page.split("\n"):
            if _is_row(line):
                cuts = [m.start() for m in _SEGMENT_CODE.finditer(line) if m.start() > 0] + [len(line)]
                s = 0
                for c in cuts:
                    yield p, offset + s, offset + c, True, True, True
                    s = c
                open_sentence = open_paragraph = False
            elif not line.strip():
                open_sentence = open_paragraph = False  # a blank line ends the paragraph
            else:
                s = 0
                for m in re.finditer(r"。", line):
                    yield p, offset + s, offset + m.end(), False, not open_sentence, not open_paragraph
                    s, open_sentence, open_paragraph = m.end(), False, True
                if s < len(line):
                    yield p, offset + s, offset + len(line), False, not open_sentence, not open_paragraph
                    open_sentence = True
                open_paragraph = not line.rstrip().endswith(("。", "：", "；", ":"))
                open_sentence = open_sentence and open_paragraph
            offset += len(line) + 1


def _head(segment: str) -> tuple[str | None, int]:
    """The code (joined: 302 15 → 30215) or 合计 heading a table row, and where the row's figures start."""
    m = _SEGMENT_CODE.match(segment.lstrip())
    pad = len(segment) - len(segment.lstrip())
    if m:
        return m.group(1) + m.group(2).replace(" ", ""), pad + m.end()
    m = _ROW_HEAD.match(segment)
    return (m.group(1), m.end()) if m else (None, 0)


@lru_cache(maxsize=64)
def figures(pages: tuple[str, ...]) -> tuple[Figure, ...]:
    """Every figure of the document with its sentence (cached: the same pages are asked about per site)."""
    out: list[Figure] = []
    sid = pid = 0
    for p, s, e, row, new_sentence, new_paragraph in _sentences(pages):
        text = pages[p]
        sid += new_sentence
        pid += new_paragraph
        head, body = _head(text[s:e]) if row else (None, 0)
        for m in _NUMBER.finditer(text, s + body, e):
            kind = _kind(text, m.start(1), m.end(1), row)
            if kind is None:
                continue
            raw = m.group(1).replace(",", "")
            half = Decimal(0) if kind.startswith("count") else _half(raw)  # a count is exact
            out.append(Figure(p, m.start(1), m.end(1), Decimal(raw), half, kind, sid, pid, head))
    return tuple(out)


def _equal(a: Figure, b: Figure) -> bool:
    """Equal within the rounding, also across 万元 and 元 (a 元 table quoted in 万元)."""
    if a.kind.startswith("count") or b.kind.startswith("count"):
        return a.kind == b.kind and a.value == b.value
    if "rate" in (a.kind, b.kind):
        return False  # a rate repeated elsewhere is no constraint (100%, 0% recur by chance)
    tol = a.half + b.half
    if abs(a.value - b.value) <= tol:
        return True
    # a 万元 figure quoted from a 元 table; a zero 万元 states no figure of a 元 table (0 万元 at integer precision
    # spans ±5000 元, so any small 元 figure — or a 万元 figure taken for one — would "equal" it)
    return any(abs(x.value * _WAN - y.value) <= x.half * _WAN + y.half
               for x, y in ((a, b), (b, a)) if x.kind == "amount" and x.value != 0 and y.value >= _WAN / 100)


def _sum_holds(target: Figure, parts: tuple[Figure, ...]) -> bool:
    return abs(sum((p.value for p in parts), Decimal(0)) - target.value) <= target.half + sum(
        (p.half for p in parts), Decimal(0))


def _nearest(v: Figure, others: list[Figure], n: int = MAX_SENTENCE_FIGURES) -> list[Figure]:
    return sorted(others, key=lambda o: (o.page != v.page, abs(o.start - v.start)))[:n]


def _moved(relation: tuple[Figure, tuple[Figure, ...]], v: Figure, new: Decimal) -> tuple[Figure, tuple[Figure, ...]]:
    total, parts = relation
    moved = replace(v, value=new)
    return (moved if total is v else total), tuple(moved if p is v else p for p in parts)


def _sum_relation(v: Figure, context: list[Figure], zeros: bool) -> tuple[Figure, tuple[Figure, ...]] | None:
    """A sum of ≥ 2 figures of the context equal to another one, ``v`` among them (a total or a part)."""
    if v.kind == "rate" or (v.value == 0 and not zeros):
        return None  # 0 = 0 + 0 holds between any zeros: only a 其中 list makes it a printed identity
    pool = _nearest(v, [o for o in context if o is not v and o.kind == v.kind and (zeros or o.value != 0)])
    for n in range(2, min(MAX_TERMS, len(pool)) + 1):
        for combo in combinations(pool, n):
            if _sum_holds(v, combo):
                return v, combo
    for n in range(1, min(MAX_TERMS, len(pool))):
        for combo in combinations(pool, n + 1):
            for i, total in enumerate(combo):
                rest = (*combo[:i], *combo[i + 1:], v)
                if _sum_holds(total, rest):
                    return total, rest
    return None


_FORMS = ("a/b", "a/(b−a)", "(a−b)/b", "a/(a+b)")


def _ratio_range(a: Figure, b: Figure, form: int) -> tuple[Decimal, Decimal] | None:
    lo_a, hi_a, lo_b, hi_b = a.value - a.half, a.value + a.half, b.value - b.half, b.value + b.half
    num, den = (lo_a, hi_a), (lo_b, hi_b)
    if form == 1:  # a change over last year's figure, given the current one (an increase)
        den = (lo_b - hi_a, hi_b - lo_a)
    elif form == 2:  # growth from the two years' figures
        num = (lo_a - hi_b, hi_a - lo_b)
    elif form == 3:  # a decrease over last year's figure, given the current one
        den = (lo_a + lo_b, hi_a + hi_b)
    if den[0] <= 0:
        return None
    vals = [100 * x / d for x in num for d in den]
    return min(vals), max(vals)


def _rate_holds(r: Decimal, half: Decimal, a: Figure, b: Figure, form: int) -> bool:
    if form == 1 and abs(b.value - a.value) <= a.half + b.half and b.value > 0:
        return r == 100  # an increase from a zero base: 增长100% by convention
    rng = _ratio_range(a, b, form)
    return rng is not None and rng[0] <= r + 2 * half and rng[1] >= r - half  # rounded or truncated


@lru_cache(maxsize=64)
def _denominators(pages: tuple[str, ...]) -> tuple[list[Decimal], list[Figure]]:
    """The document's amounts and table figures (a 元 table's also in 万元), sorted: a share's or a completion
    rate's base may be a table's total rather than a figure of the sentence."""
    figs = [f for f in figures(pages) if f.kind in ("amount", "table") and f.value > 0]
    figs += [replace(f, value=f.value / _WAN, half=f.half / _WAN)
             for f in figs if f.kind == "table" and f.value >= _WAN]
    figs.sort(key=lambda f: f.value)
    return [f.value for f in figs], figs


def _bases(pages: tuple[str, ...], r: Figure, a: Figure, form: int) -> list[Figure]:
    """Figures b of the document with r = form(a, b) within the rounding (candidates by bisection)."""
    values, figs = _denominators(pages)
    lo_r, hi_r = r.value - r.half, r.value + 2 * r.half
    if lo_r <= 0:
        return []
    lo, hi = 100 * (a.value - a.half) / hi_r - 1, 100 * (a.value + a.half) / lo_r + 1  # the form a/b
    if form == 1:
        lo, hi = lo + a.value, hi + a.value
    elif form == 2:
        lo, hi = 100 * a.value / (100 + hi_r) - 1, 100 * a.value / (100 + lo_r) + 1
    elif form == 3:
        lo, hi = lo - a.value, hi - a.value
    return figs[bisect_left(values, lo):bisect_right(values, hi)]


def _within_own_rounding(v: Figure, rates: list[Figure], amounts: list[Figure], new: Decimal) -> bool:
    """The paragraph's own figures explain the rate both before and after the edit: the edit stays within the
    rounding of the figures that state it (0.31 → 0.39 万元 with 增加 25.81% → 28.81%: 22.2% … 29.5%), as the checks'
    interval arithmetic judges it — a base found elsewhere in the document cannot make it a defect."""
    for r in rates:
        for a in (x for x in amounts if x.value != 0):
            for b in (x for x in amounts if x is not a and x.value != 0):
                if v not in (r, a, b):
                    continue
                for form in range(len(_FORMS)):
                    a2, b2 = (replace(x, value=new) if x is v else x for x in (a, b))
                    if _rate_holds(r.value, r.half, a, b, form) and _rate_holds(
                            new if v is r else r.value, r.half, a2, b2, form):
                        return True
    return False


def _ratio_relation(v: Figure, context: list[Figure], pages: tuple[str, ...], new: Decimal) -> str | None:
    """A rate of the paragraph that two amounts explain (the second may be a table's total, as a share of 本年支出合计
    or a completion of the table's budget is), the edited figure being one of the three."""
    rates = [f for f in context if f.kind == "rate"]
    amounts = _nearest(v, [f for f in context if f.kind == "amount"])
    if _within_own_rounding(v, rates, amounts, new):
        return None
    for r in rates:
        for a in (x for x in amounts if x.value != 0):  # a zero numerator fits every base: no identity
            pairs = [(b, form) for b in amounts if b is not a and b.value != 0 for form in range(len(_FORMS))]
            if v is r or v is a:
                # a base from elsewhere: not the amount itself restated (100% = a / a holds by chance)
                pairs += [(b, form) for form in range(len(_FORMS)) for b in _bases(pages, r, a, form)
                          if not _equal(a, b) and (form == 0 or abs(b.page - a.page) <= 1)]
            for b, form in pairs:
                if v not in (r, a, b) or not _rate_holds(r.value, r.half, a, b, form):
                    continue
                a2, b2 = (replace(x, value=new) if x is v else x for x in (a, b))
                if not _rate_holds(new if v is r else r.value, r.half, a2, b2, form):
                    return f"比率：{r.value}% = {_FORMS[form]}（a = {a.value}，b = {b.value}）"
    return None


_ABOVE = re.compile(r"大于|超过|超出|超额")
_BELOW = re.compile(r"小于|未完成|低于|未达到")
_EQUAL = re.compile(r"等于")


def _word_relation(v: Figure, text: str, lead: str, sentence: list[Figure], new: Decimal) -> str | None:
    """Words that bound the figure: ``text`` its sentence, ``lead`` the sentence's words before it."""
    if v.kind == "rate" and re.search(r"占[^，。；%％]{0,24}$", lead) and v.value <= 100 < new:
        return "占比不超过100%"
    if v.kind == "rate" and re.search(r"完成.{0,10}预算", text):
        for rx, ok in ((_ABOVE, lambda x: x > 100), (_BELOW, lambda x: x < 100), (_EQUAL, lambda x: x == 100)):
            m = rx.search(text)
            if m and ok(v.value) and not ok(new):
                return f"用词「{m.group(0)}」限定完成率"
    if v.kind in ("count:批次", "count:人次"):
        other = "count:人次" if v.kind == "count:批次" else "count:批次"

        def consistent(b: Decimal, p: Decimal) -> bool:
            return b <= p and (b == 0) == (p == 0)

        for o in (f for f in sentence if f.kind == other):
            pair, moved = ((v.value, o.value), (new, o.value)) if v.kind == "count:批次" else (
                (o.value, v.value), (o.value, new))
            if consistent(*pair) and not consistent(*moved):
                return "批次不多于人次（批次为 0 当且仅当人次为 0）"
    return None


def _children(head: str, code: str) -> bool:
    if head in ("合计", "总计"):
        return len(code) == 3
    return len(code) == len(head) + 2 and code.startswith(head)


def _column_relation(figs: tuple[Figure, ...], v: Figure) -> str | None:
    """parent = Σ children in the edited figure's column, over the table rows of its page and the neighbours."""
    rows: dict[int, list[Figure]] = {}
    for f in figs:
        if f.row and abs(f.page - v.page) <= 1 and f.kind == "table":
            rows.setdefault(f.sentence, []).append(f)
    mine = rows.get(v.sentence)
    if not mine or not v.row:
        return None
    j, width = mine.index(v), len(mine)
    same = [fs for fs in rows.values() if len(fs) == width]
    groups = [(mine, [fs for fs in same if _children(v.row, fs[0].row or "")])]
    groups += [(fs, [k for k in same if _children(fs[0].row or "", k[0].row or "")])
               for fs in same if _children(fs[0].row or "", v.row)]
    for parent, kids in groups:
        if kids and _sum_holds(parent[j], tuple(k[j] for k in kids)):
            return f"表内列关系：{parent[0].row} = 下级各行之和（第{j + 1}列）"
    return None


_YEAR_AT = re.compile(r"(?<!\d)(?:19|20)\d{2}(?=\s*年)")


def _year_role(text: str, start: int) -> str:
    before = re.sub(r"\s+", "", text[max(0, start - 4):start])
    if before.endswith(("与", "比", "较")):
        return "compare"
    if before.endswith(("截至", "截止")):
        return "date"
    return "other"


def year_constraint(pages: tuple[str, ...], site: Site) -> str | None:
    """A year edit is a defect unless it *corrects* the document: the original year differs from the year the
    document prints most often in the same role (the year compared with; a 截至 date; a heading's year) and the
    edit writes that year (与2026年预算持平 → 与2025年… in a 2026 budget whose other comparisons name 2025)."""
    old, new = pages[site.page][site.start:site.end], site.after
    role = _year_role(pages[site.page], site.start)
    years = Counter(m.group(0) for p, text in enumerate(pages) for m in _YEAR_AT.finditer(text)
                    if _year_role(text, m.start()) == role and not (p == site.page and m.start() == site.start))
    if new != old and years[new] > years[old] and years[new] >= 2 and new == years.most_common(1)[0][0]:
        return None
    return "非数字改动"


def constraint(pages: tuple[str, ...], site: Site) -> str | None:
    """Why the figure at ``site`` is decidable from the original document, or None (undecidable by construction).

    Pure: reads only the document's text and the site (never the checks)."""
    figs = figures(pages)
    v = next((f for f in figs if f.page == site.page and f.start < site.end and f.end > site.start), None)
    if v is None:
        return None
    for o in figs:
        if o.sentence != v.sentence and _equal(v, o):
            return f"同一数字另见第{o.page + 1}页"
    raw = site.after.replace(",", "").strip()
    if not re.fullmatch(r"\d+(?:\.\d+)?", raw):
        return None  # a figure blanked: only a second statement constrains it
    new = Decimal(raw)
    context = [f for f in figs if (f.sentence if v.kind == "table" else f.paragraph) ==
               (v.sentence if v.kind == "table" else v.paragraph)]
    text = pages[v.page]
    lo = max(text.rfind("\n", 0, v.start), text.rfind("。", 0, v.start)) + 1
    hi = min(x for x in (text.find("\n", v.end), text.find("。", v.end), len(text)) if x >= 0)
    own = [f for f in figs if f.sentence == v.sentence]
    first = pages[own[0].page]
    before = first[max(0, own[0].start - 200):own[0].start]
    words = before[before.rfind("。") + 1:] + first[own[0].start:]
    total = _sum_relation(v, context, zeros="其中" in words)
    if total and not _sum_holds(*_moved(total, v, new)):
        return f"加总：{total[0].value} = " + " + ".join(str(p.value) for p in total[1])
    if v.kind == "table":
        return _column_relation(figs, v)
    return _ratio_relation(v, context, pages, new) or _word_relation(v, text[lo:hi], text[lo:v.start], own, new)
