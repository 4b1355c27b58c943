"""Recognise the standard tables of a disclosure and turn them into long form.

A table is recognised by its title (``Table.title``, the short paragraphs just before it, or a
title row inside the grid) checked against its header; a grid without a title that continues
the previous recognised table (same header, or no header, same width) is appended to it, since
PDF readers emit one Table per page fragment. Every numeric cell becomes a
:class:`~ingest.model.CellFact`; function/economic rows become :class:`~ingest.model.LineItem`;
row labels of the summary and 三公 tables become :class:`~ingest.model.MetricFact` through the
metric catalogue (``ingest.catalog``). Amounts are never converted: the
table's unit is reported in :class:`RecognisedTable`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any, Literal

from ingest.amounts import parse_amount
from ingest.catalog import MetricCatalog, load_metric_catalog
from ingest.model import CellFact, Document, LineItem, MetricFact, Paragraph, Table
from ingest.records import TableParse
from ingest.standard_tables import StandardTable, load_standard_tables
from ingest.table_verify import verify_table
from ingest.tables_grid import (
    Block,
    CodeState,
    clean,
    code_level,
    column_blocks,
    column_paths,
    column_roles,
    find_unit,
    header_row_count,
    indent_depth,
    is_total_label,
    join_code,
    measure_key,
    split_code_and_name,
)
from ingest.templates import TemplateCatalog, TemplateFamily, load_template_catalog

STANDARD_TABLES: MappingProxyType[str, StandardTable] = load_standard_tables()  # seed standard_table.csv

# ordered, most specific first; matched against the cleaned title (no spaces, no quotes)
_TITLE_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (k, re.compile(p))
    for k, p in (
        ("performance", r"绩效目标完成情况表|绩效自评表|绩效目标表|绩效评价表|绩效情况表"),
        ("sangong", r"三公.*决算表|三公.*决算总?表"),
        ("budget_sangong", r"三公.*预算表"),
        ("budget_admin_operating", r"机关运行经费.*预算表"),
        ("general_budget_basic", r"基本支出决算表|基本支出.*决算明细表"),
        ("budget_fiscal_basic", r"(?<!一般公共预算)财政拨款基本支出.*预算表"),
        ("budget_general_basic", r"基本支出.*预算表"),
        ("govfund", r"政府性基金预算财政拨款.*决算表"),
        ("budget_govfund", r"政府性基金.*预算表"),
        ("soe_capital", r"国有资本经营预算财政拨款.*决算表"),
        ("budget_soe_capital", r"国有资本经营预算.*预算表"),
        ("general_budget_expenditure", r"一般公共预算财政拨款支出决算(明细)?表"),
        ("budget_general_expenditure", r"一般公共预算(财政拨款)?支出.*预算表"),
        ("fiscal_summary", r"财政拨款收入?支出?决算总表|财政拨款收支决算总表"),
        ("budget_fiscal_summary", r"财政拨款收入?支出?预算总表|财政拨款收支预算总表"),
        ("budget_fiscal_expenditure", r"财政拨款支出预算表"),
        ("fiscal_expenditure", r"财政拨款支出决算(明细)?表"),
        ("income_expenditure_summary", r"收入支出决算总表|收支决算总表"),
        ("budget_income_expenditure_summary", r"收支预算总表|收入支出预算总表"),
        ("income", r"收入决算表"),
        ("budget_income", r"收入预算(总)?表"),
        ("expenditure", r"支出决算(明细)?表"),
        ("budget_expenditure", r"支出预算(总)?表"),
    )
)

# header words that confirm a title (any one of them, searched in the header text)
_HEADER_EVIDENCE: dict[str, re.Pattern[str]] = {
    "summary": re.compile(r"收入|支出|项目"),
    "lines": re.compile(r"合计|基本支出|项目支出|收入|支出|科目|编码|结转|结余|金额"),
    "economic": re.compile(r"经济分类|科目|编码|人员经费|公用经费|决算数|预算数|合计"),
    "sangong": re.compile(r"因公出国|公务接待|公务用车"),
    "generic": re.compile(r"."),
}

# a grid without any title is still recognised by a header signature this distinctive
_HEADER_SIGNATURES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("sangong", re.compile(r"因公出国.*公务接待|公务接待.*因公出国")),
    ("income", re.compile(r"上级补助收入.*附属单位上缴|附属单位上缴.*上级补助收入")),
    ("expenditure", re.compile(r"上缴上级支出")),
)

_NUMBERING = re.compile(
    r"^(?:(?:附表|表|财决|财预|部门决算表|决算表|公开)[0-9一二三四五六七八九十]+(?:[-－][0-9]+)?表?[、.．:：—-]?"
    r"|[0-9一二三四五六七八九十]+[、.．:：]|[（(][0-9一二三四五六七八九十]+[）)])"
)
_MAX_TITLE_LEN = 60
_TITLE_LOOKBACK = 4  # paragraphs before a table that may hold its title


@dataclass(frozen=True, slots=True)
class RecognisedTable:
    key: str
    title: str
    page: int | None
    n_rows: int  # data rows over all fragments
    unit: str  # '万元' unless the table says otherwise
    unit_stated: bool
    fragments: tuple[int, ...]  # Table.index of each page fragment


@dataclass(slots=True)
class TableExtraction:
    cells: list[CellFact] = field(default_factory=list)
    lines: list[LineItem] = field(default_factory=list)
    recognised: list[RecognisedTable] = field(default_factory=list)
    facts: list[MetricFact] = field(default_factory=list)
    parses: list[TableParse] = field(default_factory=list)
    template_family: str = ""


def classify_title(text: str) -> str | None:
    """The standard table key a title names, or None (a 政府采购 table is none of the standard tables)."""
    t = _strip_title(text)
    if not t or len(t) > _MAX_TITLE_LEN or "……" in t or "说明" in t or "政府采购" in t:
        return None
    for key, pattern in _TITLE_RULES:
        if pattern.search(t):
            return key
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
class _Analysis:
    """How one recognised table (first fragment) is read."""

    key: str
    title: str
    unit: str | None
    n_cols: int
    header_sig: str
    paths: tuple[tuple[str, ...], ...]
    blocks: tuple[Block, ...]


@dataclass(slots=True)
class _Group:
    analysis: _Analysis
    fragments: list[tuple[Table, int]]  # (table, first data row)


def _analyse(table: Table, key: str, title: str, unit: str | None, skip: int) -> tuple[_Analysis, int]:
    body = Table(rows=table.rows[skip:], index=table.index, page=table.page,
                 merges=tuple(_shift(m, skip) for m in table.merges if m.row >= skip), title=table.title)
    n_header = header_row_count(body)
    paths = column_paths(body, n_header)
    roles = column_roles(body, n_header, paths)
    if STANDARD_TABLES[key].layout == "sangong" and _items_in_columns(paths):
        roles = tuple("amount" for _ in roles)
    blocks = column_blocks(roles, paths)
    sig = _header_signature(body, n_header)
    return _Analysis(key, title, unit, table.n_cols, sig, paths, blocks), skip + n_header


def _shift(m: Any, skip: int) -> Any:
    return type(m)(row=m.row - skip, col=m.col, rowspan=m.rowspan, colspan=m.colspan)


def _header_signature(table: Table, n_header: int) -> str:
    return "|".join(clean(c) for row in table.rows[:n_header] for c in row)


def _items_in_columns(paths: tuple[tuple[str, ...], ...]) -> bool:
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


def _recognise(doc: Document) -> list[_Group]:
    groups: list[_Group] = []
    before: list[Paragraph] = []
    last: _Group | None = None  # the group the previous table joined, if nothing broke the run
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
        group = _Group(analysis, [(table, first_data)])
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


def _header_only(group: _Group) -> bool:
    """A group read so far from one fragment that holds no data row (a header cut by the page end)."""
    return len(group.fragments) == 1 and group.fragments[0][1] >= group.fragments[0][0].n_rows


def _join_header(group: _Group, table: Table, skip: int) -> None:
    """Re-read ``group`` with the header rows of its first fragment put on top of ``table``."""
    head_table = group.fragments[0][0]
    a = group.analysis
    head = head_table.rows[_title_rows(head_table)[0]:]
    joined = Table(rows=head + table.rows[skip:], index=table.index, page=table.page, title=table.title)
    analysis, first_data = _analyse(joined, a.key, a.title, a.unit, 0)
    group.analysis = analysis
    group.fragments.append((table, skip + first_data - len(head)))


_CODE_TEXT = re.compile(r"\d{3,7}")


def _conform(prev: _Analysis, table: Table, skip: int) -> Table | None:
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


def _continues(prev: _Analysis, table: Table, title_key: str | None) -> bool:
    """Whether ``table`` is the next page fragment of ``prev``."""
    if title_key is not None and title_key != prev.key:
        return False
    return table.n_cols == prev.n_cols


def _family(doc: Document, groups: list[_Group], doc_type: str | None,
            templates: TemplateCatalog) -> TemplateFamily | None:
    """The template family of the document, from its kind and the titles of its tables."""
    if doc_type is None:
        kinds = [STANDARD_TABLES[g.analysis.key].kind for g in groups]
        doc_type = "budget" if kinds.count("budget") > kinds.count("final") else "final_account"
    evidence = "\n".join([*(g.analysis.title for g in groups), doc.text()[:3000]])
    return templates.choose(doc_type, evidence)


def extract_tables(
    doc: Document, catalog: MetricCatalog | None = None, doc_type: str | None = None,
    templates: TemplateCatalog | None = None,
) -> TableExtraction:
    """Recognise the standard tables of ``doc`` and return their cells, lines and metric facts; every
    table is checked against its own identities (``ingest.table_verify``) and recorded in ``parses``."""
    out = TableExtraction()
    catalog = catalog if catalog is not None else load_metric_catalog()
    templates = templates if templates is not None else load_template_catalog()
    groups = _recognise(doc)
    family = _family(doc, groups, doc_type, templates)
    out.template_family = family.name if family else ""
    for seq, group in enumerate(groups):
        first_cell = len(out.cells)
        a = group.analysis
        std = STANDARD_TABLES[a.key]
        unit = a.unit or "万元"
        n_data = 0
        states = tuple(CodeState() for _ in a.blocks)  # codes carry over page breaks
        seen_metrics: set[tuple[str, str]] = set()
        breakdown: dict[str, str] = {}  # side -> '年初' / '年末' while its 结转和结余 sub-rows run
        seen_current: set[str] = set()  # sides whose 本年…合计 row has been read
        labelled = _performance_cells(group, unit) if a.key == "performance" else None
        if labelled:
            out.cells.extend(labelled)
            out.facts.extend(_performance_facts(labelled, unit))
        for table, first in group.fragments if not labelled else ():
            rows, states = _fragment_rows(table, first, a, std, states)
            if std.layout == "summary":
                rows = _grand_total_labels(_breakdown_labels(rows, breakdown), seen_current, std.kind == "budget")
            n_data += table.n_rows - first
            for row in rows:
                out.cells.extend(row.cells)
                out.lines.extend(_line_items(row, std))
                if (std.layout in ("summary", "sangong", "economic")
                        or std.key in ("fiscal_expenditure", "budget_fiscal_expenditure")):
                    for fact in _metric_facts(row, std, unit, catalog):
                        # the first row naming a metric wins: later rows (年初结转 breakdown) repeat labels
                        if (fact.metric, fact.basis) not in seen_metrics:
                            seen_metrics.add((fact.metric, fact.basis))
                            out.facts.append(fact)
        first_table = group.fragments[0][0]
        template = (family.table(a.key) if family else None) or templates.table(a.key)
        verdict = verify_table(out.cells[first_cell:], template)
        out.cells[first_cell:] = verdict.cells
        out.parses.append(TableParse(
            table_seq=seq, table_key=a.key, title=a.title, page=first_table.page, layout=std.layout,
            template_family=out.template_family, n_cells=len(verdict.cells),
            n_identities=len(verdict.identities), n_held=verdict.n_held, confidence=verdict.confidence,
            parse_reliable=verdict.reliable, reason_zh=verdict.reason_zh,
            failed_identities=verdict.failed_names(), column_mapping=verdict.mapping, remapped=verdict.remapped,
        ))
        out.recognised.append(RecognisedTable(
            key=a.key, title=a.title, page=first_table.page, n_rows=n_data, unit=unit,
            unit_stated=a.unit is not None, fragments=tuple(t.index for t, _ in group.fragments),
        ))
    return out


_PROJECT_NAME = re.compile(r"^项目名称[:：]?(.*)$")
_PERF_LABEL = re.compile(
    r"^(?:(?P<budget>(?:年初|全年|调整)?预算(?:数|金额))|(?P<actual>(?:全年)?执行数|实际支出数?|决算数))[:：]?$"
)
_ROW_UNIT = re.compile(r"[（(](万元|元)[）)]")
_PERF_METRICS = {"budget": "project_budget", "actual": "project_actual"}


def _performance_cells(group: _Group, unit: str) -> list[CellFact]:
    """Figures of a 项目支出绩效目标完成情况表 written as label cells followed by value cells
    ('预算执行情况(万元) | 预算数: | 926.97 | 执行数: | 880.49'); the row label is the project's name
    (from the '项目名称' row above). Empty when the table has no such label cells."""
    cells: list[CellFact] = []
    a = group.analysis
    project = ""
    for table, _ in group.fragments:
        for r, row in enumerate(table.rows):
            texts = [clean(c) for c in row]
            filled = [(c, t) for c, t in enumerate(texts) if t]
            named = _PROJECT_NAME.match(filled[0][1]) if filled else None
            if named:
                project = named.group(1) or (filled[1][1] if len(filled) > 1 else "")
                continue
            row_unit = next((m.group(1) for t in texts if (m := _ROW_UNIT.search(t))), unit)
            if row_unit != unit:
                continue  # a figure in another unit than the table's: not mixed into its cells
            for i, (_, t) in enumerate(filled[:-1]):
                m = _PERF_LABEL.match(t)
                value_col, value = filled[i + 1]
                amount = parse_amount(value)
                if m is None or amount is None:
                    continue
                measure = "budget" if m.group("budget") else "actual"
                cells.append(CellFact(
                    table_key=a.key, table_title=a.title, row_index=r, col_index=value_col, row_label=project,
                    code=None, measure=measure, measure_label=f"{filled[0][1]}/{t.rstrip(':：')}",
                    amount=amount, page=table.page, evidence=" | ".join(texts),
                    locator=f"table:{a.key}/block:{table.index}/row:{r}/col:{value_col}",
                ))
    return cells


def _performance_facts(cells: list[CellFact], unit: str) -> list[MetricFact]:
    return [
        MetricFact(metric=_PERF_METRICS[c.measure], basis=c.measure, amount=c.amount, unit=unit,
                   source_kind="table", page=c.page, locator=c.locator, evidence=c.evidence)
        for c in cells
    ]


@dataclass(frozen=True, slots=True)
class _RowCells:
    """The cells of one block of one data row, with the row's label and code."""

    label: str
    code: str | None
    level: str | None
    side: str
    cells: tuple[CellFact, ...]
    grand_total: bool = False


