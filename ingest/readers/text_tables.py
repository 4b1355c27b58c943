"""Standard tables rebuilt from text lines (page texts of a PDF, later Tika text without tab cells).

A PDF's text layer keeps a table as lines: ``201 一般公共服务支出 207.40 207.40`` — a code, a name
and the amounts of the non-blank cells, left to right; blank cells leave no trace, long names wrap
onto a line above and below the row, and the header is spread over several lines. This module turns
such lines back into a grid:

* :func:`tokenise_line` — code / number / label tokens (split 类/款/项 codes ``201 01 01`` joined);
* :data:`SCHEMAS` — the known columns of the standard tables (Shanghai 决算 layout), confirmed by the
  words of the header lines, with the sums that hold between the columns of a row;
* :func:`build_table_rows` — the rows of one table: name fragments joined, each line split into the
  label blocks of its layout, the amounts of a block placed on its columns. Where a row prints fewer
  amounts than its block has columns, every left-to-right placement that keeps the row's sums is a
  candidate; a cell is kept only when all candidates put it in the same column. Cells left out that
  way are counted (``ambiguous_cells``), rows that cannot be read at all too (``dropped_rows``).

Pure functions; the figures stay as displayed text (``ingest.tables`` parses them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import combinations
from typing import Literal

from ingest.amounts import parse_amount

TokenKind = Literal["code", "number", "label"]


@dataclass(frozen=True, slots=True)
class Token:
    kind: TokenKind
    text: str


_NUMBER = re.compile(r"^[-−]?(?:\d{1,3}(?:,\d{3})+|\d+)\.\d+$")
_GROUPED_INTEGER = re.compile(r"^[-−]?\d{1,3}(?:,\d{3})+$")
_BARE_INTEGER = re.compile(r"^\d+$")
_CODE = re.compile(r"^(?:\d{3}|\d{5}|\d{7})$")
_CODE_GLUED = re.compile(r"^(\d{3}(?:\d{2}){0,2})(\D.*)$")
_SUFFIX_GLUED = re.compile(r"^(\d{2})([^\d.,，．].*)$")
_FULLWIDTH = str.maketrans("０１２３４５６７８９．，－", "0123456789.,-")
_NUMBERED = re.compile(r"^[一二三四五六七八九十]+、")
_NOTE = re.compile(r"^(?:注|说明)\s*[:：]")


def tokenise_line(line: str) -> tuple[Token, ...]:
    """Split a text line into code, number and label tokens (left to right).

    ``20,323.21`` and ``207.40`` are numbers, and so is a grouped integer (``76,306,134``: a table in 元);
    ``201``/``20101``/``2010101`` are codes, and so is ``201 01 01`` (split 类/款/项 cells) or ``301 01基本工资``
    (the 款 suffix glued to its name); a code glued to its name (``2010301行政运行``) is split. A bare integer
    (``7``) is a number only in a line that prints a number of the forms above and after a label or a number,
    when it cannot be a code (a year ``2025`` in running text stays a label).
    """
    parts = line.translate(_FULLWIDTH).replace("\u3000", " ").split()
    out: list[Token] = []
    i = 0
    while i < len(parts):
        p = parts[i]
        if _NUMBER.match(p) or _GROUPED_INTEGER.match(p):
            out.append(Token("number", p.replace("−", "-")))
        elif re.fullmatch(r"\d{3}", p) and not (out and out[-1].kind == "code"):
            code = p
            while i + 1 < len(parts) and re.fullmatch(r"\d{2}", parts[i + 1]) and len(code) < 7:
                code += parts[i + 1]
                i += 1
            if (len(code) == 3 and i + 2 < len(parts) and re.fullmatch(r"\d", parts[i + 1])
                    and not re.match(r"[\d.,，．-]", parts[i + 2])):
                # a 款 cell printed without its leading zero (「301 2 津贴补贴」): the code as printed, 3012, as the
                # PDF's cells give it (a defect budget.code_format names), not a name 「2津贴补贴」 under 301
                code += parts[i + 1]
                i += 1
            out.append(Token("code", code))
            if i + 1 < len(parts) and len(code) < 7 and (m := _SUFFIX_GLUED.match(parts[i + 1])):
                out[-1] = Token("code", code + m.group(1))
                out.append(Token("label", m.group(2)))
                i += 1
        elif _CODE.match(p):
            out.append(Token("code", p))
        elif (m := _CODE_GLUED.match(p)) and not re.match(r"\d", m.group(2)) and "年" not in m.group(2)[:1]:
            out.append(Token("code", m.group(1)))
            out.append(Token("label", m.group(2)))
        else:
            out.append(Token("label", p))
        i += 1
    if any(t.kind == "number" for t in out):
        out = [
            Token("number", t.text) if t.kind == "label" and _BARE_INTEGER.match(t.text) and k > 0
            and out[k - 1].kind in ("label", "number") and not _CODE.match(t.text) else t
            for k, t in enumerate(out)
        ]
    return tuple(out)


def is_note_line(line: str) -> bool:
    """The 注：/说明： line under a table (it ends the table)."""
    return bool(_NOTE.match(line.strip()))


# ---- schemas --------------------------------------------------------------------------------------

Constraint = tuple[int, tuple[int, ...], tuple[int, ...]]  # amounts[i] = sum(plus) - sum(minus)


@dataclass(frozen=True, slots=True)
class BlockSchema:
    """One label block: its label columns (header paths) and its amount columns (header paths)."""

    labels: tuple[tuple[str, ...], ...]
    amounts: tuple[tuple[str, ...], ...]
    constraints: tuple[Constraint, ...] = ()
    side: str = ""  # '收入' / '支出' for the two sides of a summary table
    has_code: bool = False
    within: tuple[tuple[int, int], ...] = ()  # (其中 column, its parent column): the part never exceeds the whole


@dataclass(frozen=True, slots=True)
class TextTableSchema:
    key: str
    keywords: tuple[str, ...]  # all must appear in the header lines
    blocks: tuple[BlockSchema, ...]
    absent: tuple[str, ...] = ()  # none of these may appear in the header lines
    line_rows: bool = False  # every line is a row (a list of items: a line without figure is an item too)

    @property
    def header(self) -> tuple[tuple[str, ...], ...]:
        paths = [p for b in self.blocks for p in (*b.labels, *b.amounts)]
        depth = max(len(p) for p in paths)
        padded = [p + (p[-1],) * (depth - len(p)) for p in paths]
        return tuple(tuple(p[r] for p in padded) for r in range(depth))


_CODE_COLS = (("科目编码",), ("科目名称",))


def _total_first(n: int) -> tuple[Constraint, ...]:
    return ((0, tuple(range(1, n)), ()),)


def _fund_block() -> tuple[Constraint, ...]:
    """年初结转, 本年收入, 本年支出 合计/基本/项目, 年末结转: 支出合计 = 基本 + 项目; 年末 = 年初 + 收入 - 支出."""
    return ((2, (3, 4), ()), (5, (0, 1), (2,)))


_FUND_AMOUNTS = (
    ("年初结转和结余",), ("本年收入",), ("本年支出", "合计"), ("本年支出", "基本支出"), ("本年支出", "项目支出"),
    ("年末结转和结余",),
)

SCHEMAS: tuple[TextTableSchema, ...] = (
    TextTableSchema("income_expenditure_summary", ("收入", "支出", "决算数"), (
        BlockSchema((("收入", "项目"),), (("收入", "决算数"),), side="收入"),
        BlockSchema((("支出", "项目"),), (("支出", "决算数"),), side="支出"),
    )),
    TextTableSchema("income", ("上级补助", "事业收入", "经营收入", "附属单位", "其他收入"), (
        BlockSchema(_CODE_COLS, (("本年收入合计",), ("财政拨款收入",), ("上级补助收入",), ("事业收入",),
                                 ("经营收入",), ("附属单位上缴收入",), ("其他收入",)),
                    _total_first(7), has_code=True),
    ), absent=("教育收费",)),
    # the 高等学校 template: 事业收入 with its 其中：教育收费 (a part, not summed into 本年收入合计)
    TextTableSchema("income", ("上级补助", "事业收入", "经营收入", "附属单位", "其他收入", "教育收费"), (
        BlockSchema(_CODE_COLS, (("本年收入合计",), ("财政拨款收入",), ("上级补助收入",), ("事业收入", "金额"),
                                 ("事业收入", "其中：教育收费"), ("经营收入",), ("附属单位上缴收入",), ("其他收入",)),
                    ((0, (1, 2, 3, 5, 6, 7), ()),), has_code=True, within=((4, 3),)),
    )),
    # a 财政拨款支出决算表 with 项目支出 and its 其中：基本建设资金支出 (the 高等学校 template)
    TextTableSchema("fiscal_expenditure", ("合计", "基本支出", "项目支出", "其中"), (
        BlockSchema(_CODE_COLS, (("本年支出", "合计"), ("本年支出", "基本支出"), ("本年支出", "项目支出", "小计"),
                                 ("本年支出", "项目支出", "其中：基本建设资金支出")),
                    ((0, (1, 2), ()),), has_code=True, within=((3, 2),)),
    )),
    TextTableSchema("expenditure", ("基本支出", "项目支出", "上缴上级", "经营支出", "对附属单位"), (
        BlockSchema(_CODE_COLS, (("本年支出合计",), ("基本支出",), ("项目支出",), ("上缴上级支出",),
                                 ("经营支出",), ("对附属单位补助支出",)),
                    _total_first(6), has_code=True),
    )),
    TextTableSchema("fiscal_summary", ("收入", "支出", "一般公共", "政府性基", "国有资本"), (
        BlockSchema((("收入", "项目"),), (("收入", "决算数"),), side="收入"),
        BlockSchema((("支出", "项目"),), (("支出", "合计"), ("支出", "一般公共预算财政拨款"),
                                         ("支出", "政府性基金预算财政拨款"), ("支出", "国有资本经营预算财政拨款")),
                    _total_first(4), side="支出"),
    )),
    TextTableSchema("general_budget_expenditure", ("合计", "基本支出", "项目支出"), (
        BlockSchema(_CODE_COLS, (("合计",), ("基本支出",), ("项目支出",)), _total_first(3), has_code=True),
    ), absent=("上缴上级",)),
    TextTableSchema("general_budget_basic", ("科目名称", "决算数"), (
        BlockSchema(_CODE_COLS, (("决算数",),), has_code=True),
        BlockSchema(_CODE_COLS, (("决算数",),), has_code=True),
    )),
    TextTableSchema("sangong", ("因公出国", "公务接待", "购置费", "运行维护费", "预算数", "决算数"), (
        BlockSchema((), tuple(
            ("财政拨款三公经费", *item, basis)
            for item in (("合计",), ("因公出国（境）费",), ("公务用车购置及运行维护费", "小计"),
                         ("公务用车购置及运行维护费", "公务用车购置费"),
                         ("公务用车购置及运行维护费", "公务用车运行维护费"), ("公务接待费",))
            for basis in ("预算数", "决算数")
        ), (
            (0, (2, 4, 10), ()), (1, (3, 5, 11), ()), (4, (6, 8), ()), (5, (7, 9), ()),
        )),
    )),
    TextTableSchema("govfund", ("年初结转", "本年收入", "本年支出", "年末结转"), (
        BlockSchema(_CODE_COLS, _FUND_AMOUNTS, _fund_block(), has_code=True),
    )),
    TextTableSchema("soe_capital", ("年初结转", "本年收入", "本年支出", "年末结转"), (
        BlockSchema(_CODE_COLS, _FUND_AMOUNTS, _fund_block(), has_code=True),
    )),
    # budgets (Shanghai 部门/单位预算): the same layouts, with 预算数 columns
    TextTableSchema("budget_income_expenditure_summary", ("本年收入", "本年支出", "人员经费", "公用经费"), (
        BlockSchema((("本年收入", "项目"),), (("本年收入", "预算数"),), side="收入"),
        BlockSchema((("本年支出", "项目"),), (("本年支出", "合计"), ("本年支出", "基本支出", "人员经费"),
                                           ("本年支出", "基本支出", "公用经费"), ("本年支出", "项目支出")),
                    _total_first(4), side="支出"),
    )),
    TextTableSchema("budget_income_expenditure_summary", ("本年收入", "本年支出", "预算数"), (
        BlockSchema((("本年收入", "项目"),), (("本年收入", "预算数"),), side="收入"),
        BlockSchema((("本年支出", "项目"),), (("本年支出", "预算数"),), side="支出"),
    ), absent=("人员经费",)),
    TextTableSchema("budget_income_expenditure_summary", ("收入", "支出", "项目预算数项目预算数"), (
        BlockSchema((("收入", "项目"),), (("收入", "预算数"),), side="收入"),
        BlockSchema((("支出", "项目"),), (("支出", "预算数"),), side="支出"),
    ), absent=("人员经费", "本年收入")),
    TextTableSchema("budget_income", ("合计", "财政拨款收入", "事业收入", "经营收入", "其他收入"), (
        BlockSchema(_CODE_COLS, (("收入预算", "合计"), ("收入预算", "财政拨款收入"), ("收入预算", "事业收入"),
                                 ("收入预算", "事业单位经营收入"), ("收入预算", "其他收入")),
                    _total_first(5), has_code=True),
    )),
    *(TextTableSchema(key, ("合计", "基本支出", "项目支出"), (
        BlockSchema(_CODE_COLS, ((group, "合计"), (group, "基本支出"), (group, "项目支出")), _total_first(3),
                    has_code=True),
    ), absent=("上缴上级",)) for key, group in (
        ("budget_expenditure", "支出预算"), ("budget_general_expenditure", "一般公共预算支出"),
        ("budget_govfund", "政府性基金预算支出"), ("budget_soe_capital", "国有资本经营预算支出"))),
    # the 高等学校 budget template's 收入预算表: 事业收入 with its 其中：教育收费 (a part, not summed)
    TextTableSchema("budget_income", ("收入合计", "上年结转", "财政拨款收入", "事业收入", "其他收入", "教育收费"), (
        BlockSchema(_CODE_COLS, (("收入合计",), ("上年结转",), ("财政拨款收入",), ("事业收入", "金额"),
                                 ("事业收入", "其中：教育收费"), ("其他收入",), ("使用非财政拨款结余",)),
                    ((0, (1, 2, 3, 5, 6), ()),), has_code=True, within=((4, 3),)),
    )),
    TextTableSchema("budget_fiscal_summary", ("财政拨款收入", "财政拨款支出", "一般公共预算", "政府性基金"), (
        BlockSchema((("财政拨款收入", "项目"),), (("财政拨款收入", "预算数"),), side="收入"),
        BlockSchema((("财政拨款支出", "项目"),), (
            ("财政拨款支出", "合计"), ("财政拨款支出", "一般公共预算"), ("财政拨款支出", "政府性基金预算"),
            ("财政拨款支出", "国有资本经营预算")), _total_first(4), side="支出"),
    )),
    TextTableSchema("budget_general_basic", ("合计", "人员经费", "公用经费"), (
        BlockSchema(_CODE_COLS, (("一般公共预算基本支出", "合计"), ("一般公共预算基本支出", "人员经费"),
                                 ("一般公共预算基本支出", "公用经费")), _total_first(3), has_code=True),
    )),
    TextTableSchema("budget_sangong", ("因公出国", "公务接待", "购置", "运行", "机关运行经费"), (
        BlockSchema((), (
            ("“三公”经费预算数", "合计"), ("“三公”经费预算数", "因公出国（境）费"), ("“三公”经费预算数", "公务接待费"),
            ("“三公”经费预算数", "公务用车购置及运行费", "小计"),
            ("“三公”经费预算数", "公务用车购置及运行费", "购置费"),
            ("“三公”经费预算数", "公务用车购置及运行费", "运行费"), ("机关运行经费预算数",),
        ), ((0, (1, 2, 3), ()), (3, (4, 5), ()))),
    )),
    # the 三公经费、会议费、培训费 table (one row, no label): 合计 = 三公 + 会议费 + 培训费, 三公 = its three items
    TextTableSchema("budget_sangong", ("因公出国", "公务接待", "购置", "运行", "会议费", "培训费"), (
        BlockSchema((), (
            ("合计",), ("“三公”经费", "小计"), ("“三公”经费", "因公出国（境）费"),
            ("“三公”经费", "公务用车购置及运行维护费", "小计"),
            ("“三公”经费", "公务用车购置及运行维护费", "公务用车购置费"),
            ("“三公”经费", "公务用车购置及运行维护费", "公务用车运行维护费"), ("“三公”经费", "公务接待费"),
            ("会议费",), ("培训费",),
        ), ((0, (1, 7, 8), ()), (1, (2, 3, 6), ()), (3, (4, 5), ()))),
    ), absent=("机关运行经费",)),
)


def find_schema(key: str, header_lines: list[str], data_lines: list[str] | None = None) -> TextTableSchema | None:
    """The schema of table ``key`` whose header words all appear in ``header_lines``; else, given the table's
    ``data_lines``, a one-amount coded table that its own sums confirm (:func:`single_amount_schema`)."""
    text = re.sub(r"\s|[“”\"]", "", "".join(header_lines))
    if data_lines and (named := header_line_schema(key, header_lines, data_lines)) is not None:
        return named
    for schema in SCHEMAS:
        if schema.key != key:
            continue
        if all(w in text for w in schema.keywords) and not any(w in text for w in schema.absent):
            return schema
    if not data_lines:
        return None
    return (single_amount_schema(key, text, data_lines) or coded_header_schema(key, header_lines, data_lines)
            or label_amount_schema(key, header_lines, data_lines))


_CODED_HEADER = re.compile(r"^(?:科目|项目|功能科目)?(?:编码|代码)\s+(?:科目|项目|功能科目)?名称\s+(.+)$")


def coded_header_schema(key: str, header_lines: list[str], data_lines: list[str]) -> TextTableSchema | None:
    """A coded table whose header is one line 「科目编码 科目名称 c1 c2 …」 (支出预算表: 合计 基本支出 项目支出
    上缴上级支出 …), whichever template: the columns are the words after the name, the first the sum of the others —
    recognised only when some row printing every column, or the 合计 row, confirms that sum, or when most rows
    printing a total and two or more parts do (at least two of them: an edited 合计 leaves the other rows to vouch
    for the columns, and the row identities then point at the edit)."""
    if len(header_lines) != 1 or not (m := _CODED_HEADER.match(header_lines[0].strip())):
        return None
    names = m.group(1).split()
    if len(names) < 2 or any(t.kind != "label" for t in tokenise_line(m.group(1))):
        return None
    block = BlockSchema(_CODE_COLS, tuple((n,) for n in names), _total_first(len(names)), has_code=True)
    confirmed = False
    multi: list[bool] = []  # rows printing a total and two or more parts: does the first figure sum the others?
    for line in data_lines:
        tokens = tokenise_line(line)
        numbers = [t.text for t in tokens if t.kind == "number"]
        if len(numbers) > len(names):
            return None
        label = "".join(t.text for t in tokens if t.kind == "label")
        values = _values(numbers)
        if not values or len(values) < 2:
            continue
        holds = _fits({0: values[0], 1: sum(values[1:], Decimal(0))}, ((0, (1,), ()),), _tolerance(numbers))
        if len(values) == len(names) or _ROOT.search(label):
            confirmed = confirmed or holds
        if len(values) >= 3:
            multi.append(holds)
    confirmed = confirmed or (sum(multi) >= 2 and 2 * sum(multi) > len(multi))
    return TextTableSchema(key, (), (block,)) if confirmed else None


_TOTAL_NAME = re.compile(r"^(?:合\s*计|总\s*计)$")


def header_line_schema(key: str, header_lines: list[str], data_lines: list[str]) -> TextTableSchema | None:
    """A table whose header is one line of column names and whose rows print figures only (支出预算总表:
    「合计 基本支出 项目支出 单位预留机动经费 结转下年资金」 over 「21,955.35 13,994.31 5,573.00 2,388.04」), whichever
    template: the columns are the header's words, a first column 合计/总计 the sum of the others (the row's
    placement then follows from its sums, as in any table)."""
    if len(header_lines) != 1:
        return None
    names = header_lines[0].split()
    if len(names) < 2 or any(t.kind != "label" for t in tokenise_line(header_lines[0])):
        return None
    widths = []
    for line in data_lines:
        tokens = tokenise_line(line)
        if not tokens or any(t.kind != "number" for t in tokens):
            return None
        widths.append(len(tokens))
    if max(widths) > len(names):
        return None
    constraints = _total_first(len(names)) if _TOTAL_NAME.match(names[0]) else ()
    return TextTableSchema(key, (), (BlockSchema((), tuple((n,) for n in names), constraints),))


_LIST_HEADER = re.compile(r"^(?:项目|项目名称|科目名称|名称)\s+(?:金额|预算数|决算数|合计)$")
# a list whose label runs over several named columns and ends in one amount column (政府采购支出预算表:
# 「采购品目大类 专项名称 经济科目 采购物品名称 采购组织形式 总计」)
_WIDE_LIST_HEADER = re.compile(r"^(?:[^\s\d]+\s+){1,6}(?:金额|预算数|决算数|合计|总计)$")
_SUBTOTAL = re.compile(r"小\s*计$")
_NUMBERED_ITEM = re.compile(r"^[一二三四五六七八九十]+、")


def label_amount_schema(key: str, header_lines: list[str], data_lines: list[str]) -> TextTableSchema | None:
    """A list of items with one amount column and no codes (收入预算总表: 「项目名称 金额」 over 「收入总计 …」,
    「一般公共预算资金 小计 …」, 「公共财政拨款（补助）资金 …」), whichever template: recognised only when every line
    prints at most one figure and the list's own sums confirm it — its 总计/合计 is the sum of its 小计 rows (or of
    all its other rows), or some 小计 is the sum of the rows under it."""
    if len(header_lines) != 1 or not (_LIST_HEADER.match(header_lines[0].strip())
                                      or _WIDE_LIST_HEADER.match(header_lines[0].strip())):
        return None
    rows: list[tuple[str, Decimal]] = []
    tol = Decimal("0.005")
    for line in data_lines:
        tokens = tokenise_line(line)
        if any(t.kind == "code" for t in tokens):
            return None
        numbers = [t.text for t in tokens if t.kind == "number"]
        if len(numbers) > 1:
            return None
        amount = parse_amount(numbers[0]) if numbers else None
        label = "".join(t.text for t in tokens if t.kind == "label")
        rows.append((label, amount.value if amount is not None else Decimal(0)))
        if amount is not None:
            tol = max(tol, amount.half_ulp)
    if not _list_sums_confirm(rows, tol):
        return None
    *names, amount_name = header_lines[0].split()
    name = names[0]
    return TextTableSchema(key, (), (BlockSchema(((name,),), ((amount_name,),)),), line_rows=True)


def _list_sums_confirm(rows: list[tuple[str, Decimal]], tol: Decimal) -> bool:
    def close(whole: Decimal, parts: list[Decimal]) -> bool:
        return bool(parts) and whole != 0 and abs(whole - sum(parts, Decimal(0))) <= tol * (len(parts) + 1)

    root = next((i for i, (label, _) in enumerate(rows) if re.search(r"(?:总\s*计|合\s*计)$", label)), None)
    subtotals = [i for i, (label, _) in enumerate(rows) if _SUBTOTAL.search(label)]
    numbered = [i for i, (label, _) in enumerate(rows) if _NUMBERED_ITEM.match(label)]
    if root is not None:
        others = [v for i, (_, v) in enumerate(rows) if i != root and (not subtotals or i in subtotals)]
        if close(rows[root][1], others):
            return True
        if numbered and close(rows[root][1], [rows[i][1] for i in numbered]):
            return True  # the 总计 of a list of numbered heads (一、货物 二、工程 三、服务), each over its own lines
    for k, i in enumerate(numbered):
        end = numbered[k + 1] if k + 1 < len(numbered) else len(rows)
        if _nested_sums(rows[i][1], [v for _, v in rows[i + 1:end]], tol):
            return True  # a head whose lines nest under it: an edited 总计 leaves the heads to vouch for the list
    for k, i in enumerate(subtotals):
        end = subtotals[k + 1] if k + 1 < len(subtotals) else len(rows)
        if close(rows[i][1], [v for _, v in rows[i + 1:end]]):
            return True
    return False


def _nested_sums(head: Decimal, values: list[Decimal], tol: Decimal) -> bool:
    """The lines under a head are groups, each a line and the lines after it that sum to it (经济科目 over its
    采购物品), and the groups' first lines sum to the head."""
    def close(whole: Decimal, parts: list[Decimal]) -> bool:
        return bool(parts) and whole != 0 and abs(whole - sum(parts, Decimal(0))) <= tol * (len(parts) + 1)

    parents: list[Decimal] = []
    i = 0
    while i < len(values):
        j, running = i + 1, Decimal(0)
        while j < len(values) and running < values[i] - tol * (j - i):
            running += values[j]
            j += 1
        if not close(values[i], values[i + 1:j]):
            return False
        parents.append(values[i])
        i = j
    return close(head, parents)


