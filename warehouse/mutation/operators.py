"""Mutation operators: single realistic edits of a document's text, as a reviewer would find them.

Each operator is a pure function from a document's per-page texts to the *sites* it can edit (page, span,
replacement, anchors). The harness draws a few sites per operator and document with a seeded generator, so a
run is deterministic. The kinds follow what reviewers write back (the 检查表 of the Putuo inspections, the
known real defects, the domain primer): wrong figures in tables and sentences, flipped direction words, years,
missing or emptied tables, parts that no longer add up, counts, names and codes, placeholders, punctuation and
units — plus *harmless* edits (rewording, punctuation that is right either way) that must raise nothing.

A site's ``anchors`` are strings a finding about the edit states (the new figure, the table's name); the
scorer also accepts a finding on the edited page.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from ingest.table_recognition import classify_title

_MONEY = r"(?<![\d.,])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?=\s*万元)"
_AMOUNT = re.compile(r"(?<![\d.,])(\d{1,3}(?:,\d{3})+\.\d+|\d+\.\d+)(?![\d.,])")
_YEAR = r"(20\d{2})"
_NARRATIVE_MARKS = re.compile(r"[，。；：、（]|万元")
_TABLE_ROW = re.compile(
    r"^\s*(?P<head>\d{3}(?:\d{2}){0,2}|合计|总计|本年(?:收入|支出)合计|[一二三四五六七八九十]+、\S+)[\s\t]"
)


@dataclass(frozen=True, slots=True)
class Site:
    """One possible edit: replace ``pages[page][start:end]`` by ``after``."""

    page: int  # index into the page list (0 = first page)
    start: int
    end: int
    after: str
    anchors: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Kind:
    """A mutation kind: a name (English key), a Chinese description, whether it must stay silent."""

    key: str
    zh: str
    sites: Callable[[tuple[str, ...]], list[Site]]
    harmless: bool = False
    figure: bool = False  # it changes a printed figure: decidable only where the document constrains the figure
    year: bool = False  # it changes a year: decidable unless it writes the document's own year (corrects it)
    part: int = 1  # the harness part that added it (drawn in this order, so older kinds keep their sites)


def _lines(pages: tuple[str, ...]) -> Iterator[tuple[int, int, str]]:
    """(page index, offset of the line in the page, line) for every line."""
    for p, text in enumerate(pages):
        offset = 0
        for line in text.split("\n"):
            yield p, offset, line
            offset += len(line) + 1


def _is_narrative(line: str) -> bool:
    return bool(_NARRATIVE_MARKS.search(line)) and not _TABLE_ROW.match(line)


def _table_lines(pages: tuple[str, ...]) -> Iterator[tuple[int, int, str, str]]:
    """Table rows: (page, offset, line, row head) for lines that start with a code or a total label."""
    for p, off, line in _lines(pages):
        m = _TABLE_ROW.match(line)
        if m and _AMOUNT.search(line[m.end():]) and not re.search(r"[，。；]", line):
            yield p, off, line, m.group("head")


def bump_number(text: str) -> str:
    """A different figure with the same displayed decimals: the last integer digit moves by 3 (pure)."""
    integer, _, frac = text.partition(".")
    digits = [c for c in integer]
    for i in range(len(digits) - 1, -1, -1):
        if digits[i].isdigit():
            digits[i] = str((int(digits[i]) + 3) % 10)
            break
    out = "".join(digits)
    if len(out.replace(",", "")) > 1 and out.replace(",", "").startswith("0"):
        out = "1" + out  # 05.00 would not be a figure
    return out + ("." + frac if frac else "")


def _canon(num: str) -> str:
    return num.replace(",", "")


def _regex_sites(pages: tuple[str, ...], pattern: str, group: int, make: Callable[[str], str],
                 narrative_only: bool = True, flags: int = 0) -> list[Site]:
    """Sites where ``pattern`` matches in a narrative line; ``group`` is replaced by ``make(group)``."""
    out: list[Site] = []
    rx = re.compile(pattern, flags)
    for p, off, line in _lines(pages):
        if narrative_only and not _is_narrative(line):
            continue
        for m in rx.finditer(line):
            new = make(m.group(group))
            if new != m.group(group):
                out.append(Site(p, off + m.start(group), off + m.end(group), new, (_canon(new),)))
    return out


def _table_amounts(pages: tuple[str, ...]) -> set[str]:
    return {_canon(m.group(1)) for _, _, line, _ in _table_lines(pages) for m in _AMOUNT.finditer(line)}


def _narrative_amounts(pages: tuple[str, ...]) -> set[str]:
    found: set[str] = set()
    for _, _, line in _lines(pages):
        if _is_narrative(line):
            found.update(_canon(m.group(1)) for m in re.finditer(_MONEY, line))
    return found


def _cell_sites(pages: tuple[str, ...], head: Callable[[str], bool]) -> list[Site]:
    """An amount cell of table rows whose head (code or label) satisfies ``head``."""
    out = []
    for p, off, line, h in _table_lines(pages):
        if not head(h):
            continue
        start = len(h) + (len(line) - len(line.lstrip()))
        for m in _AMOUNT.finditer(line, start):
            if Decimal(_canon(m.group(1))) != 0:
                new = bump_number(m.group(1))
                out.append(Site(p, off + m.start(1), off + m.end(1), new, (_canon(new),)))
    return out


def table_detail_cell(pages: tuple[str, ...]) -> list[Site]:
    return _cell_sites(pages, lambda h: bool(re.fullmatch(r"\d{7}|30\d{3}|31\d{3}", h)))


def table_total_row(pages: tuple[str, ...]) -> list[Site]:
    return _cell_sites(pages, lambda h: h == "合计")


def table_class_row(pages: tuple[str, ...]) -> list[Site]:
    return _cell_sites(pages, lambda h: bool(re.fullmatch(r"\d{3}", h)))


def table_kuan_row(pages: tuple[str, ...]) -> list[Site]:
    return _cell_sites(pages, lambda h: bool(re.fullmatch(r"2\d{4}", h)))


def summary_table_cell(pages: tuple[str, ...]) -> list[Site]:
    """T1/T4 (收入支出决算总表, 财政拨款收入支出决算总表): an income-source or subtotal line."""
    return _cell_sites(pages, lambda h: h in ("本年收入合计", "本年支出合计") or h.startswith("一、"))


def narrative_amount(pages: tuple[str, ...]) -> list[Site]:
    """A sentence's amount that quotes a table figure (not a change, not a budget)."""
    quoted = _table_amounts(pages)
    return [s for s in _regex_sites(pages, _MONEY, 1, bump_number)
            if _canon(pages[s.page][s.start:s.end]) in quoted
            and not re.search(r"(增加|减少|预算|预算数|预算为)\s*$", pages[s.page][max(0, s.start - 6):s.start])]