def _fragment_rows(
    table: Table, first: int, a: _Analysis, std: StandardTable, carried: tuple[CodeState, ...],
) -> tuple[list[_RowCells], tuple[CodeState, ...]]:
    out: list[_RowCells] = []
    states = list(carried)
    indents = sorted({indent_depth(_cell(table.rows[r], b.name_col)) for b in a.blocks
                      if b.name_col is not None for r in range(first, table.n_rows)})
    ranks = {width: i for i, width in enumerate(indents)} if len(indents) > 1 else {}
    for r in range(first, table.n_rows):
        row = table.rows[r]
        evidence = " | ".join(clean(c) for c in row)
        unplaced: dict[str, str] = {}  # side -> a label of this row whose own block has no figure
        for bi, block in enumerate(a.blocks):
            rc, states[bi] = _block_row(table, r, row, block, a, std, states[bi], evidence, ranks)
            if rc is None:
                continue
            if not rc.label and rc.cells and rc.side and unplaced.get(rc.side):
                # a total printed across two blocks of one side (当年支出小计 under 功能分类, its figure under
                # 支出用途): the figure takes the label
                label = unplaced.pop(rc.side)
                rc = replace(rc, label=label, cells=tuple(replace(c, row_label=label) for c in rc.cells))
            elif rc.label and not rc.cells and rc.side:
                unplaced[rc.side] = rc.label
            out.append(rc)
    return out, tuple(states)