_CODE_HEADER = re.compile(r"(?:科目|项目)(?:编码|代码)")
_NAME_HEADER = "科目名称"


def single_amount_schema(key: str, header: str, data_lines: list[str]) -> TextTableSchema | None:
    """A coded table with one amount column (``科目编码 科目名称 金额``, the column named after 科目名称), whichever
    template prints it: recognised only when every data line prints at most one figure and the table's own sums
    confirm the reading — its 合计 is the sum of its 类 rows, or some 类 (款) row is the sum of the rows of the next
    code level under it (at least one parent with children, all within the rounding)."""
    if not _CODE_HEADER.search(header) or _NAME_HEADER not in header:
        return None
    column = header.rsplit(_NAME_HEADER, 1)[1]
    if not 1 <= len(column) <= 12 or _CODE_HEADER.search(column):
        return None
    rows: list[tuple[str | None, str, Decimal]] = []
    tol = Decimal("0.005")
    for line in data_lines:
        tokens = tokenise_line(line)
        numbers = [t.text for t in tokens if t.kind == "number"]
        if len(numbers) > 1:
            return None
        amount = parse_amount(numbers[0]) if numbers else None
        if amount is not None:
            code = next((t.text for t in tokens if t.kind == "code"), None)
            label = "".join(t.text for t in tokens if t.kind == "label")
            rows.append((code, label, amount.value))
            tol = max(tol, amount.half_ulp)
    if not _sums_confirm(rows, tol):
        return None
    return TextTableSchema(key, (), (BlockSchema(_CODE_COLS, ((column,),), has_code=True),))