def narrative_change(pages: tuple[str, ...]) -> list[Site]:
    return _regex_sites(pages, r"(?:增加|减少)\s*" + _MONEY, 1, bump_number)


def narrative_share(pages: tuple[str, ...]) -> list[Site]:
    return _regex_sites(pages, r"占[^，。；%]{0,24}?(\d+(?:\.\d+)?)\s*[%％]", 1, bump_number)


def narrative_growth(pages: tuple[str, ...]) -> list[Site]:
    return _regex_sites(pages, r"(?:增长|下降)\s*(\d+(?:\.\d+)?)\s*[%％]", 1, bump_number)


def narrative_completion(pages: tuple[str, ...]) -> list[Site]:
    return _regex_sites(pages, r"完成[^，。；\d]{0,8}?预算[^，。；\d]{0,4}?(\d+(?:\.\d+)?)\s*[%％]", 1, bump_number)


_FLIP = {"增加": "减少", "减少": "增加", "增长": "下降", "下降": "增长"}


def _yoy_clauses(pages: tuple[str, ...]) -> Iterator[tuple[int, int, str]]:
    """(page, offset, clause) of clauses holding a YoY change amount and a growth rate."""
    rx = re.compile(r"(增加|减少)\s*\d[\d,.]*\s*万\s*元[，,]\s*(增长|下降)\s*\d[\d.]*\s*[%％]")
    for p, text in enumerate(pages):
        for m in rx.finditer(text):
            yield p, m.start(), m.group(0)