def _cell(row: tuple[str, ...], c: int | None) -> str:
    return row[c] if c is not None and c < len(row) else ""


def _block_row(
    table: Table, r: int, row: tuple[str, ...], block: Block, a: _Analysis, std: StandardTable,
    state: CodeState, evidence: str, indent_ranks: dict[int, int],
) -> tuple[_RowCells | None, CodeState]:
    raw_name = _cell(row, block.name_col)
    code, state = join_code(tuple(_cell(row, c) for c in block.code_cols), state)
    name_code, label = split_code_and_name(raw_name)
    if code is None and name_code is not None:
        code, state = join_code((name_code,), state)
    if block.more_name_cols:
        # a list layout: the group cell and the item cell (一般公共预算资金 | 小计; | 公共财政拨款资金)
        label = "".join(clean(_cell(row, c)) for c in (block.name_col, *block.more_name_cols)
                        if c is not None and parse_amount(_cell(row, c)) is None)
    if not label:
        # a label written in a code column (合计, 人员经费合计) or in the first label cell
        label = next((split_code_and_name(_cell(row, c))[1] for c in block.code_cols
                      if clean(_cell(row, c)) and parse_amount(_cell(row, c)) is None), "")
    if not label and not block.code_cols and block.name_col is None and len(a.blocks) == 1:
        label = "合计"  # a table of amount columns only (合计 | 基本支出 | 项目支出 …): its one row is the total
    if clean(label) in _COLUMN_NUMBER_LABELS:
        return None, state  # the row of column numbers (栏次 1 2 3 …) is not data
    level = code_level(code)
    if level is None and code is None and indent_ranks and label and not is_total_label(label):
        level = ("类", "款", "项")[min(indent_ranks.get(indent_depth(raw_name), 0), 2)]
    cells: list[CellFact] = []
    for c in block.amount_cols:
        text = _cell(row, c)
        amount = parse_amount(text) if text.strip() else None
        if amount is None:
            continue
        path = a.paths[c] if c < len(a.paths) else ()
        if std.layout == "sangong" and _items_in_columns(a.paths):
            row_label, measure = _sangong_item(path), _sangong_basis(path, std)
        else:
            implicit = "budget" if std.kind == "budget" else "actual"
            row_label, measure = label, measure_key(path, block.side, std.layout, implicit)
        cells.append(CellFact(
            table_key=a.key, table_title=a.title, row_index=r, col_index=c, row_label=row_label,
            code=code, measure=measure, measure_label="/".join(path), amount=amount, page=table.page,
            locator=f"table:{a.key}/block:{table.index}/row:{r}/col:{c}", evidence=evidence,
        ))
    if not cells and not label:
        return None, state
    return _RowCells(label, code, level, block.side, tuple(cells)), state