def _sums_confirm(rows: list[tuple[str | None, str, Decimal]], tol: Decimal) -> bool:
    """Some parent of the rows (合计 over the 类, a 类 over its 款, a 款 over its 项) is the sum of its children."""
    coded = {code: value for code, _, value in rows if code}
    parents: list[tuple[Decimal, list[Decimal]]] = []
    total = next((value for code, label, value in rows if code is None and _ROOT.search(label)), None)
    if total is not None:
        parents.append((total, [v for c, v in coded.items() if len(c) == 3]))
    for code, value in coded.items():
        if len(code) in (3, 5):
            parents.append((value, [v for c, v in coded.items() if len(c) == len(code) + 2 and c.startswith(code)]))
    return any(children and abs(parent - sum(children, Decimal(0))) <= tol * (len(children) + 1)
               for parent, children in parents)


# ---- rows -----------------------------------------------------------------------------------------

@dataclass(slots=True)
class _Group:
    code: str | None = None
    labels: list[str] = field(default_factory=list)
    numbers: list[str] = field(default_factory=list)
    trailing_label: bool = False  # a label after the numbers: not a row of this layout

    @property
    def label(self) -> str:
        return "".join(self.labels)


@dataclass(slots=True)
class _Line:
    page: int | None
    groups: list[_Group]
    prefix_group: int | None = None  # group that took a wrapped name's first part


