"""Recognise the standard tables of a disclosure: titles, header evidence, page fragments.

This module owns the recognition half of table extraction: ``STANDARD_TABLES`` (the loaded seed
``standard_table.csv``), :func:`classify_title` (a title against the ordered title rules), title and unit
rows inside a grid, header evidence that confirms a title, header signatures for untitled grids, and the
grouping of PDF page fragments into one table (a grid without a title that continues the previous
recognised table — same header, or no header, same width — is appended to it; a continuation with
another number of label columns is conformed to the first fragment's layout). Each group carries an
:class:`TableAnalysis` (column paths and blocks) that ``ingest.table_long_form`` reads rows with.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from ingest.amounts import parse_amount
from ingest.model import Document, Paragraph, Table
from ingest.standard_tables import StandardTable, load_standard_tables
from ingest.tables_grid import (
    Block,
    clean,
    column_blocks,
    column_paths,
    column_roles,
    find_unit,
    header_row_count,
)

STANDARD_TABLES: MappingProxyType[str, StandardTable] = load_standard_tables()  # seed standard_table.csv

# the seed's title patterns in its title_rank order (most specific first), matched against the cleaned title
TITLE_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (t.key, re.compile(t.title_re)) for t in sorted(STANDARD_TABLES.values(), key=lambda t: t.title_rank)
)

# header words that confirm a title (any one of them, searched in the header text)
_HEADER_EVIDENCE: dict[str, re.Pattern[str]] = {
    "summary": re.compile(r"收入|支出|项目"),
    "lines": re.compile(r"合计|基本支出|项目支出|收入|支出|科目|编码|结转|结余|金额"),
    "economic": re.compile(r"经济分类|科目|编码|人员经费|公用经费|决算数|预算数|合计"),
    "sangong": re.compile(r"因公出国|公务接待|公务用车"),
    "generic": re.compile(r"."),
}

# a grid without any title is still recognised by a header signature this distinctive (seed column header_re)
_HEADER_SIGNATURES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (t.key, re.compile(t.header_re))
    for t in sorted(STANDARD_TABLES.values(), key=lambda t: t.title_rank) if t.header_re
)

_NUMBERING = re.compile(
    r"^(?:(?:附表|表|财决|财预|部门决算表|决算表|公开)[0-9一二三四五六七八九十]+(?:[-－][0-9]+)?表?[、.．:：—-]?"
    r"|[0-9一二三四五六七八九十]+[、.．:：]|[（(][0-9一二三四五六七八九十]+[）)])"
)
_MAX_TITLE_LEN = 60
PROCUREMENT_KEY = "budget_procurement"  # 政府采购支出预算表: its rows are 品目 / 专项 / 经济科目 lines, one amount
_TITLE_LOOKBACK = 4  # paragraphs before a table that may hold its title

# the seed's reserved title words (column title_reserve) → the tables reserving each
_TITLE_RESERVES: MappingProxyType[str, frozenset[str]] = MappingProxyType({
    word: frozenset(t.key for t in STANDARD_TABLES.values() if t.title_reserve == word)
    for word in {t.title_reserve for t in STANDARD_TABLES.values() if t.title_reserve}
})


def classify_title(text: str) -> str | None:
    """The standard table key a title names, or None. A title holding a word some tables reserve (seed column
    title_reserve: 政府采购, whose titles hold the words of other tables' titles, 支出预算表, 基本支出 …) names
    one of those tables or none."""
    t = _strip_title(text)
    if not t or len(t) > _MAX_TITLE_LEN or "……" in t or "说明" in t:
        return None
    reserving = [keys for word, keys in _TITLE_RESERVES.items() if word in t]
    for key, pattern in TITLE_RULES:
        if pattern.search(t):
            return key if all(key in keys for keys in reserving) else None
    return None


def _strip_title(text: str) -> str:
    t = clean(text)
    t = _NUMBERING.sub("", t)
    return t


def _title_rows(table: Table) -> tuple[int, str | None, str | None]:
    """Leading grid rows that are a title or a unit line: (count, title key, unit)."""
    key: str | None = None
    unit: str | None = None
    n = 0
    for row in table.rows[:3]:
        texts = {clean(c) for c in row if clean(c)}
        if len(texts) != 1:
            titles = [t for t in texts if classify_title(t)]
            if len(texts) > 1 and len(titles) <= 1 and all(
                t in titles or find_unit(t) or (len(t) < 40 and "编制" in t) for t in texts
            ):
                # a unit line ('编制单位：… | 单位：万元'), or the title with the unit beside it
                unit = unit or next((find_unit(t) for t in texts if find_unit(t)), None)
                key = key or (classify_title(titles[0]) if titles else None)
                n += 1
                continue
            break
        text = next(iter(texts))
        k = classify_title(text)
        u = find_unit(text)
        if k is None and u is None:
            break
        key = key or k
        unit = unit or u
        n += 1
    return n, key, unit


@dataclass(frozen=True, slots=True)
class TableAnalysis:
    """How one recognised table (first fragment) is read."""

    key: str
    title: str
    unit: str | None
    n_cols: int
    header_sig: str
    paths: tuple[tuple[str, ...], ...]
    blocks: tuple[Block, ...]


@dataclass(slots=True)
class TableGroup:
    """One recognised table: its analysis and its page fragments, in order."""

    analysis: TableAnalysis
    fragments: list[tuple[Table, int]]  # (table, first data row)


def _analyse(table: Table, key: str, title: str, unit: str | None, skip: int) -> tuple[TableAnalysis, int]:
    body = Table(rows=table.rows[skip:], index=table.index, page=table.page,
                 merges=tuple(_shift(m, skip) for m in table.merges if m.row >= skip), title=table.title)
    n_header = header_row_count(body)
    paths = column_paths(body, n_header)
    roles = column_roles(body, n_header, paths)
    if STANDARD_TABLES[key].layout == "sangong" and items_in_columns(paths):
        roles = tuple("amount" for _ in roles)
    blocks = column_blocks(roles, paths)
    sig = _header_signature(body, n_header)
    return TableAnalysis(key, title, unit, table.n_cols, sig, paths, blocks), skip + n_header


def _shift(m: Any, skip: int) -> Any:
    return type(m)(row=m.row - skip, col=m.col, rowspan=m.rowspan, colspan=m.colspan)


def _header_signature(table: Table, n_header: int) -> str:
    return "|".join(clean(c) for row in table.rows[:n_header] for c in row)


def items_in_columns(paths: tuple[tuple[str, ...], ...]) -> bool:
    """Whether the 三公 items (因公出国, 公务接待) head columns (the table is laid out across, not down)."""
    return any(re.search(r"因公出国|公务接待", "".join(p)) for p in paths)


def _header_confirms(key: str, header_text: str) -> bool:
    return bool(_HEADER_EVIDENCE[STANDARD_TABLES[key].layout].search(header_text))


def _signature_key(header_text: str) -> str | None:
    for key, pattern in _HEADER_SIGNATURES:
        if pattern.search(header_text):
            if key == "sangong" and "决算" not in header_text and "预算" in header_text:
                return "budget_sangong"
            return key
    return None


def _is_interlude(p: Paragraph) -> bool:
    """Text that may stand between two fragments of one table (page number, unit line, 续表)."""
    t = clean(p.text)
    return len(t) <= 30 and not t.endswith("。")


def recognise_tables(doc: Document) -> list[TableGroup]:
    """The standard tables of a document, each with its fragments (a continuation joins the table it continues)."""
    groups: list[TableGroup] = []
    before: list[Paragraph] = []
    last: TableGroup | None = None  # the group the previous table joined, if nothing broke the run
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            before.append(block)
            if last is not None and not _is_interlude(block):
                last = None
            continue
        table = block
        skip, row_key, row_unit = _title_rows(table)
        near = [p for p in before[-_TITLE_LOOKBACK:] if len(clean(p.text)) <= _MAX_TITLE_LEN]
        title_key: str | None = None
        title = ""
        for cand in [_full_caption(table.title, near), *(p.text for p in reversed(near))]:
            k = classify_title(cand) if cand else None
            if k:
                title_key, title = k, clean(cand)
                break
        if row_key and not title_key:
            title_key, title = row_key, clean(next(c for c in table.rows[skip - 1] if clean(c)))
        unit = row_unit or next((find_unit(p.text) for p in reversed(near) if find_unit(p.text)), None)
        unit = unit or find_unit(table.title)
        body_rows = table.rows[skip:]
        body = Table(rows=body_rows, index=table.index, page=table.page)
        n_header = header_row_count(body)
        header_sig = _header_signature(body, n_header)
        if last is not None and title_key is None and (conformed := _conform(last.analysis, table, skip)):
            # the next page prints the same amount columns with fewer label columns (one code column
            # instead of 类/款/项): its rows are put into the layout of the first fragment
            last.fragments.append((conformed, 0))
            before = []
            continue
        if last is not None and _continues(last.analysis, table, title_key):
            if _header_only(last):
                # the page broke inside the header: read the header rows of both fragments as one
                _join_header(last, table, skip)
            else:
                # a repeated header is skipped; rows without figures that are not the header are data
                first = skip + n_header if header_sig == last.analysis.header_sig else skip
                last.fragments.append((table, first))
            before = []
            continue
        key = title_key
        if key is not None and not _header_confirms(key, header_sig):
            key = None
        if key is None:
            key = _signature_key(header_sig)
            title = title or (STANDARD_TABLES[key].title_zh if key else "")
        if key is None or table.n_cols < 2:
            last = None
            before = []
            continue
        analysis, first_data = _analyse(table, key, title, unit, skip)
        group = TableGroup(analysis, [(table, first_data)])
        groups.append(group)
        last = group
        before = []
    return groups


def _full_caption(caption: str, near: list[Paragraph]) -> str:
    """The reader's caption, or the title paragraph above the table it is the tail of (支出预算表 of
    「公开09表：一般公共预算“三公”经费、会议费、培训费支出预算表」)."""
    c = clean(caption)
    if not c:
        return caption
    longer = [p.text for p in reversed(near) if clean(p.text).endswith(c) and len(clean(p.text)) > len(c)]
    return next((t for t in longer if classify_title(t)), caption)


def _header_only(group: TableGroup) -> bool:
    """A group read so far from one fragment that holds no data row (a header cut by the page end)."""
    return len(group.fragments) == 1 and group.fragments[0][1] >= group.fragments[0][0].n_rows


def _join_header(group: TableGroup, table: Table, skip: int) -> None:
    """Re-read ``group`` with the header rows of its first fragment put on top of ``table``."""
    head_table = group.fragments[0][0]
    a = group.analysis
    head = head_table.rows[_title_rows(head_table)[0]:]
    joined = Table(rows=head + table.rows[skip:], index=table.index, page=table.page, title=table.title)
    analysis, first_data = _analyse(joined, a.key, a.title, a.unit, 0)
    group.analysis = analysis
    group.fragments.append((table, skip + first_data - len(head)))


_CODE_TEXT = re.compile(r"\d{3,7}")


def _conform(prev: TableAnalysis, table: Table, skip: int) -> Table | None:
    """``table`` rewritten into the columns of ``prev`` when it is a headerless continuation with another
    number of label columns but the same number of amount columns (single-block tables only)."""
    if len(prev.blocks) != 1 or table.n_cols == prev.n_cols or skip:
        return None
    block = prev.blocks[0]
    k = len(block.amount_cols)
    n_label = table.n_cols - k
    if k == 0 or n_label < 1 or block.name_col is None or list(block.amount_cols) != list(
            range(prev.n_cols - k, prev.n_cols)):
        return None
    rows: list[tuple[str, ...]] = []
    for row in table.rows:
        cells = list(row) + [""] * (table.n_cols - len(row))
        labels, amounts = cells[:n_label], cells[n_label:]
        if any(clean(t) and parse_amount(t) is not None and not _CODE_TEXT.fullmatch(clean(t)) for t in labels) or any(
                clean(t) and parse_amount(t) is None for t in amounts):
            return None  # not the same shape: a figure among the labels or a text among the figures
        out = [""] * prev.n_cols
        texts = [clean(t) for t in labels if clean(t)]
        if texts and block.code_cols and _CODE_TEXT.fullmatch(texts[0]):
            out[block.code_cols[0]] = texts.pop(0)
        out[block.name_col] = "".join(texts)
        out[prev.n_cols - k:] = amounts
        rows.append(tuple(out))
    if not rows or header_row_count(Table(rows=tuple(rows), index=table.index, page=table.page)):
        return None
    return Table(rows=tuple(rows), index=table.index, page=table.page, title=table.title)


def _continues(prev: TableAnalysis, table: Table, title_key: str | None) -> bool:
    """Whether ``table`` is the next page fragment of ``prev``."""
    if title_key is not None and title_key != prev.key:
        return False
    return table.n_cols == prev.n_cols