_COLUMN_NUMBER_LABELS = frozenset({"栏次", "行次"})
_CURRENT_TOTAL = re.compile(r"^(?:本年|当年)(?:收入|支出)?(?:合计|小计)$")
_GRAND_TOTAL = re.compile(r"^(?:收入|支出)?(?:合计|总计)$")


def _grand_total_labels(rows: list[_RowCells], seen_current: set[str], budget: bool = False) -> list[_RowCells]:
    """A bare 合计 after the side's 本年（当年）…合计 row of a summary table is the side's 总计
    (the grand total that adds the carry-overs): flagged, so its metric is read as 收入总计 / 支出总计. In a
    budget's 总表 without any 本年 row (财政拨款收支预算总表: numbered rows, then 收入合计) the 合计 is the 总计."""
    out: list[_RowCells] = []
    for row in rows:
        label = clean(row.label)
        if _CURRENT_TOTAL.match(label):
            seen_current.add(row.side)
        elif (row.side in seen_current or budget) and _GRAND_TOTAL.match(label) and row.side in _SIDE_ZH:
            row = replace(row, grand_total=True)
        out.append(row)
    return out


_CARRY_HEAD = re.compile(r"^(年初|年末)(?:财政拨款)?结转和?结余$")
_SUB_ITEM = re.compile(r"^(?:[一二三四五六七八九十]+、|[0-9]+[.．、]|[（(][一二三四五六七八九十0-9]+[）)])(.+)$")