@dataclass(frozen=True, slots=True)
class TextTableRows:
    """A table read from lines: the header grid and one (page, cells) per data row."""

    schema: TextTableSchema
    header: tuple[tuple[str, ...], ...]
    rows: tuple[tuple[int | None, tuple[str, ...]], ...]
    ambiguous_cells: int
    dropped_rows: int
    # why: one entry per figure left out ('p24 合计: 30.67 → 公务用车购置费/预算数 | 公务用车运行维护费/预算数')
    unreadable: tuple[str, ...] = ()


def _groups(tokens: tuple[Token, ...], n_blocks: int) -> list[_Group]:
    groups: list[_Group] = []
    cur: _Group | None = None
    for t in tokens:
        if t.kind == "code":
            cur = _Group(code=t.text)
            groups.append(cur)
        elif t.kind == "label":
            if cur is None or cur.numbers or (n_blocks > 1 and cur.labels and cur.code is None):
                if cur is not None and cur.numbers and n_blocks == 1:
                    cur.trailing_label = True
                    continue
                cur = _Group()
                groups.append(cur)
            cur.labels.append(t.text)
        else:
            if cur is None:
                cur = _Group()
                groups.append(cur)
            cur.numbers.append(t.text)
    return groups


def _is_row_line(tokens: tuple[Token, ...], text: str) -> bool:
    if any(t.kind in ("code", "number") for t in tokens):
        return True
    labels = [t.text for t in tokens]
    return len(labels) >= 2 or bool(_NUMBERED.match(text)) or bool(re.search(r"合计$|总计$|结转和结余$", text))


def _fits(values: dict[int, Decimal], constraints: tuple[Constraint, ...], tol: Decimal) -> bool:
    for lhs, plus, minus in constraints:
        terms = 1 + len(plus) + len(minus)
        rhs = sum((values.get(c, Decimal(0)) for c in plus), Decimal(0)) - sum(
            (values.get(c, Decimal(0)) for c in minus), Decimal(0))
        if abs(values.get(lhs, Decimal(0)) - rhs) > tol * terms:
            return False
    return True