def flip_yoy_pair(pages: tuple[str, ...]) -> list[Site]:
    """Both direction words of a YoY clause flipped (减少 …，下降 … → 增加 …，增长 …)."""
    out = []
    for p, off, clause in _yoy_clauses(pages):
        flipped = re.sub(r"增加|减少|增长|下降", lambda m: _FLIP[str(m.group(0))], clause)
        out.append(Site(p, off, off + len(clause), flipped, ()))
    return out


def contradiction_clause(pages: tuple[str, ...]) -> list[Site]:
    """One direction word of a YoY clause flipped: 减少 …，增长 … contradicts itself."""
    out = []
    for p, off, clause in _yoy_clauses(pages):
        i = clause.find("增长") if "增长" in clause else clause.find("下降")
        out.append(Site(p, off + i, off + i + 2, _FLIP[clause[i:i + 2]], ()))
    return out


def flip_single_direction(pages: tuple[str, ...]) -> list[Site]:
    """A direction word of a change with no rate (比上年增加 X万元。) flipped."""
    rx = r"(增加|减少)\s*\d[\d,.]*\s*万\s*元(?![，,]\s*(?:增长|下降))"
    return _regex_sites(pages, rx, 1, lambda w: _FLIP[w], narrative_only=False)


def flip_budget_word(pages: tuple[str, ...]) -> list[Site]:
    """决算数大于/小于/等于预算数 on every line that states it: another word."""
    swap = {"大于": "小于", "小于": "大于", "等于": "大于"}
    out = []
    for p, text in enumerate(pages):
        for m in re.finditer(r"决算数?\s*(大于|小于|等于)\s*预\s*算", text):
            out.append(Site(p, m.start(1), m.end(1), swap[m.group(1)], ()))
    return out


def budget_word_both(pages: tuple[str, ...]) -> list[Site]:
    """决算数小于预算数 → 决算数大小于预算数 (template words both kept)."""
    out = []
    for p, text in enumerate(pages):
        for m in re.finditer(r"决算数?\s*(大于|小于)\s*预\s*算", text):
            out.append(Site(p, m.start(1), m.end(1), "大小于", ()))
    return out


def _shift_year(y: str) -> str:
    return str(int(y) - 1)


def year_heading(pages: tuple[str, ...]) -> list[Site]:
    """The year of a part heading or title (not the cover page, whose title names the document)."""
    out = []
    for p, off, line in _lines(pages):
        if p == 0 or len(line) > 40 or re.search(r"[，。；]", line):
            continue
        for m in re.finditer(_YEAR + r"\s*年度", line):
            out.append(Site(p, off + m.start(1), off + m.end(1), _shift_year(m.group(1)), ()))
    return out


def year_date(pages: tuple[str, ...]) -> list[Site]:
    return _regex_sites(pages, r"截[至止]\s*" + _YEAR + r"\s*年", 1, _shift_year, narrative_only=False)


def year_compare(pages: tuple[str, ...]) -> list[Site]:
    """The year a YoY sentence compares with (与2024年度相比 → 与2023年度相比)."""
    return _regex_sites(pages, r"(?:与|比|较)\s*" + _YEAR + r"\s*年", 1, _shift_year, narrative_only=False)