def _breakdown_labels(rows: list[_RowCells], open_heads: dict[str, str]) -> list[_RowCells]:
    """Numbered rows under '年初（财政拨款）结转和结余' name their fund only ('一、一般公共预算财政拨款'):
    their label becomes '年初一般公共预算财政拨款结转和结余', so they are not read as the income rows."""
    out: list[_RowCells] = []
    for row in rows:
        label = clean(row.label)
        head = _CARRY_HEAD.match(label)
        sub = _SUB_ITEM.match(label)
        if head:
            open_heads[row.side] = head.group(1)
        elif sub and row.side in open_heads and not re.search(r"结转|结余", label):
            new_label = f"{open_heads[row.side]}{sub.group(1)}结转和结余"
            row = _RowCells(new_label, row.code, row.level, row.side,
                            tuple(replace(c, row_label=new_label) for c in row.cells))
        elif label:
            open_heads.pop(row.side, None)
        out.append(row)
    return out


def _sangong_item(path: tuple[str, ...]) -> str:
    """The 三公 item a column stands for: its header path without the basis and the table group; the 小计 of the
    三公 group itself (beside 会议费 and 培训费 under one 合计) is 「“三公”经费小计」."""
    parts = [p for p in path if not re.fullmatch(r"预算数|决算数|预算|决算|本年|上年", p)]
    parts = [re.sub(r"(预算|决算)数?$", "", p) for p in parts]
    group = next((p for p in parts if re.search(r"三公", p)), None)
    parts = [p for p in parts if p and not (re.search(r"三公", p) and len(parts) > 1)]
    if len(parts) > 1 and parts[-1] == "小计":
        return parts[-2]
    if parts == ["小计"] and group:
        return f"{group}小计"
    return parts[-1] if parts else ""