def placements(
    numbers: list[str], block: BlockSchema, active: int | None = None,
    bound: tuple[Decimal | None, ...] | None = None,
) -> list[tuple[int, ...]]:
    """Every left-to-right placement of a row's numbers on the block's columns that keeps its sums (a row that
    prints every column is placed as printed even when its sums fail: the identities judge it).

    ``bound`` (the same row of a table that contains this one: a fund's line within the all-funds line) caps
    each column it names (None: a column the containing table does not have): a placement putting more in a
    column than the bound is out, unless none is left. Then, if
    ``active`` (the widest row of the table) is given and some placement uses only the first ``active``
    columns, only those count.
    """
    n = len(block.amounts)
    k = len(numbers)
    if k == 0:
        return [()]
    if k > n:
        return []
    values = _values(numbers)
    if values is None:
        return []
    tol = _tolerance(numbers)
    candidates = [
        cols for cols in combinations(range(n), k)
        if _fits(dict(zip(cols, values, strict=True)), block.constraints, tol)
        and _within(dict(zip(cols, values, strict=True)), block.within, tol)
    ]
    if not candidates and k == n:
        # every column printed: the row itself is its only placement; that its sums fail is a finding of the
        # table identities (a 合计 that is not its parts' sum), not a reason to read no cell
        candidates = [tuple(range(n))]
    elif not candidates and block.constraints:
        # a row edited so that no placement keeps its sums: the placements breaking the fewest, judged by
        # :func:`pinned` once the table's other rows have narrowed them (``_assemble``)
        candidates = fewest_broken(values, block.constraints, n, tol)
    if bound is not None:
        within = [cols for cols in candidates
                  if all((b := bound[c]) is None or v <= b + tol * 2 for c, v in zip(cols, values, strict=True))]
        candidates = within or candidates
    if active is not None and active < n:
        preferred = [cols for cols in candidates if max(cols) < active]
        if preferred:
            candidates = preferred
    return candidates


def _within(values: dict[int, Decimal], parts: tuple[tuple[int, int], ...], tol: Decimal) -> bool:
    """No 其中 part printed above its whole (a blank whole is 0)."""
    return all(values.get(part, Decimal(0)) <= values.get(whole, Decimal(0)) + tol * 2 for part, whole in parts)


def _failing(values: dict[int, Decimal], constraints: tuple[Constraint, ...], tol: Decimal) -> set[int]:
    """The columns of the sums a placement breaks."""
    out: set[int] = set()
    for c in constraints:
        if not _fits(values, (c,), tol):
            out.update((c[0], *c[1], *c[2]))
    return out


def fewest_broken(
    values: list[Decimal], constraints: tuple[Constraint, ...], n: int, tol: Decimal,
) -> list[tuple[int, ...]]:
    """A row printing fewer figures than columns whose sums fail under every placement: the placements breaking
    the fewest sums (:func:`pinned` then decides whether they are a reading)."""
    scored = [(sum(1 for c in constraints if not _fits(dict(zip(cols, values, strict=True)), (c,), tol)), cols)
              for cols in combinations(range(n), len(values))]
    fewest = min((b for b, _ in scored), default=0)
    return [cols for b, cols in scored if b == fewest]


def pinned(values: list[Decimal], candidates: list[tuple[int, ...]], constraints: tuple[Constraint, ...],
           tol: Decimal) -> bool:
    """Whether placements that all break some sum agree on every figure of the broken sums (the identities then
    judge the row as printed): a figure they dispute must take part in no broken sum — a figure of a broken sum
    that could sit in two columns is no reading (the wrong figure could be either)."""
    failing = [_failing(dict(zip(cols, values, strict=True)), constraints, tol) for cols in candidates]
    for i in range(len(values)):
        if len({cols[i] for cols in candidates}) > 1 and any(
                cols[i] in broken for cols, broken in zip(candidates, failing, strict=True)):
            return False
    return True


def _values(numbers: list[str]) -> list[Decimal] | None:
    amounts = [parse_amount(x) for x in numbers]
    return None if any(a is None for a in amounts) else [a.value for a in amounts if a is not None]


def _tolerance(numbers: list[str]) -> Decimal:
    amounts = [parse_amount(x) for x in numbers]
    return max((a.half_ulp for a in amounts if a is not None), default=Decimal("0.005"))


def agreed_cells(numbers: list[str], candidates: list[tuple[int, ...]], n: int) -> tuple[list[str], int]:
    """The cells all candidate placements agree on, and the number of figures left out."""
    cells = [""] * n
    if not candidates:
        return cells, len(numbers)
    left_out = 0
    for i, number in enumerate(numbers):
        placed = {cols[i] for cols in candidates}
        if len(placed) == 1:
            cells[placed.pop()] = number
        else:
            left_out += 1
    return cells, left_out


def _column_name(path: tuple[str, ...]) -> str:
    return "/".join(dict.fromkeys(p for p in path if p))


def unreadable_figures(
    numbers: list[str], candidates: list[tuple[int, ...]], block: BlockSchema, where: str,
) -> list[str]:
    """For each figure the candidates place in more than one column: which figure, which columns."""
    out = []
    for i, number in enumerate(numbers):
        placed = sorted({cols[i] for cols in candidates})
        if len(placed) > 1 or not candidates:
            columns = " | ".join(_column_name(block.amounts[c]) for c in placed) or "?"
            out.append(f"{where}: {number} → {columns}")
    return out


def place_amounts(numbers: list[str], block: BlockSchema, active: int | None = None) -> tuple[list[str], int]:
    """The amount cells of a block from the numbers a row prints, and how many were left out (ambiguous)."""
    candidates = placements(numbers, block, active)
    values = _values(numbers) or []
    if (candidates and values and len(numbers) < len(block.amounts) and block.constraints
            and not any(_fits(dict(zip(c, values, strict=True)), block.constraints, _tolerance(numbers))
                        for c in candidates)
            and not pinned(values, candidates, block.constraints, _tolerance(numbers))):
        candidates = []
    return agreed_cells(numbers, candidates, len(block.amounts))


@dataclass(slots=True)
class _Placed:
    """One row's figures in one block and its remaining candidate placements."""

    code: str | None
    label: str
    numbers: list[str]
    candidates: list[tuple[int, ...]]
    values: list[Decimal] = field(default_factory=list)  # the numbers parsed once

    def __post_init__(self) -> None:
        self.values = _values(self.numbers) or []

    def column_values(self, cols: tuple[int, ...]) -> dict[int, Decimal]:
        return dict(zip(cols, self.values, strict=True))


_MAX_COMBINATIONS = 50_000
_FIRST_PASS_COMBINATIONS = 2_000  # before the widest-row preference narrows the rows: the small families only
_ROOT = re.compile(r"^(?:本年支出)?合计$|^本年收入合计$")
_GRAND_ROOT = re.compile(r"^(?:收入|支出)?总计$")


def _families(rows: list[_Placed]) -> list[tuple[_Placed, list[_Placed]]]:
    """Parents with their children: the total row over the 类 (or numbered) rows, 类 over 款, 款 over 项."""
    families: list[tuple[_Placed, list[_Placed]]] = []
    root = next((r for r in rows if r.code is None and _ROOT.search(r.label)), None)
    if root is None and not any(r.code for r in rows):
        # a 总表 without 本年…合计 row (a budget's 财务收支预算总表): its 总计 is the sum of the numbered rows
        root = next((r for r in rows if _GRAND_ROOT.search(r.label)), None)
    if root is not None:
        top = [r for r in rows if r.code is not None and len(r.code) == 3]
        if not top and not any(r.code for r in rows):
            top = [r for r in rows if _NUMBERED.match(r.label)]
        if top:
            families.append((root, top))
    by_code = {r.code: r for r in rows if r.code}
    for r in rows:
        if r.code and len(r.code) in (3, 5):
            children = [c for c in rows if c.code and len(c.code) == len(r.code) + 2 and c.code.startswith(r.code)]
            if children and by_code.get(r.code) is r:
                families.append((r, children))
    return families