def _table_blocks(pages: tuple[str, ...]) -> Iterator[tuple[int, int, int, int]]:
    """(page, title start, first data row start, end) of each standard table on a page."""
    for p, off, line in _lines(pages):
        if classify_title(line) is None or _is_narrative(line):
            continue
        text = pages[p]
        end_note = re.search(r"\n\s*(?:注[:：]|说明[:：])[^\n]*", text[off:])
        end = off + end_note.end() if end_note else len(text)
        rows = [m.start() for m in re.finditer(r"(?m)^.*$", text[off:end])
                if _TABLE_ROW.match(m.group(0)) and _AMOUNT.search(m.group(0))]
        if rows:
            yield p, off, off + rows[0], end


def table_removed(pages: tuple[str, ...]) -> list[Site]:
    out = []
    seen = set()
    for p, start, _, end in _table_blocks(pages):
        title = pages[p][start:pages[p].find("\n", start)].strip()
        key = classify_title(title)
        if key in seen:
            continue
        seen.add(key)
        out.append(Site(p, start, end, "", (title,)))
    return out


def table_emptied(pages: tuple[str, ...]) -> list[Site]:
    """The data rows of a table removed, its title and header kept."""
    out = []
    for p, start, rows, end in _table_blocks(pages):
        body = pages[p][rows:end]
        kept = "\n".join(line for line in body.split("\n") if not (_TABLE_ROW.match(line) and _AMOUNT.search(line)))
        title = pages[p][start:pages[p].find("\n", start)].strip()
        out.append(Site(p, rows, end, kept, (title,)))
    return out


def quoted_cell_blanked(pages: tuple[str, ...]) -> list[Site]:
    """A table cell that the narrative quotes, blanked."""
    quoted = _narrative_amounts(pages)
    out = []
    for p, off, line, h in _table_lines(pages):
        for m in _AMOUNT.finditer(line, len(h)):
            if _canon(m.group(1)) in quoted and Decimal(_canon(m.group(1))) != 0:
                out.append(Site(p, off + m.start(1) - 1, off + m.end(1), "", (_canon(m.group(1)),)))
    return out


def qishong_part(pages: tuple[str, ...]) -> list[Site]:
    """An amount listed after 其中 (procurement, 三公, income sources, 人员/公用经费) changed."""
    out = []
    for p, text in enumerate(pages):
        for m in re.finditer(r"其中[：:，,]?", text):
            window = text[m.end():m.end() + 60]
            n = re.search(_MONEY, window)
            if n:
                s = m.end() + n.start(1)
                new = bump_number(n.group(1))
                out.append(Site(p, s, m.end() + n.end(1), new, (_canon(new),)))
    return out


def count_vehicles(pages: tuple[str, ...]) -> list[Site]:
    return _regex_sites(pages, r"(\d+)\s*辆", 1, lambda n: str(int(n) + 2), narrative_only=False)


def count_visits(pages: tuple[str, ...]) -> list[Site]:
    return _regex_sites(pages, r"(\d+)\s*(?:批次|人次|个批次)", 1, lambda n: str(int(n) + 2), narrative_only=False)


def sangong_change(pages: tuple[str, ...]) -> list[Site]:
    """A 三公 item's (or total's) change against last year."""
    out = []
    for p, text in enumerate(pages):
        if "三公" not in text:
            continue
        for m in re.finditer(r"(?:增加|减少)\s*" + _MONEY, text):
            new = bump_number(m.group(1))
            out.append(Site(p, m.start(1), m.end(1), new, (_canon(new),)))
    return out


def code_changed(pages: tuple[str, ...]) -> list[Site]:
    """A 7-digit function code of a table row: its last digit changed."""
    out = []
    for p, off, line, h in _table_lines(pages):
        if re.fullmatch(r"\d{7}", h):
            new = h[:-1] + str((int(h[-1]) + 1) % 10)
            i = line.find(h)
            out.append(Site(p, off + i, off + i + 7, new, (new,)))
    return out