def _sangong_basis(path: tuple[str, ...], std: StandardTable) -> str:
    """预算数 / 决算数 as the header says; a column naming neither is the table's own kind."""
    joined = "".join(path)
    if re.search(r"决算", path[-1] if path else "") or (std.kind == "final" and "预算" not in joined):
        return "actual"
    if re.search(r"预算", joined) or std.kind == "budget":
        return "budget"
    return "actual"


_WIDER_THAN_SANGONG = re.compile(r"会议费|培训费")


_FUNCTION_KEYS = frozenset({
    "income", "expenditure", "general_budget_expenditure", "govfund", "soe_capital", "fiscal_expenditure",
    "budget_income", "budget_expenditure", "budget_general_expenditure",
    "budget_govfund", "budget_soe_capital", "budget_fiscal_expenditure",
})
_ECONOMIC_KEYS = frozenset({"general_budget_basic", "budget_general_basic", "budget_fiscal_basic",
                            "budget_admin_operating"})


def _line_items(row: _RowCells, std: StandardTable) -> list[LineItem]:
    if std.key in _FUNCTION_KEYS:
        classification: Literal["function", "economic"] = "function"
    elif std.key in _ECONOMIC_KEYS:
        classification = "economic"
    else:
        return []
    if row.code is None and (row.level is None or is_total_label(row.label)):
        return []
    return [
        LineItem(
            classification=classification, code=row.code, level=row.level, name_reported=row.label,
            measure=c.measure, amount=c.amount, source_kind="table", page=c.page, locator=c.locator,
            evidence=c.evidence,
        )
        for c in row.cells
    ]


_SIDE_ZH = {"income": "收入", "expenditure": "支出"}
_FISCAL_EXPENDITURE_COLUMNS = {
    "expenditure_general_budget": "general_budget_expenditure",
    "expenditure_govfund": "govfund_expenditure",
    "expenditure_soe_capital": "soe_capital_expenditure",
}


_FISCAL_EXPENDITURE_TOTALS = {
    "total": "fiscal_expenditure_total", "basic": "fiscal_basic_expenditure", "project": "fiscal_project_expenditure",
}