def _prune_blank_columns(parent: _Placed, children: list[_Placed]) -> bool:
    """A parent placed for sure leaves a column blank: no child (all figures positive) prints a figure there."""
    if len(parent.candidates) != 1:
        return False
    used = set(parent.candidates[0])
    changed = False
    for child in children:
        values = _values(child.numbers) or []
        if not values or any(v <= 0 for v in values):
            continue
        kept = [cols for cols in child.candidates if set(cols) <= used]
        if kept and len(kept) < len(child.candidates):
            child.candidates = kept
            changed = True
    return changed


def _combo_broken_sums(parent: _Placed, children: list[_Placed], combo: tuple[tuple[int, ...], ...], n: int,
                       tol: Decimal) -> int:
    """How many of the ``n`` column sums (parent = Σ children) fail beyond ``tol`` with the family placed as
    ``combo`` (the parent's columns first, then each child's)."""
    parent_values = parent.column_values(combo[0])
    sums = [Decimal(0)] * n
    for m, cols in zip(children, combo[1:], strict=True):
        for c, v in m.column_values(cols).items():
            sums[c] += v
    return sum(1 for c in range(n) if abs(parent_values.get(c, Decimal(0)) - sums[c]) > tol)


def _resolve(rows: list[_Placed], n: int, max_combinations: int = _MAX_COMBINATIONS,
             block: BlockSchema | None = None) -> None:
    """Narrow each row's candidates so that every parent's columns are the sums of its children's.

    With ``block`` (its row sums), a family no combination of the candidates balances is tried once more with
    its short rows' other placements too (:func:`_rebalance`)."""
    families = _families(rows)
    changed = True
    while changed:
        changed = False
        for parent, children in families:
            changed |= _prune_blank_columns(parent, children)
            members = [parent, *children]
            if all(len(m.candidates) <= 1 for m in members):
                continue
            total = 1
            for m in members:
                total *= max(len(m.candidates), 1)
            if total > max_combinations or any(not m.candidates for m in members):
                continue
            tol = max(_tolerance(m.numbers) for m in members) * (len(members) + 1)
            # per number of columns whose sum fails: the placements of each member found under such combinations
            keep_by_broken: dict[int, list[set[tuple[int, ...]]]] = {}
            for combo in _product([m.candidates for m in members]):
                broken = _combo_broken_sums(parent, children, combo, n, tol)
                if broken <= 1:
                    kept_sets = keep_by_broken.setdefault(broken, [set() for _ in members])
                    for i, cols in enumerate(combo):
                        kept_sets[i].add(cols)
            # every column's sum holds under some placement; failing that, an edited figure breaks its own
            # column's sum under every placement, and the other columns' sums still place the rest (208 社会保障和就业
            # 支出 whose 合计 was edited: 119.27 goes where the 其他收入 column's sum needs it)
            keep = keep_by_broken.get(0) or keep_by_broken.get(1)
            if (not keep or not keep[0]) and block is not None:
                rebalanced = _rebalance(members, n, block, max_combinations)
                if rebalanced is not None:
                    for m, kept in zip(members, rebalanced, strict=True):
                        if set(m.candidates) != kept:
                            m.candidates = sorted(kept)
                            changed = True
                continue
            if not keep or not keep[0]:
                continue  # the table's own sums do not hold (a defect): leave the candidates as they are
            for m, kept in zip(members, keep, strict=True):
                narrowed = [c for c in m.candidates if c in kept]
                if len(narrowed) < len(m.candidates):
                    m.candidates = narrowed
                    changed = True


def _rebalance(members: list[_Placed], n: int, block: BlockSchema,
               max_combinations: int) -> list[set[tuple[int, ...]]] | None:
    """A family that no combination of its rows' candidates balances, when a short row's figures only keep that
    row's own sum in the wrong columns (a row whose printed 合计 is off by a defect: 2050202 小学教育 9,645.51 =
    14.33 + 8,201.15 + 0.50 + 1,430.03 − 0.50 fits the row's sum only with 8,201.15 under 事业收入 and 0.50 under
    教育收费, and then four of the family's column sums fail). Every placement of the short rows is tried: the
    combinations breaking at most one column sum of the family and at most one row sum of its members — the fewest
    column sums first, then the fewest row sums — are the reading (the broken row sum is then a finding of the row
    identity, as a row printing every column is). None when no such combination exists."""
    options: list[list[tuple[int, ...]]] = []
    for m in members:
        k = len(m.values)
        if not m.values or len(m.values) != len(m.numbers):
            return None
        if k < n:
            opts = [cols for cols in combinations(range(n), k) if _within(m.column_values(cols), block.within,
                                                                         _tolerance(m.numbers))]
            options.append(opts or m.candidates)
        else:
            options.append(m.candidates)
    total = 1
    for opts in options:
        total *= max(len(opts), 1)
    if total > max_combinations or any(not opts for opts in options):
        return None
    parent, children = members[0], members[1:]
    tol = max(_tolerance(m.numbers) for m in members) * (len(members) + 1)
    own_broken = [{cols: sum(1 for c in block.constraints if not _fits(m.column_values(cols), (c,),
                                                                        _tolerance(m.numbers)))
                   for cols in opts} for m, opts in zip(members, options, strict=True)]
    best: tuple[int, int] | None = None
    kept: list[set[tuple[int, ...]]] = []
    for combo in _product(options):
        own = sum(own_broken[i][cols] for i, cols in enumerate(combo))
        if own > 1:
            continue
        broken = _combo_broken_sums(parent, children, combo, n, tol)
        if broken > 1:
            continue
        score = (broken, own)
        if best is None or score < best:
            best, kept = score, [set() for _ in members]
        if score == best:
            for i, cols in enumerate(combo):
                kept[i].add(cols)
    return kept if best is not None else None


def _broken_family_sums(row: _Placed, cols: tuple[int, ...], families: list[tuple[_Placed, list[_Placed]]],
                        n: int) -> int | None:
    """The column sums (parent = Σ children, one per family and column) ``row`` placed as ``cols`` breaks, over
    the families it belongs to whose other members are placed for sure; None when it belongs to none such."""
    broken = 0
    counted = False
    for parent, children in families:
        members = [parent, *children]
        if row not in members or any(len(m.candidates) != 1 for m in members if m is not row):
            continue
        counted = True
        placed = {id(m): (cols if m is row else m.candidates[0]) for m in members}
        parent_values = parent.column_values(placed[id(parent)])
        sums = [Decimal(0)] * n
        for child in children:
            for c, v in child.column_values(placed[id(child)]).items():
                sums[c] += v
        tol = max(_tolerance(m.numbers) for m in members) * (len(members) + 1)
        broken += sum(1 for c in range(n) if abs(parent_values.get(c, Decimal(0)) - sums[c]) > tol)
    return broken if counted else None


def _narrow_by_families(row: _Placed, families: list[tuple[_Placed, list[_Placed]]], n: int) -> None:
    """A row whose own sum fails under every placement (an edited figure): of its placements breaking the
    fewest of its own sums, those that also break the fewest of the table's column sums (its 类/款/项 family,
    the other rows placed for sure) — the cell a figure was printed in is the one the column totals vouch for
    (2060201 机构运行 828.72 821.72: 821.72 under 基本支出 breaks that column's 款 sum alone; under 项目支出 it
    breaks two). :func:`pinned` then decides whether what is left is a reading."""
    if len(row.candidates) < 2:
        return
    scored = [(_broken_family_sums(row, cols, families, n), cols) for cols in row.candidates]
    if any(b is None for b, _ in scored):
        return
    fewest = min(b for b, _ in scored if b is not None)
    row.candidates = [cols for b, cols in scored if b == fewest]


def _product(options: list[list[tuple[int, ...]]]) -> list[tuple[tuple[int, ...], ...]]:
    combos: list[tuple[tuple[int, ...], ...]] = [()]
    for opts in options:
        combos = [(*c, o) for c in combos for o in opts]
    return combos