def name_changed(pages: tuple[str, ...]) -> list[Site]:
    """The name of a 项 row replaced by the name of another 项 row of the same table page."""
    out = []
    for p, text in enumerate(pages):
        rows = [(m.start(2), m.end(2), m.group(2)) for m in re.finditer(r"(?m)^(\d{7}) (\S+) ", text)]
        names = [r[2] for r in rows]
        for i, (s, e, name) in enumerate(rows):
            other = next((n for n in names[i + 1:] + names[:i] if n != name and "其他" not in n), None)
            if other:
                out.append(Site(p, s, e, other, (other,)))
    return out


_CLASSIFICATION_SEED = Path(__file__).resolve().parents[2] / "dbt_project/seeds/function_classification.csv"


@cache
def outdated_pairs(seed: Path = _CLASSIFICATION_SEED) -> tuple[tuple[str, str], ...]:
    """(current name, the name it replaced) of one code, as the classification seed dates them (valid_to_year)."""
    with seed.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    pairs = {(c["name"], o["name"]) for o in rows if o["valid_to_year"]
             for c in rows if c["code"] == o["code"] and c["valid_from_year"]
             and int(c["valid_from_year"]) > int(o["valid_to_year"]) and o["name"] not in c["name"]}
    return tuple(sorted(pairs, key=lambda p: (-len(p[0]), p)))


def outdated_name(pages: tuple[str, ...]) -> list[Site]:
    """A classification name replaced by the name the seed gives the same code for earlier years only."""
    out = []
    for p, text in enumerate(pages):
        for new_name, old_name in outdated_pairs():
            for m in re.finditer(re.escape(new_name), text):
                out.append(Site(p, m.start(), m.end(), old_name, (old_name,)))
    return out


def placeholder(pages: tuple[str, ...]) -> list[Site]:
    """A sentence's amount replaced by the template's XX."""
    return _regex_sites(pages, _MONEY, 1, lambda _: "XX")


def doubled_punctuation(pages: tuple[str, ...]) -> list[Site]:
    return _regex_sites(pages, r"[\u4e00-\u9fff\d](。|，)(?=[\u4e00-\u9fff])", 1, lambda c: c + c)


def unit_wan(pages: tuple[str, ...]) -> list[Site]:
    """万元 → 万 after a figure."""
    out = []
    for p, off, line in _lines(pages):
        if not _is_narrative(line):
            continue
        for m in re.finditer(r"\d\s*(万元)(?=[，。；、])", line):
            out.append(Site(p, off + m.start(1), off + m.end(1), "万", ()))
    return out


def share_without_percent(pages: tuple[str, ...]) -> list[Site]:
    out = []
    for p, off, line in _lines(pages):
        if not _is_narrative(line):
            continue
        for m in re.finditer(r"占[^，。；%]{0,24}?\d+(?:\.\d+)?\s*([%％])", line):
            out.append(Site(p, off + m.start(1), off + m.end(1), "", ()))
    return out


_REWORD = (("主要原因是", "主要原因为"), ("主要原因：", "主要原因是"), ("较上年", "比上年"), ("较上年度", "比上年度"),
           ("主要用于", "主要用于以下方面："), ("厉行节约", "严格节约"))


def harmless_reword(pages: tuple[str, ...]) -> list[Site]:
    out = []
    for p, text in enumerate(pages):
        for old, new in _REWORD:
            if old == "主要用于" and "以下方面" in text:
                continue
            for m in re.finditer(re.escape(old) + ("(?!以下)" if old == "主要用于" else ""), text):
                out.append(Site(p, m.start(), m.end(), new, ()))
    return out


def harmless_punctuation(pages: tuple[str, ...]) -> list[Site]:
    """Punctuation that is right either way: 其中：↔其中，; 。其中 → ，其中."""
    out = []
    for p, text in enumerate(pages):
        for m in re.finditer(r"其中([：，])", text):
            out.append(Site(p, m.start(1), m.end(1), "，" if m.group(1) == "：" else "：", ()))
    return out