def _metric_facts(row: _RowCells, std: StandardTable, unit: str, catalog: MetricCatalog) -> list[MetricFact]:
    facts: list[MetricFact] = []
    if std.key == "budget_admin_operating":
        # 机关运行经费支出预算表: its 合计 row is the year's 机关运行经费 (the coded rows are lines)
        return [
            MetricFact(metric="admin_operating_cost", basis="budget", amount=c.amount, unit=unit,
                       source_kind="table", page=c.page, locator=c.locator, evidence=c.evidence)
            for c in row.cells if row.code is None and is_total_label(row.label) and c.measure == "total"
        ]
    if std.layout == "economic" and (row.code is not None or not is_total_label(row.label)):
        return facts  # only 人员经费合计 / 公用经费合计 name a metric; coded rows are lines
    wider_total = std.layout == "sangong" and any(_WIDER_THAN_SANGONG.search(c.row_label) for c in row.cells)
    for c in row.cells:
        if wider_total and c.row_label in ("合计", "总计"):
            continue  # the table's 合计 also holds 会议费 and 培训费: the 三公 total is its 三公 小计
        fiscal_column = _FISCAL_EXPENDITURE_COLUMNS.get(c.measure) if std.key.endswith("fiscal_summary") else None
        if fiscal_column is not None and re.sub(r"\s", "", c.row_label) == "本年支出合计":
            # 财政拨款收入支出决算总表: 本年支出合计 by fund column
            facts.append(MetricFact(
                metric=fiscal_column, basis=_basis(c.measure, std), amount=c.amount, unit=unit,
                source_kind="table", page=c.page, locator=c.locator, evidence=c.evidence,
            ))
            continue
        if std.key in ("fiscal_expenditure", "budget_fiscal_expenditure") and is_total_label(
                c.row_label) and c.measure in _FISCAL_EXPENDITURE_TOTALS:
            # 财政拨款支出决算表 (高等学校): its 合计 row is the year's 财政拨款 expenditure, 基本 and 项目
            facts.append(MetricFact(
                metric=_FISCAL_EXPENDITURE_TOTALS[c.measure], basis=_basis(c.measure, std), amount=c.amount,
                unit=unit, source_kind="table", page=c.page, locator=c.locator, evidence=c.evidence,
            ))
            continue
        # summary tables: only the side's own column (决算数 / 合计) names the row's metric
        if std.layout == "summary" and c.measure not in (row.side, f"{row.side}_total"):
            continue
        label = _metric_label(c.row_label, row.side, std, row.grand_total)
        metric = _match(catalog, label, unit)
        if metric is None and label != c.row_label:
            metric = _match(catalog, c.row_label, unit)
        if metric is None and std.layout == "sangong" and "公务用车" in c.measure_label and "公务用车" not in label:
            metric = _match(catalog, f"公务用车{label}", unit)  # 购置费 / 运行费 under 公务用车购置及运行费
        if metric is None:
            continue
        facts.append(MetricFact(
            metric=metric, basis=_basis(c.measure, std), amount=c.amount, unit=unit, source_kind="table",
            page=c.page, locator=c.locator, evidence=c.evidence,
        ))
    return facts


def _metric_label(label: str, side: str, std: StandardTable, grand_total: bool = False) -> str:
    """The label as the catalogue should read it: summary rows get their side (and 财政拨款) spelled out."""
    fiscal = std.key.endswith("fiscal_summary")
    if grand_total and side:
        return f"{'财政拨款' if fiscal else ''}{_SIDE_ZH[side]}总计"
    if std.layout == "sangong" and (label in ("合计", "小计") or re.fullmatch(r"“?三公”?经费(小计|合计)", label)):
        return "三公经费合计"
    if not side:
        return label
    side_zh = _SIDE_ZH[side]
    label = re.sub(r"^[一二三四五六七八九十]+、|^[0-9]+[.．、]", "", label)
    if label in ("总计", "合计", "小计"):
        return f"{'财政拨款' if fiscal else ''}{side_zh}{label}"
    if label.startswith("本年") and fiscal:
        return f"本年财政拨款{label[2:]}"
    if not re.search(r"收入|支出|结转|结余", label):
        return f"{label}{side_zh}"
    return label


def _basis(measure: str, std: StandardTable) -> str:
    if measure in ("budget", "actual"):
        return measure
    if measure.startswith("budget"):
        return "budget"
    return "budget" if std.kind == "budget" else "actual"


def _match(catalog: MetricCatalog, label: str, unit: str) -> str | None:
    """The metric key the catalogue gives a label."""
    metric = catalog.match(label, unit)
    return metric.key if metric is not None else None
