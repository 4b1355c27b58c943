"""Grid understanding for the standard tables: header rows, column paths, column roles, measures, codes.

Pure functions over a :class:`~ingest.model.Table` grid. ``ingest.tables`` uses them to turn a
recognised table into long form; nothing here knows which standard table it looks at, except
through the ``layout`` argument of :func:`measure_key`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from ingest.amounts import normalise_number_text, parse_amount
from ingest.model import Table

Role = Literal["code", "name", "amount"]

_WS = re.compile(r"\s+")
_QUOTES = str.maketrans("", "", "“”\"'‘’「」『』")
_CODE_LIKE = re.compile(r"^(?:\d{2}|\d{3}|\d{5}|\d{7})$")
_CODE_PREFIX = re.compile(r"^(\d{3}(?:\d{2}){0,2})(?!\d)\s*(\D.*)$", re.S)
_UNIT = re.compile(r"单位\s*[:：]\s*(亿元|万元|千元|元)")
_TOTAL_LABEL = re.compile(r"^(?:合计|总计|小计)$|合计$|总计$")


def clean(text: str) -> str:
    """Cell text without any whitespace (Chinese labels wrap anywhere) and without quote marks."""
    return _WS.sub("", text).translate(_QUOTES)


def find_unit(text: str) -> str | None:
    """The unit of a '单位：万元' statement in ``text``, if any."""
    m = _UNIT.search(text.replace(" ", ""))
    return m.group(1) if m else None


def is_code_like(text: str) -> bool:
    return bool(_CODE_LIKE.match(clean(text)))


def is_total_label(label: str) -> bool:
    return bool(_TOTAL_LABEL.search(label))


def is_data_row(row: tuple[str, ...]) -> bool:
    """A row holding any figure or code (header rows hold only words)."""
    return any(c.strip() and parse_amount(c) is not None for c in row)


def header_row_count(table: Table) -> int:
    """Number of leading rows before the first row that holds a figure or a code.

    A grid with no figure at all is all header (an empty table: nothing to extract).
    """
    for i, row in enumerate(table.rows):
        if is_data_row(row):
            return i
    return table.n_rows


def _grid(table: Table) -> list[list[str]]:
    n = table.n_cols
    return [[clean(c) for c in row] + [""] * (n - len(row)) for row in table.rows]


def column_paths(table: Table, n_header: int) -> tuple[tuple[str, ...], ...]:
    """For each column, the header texts from top to bottom (merged cells spread over their span).

    Merge entries are used when the reader gives them; otherwise an empty header cell takes the
    text on its left when a lower header row has text in that column and the cell above belongs
    to the same group as its left neighbour (a group header over several sub-columns).
    """
    grid = _grid(table)[:n_header]
    n_cols = table.n_cols
    filled = [row[:] for row in grid]
    for m in table.merges:
        if m.row >= n_header or m.col >= n_cols:
            continue
        text = grid[m.row][m.col]
        for r in range(m.row, min(m.row + m.rowspan, n_header)):
            for c in range(m.col, min(m.col + m.colspan, n_cols)):
                if (r, c) != (m.row, m.col) and not filled[r][c]:
                    filled[r][c] = text if r == m.row else ""
    covered_rows = {(r, c) for m in table.merges for r in range(m.row + 1, m.row + m.rowspan)
                    for c in range(m.col, m.col + m.colspan)}
    for r in range(n_header if not table.merges else 0):
        for c in range(1, n_cols):
            if filled[r][c] or not filled[r][c - 1] or (r, c) in covered_rows:
                continue
            below = any(grid[rr][c] for rr in range(r + 1, n_header))
            same_parent = r == 0 or filled[r - 1][c] == filled[r - 1][c - 1]
            if below and same_parent and not grid[r][c]:
                filled[r][c] = filled[r][c - 1]
    paths: list[tuple[str, ...]] = []
    for c in range(n_cols):
        parts: list[str] = []
        for r in range(n_header):
            t = filled[r][c]
            if t and _UNIT.search(t):
                continue  # '单位：万元' printed inside the header is not a column name
            if t and (not parts or parts[-1] != t):
                parts.append(t)
        paths.append(tuple(parts))
    return tuple(paths)


_CODE_HEADER = re.compile(r"编码|编号|代码")
_CODE_LEVEL_WORDS = frozenset({"类", "款", "项"})
_NAME_HEADER = re.compile(r"名称|^项目$|^科目$|^项目名称$|^支出功能分类$|^经济分类$")
_AMOUNT_HEADER = re.compile(r"合计|决算|预算|收入|支出|金额|经费|结余|结转|小计|费|数")


def column_roles(table: Table, n_header: int, paths: tuple[tuple[str, ...], ...]) -> tuple[Role, ...]:
    """Classify each column as a classification code, a row name, or an amount column."""
    grid = _grid(table)
    roles: list[Role] = []
    for c, path in enumerate(paths):
        values = [grid[r][c] for r in range(n_header, table.n_rows) if grid[r][c]]
        n_code = sum(1 for v in values if _CODE_LIKE.match(v))
        n_decimal = sum(1 for v in values if parse_amount(v) is not None and ("." in v or "," in v))
        n_number = sum(1 for v in values if parse_amount(v) is not None)
        n_text = len(values) - n_number
        last = path[-1] if path else ""
        header_code = bool(_CODE_HEADER.search("".join(path))) or last in _CODE_LEVEL_WORDS
        header_name = any(_NAME_HEADER.search(p) for p in path)
        data_code = bool(n_code) and n_code >= n_number and not _AMOUNT_HEADER.search(last)
        if n_decimal == 0 and (header_code or data_code):
            roles.append("code")
        elif header_name and n_decimal == 0:
            roles.append("name")
        elif n_number or _AMOUNT_HEADER.search(last):
            roles.append("amount")
        elif n_text:
            roles.append("name")
        else:
            roles.append("amount")
    return tuple(roles)


@dataclass(frozen=True, slots=True)
class Block:
    """One side-by-side column group: its code columns, its name column and its amount columns."""

    code_cols: tuple[int, ...]
    name_col: int | None
    amount_cols: tuple[int, ...]
    side: str  # 'income' / 'expenditure' / '' — from the top header over the block's label column
    # further name columns of a list layout (a group column and an item column: 一般公共预算资金 | 小计)
    more_name_cols: tuple[int, ...] = ()


def column_blocks(roles: tuple[Role, ...], paths: tuple[tuple[str, ...], ...]) -> tuple[Block, ...]:
    """Split the columns into blocks: each run of label columns followed by its amount columns."""
    blocks: list[Block] = []
    codes: list[int] = []
    name: int | None = None
    more: list[int] = []
    amounts: list[int] = []
    label_start: int | None = None

    def flush() -> None:
        if codes or name is not None or amounts:
            top = paths[label_start][0] if label_start is not None and paths[label_start] else ""
            blocks.append(Block(tuple(codes), name, tuple(amounts), _side(top), tuple(more)))

    for c, role in enumerate(roles):
        if role in ("code", "name") and amounts:
            flush()
            codes, name, more, amounts, label_start = [], None, [], [], None
        if role == "code":
            codes.append(c)
            label_start = c if label_start is None else label_start
        elif role == "name":
            if name is None:
                name = c
            else:
                more.append(c)
            label_start = c if label_start is None else label_start
        else:
            amounts.append(c)
    flush()
    return tuple(blocks)


def _side(top: str) -> str:
    if "收入" in top:
        return "income"
    if "支出" in top:
        return "expenditure"
    return ""


# ordered: the first rule that matches a header element gives that element's token
_MEASURE_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), k)
    for p, k in (
        (r"年初.*结转|年初.*结余", "carryover_begin"),
        (r"年末.*结转|年末.*结余|结转下年", "carryover_end"),
        (r"上年结转", "carryover"),
        (r"非财政拨款结余", "nonfiscal_balance"),
        (r"预留机动经费", "reserve"),
        (r"上级补助", "superior_subsidy"),
        (r"附属单位上缴", "affiliates"),
        (r"对附属单位补助|附属单位补助", "subsidy_affiliates"),
        (r"上缴上级", "to_superior"),
        (r"经营收入|经营支出", "operating"),
        (r"事业收入", "business"),
        (r"其他收入", "other"),
        (r"^财政拨款(收入)?$", "fiscal_appropriation"),
        (r"基本支出", "basic"),
        (r"项目支出", "project"),
        (r"人员经费", "personnel"),
        (r"公用经费", "public"),
        (r"政府性基金", "govfund"),
        (r"国有资本经营", "soe_capital"),
        (r"一般公共预算", "general_budget"),
        (r"合计|小计|总计", "total"),
        (r"^本年收入$", "income"),
        (r"^本年支出$", "expenditure"),
    )
)
_BASIS_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"完成|%|％|比率|比例"), "completion_pct"),
    (re.compile(r"预算数|年初预算|调整预算|全年预算|预算$"), "budget"),
    (re.compile(r"决算数|决算$|执行数|实际"), "actual"),
)


def element_token(text: str) -> str | None:
    for pattern, key in _MEASURE_RULES:
        if pattern.search(text):
            return key
    return None


def basis_of(path: tuple[str, ...]) -> str | None:
    for element in reversed(path):
        for pattern, basis in _BASIS_RULES:
            if pattern.search(element) and not (basis == "budget" and element_token(element) in {
                "general_budget", "govfund", "soe_capital"}):
                return basis
    return None


def measure_key(path: tuple[str, ...], side: str, layout: str, implicit_basis: str = "actual") -> str:
    """The measure key of an amount column from its header path.

    The deepest header element that names a measure wins (``本年支出/基本支出`` → basic). A basis
    other than the table's own (``implicit_basis``: actual in a 决算, budget in a 预算) prefixes it
    (``年初预算数`` in a 决算 table → budget). Summary tables (side by side income/expenditure
    blocks) prefix the side and ignore the group header over the block.
    """
    elements = path[1:] if layout == "summary" and side and len(path) > 1 else path
    # '其中：…' under a column group is a part of that group's figure, not a component of the row total
    of_which = bool(elements) and clean(elements[-1]).startswith("其中")
    token: str | None = None
    for element in reversed(elements[:-1] if of_which else elements):
        t = element_token(element)
        if t is not None:
            token = t
            break
    if of_which:
        token = f"{token or 'total'}_of_which"
    elif token == "total" and elements and clean(elements[-1]) == "小计":
        # '项目支出 / 小计': the subtotal of its group is the group's own figure
        token = next((t for e in reversed(elements[:-1]) if (t := element_token(e)) not in (
            None, "total", "income", "expenditure")), token)
    basis = basis_of(path)
    if layout == "summary" and side:
        if token in (None, "total", "income", "expenditure") and not _has_column_split(elements):
            return side
        return f"{side}_{token or 'total'}"
    if basis == implicit_basis:
        basis = None
    if basis == "completion_pct":
        return "completion_pct"
    if basis is not None and layout != "sangong":
        return basis if token in (None, "total") else f"{basis}_{token}"
    if token is None:
        return "total" if layout in ("lines", "economic") else (basis or "value")
    return token


def _has_column_split(path: tuple[str, ...]) -> bool:
    """A summary column that is one of several amount columns of its side (合计 beside 一般公共预算 …)."""
    return any(element_token(e) == "total" for e in path)


def split_code_and_name(text: str) -> tuple[str | None, str]:
    """'2010301 行政运行' → ('2010301', '行政运行'); a name without a leading code → (None, name)."""
    m = _CODE_PREFIX.match(normalise_number_text(text) if text[:1].isdigit() else text)
    if m:
        return m.group(1), clean(m.group(2))
    return None, clean(text)


def indent_depth(text: str) -> int:
    """Width of the leading indentation of a name cell (a full-width space counts as two ASCII ones)."""
    n = 0
    for ch in text:
        if ch == "\u3000":
            n += 2
        elif ch == " ":
            n += 1
        elif ch == "\t":
            n += 4
        else:
            break
    return n


@dataclass(frozen=True, slots=True)
class CodeState:
    """Codes carried down from the rows above (for 款/项 cells that hold only their 2-digit suffix)."""

    lei: str | None = None
    kuan: str | None = None


def join_code(parts: tuple[str, ...], state: CodeState) -> tuple[str | None, CodeState]:
    """Join the digits of a row's code cells into one code, completing suffixes from ``state``."""
    digits = tuple(_leading_digits(p) for p in parts)
    present = [d for d in digits if d]
    if not present:
        return None, state
    code: str | None
    first = present[0]
    rest = "".join(present[1:])
    if len(first) in (3, 5, 7) and all(len(d) == 2 for d in present[1:]):
        code = first + rest
    elif len(first) == 2 and all(len(d) == 2 for d in present[1:]):
        # the 类 (or 类+款) cell is empty: take the parents carried down
        if len(parts) >= 3 and not digits[0] and digits[1]:
            code = (state.lei + first + rest) if state.lei else None
        elif len(parts) >= 3 and not digits[0] and not digits[1]:
            code = (state.kuan + first) if state.kuan else None
        elif len(parts) == 1:
            code = (state.kuan + first) if state.kuan else ((state.lei + first) if state.lei else None)
        else:
            code = (state.lei + first + rest) if state.lei else None
    else:
        code = "".join(present)
    if code is None or len(code) not in (3, 5, 7):
        return code, state
    new_state = CodeState(lei=code[:3], kuan=code[:5] if len(code) >= 5 else None)
    return code, new_state


def _leading_digits(text: str) -> str:
    """The digits a code cell starts with ('2010\n301' → '2010301'; '2010301 行政运行' → '2010301')."""
    m = re.match(r"[\d\s]+", text.translate(_FULLWIDTH_DIGITS))
    return re.sub(r"\s", "", m.group(0)) if m else ""


_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def code_level(code: str | None) -> str | None:
    if code is None:
        return None
    return {3: "类", 5: "款", 7: "项"}.get(len(code))