def harmless_spacing(pages: tuple[str, ...]) -> list[Site]:
    """A space between a figure and its unit (20.00万元 ↔ 20.00 万元)."""
    out = []
    for p, off, line in _lines(pages):
        if not _is_narrative(line):
            continue
        for m in re.finditer(r"\d(\s*)万元", line):
            new = "" if m.group(1) else " "
            out.append(Site(p, off + m.start(1), off + m.end(1), new, ()))
    return out


_ITEM_LINE = re.compile(r"[（(]\d{0,2}项[）)]")


def _item_lines(pages: tuple[str, ...]) -> Iterator[tuple[int, int, str]]:
    """Lines of a budget's 项 sentences (「…行政运行（01项）1672.67万元。…比2025年预算执行数减少1.07%。」)."""
    for p, off, line in _lines(pages):
        if _ITEM_LINE.search(line):
            yield p, off, line


def _item_sites(pages: tuple[str, ...], pattern: str, make: Callable[[str], str]) -> list[Site]:
    out = []
    for p, off, line in _item_lines(pages):
        for m in re.finditer(pattern, line):
            new = make(m.group(1))
            out.append(Site(p, off + m.start(1), off + m.end(1), new, (_canon(new),)))
    return out


def item_line_amount(pages: tuple[str, ...]) -> list[Site]:
    """A 项 line's amount: its head figure or 预算安排 (budget narratives)."""
    return _item_sites(pages, r"(?:项[）)]|预算安排|预算数为)\s*" + _MONEY, bump_number)


def item_line_rate(pages: tuple[str, ...]) -> list[Site]:
    """A 项 line's change rate against last year (比2025年预算执行数增加0.97%)."""
    return _item_sites(pages, r"比\s*20\d{2}\s*年[^，。；\d]{0,12}?(?:增加|减少|增长|下降)\s*(\d+(?:\.\d+)?)\s*[%％]",
                       bump_number)


def item_line_year(pages: tuple[str, ...]) -> list[Site]:
    """The year a 项 line compares with (比2025年预算执行数 → 比2024年预算执行数)."""
    return _item_sites(pages, r"比\s*" + _YEAR + r"\s*年", _shift_year)


def row_total_cell(pages: tuple[str, ...]) -> list[Site]:
    """The 合计 column of a classified row whose other columns add up to it (合计 = 基本 + 项目, = Σ sources)."""
    out = []
    for p, off, line, h in _table_lines(pages):
        if not re.fullmatch(r"\d{3}(?:\d{2}){0,2}", h):
            continue
        cells = list(_AMOUNT.finditer(line, len(h) + (len(line) - len(line.lstrip()))))
        if len(cells) >= 3 and Decimal(_canon(cells[0].group(1))) != 0:
            new = bump_number(cells[0].group(1))
            out.append(Site(p, off + cells[0].start(1), off + cells[0].end(1), new, (_canon(new),)))
    return out


def sangong_table_cell(pages: tuple[str, ...]) -> list[Site]:
    """A figure of the 三公 table's row of figures (合计, 出国, 接待, 公务用车 小计/购置/运行: total vs items)."""
    out = []
    for p, off, line in _lines(pages):
        if "三公" not in pages[p][:200] or re.search(r"[\u4e00-\u9fff]", line):
            continue
        cells = list(_AMOUNT.finditer(line)) or list(re.finditer(r"(?<![\d.])(\d+)(?![\d.])", line))
        if len(re.findall(r"\S+", line)) >= 4:
            for m in cells:
                if Decimal(_canon(m.group(1))) != 0:
                    new = bump_number(m.group(1))
                    out.append(Site(p, off + m.start(1), off + m.end(1), new, (_canon(new),)))
    return out