def _side_of(label: str) -> str:
    if re.search(r"支出|支$|年末|结余分配", label):
        return "支出"
    return "收入"


def row_bounds(rows: TextTableRows) -> dict[str, dict[str, Decimal]]:
    """Per code, the figure of each amount column (by its column name; a blank cell is 0) of a rebuilt table:
    the caps of a table it contains (``CONTAINED_IN``)."""
    block = rows.schema.blocks[0]
    out: dict[str, dict[str, Decimal]] = {}
    if len(rows.schema.blocks) != 1 or not block.has_code:
        return out
    for _, cells in rows.rows:
        code, amounts = cells[0], cells[len(block.labels):]
        if not code:
            continue
        values = {}
        for path, text in zip(block.amounts, amounts, strict=True):
            amount = parse_amount(text) if text else None
            values[_cap_name(path)] = amount.value if amount is not None else Decimal(0)
        out.setdefault(code, values)
    return out


def _cap_name(path: tuple[str, ...]) -> str:
    """A spending column by its own name, whichever table prints it: 本年支出合计 (支出决算表) and 本年支出/合计
    (a fund's table) are both 合计."""
    return re.sub(r"^本年支出", "", path[-1]) or path[-1]


_BALANCE = re.compile(r"^(?:年初|年末)结转和结余$")
_YEAR_TOTAL = re.compile(r"^本年(?:收入|支出)合计$")
EVERY_ROW = "*"  # the key of the caps that hold for every row of a contained table (bounds[EVERY_ROW])


def balance_caps(rows: TextTableRows) -> dict[str, Decimal]:
    """The department's 年初/年末结转和结余 as its 收入支出总表 states them (a blank is 0), the cap of every fund
    line's 结转和结余 — only on a side whose 总计 is its 本年…合计 plus the rows printed between (nothing lost in
    the text, so a blank there is a blank on the page)."""
    caps: dict[str, Decimal] = {}
    offset = 0
    for block in rows.schema.blocks:
        width = len(block.labels) + len(block.amounts)
        if block.side and len(block.labels) == 1 and len(block.amounts) == 1:
            side = [(cells[offset], cells[offset + 1]) for _, cells in rows.rows]
            caps.update(_side_balances(side))
        offset += width
    return caps


def _side_balances(side: list[tuple[str, str]]) -> dict[str, Decimal]:
    start = next((i for i, (label, _) in enumerate(side) if _YEAR_TOTAL.match(label)), None)
    end = next((i for i, (label, _) in enumerate(side) if start is not None and i > start
                and _GRAND_ROOT.match(label)), None)
    if start is None or end is None:
        return {}
    amounts = [parse_amount(text) if text else None for _, text in side[start:end + 1]]
    if amounts[0] is None or amounts[-1] is None:
        return {}
    between = [a for a in amounts[1:-1] if a is not None]
    tol = sum((a.half_ulp for a in [amounts[0], amounts[-1], *between]), Decimal(0))
    if abs(amounts[-1].value - amounts[0].value - sum((a.value for a in between), Decimal(0))) > tol:
        return {}
    return {label: (a.value if a is not None else Decimal(0))
            for (label, _), a in zip(side[start + 1:end], amounts[1:-1], strict=True) if _BALANCE.match(label)}


# A fund's table within the all-funds table of the same document, line by line and column by column (the columns
# both have: a 决算 fund table's 年初/年末结转 are not in the 支出决算表)
CONTAINED_IN: dict[str, str] = {
    "budget_general_expenditure": "budget_expenditure",
    "budget_govfund": "budget_expenditure",
    "budget_soe_capital": "budget_expenditure",
    "general_budget_expenditure": "expenditure",
    "govfund": "expenditure",
    "soe_capital": "expenditure",
}


# the 收入决算表 whose columns the 收入支出决算总表's 收入 items name (一、财政拨款收入 … 六、其他收入)
INCOME_ITEMS_OF: dict[str, str] = {"income": "income_expenditure_summary"}
_ORDINAL_PREFIX = re.compile(r"^(?:[一二三四五六七八九十]+、|\d{1,2}[.．、])")


def income_items(rows: TextTableRows) -> dict[str, Decimal]:
    """The 收入 side's numbered items of a 收支总表 (a blank is 0) by their name without the number; only when
    the side's 本年收入合计 is the sum of its numbered items (nothing lost in the text)."""
    block = rows.schema.blocks[0]
    if not block.side or len(block.labels) != 1 or len(block.amounts) != 1:
        return {}
    items: dict[str, Decimal] = {}
    total: Decimal | None = None
    tol = Decimal("0.005")
    for _, cells in rows.rows:
        label, text = cells[0], cells[1]
        amount = parse_amount(text) if text else None
        if amount is not None:
            tol = max(tol, amount.half_ulp)
        if _YEAR_TOTAL.match(label) and total is None:
            total = amount.value if amount is not None else None
        elif _NUMBERED.match(label) and total is None:
            items[_ORDINAL_PREFIX.sub("", label)] = amount.value if amount is not None else Decimal(0)
    if total is None or not items or abs(sum(items.values(), Decimal(0)) - total) > tol * (len(items) + 1):
        return {}
    return items


def income_caps(schema: TextTableSchema, items: dict[str, Decimal]) -> dict[str, Decimal]:
    """The caps of the 收入决算表's columns from the 总表's items of the same name (a column's every row is a part
    of its 合计, so never above the 总表's figure; a blank item is 0)."""
    caps: dict[str, Decimal] = {}
    for path in schema.blocks[0].amounts:
        if path[0] in items:
            caps[_cap_name(path)] = items[path[0]]
    return caps


def build_table_rows(
    schema: TextTableSchema, lines: list[tuple[int | None, str]],
    bounds: dict[str, dict[str, Decimal]] | None = None, stated_text: str = "",
) -> TextTableRows:
    """Rows of the table ``schema`` from its data lines (page, text), header lines excluded. ``bounds`` (from
    :func:`row_bounds` of the table this one is contained in) caps the figures of each coded row;
    ``stated_text`` (the document's text) settles a placement the sums leave open when it states the disputed
    figures under their columns' names."""
    n_blocks = len(schema.blocks)
    coded = any(b.has_code for b in schema.blocks)
    parsed: list[_Line] = []
    pending: list[str] = []
    last: _Line | None = None
    for page, text in lines:
        tokens = tokenise_line(text)
        if n_blocks == 1:
            # one label block: a code-like integer after the row's name or a figure is a figure (500 元, no code)
            seen: list[Token] = []
            for t in tokens:
                seen.append(Token("number", t.text) if t.kind == "code" and seen and seen[-1].kind != "code" else t)
            tokens = tuple(seen)
        if not tokens:
            continue
        if not schema.line_rows and not _is_row_line(tokens, text.strip()):
            fragment = "".join(t.text for t in tokens)
            if last is not None and last.prefix_group is not None:
                last.groups[last.prefix_group].labels.append(fragment)
                last.prefix_group = None
            elif last is not None and (not coded or (len(fragment) <= 3 and last.groups[-1].code)):
                last.groups[-1].labels.append(fragment)
            else:
                pending.append(fragment)
            continue
        line = _Line(page, _groups(tokens, n_blocks))
        if pending:
            target = next((i for i, g in enumerate(line.groups) if not g.labels and g.code), None)
            if target is None:
                target = next((i for i, g in enumerate(line.groups) if g.code), None)
            if target is not None:
                line.groups[target].labels[:0] = pending
                line.prefix_group = target
            pending = []
        parsed.append(line)
        last = line
    return _assemble(schema, parsed, bounds or {}, re.sub(r"[ \t\u3000]", "", stated_text))