KINDS: tuple[Kind, ...] = (
    Kind("table_detail_cell", "表格明细行（项/经济分类款）金额改动", table_detail_cell, figure=True),
    Kind("table_total_row", "表格合计行金额改动", table_total_row, figure=True),
    Kind("table_class_row", "表格类级行金额改动", table_class_row, figure=True),
    Kind("table_kuan_row", "表格款级行金额改动", table_kuan_row, figure=True),
    Kind("summary_table_cell", "总表收入来源/本年合计金额改动", summary_table_cell, figure=True),
    Kind("narrative_amount", "说明中引用报表的金额改动", narrative_amount, figure=True),
    Kind("narrative_change", "说明中增减额改动", narrative_change, figure=True),
    Kind("narrative_share", "说明中占比改动", narrative_share, figure=True),
    Kind("narrative_growth", "说明中增长率/下降率改动", narrative_growth, figure=True),
    Kind("narrative_completion", "说明中预算完成率改动", narrative_completion, figure=True),
    Kind("flip_yoy_pair", "同比增减用词整体反向（增加/增长 ↔ 减少/下降）", flip_yoy_pair),
    Kind("contradiction_clause", "同一分句增减用词矛盾（减少…增长）", contradiction_clause),
    Kind("flip_single_direction", "无增长率的增减用词反向", flip_single_direction),
    Kind("flip_budget_word", "决算数大于/小于/等于预算数用词改动", flip_budget_word),
    Kind("budget_word_both", "决算数大小于预算数（模板用词未删）", budget_word_both),
    Kind("year_heading", "标题/章节标题年份改动", year_heading, year=True),
    Kind("year_date", "截至日期年份改动", year_date, year=True),
    Kind("year_compare", "同比对比年份改动", year_compare, year=True),
    Kind("table_removed", "删除一张报表（说明仍引用）", table_removed),
    Kind("table_emptied", "报表数据行清空", table_emptied),
    Kind("quoted_cell_blanked", "说明引用的报表单元格留空", quoted_cell_blanked, figure=True),
    Kind("qishong_part", "「其中」分项金额改动（分项之和不等于总数）", qishong_part, figure=True),
    Kind("count_vehicles", "车辆数改动", count_vehicles, figure=True),
    Kind("count_visits", "接待批次/人次改动", count_visits, figure=True),
    Kind("sangong_change", "三公经费增减额改动", sangong_change, figure=True),
    Kind("code_changed", "功能分类科目编码改动", code_changed),
    Kind("name_changed", "科目名称改为同表另一科目名称", name_changed),
    Kind("outdated_name", "科目名称改为过时名称", outdated_name),
    Kind("placeholder", "金额改为占位符 XX", placeholder),
    Kind("doubled_punctuation", "重复标点", doubled_punctuation),
    Kind("unit_wan", "金额单位「万元」写成「万」", unit_wan),
    Kind("share_without_percent", "占比缺少百分号", share_without_percent),
    Kind("harmless_reword", "无害改写（措辞）", harmless_reword, harmless=True),
    Kind("harmless_punctuation", "无害标点（其中：/其中，）", harmless_punctuation, harmless=True),
    Kind("harmless_spacing", "无害空格（数字与单位之间）", harmless_spacing, harmless=True),
    # part 3: budget documents' forms (they apply wherever a document prints them)
    Kind("item_line_amount", "项级说明金额改动（项首金额/预算安排）", item_line_amount, figure=True, part=3),
    Kind("item_line_rate", "项级说明增减幅度改动", item_line_rate, figure=True, part=3),
    Kind("item_line_year", "项级说明对比年份改动", item_line_year, year=True, part=3),
    Kind("row_total_cell", "分类行合计列金额改动（合计≠各列之和）", row_total_cell, figure=True, part=3),
    Kind("sangong_table_cell", "三公经费表金额改动（合计≠各项之和）", sangong_table_cell, figure=True, part=3),
)


def apply(pages: tuple[str, ...], site: Site) -> tuple[str, ...]:
    """The pages with one site edited (pure)."""
    text = pages[site.page]
    return (*pages[:site.page], text[:site.start] + site.after + text[site.end:], *pages[site.page + 1:])