_BASIS_WORDS = re.compile(r"^(?:预算数|决算数|预算|决算|小计|合计)$")
_STATED_FIGURE = r"(?:(?:预算|决算)(?:数|支出)?|支出)?(?:为|是|：|:)?\s*([-−]?\d[\d,]*(?:\.\d+)?)\s*(万元|元)"
_ROW_FIGURE = r"([-−]?\d[\d,]*\.\d+)$"  # a table row of the document: the item's name, then its one figure


def _item_name(path: tuple[str, ...]) -> str:
    """The item a column stands for in words (公务接待费; 运行费 of 公务用车…/运行费/预算数)."""
    named = [re.sub(r"[“”\"]", "", p) for p in path if not _BASIS_WORDS.match(p)]
    return re.sub(r"(?:预算|决算)数?$", "", named[-1]) if named else ""


def _stated(name: str, value: Decimal, text: str) -> bool:
    """Whether ``text`` states ``value`` right after ``name`` (公务接待费1.53万元, 运行维护费预算支出267.8万元), in 万元
    or 元, or prints it as a row of another table (the name, then that one figure, ending the line); not as the
    tail of a joint name (…购置及运行费7万元 states no 运行费)."""
    if len(name) < 2:
        return False
    # an item named …费 in the table is also written …支出 in the text (公务用车运行维护费 / 公务用车运行维护支出)
    names = "|".join(re.escape(n) for n in dict.fromkeys((name, re.sub(r"费$", "支出", name))))
    for m in re.finditer(rf"(?<![及和、與])(?:{names}){_STATED_FIGURE}", text):
        amount = parse_amount(m.group(1))
        if amount is None:
            continue
        in_yuan = amount.value * (10000 if m.group(2) == "万元" else 1)
        if amount.value == value or in_yuan == value:
            return True
    # another table of the document prints the item as a row of its own (「30231 公务用车运行维护费 267.80」)
    for m in re.finditer(rf"(?<![及和、與])(?:{names}){_ROW_FIGURE}", text, re.M):
        amount = parse_amount(m.group(1))
        if amount is not None and amount.value == value:
            return True
    return False


def _settle_by_text(row: _Placed, block: BlockSchema, text: str) -> None:
    """A row the sums leave ambiguous: a disputed figure the document's own text states under the name of exactly
    one of its candidate columns (「公务接待费1.53万元」) goes there; figures the text does not state that way stay
    disputed (left out, reported)."""
    values = _values(row.numbers) or []
    for i, value in enumerate(values):
        columns = {cols[i] for cols in row.candidates}
        if len(columns) < 2:
            continue
        stated = {c for c in columns if _stated(_item_name(block.amounts[c]), value, text)}
        if len(stated) == 1:
            column = stated.pop()
            row.candidates = [cols for cols in row.candidates if cols[i] == column]


def _bound(
    block: BlockSchema, code: str | None, bounds: dict[str, dict[str, Decimal]],
) -> tuple[Decimal | None, ...] | None:
    caps = {**bounds.get(EVERY_ROW, {}), **bounds.get(code, {})} if code else None
    if not caps or not any(_cap_name(p) in caps for p in block.amounts):
        return None
    return tuple(caps.get(_cap_name(p)) for p in block.amounts)


def _assemble(
    schema: TextTableSchema, parsed: list[_Line], bounds: dict[str, dict[str, Decimal]], stated_text: str = "",
) -> TextTableRows:
    n_blocks = len(schema.blocks)
    ambiguous = 0
    dropped = 0
    unreadable: list[str] = []
    # which block each group goes to
    placed_lines: list[tuple[int | None, list[tuple[int, _Group]]]] = []
    class_block: dict[str, int] = {}
    for line in parsed:
        groups = line.groups
        if any(g.trailing_label for g in groups) or len(groups) > n_blocks:
            dropped += 1
            words = " ".join(" ".join((g.code or "", g.label, *g.numbers)).strip() for g in groups)
            unreadable.append(f"p{line.page} 行「{words}」: 名称与表头文字混在一行 (row mixed with header words)")
            continue
        if len(groups) == n_blocks:
            assignment = list(enumerate(groups))
        elif schema.blocks[0].side:
            sides = [b.side for b in schema.blocks]
            assignment = [(sides.index(_side_of(g.label)), g) for g in groups]
        elif schema.blocks[0].has_code and all(g.code for g in groups):
            assignment = []
            for g in groups:
                assert g.code is not None
                assignment.append((class_block.get(g.code[:3], 0), g))
        else:
            dropped += 1
            continue
        for b, g in assignment:
            if g.code:
                class_block.setdefault(g.code[:3], b)
        placed_lines.append((line.page, assignment))
    widest = [max((len(g.numbers) for _, a in placed_lines for b, g in a if b == bi), default=0)
              for bi in range(n_blocks)]
    placed: list[dict[int, _Placed]] = []
    for _, assignment in placed_lines:
        placed.append({
            bi: _Placed(g.code, g.label, g.numbers, placements(
                g.numbers, schema.blocks[bi], bound=_bound(schema.blocks[bi], g.code, bounds)))
            for bi, g in assignment
        })
    for bi, block in enumerate(schema.blocks):
        members = [p[bi] for p in placed if bi in p]
        if block.constraints:
            _resolve(members, len(block.amounts), _FIRST_PASS_COMBINATIONS)
        if stated_text:
            # the document's own words come before any layout preference: 「公务用车运行费6.40万元」 puts 6.4 under
            # 运行费 even when the row's widest reading would leave the last column (机关运行经费) blank instead
            for m in members:
                _settle_by_text(m, block, stated_text)
        # the sums leave a choice: the columns the table's widest row fills come first (blank trailing columns)
        for m in members:
            preferred = [cols for cols in m.candidates if cols and max(cols) < widest[bi]]
            if len(m.candidates) > 1 and preferred and widest[bi] < len(block.amounts):
                m.candidates = preferred
        if block.constraints:
            _resolve(members, len(block.amounts), block=block)
        if stated_text:
            for m in members:
                _settle_by_text(m, block, stated_text)
        failing = [m for m in members if block.constraints and m.candidates and m.values
                   and len(m.numbers) < len(block.amounts)
                   and not any(_fits(m.column_values(c), block.constraints, _tolerance(m.numbers))
                               for c in m.candidates)]
        if len(failing) == 1 and block.constraints:
            _narrow_by_families(failing[0], _families(members), len(block.amounts))
        for m in failing:
            # its sums fail and the broken sum's figures have no one place — or another row's sums fail too, so
            # the columns themselves are in doubt (a template with a column the schema lacks): unread
            if len(failing) > 1 or not pinned(m.values, m.candidates, block.constraints, _tolerance(m.numbers)):
                m.candidates = []
    rows: list[tuple[int | None, tuple[str, ...]]] = []
    for (page, _), by_block in zip(placed_lines, placed, strict=True):
        cells: list[str] = []
        for bi, block in enumerate(schema.blocks):
            p = by_block.get(bi)
            if p is None:
                cells.extend([""] * (len(block.labels) + len(block.amounts)))
                continue
            if block.has_code:
                cells.extend([p.code or "", p.label])
            else:
                cells.extend([p.label] * len(block.labels))
            amounts, left_out = agreed_cells(p.numbers, p.candidates, len(block.amounts))
            ambiguous += left_out
            if left_out:
                where = " ".join(x for x in (f"p{page}", p.code, p.label) if x)
                unreadable.extend(unreadable_figures(p.numbers, p.candidates, block, where))
            cells.extend(amounts)
        rows.append((page, tuple(cells)))
    return TextTableRows(schema, schema.header, tuple(rows), ambiguous, dropped, tuple(unreadable))
