"""Facts stated in the narrative (情况说明): metrics with their bases, and function-class lines.

A sentence restates table figures and adds derived claims. Every figure with a unit is read
with the words just before it (back to the previous figure or clause mark):

* the cue at the end of those words gives the basis — 增加/减少 X万元 → yoy_change,
  增长/下降 Y% → yoy_pct (signed), 占 …% → share_pct, 完成预算 …% → completion_pct,
  年初预算为 → budget, 上年为 → prior_year, otherwise actual;
* the rest names the metric through the catalogue (longest alias; unit must fit);
* a derived figure without a name of its own (占59.57%, 增长72.06%, 完成预算80.89%) belongs to
  the nearest preceding named metric of the sentence, or — when the sentence names none
  (与2019年相比增加…) — to the first metric of the previous sentence.

Function lines ("一般公共服务（类）…（款）…（项）：支出决算为970.39万元，完成预算100%" or the
Shanghai "…（项）39.99万元。…年初预算为76.33万元，支出决算为39.99万元") become LineItems, as
do the 类 items of the structure sentence ("主要用于以下方面：…（类）207.40万元，占1.03%；…").

Locators: ``section:<一>[/<二>]/para:<N>/chars:<start>-<end>[/budget:initial|adjusted]``. ``N`` is the
``Paragraph.index`` of the block holding the figure's first character (``raw.text_blocks.block_index``) and
``text[start:end]`` of that block's text, as stored, is the number (no unit) — not an offset in the joined
logical paragraph nor in ``evidence``. A number cut by a line wrap ends its span at the end of that block.
``/budget:initial`` (年初预算) or ``/budget:adjusted`` (调整预算, 全年预算) says which budget a ``budget`` figure
is, and which budget a ``completion_pct`` sentence says it was computed on (完成年初预算的…); a budget named
without either word gets no suffix. The basis stays ``budget`` / ``completion_pct``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import Decimal

from ingest.amounts import parse_amount, sums_to
from ingest.catalog import MONEY_UNITS, MetricCatalog, MetricDef, normalise_label, unit_compatible
from ingest.model import Amount, Document, LineItem, MetricFact, NarrativeClaim
from ingest.narrative_text import ITEM_START as _ITEM_START
from ingest.narrative_text import LogicalParagraph, RunningText, build_running_text

_FIGURE = re.compile(
    r"(?<![\d.A-Za-z\-])(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?P<unit>万元|亿元|元|万(?![\u4e00-\u9fff])|%|人次|批次|台（套）|台套|台|套|辆|个|名|人|次|批|项|分)?"
)
_THRESHOLD_AFTER = re.compile(r"^(?:（含）)?(?:以上|及以上|以下)")
_CLAUSE_MARKS = "，；：、。！？"
_CLAUSE_START_MARKS = "；：。！？"
_SENTENCE_END = re.compile(r"[。！？]")

_YOY_CUE = re.compile(r"(增加|减少|增长|下降|上升|降低|降幅|增幅|增|减)了?(?:为)?$")
_SHARE_CUE = re.compile(r"占")
_COMPLETION_CUE = re.compile(r"(?:完成(?P<kind>年初|调整后?|全年)?预算(?:数)?的?|预算完成率为?|执行率为?)$")
_BUDGET_CUE = re.compile(r"(?P<kind>年初|调整后?|全年)?预算(?:数|安排)?(?:为|是)?$")
# Which budget a figure is (or a completion % is of): the suffix of its locator (see the module doc).
_BUDGET_KINDS = {"年初": "initial", "调整": "adjusted", "调整后": "adjusted", "全年": "adjusted"}
_PRIOR_CUE = re.compile(r"(?:上年|上年度|上一年度?)(?:决算数?|支出)?(?:为|是)$")
_ACTUAL_CUE = re.compile(r"(?:(?:支出)?(?:决算|执行)数?(?:为|是)?|为|是|达|实现|共计|合计为)$")
_YEAR = re.compile(r"\d{4}年(?:度|末|初|底)?")
_COMPARISON = re.compile(r"(?:与|比|较|同比)(?:上年度?|上一年度?|\d{4}年度?)?(?:相比|同期|比较)?")
_TRAILING_PAREN = re.compile(r"（[^（）]*）$")
_LEADING_QISHONG = re.compile(r"^(?:其中|包括|以及|和|及)")
_COMPARED_YEAR = re.compile(r"(?:与|比|较)(\d{4})年|(?:与|比|较)(上一?年)|同比")
_COMPLETION_DIRECTION = re.compile(
    r"决算数?(大小于|小大于|大于|小于|等于)预算数?|决算数?与预算数?(基本持平|持平)"
)
# Words that name no metric by themselves: the clause before them does ('…项目53个，涉及预算金额X万元').
_GENERIC_SUBJECT = re.compile(r"^(?:共计|合计|总计|累计)?(?:支出|金额)?$|金额$")
# '…财政拨款收入758.25万元，支出715.77万元': the bare side word takes the words of the other side
_SIDE_SWITCH = re.compile(r"^(?P<stem>.+?)(?P<side>收入|支出)(?:万元|元)?(?P<bare>支出|收入)$")
_DECREASE_WORDS = frozenset({"减少", "下降", "降低", "降幅", "减"})
# '预算' inside a label (收入预算总计, 本年支出预算合计, 机关运行经费预算支出) says the figure is a budget; the fund
# names 一般公共预算 / 政府性基金预算 / 国有资本经营预算 keep theirs. '总预算' is '预算总计'.
_BUDGET_INFIX = re.compile(r"(?<!一般公共)(?<!基金)(?<!经营)预算(?!拨款)")
_TOTAL_BUDGET = re.compile(r"总预算")
# 收、支总计 / 收入、支出总计: both sides named together (the catalogue writes 收入支出总计)
_JOINT_SIDES = re.compile(r"收(?:入)?、支(?:出)?")
# Categories whose money figures in a budget document are budgets (counts and performance amounts are not).
_BUDGETED_CATEGORIES = frozenset({"income", "expenditure", "fiscal", "sangong", "other", "procurement"})
# A whole named by its side word alone ('…办事处收入预算X万元，其中：…'): the side's 总计
_SIDE_TOTAL = {"收入": "income_total", "支出": "expenditure_grand_total"}
_OF_WHICH_AFTER = re.compile(r"^(?:万元|元)?[，：]?其中")
# Words that name an amount of their own (教育支出, 单位预留机动经费): a change or % after them is theirs
_OTHER_SUBJECT = re.compile(r"(?:支出|收入|经费|费|资金)$")
# A count of vehicles to be bought (预算安排购置车辆1辆) is no count of the vehicles held
_PURCHASE_COUNT = re.compile(r"购置|购买|新增|更新")

_NAME = r"(?:[^，。；：、\d（）().%\-—－]|（(?!\d*[类款项][）)])[^（）]{1,10}）)"


def _level_mark(word: str) -> str:
    """（类） and its printed variants: a code inside (（204类）, （06款）) and half-width brackets ((类）)."""
    return rf"[（(](?:\d{{2,3}})?{word}[）)]"


_SEP = r"[-—－]?"
_PATH_STRIP = "-—－“”\" "
_PATH_NUMBERING = re.compile(r"^(?:[（(][一二三四五六七八九十\d]{1,3}[）)]|[一二三四五六七八九十]+、)")
_PATH = re.compile(
    rf"[“\"]?{_NAME}+?{_level_mark('类')}(?:{_SEP}{_NAME}*?{_level_mark('款')})?"
    rf"(?:{_SEP}{_NAME}*?{_level_mark('项')})?[”\"]?"
)
# an item that starts at its 款 under a 类 line of the same section (1．检察（款）行政运行（项）支出…万元)
_KUAN_PATH = re.compile(
    rf"{_NAME}+?{_level_mark('款')}(?:{_SEP}{_NAME}*?{_level_mark('项')})?[”\"]?")
# an item that starts at its 项 under the 款 line of the same section (检察（款）：…。 then 1．行政运行（项）支出…万元)
_XIANG_PATH = re.compile(rf"{_NAME}+?{_level_mark('项')}[”\"]?")
_ITEM_NUMBER = re.compile(r"^(?:\d{1,2}[．.、]|[（(]\d{1,2}[）)])")
_PATH_PART = re.compile(
    r"(?P<name>[^（()）]*(?:（[^（）]*）[^（()）]*)*?)[（(](?P<code>\d{2,3})?(?P<level>[类款项])[）)]")
_STRUCTURE_MARK = re.compile(r"(?:主要用于|用于)以下(?:几个)?方面[：，]?")
_LINE_CONTINUATION = re.compile(
    r"(?:(?:19|20)\d{2}年度?(?:当年)?)?(?:年初预算|调整预算|预算数|预算执行数|预算安排|支出决算|决算数|主要用于)")
_LINE_HEAD = re.compile(r"[”\"]?(?:科目)?：?(?:支出决算为?|决算数?为?|支出)?(?=\d)")
# a line's figure named as the year's budget spending (检察（款）：2018年预算支出合计16,444.36万元)
_LINE_BUDGET_CUE = re.compile(r"预算支出(?:合计)?(?:为|是)?$")
# a 款 line at the head of a paragraph of its 类's section, unnumbered (行政事业单位离退休（款）：…), its figures after
_KUAN_HEAD_END = re.compile(r"[：:]|支出|\d")
# a budget's 项 sentence: …2025年当年预算执行数为B万元，2026年预算安排C万元，比2025年预算执行数增加R%（与…持平）
_LINE_YEAR = re.compile(r"((?:19|20)\d{2})年")
_AGAINST_EXECUTION = re.compile(r"执行|决算|实际")
_LEVEL_FLAT = re.compile(r"(?:与|比|较)((?:19|20)\d{2})年度?(?:当年)?(预算执行数|执行数|决算数|预算数?)?持平")


@dataclass
class NarrativeResult:
    facts: list[MetricFact] = field(default_factory=list)
    lines: list[LineItem] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Figure:
    start: int  # in the logical paragraph
    end: int  # end of number + unit
    num_end: int
    number: str
    unit: str | None  # None = no unit written; '' never
    threshold: bool


@dataclass(frozen=True, slots=True)
class _Reading:
    basis: str
    subject: str  # label text left after removing cue, years, comparisons
    direction: str | None
    had_cue: bool
    budget_kind: str | None = None  # initial / adjusted, for budget and completion_pct


def _budget_kind(m: re.Match[str]) -> str | None:
    kind = m.groupdict().get("kind")
    return _BUDGET_KINDS.get(kind) if kind else None


def _qualifier(budget_kind: str | None) -> str:
    return f"/budget:{budget_kind}" if budget_kind else ""


def _figures(text: str, start: int, end: int) -> list[_Figure]:
    out: list[_Figure] = []
    for m in _FIGURE.finditer(text, start, end):
        unit = m.group("unit")
        threshold = bool(unit in ("万元", "元") and _THRESHOLD_AFTER.match(text[m.end():m.end() + 6]))
        out.append(_Figure(m.start(), m.end(), m.end("num"), m.group("num"), unit, threshold))
    return out


def _is_bare_money(text: str, fig: _Figure) -> bool:
    """A figure with no unit that is still an amount: '…决算数为1233.76，' / '支出决算为4.19。'."""
    if fig.unit is not None or "." not in fig.number:
        return False
    before = text[max(0, fig.start - 1):fig.start]
    after = text[fig.num_end:fig.num_end + 1]
    return before == "为" and (after == "" or after in "，。；")


def _normal_unit(unit: str | None) -> str:
    if unit is None:
        return ""
    return "万元" if unit == "万" else unit


def _clean_subject(label: str) -> str:
    s = _JOINT_SIDES.sub("收入支出", _YEAR.sub("", label))
    s = _COMPARISON.sub("", s)
    s = _LEADING_QISHONG.sub("", s)
    while _TRAILING_PAREN.search(s):
        s = _TRAILING_PAREN.sub("", s)
    return s


def _read_label(label: str, unit: str) -> _Reading:
    """Basis and subject words from the text between the previous boundary and a figure."""
    if unit == "%":
        share = _SHARE_CUE.search(label)
        if share:
            return _Reading("share_pct", _clean_subject(label[:share.start()]), None, True)
        m = _YOY_CUE.search(label)
        if m:
            return _Reading("yoy_pct", _clean_subject(label[:m.start()]), m.group(1), True)
        m = _COMPLETION_CUE.search(label)
        if m:
            return _Reading("completion_pct", _clean_subject(label[:m.start()]), None, True, _budget_kind(m))
        return _Reading("", _clean_subject(label), None, False)
    m = _YOY_CUE.search(label)
    if m:
        return _Reading("yoy_change", _clean_subject(label[:m.start()]), m.group(1), True)
    m = _PRIOR_CUE.search(label)
    if m:
        return _Reading("prior_year", _clean_subject(label[:m.start()]), None, True)
    m = _BUDGET_CUE.search(label)
    if m:
        subject = _clean_subject(label[:m.start()])
        subject = subject + "计" if subject.endswith("总") else subject  # 收支总预算 = 收支预算总计
        return _Reading("budget", subject, None, True, _budget_kind(m))
    subject = _clean_subject(label)
    m = _ACTUAL_CUE.search(subject)
    if m:
        return _Reading("actual", subject[:m.start()], None, True)
    return _Reading("actual", subject, None, False)


_TOTAL_WORD = re.compile(r"总计|合计")
_FUND_QUALIFIER = re.compile(r"资金$")


def _fund_qualified_total(subject: str, metric: MetricDef) -> bool:
    """A 总计/合计 named after a fund (其他资金收入总计): the words before the total's name end in …资金."""
    label = normalise_label(_BUDGET_INFIX.sub("", subject))
    for alias in sorted((normalise_label(a) for a in metric.aliases if _TOTAL_WORD.search(a)), key=len, reverse=True):
        pos = label.rfind(alias)
        if pos > 0:
            return bool(_FUND_QUALIFIER.search(label[:pos]))
    return False


def _label_start(text: str, lo: int, fig_start: int) -> int:
    """Start of the words naming a figure: after the last clause mark, not before ``lo``."""
    i = fig_start
    while i > lo and (text[i - 1] not in _CLAUSE_MARKS or _joint_sides_at(text, i - 1)):
        i -= 1
    return i


def _joint_sides_at(text: str, pos: int) -> bool:
    """Whether the 、 at ``pos`` joins the two sides (收、支 / 收入、支出), which name one figure."""
    return text[pos] == "、" and any(m.start() < pos < m.end() for m in _JOINT_SIDES.finditer(text, max(0, pos - 2),
                                                                                             pos + 3))


def _clause_start(text: str, lo: int, fig_start: int) -> int:
    i = fig_start
    while i > lo and text[i - 1] not in _CLAUSE_START_MARKS:
        i -= 1
    return i


def _strip_figures(text: str) -> str:
    return _FIGURE.sub("", text)


def _words_after(text: str, start: int, end: int) -> str:
    """The words after a figure up to the next clause mark or figure ('个项目开展了…' → '项目开展了…')."""
    i = start
    while i < end and text[i] not in _CLAUSE_MARKS and not text[i].isdigit():
        i += 1
    return text[start:i]


def _is_table_text(text: str) -> bool:
    """Table rows read as text (page texts, Tika): figures and names with no clause punctuation at all."""
    if any(mark in text for mark in "，。；：") or re.search(r"[为是达]\d", text):
        return False
    # a cell figure stands alone; '2025年', '1家', '464.64万元' are words of a sentence
    cells = [m for m in _FIGURE.finditer(text)
             if not m.group("unit") and not re.match(r"[\u4e00-\u9fff]", text[m.end():m.end() + 1])]
    return len(cells) >= 2


class _Emitter:
    """Turns positions in a logical paragraph into provenance (page, locator, evidence)."""

    def __init__(self, running: RunningText, lp: LogicalParagraph) -> None:
        self.running = running
        self.lp = lp

    def locate(self, start: int, end: int, qualifier: str = "") -> tuple[int | None, str, str]:
        """Page, locator (block index, offsets in that block's stored text, ``qualifier``) and the raw figure.

        ``start:end`` is a span of the logical paragraph; the raw text is read from the source blocks, so a
        number cut by a line wrap is whole in ``raw`` while ``chars:`` stays inside the first block.
        """
        para_index, offset = self.lp.origins[start]
        last_para, last_offset = self.lp.origins[end - 1]
        source = self.running.sources[para_index]
        if last_para == para_index:
            span_end = last_offset + 1
            raw = source[offset:span_end]
        else:
            span_end = len(source)
            raw = "".join(self.running.sources[p][o] for p, o in self.lp.origins[start:end])
        section = f"section:{self.lp.section}/" if self.lp.section else ""
        locator = f"{section}para:{para_index}/chars:{offset}-{span_end}{qualifier}"
        return self.running.pages.get(para_index), locator, raw


def _amount(number: str, raw: str, negative: bool) -> Amount | None:
    parsed = parse_amount(number)
    if parsed is None:
        return None
    value = -parsed.value if negative and parsed.value != 0 else parsed.value
    return Amount(value=value, decimals=parsed.decimals, raw=raw.strip() or number)


def _compared_year(prefix: str, fiscal_year: int | None) -> int | None:
    found = list(_COMPARED_YEAR.finditer(prefix))
    if not found:
        return None
    m = found[-1]
    if m.group(1):
        return int(m.group(1))
    return fiscal_year - 1 if fiscal_year is not None else None


@dataclass(frozen=True, slots=True)
class _Sentence:
    start: int
    end: int


def _sentences(text: str, start: int, end: int) -> list[_Sentence]:
    out: list[_Sentence] = []
    s = start
    for m in _SENTENCE_END.finditer(text, start, end):
        out.append(_Sentence(s, m.end()))
        s = m.end()
    if s < end:
        out.append(_Sentence(s, end))
    return out


def parts_agree(whole: Amount, parts: list[Amount]) -> bool:
    """Whether figures stated as parts of ``whole`` (其中 …) are consistent with it: they sum to it within
    the displayed rounding, or a single part is not larger than it."""
    if not parts:
        return False
    if len(parts) == 1:
        return parts[0].value <= whole.value + whole.half_ulp + parts[0].half_ulp
    return sums_to(whole, parts)


def _scope_prefix(head_subject: str) -> str:
    """Words that qualify a whole ('财政拨款' of '学校财政拨款支出总计'): its subject before the side word."""
    cut = min((i for i in (head_subject.find("支出"), head_subject.find("收入")) if i >= 0), default=-1)
    return head_subject[:cut] if cut > 0 else ""


def _scoped(catalog: MetricCatalog, prefix: str, subject: str, unit: str, metric: MetricDef) -> MetricDef:
    """The metric a part of a whole names in the whole's scope ('其中基本支出' of '财政拨款支出…' →
    财政拨款基本支出), when the catalogue has it; the part's own metric otherwise."""
    if not prefix:
        return metric
    scoped = catalog.match(prefix + subject, unit)
    if scoped is None or scoped.key == metric.key or catalog.match(prefix, unit) is scoped:
        return metric
    return scoped


@dataclass
class _Whole:
    """The first named figure of a sentence, for the parts that follow its 其中."""

    fact_index: int
    subject: str
    basis: str
    amount: Amount
    blocked: bool = False  # a whole the catalogue cannot hold (a purchase plan): its parts are skipped too
    parts: list[tuple[int, str]] = field(default_factory=list)  # (fact index, unscoped metric key)


def _extract_metrics(
    emitter: _Emitter, start: int, end: int, catalog: MetricCatalog, fiscal_year: int | None,
    previous_head: MetricDef | None, budget_document: bool = False,
) -> tuple[list[MetricFact], MetricDef | None]:
    text = emitter.lp.text
    facts: list[MetricFact] = []
    sentences = _sentences(text, start, end)
    for k, sent in enumerate(sentences):
        following = sentences[k + 1] if k + 1 < len(sentences) else None
        context = text[sent.start:following.end if following else sent.end]
        evidence = text[sent.start:sent.end]
        has_reason = "原因" in context
        subject: MetricDef | None = None
        head: MetricDef | None = None
        orphan = False  # the last named figure names nothing the catalogue knows: its % are not ours
        whole: _Whole | None = None
        whole_end = sent.start
        boundary = sent.start
        for fig in _figures(text, sent.start, sent.end):
            if fig.unit is None and not _is_bare_money(text, fig):
                continue  # a year, a date, an item number: part of the words, not a boundary
            lo = boundary
            boundary = fig.end
            if fig.threshold:
                continue
            unit = _normal_unit(fig.unit)
            label = text[_label_start(text, lo, fig.start):fig.start]
            reading = _read_label(label, unit)
            if not reading.basis:
                continue
            basis = reading.basis
            derived = basis in ("share_pct", "yoy_pct", "completion_pct")
            in_part = whole is not None and "其中" in text[whole_end:fig.start]
            if in_part and whole is not None and whole.blocked:
                continue
            metric = catalog.match(reading.subject, None if derived else unit) if reading.subject else None
            if metric is None and reading.subject and not derived:
                # 收入预算总计 / 本年支出预算合计 / 机关运行经费预算支出: the word 预算 makes it a budget figure
                plain = _BUDGET_INFIX.sub("", _TOTAL_BUDGET.sub("总计", reading.subject))
                if plain != reading.subject:
                    metric = catalog.match(plain, unit) if plain else None
                    if metric is not None and basis == "actual":
                        basis = "budget"
            if metric is None and reading.had_cue and not derived:
                # the cue is part of the name: '项目全年预算数390.60万元', '执行数为102.49万元'
                metric = catalog.match(_clean_subject(label), unit)
            if metric is not None and not derived and _fund_qualified_total(reading.subject, metric):
                metric = None  # '其他资金收入预算总计14.39万元': the total of one fund's money, not the whole's
            if metric is None and not derived and unit not in MONEY_UNITS:
                # a count before its noun: '对3个项目开展了绩效目标管理' / '团组0次'
                metric = catalog.match(_words_after(text, fig.end, sent.end), unit)
            if (
                metric is None and not derived and unit in MONEY_UNITS and basis in ("actual", "budget")
                and reading.subject[-2:] in _SIDE_TOTAL and _OF_WHICH_AFTER.match(text[fig.num_end:fig.num_end + 6])
            ):
                metric = catalog.get(_SIDE_TOTAL[reading.subject[-2:]])
            if metric is not None and unit not in MONEY_UNITS and _PURCHASE_COUNT.search(
                    label + _words_after(text, fig.end, sent.end)):
                # '预算安排购置车辆1辆，其中：…' plans a purchase; neither it nor its parts count what is held
                if whole is None:
                    whole = _Whole(-1, reading.subject, basis, Amount(Decimal(0), 0, ""), blocked=True)
                    whole_end = fig.end
                orphan = True
                continue
            explicit = metric is not None
            bare_cue = reading.had_cue and not reading.subject
            if metric is None and (derived or basis == "yoy_change" or bare_cue):
                if orphan and not reading.subject:
                    continue
                if _OTHER_SUBJECT.search(_BUDGET_INFIX.sub("", reading.subject)):
                    continue  # '其中：教育支出增加X万元' is the change of something the catalogue does not hold
                if subject is None:  # '主要原因：项目支出增加，较上年增加X万元' names it without a figure
                    clause_start = _clause_start(text, sent.start, fig.start)
                    named = _strip_figures(text[clause_start:fig.start - len(label)])
                    metric = catalog.match(_clean_subject(named.replace("，", "")), None if derived else unit)
                metric = metric or subject or previous_head
                if metric is not None and not derived and not unit_compatible(metric.unit, unit):
                    metric = None
            if metric is None and basis == "actual" and _GENERIC_SUBJECT.search(reading.subject):
                clause = text[_clause_start(text, sent.start, fig.start):fig.start]
                wide = _strip_figures(_clean_subject(clause)).replace("，", "")
                switch = _SIDE_SWITCH.match(wide)
                if switch and switch.group("side") != switch.group("bare"):
                    metric = catalog.match(switch.group("stem") + switch.group("bare"), unit)
                metric = metric or catalog.match(wide, unit)
                explicit = metric is not None
            if metric is None:
                if reading.subject and not derived and unit in MONEY_UNITS:
                    orphan = True
                continue
            unscoped = metric
            if explicit and in_part and whole is not None and not derived:
                metric = _scoped(catalog, _scope_prefix(whole.subject), reading.subject, unit, metric)
            if explicit:
                orphan = False
                subject = metric
                head = head or metric
            budgeted = metric.category in _BUDGETED_CATEGORIES
            if budget_document and basis == "actual" and unit in MONEY_UNITS and budgeted:
                basis = "budget"  # a budget document's amounts are what it plans
            if basis == "completion_pct":
                found = _COMPLETION_DIRECTION.search(context)
                direction = (found.group(1) or found.group(2)) if found else None
            else:
                direction = reading.direction
            negative = reading.direction in _DECREASE_WORDS
            page, locator, raw = emitter.locate(fig.start, fig.num_end, _qualifier(reading.budget_kind))
            amount = _amount(fig.number, raw, negative)
            if amount is None:
                continue
            yoy = basis in ("yoy_change", "yoy_pct")
            compared = _compared_year(text[sent.start:fig.start], fiscal_year) if yoy else None
            if whole is None and explicit and not derived and basis in ("actual", "budget"):
                whole = _Whole(len(facts), reading.subject, basis, amount)
                whole_end = fig.end
            elif whole is not None and in_part and not derived and metric is not unscoped:
                whole.parts.append((len(facts), unscoped.key))
            elif whole is not None and in_part and derived and whole.parts and (
                    facts[whole.parts[-1][0]].metric == metric.key):
                whole.parts.append((len(facts), whole.parts[-1][1]))  # its share goes with it
            facts.append(
                MetricFact(
                    metric=metric.key, basis=basis, amount=amount,
                    unit=unit if unit or metric.unit not in MONEY_UNITS else "",
                    source_kind="narrative", page=page, locator=locator, evidence=evidence,
                    direction=direction,
                    claim=NarrativeClaim(
                        has_reason=has_reason,
                        compared_year=compared,
                    ),
                )
            )
        if whole is not None and whole.parts:
            _confirm_scope(facts, whole)
        if head is not None:
            previous_head = head
    return facts, previous_head


def _confirm_scope(facts: list[MetricFact], whole: _Whole) -> None:
    """Keep the scoped reading of a whole's parts only when the sentence's own arithmetic agrees."""
    amounts = [facts[i].amount for i, _ in whole.parts if facts[i].basis == whole.basis]
    if parts_agree(whole.amount, amounts):
        return
    for i, key in whole.parts:
        facts[i] = replace(facts[i], metric=key)


def _line_measure(label: str, unit: str) -> tuple[str | None, str | None]:
    """Measure of a function-line figure from the words before it, and which budget (initial/adjusted)."""
    if unit == "%":
        if _SHARE_CUE.search(label):
            return "share_pct", None
        m = _COMPLETION_CUE.search(label)
        if m:
            return "completion_pct", _budget_kind(m)
        return ("yoy_pct" if _YOY_CUE.search(label) else None), None
    if _YOY_CUE.search(label):
        return "yoy_change", None
    m = _BUDGET_CUE.search(label)
    if m:
        return "budget", _budget_kind(m)
    if _LINE_BUDGET_CUE.search(label):
        return "budget", None
    if _ACTUAL_CUE.search(label):
        return "total", None
    return None, None


def _level(path: str) -> str:
    return "项" if re.search(r"项[）)]", path) else "款" if re.search(r"款[）)]", path) else "类"


@dataclass(frozen=True, slots=True)
class _LinePath:
    """A 类/款/项 path as printed, its canonical name (X（类）Y（款）Z（项）) and the code it prints, if any."""

    name: str
    level: str
    code: str | None


def _line_path(printed: str) -> _LinePath:
    """'公共安全支出（204类）司法（06款）行政运行（01项）' → 公共安全支出（类）司法（款）行政运行（项）, code 2040601;
    '“一般公共服务支出(类）-统计信息事务（款）-统计管理（项）”' → its canonical name, no code."""
    parts = list(_PATH_PART.finditer(printed.strip("“”\"")))
    if not parts:
        return _LinePath(printed, _level(printed), None)
    name = _PATH_NUMBERING.sub("", "".join(m.group("name").strip(_PATH_STRIP) + f"（{m.group('level')}）"
                                         for m in parts))
    codes = [m.group("code") for m in parts]
    lengths = {"类": 3, "款": 2, "项": 2}
    code = None
    if all(codes) and all(len(c) == lengths[m.group("level")] for c, m in zip(codes, parts, strict=True)) and [
            m.group("level") for m in parts] == ["类", "款", "项"][:len(parts)]:
        code = "".join(c for c in codes if c)
    return _LinePath(name, parts[-1].group("level"), code)


def _make_line(emitter: _Emitter, name: str, level: str, measure: str, fig: _Figure, evidence: str,
               negative: bool = False, budget_kind: str | None = None, code: str | None = None,
               qualifier: str = "") -> LineItem | None:
    page, locator, raw = emitter.locate(fig.start, fig.num_end, _qualifier(budget_kind) + qualifier)
    amount = _amount(fig.number, raw, negative)
    if amount is None:
        return None
    return LineItem(
        classification="function", code=code, level=level, name_reported=name, measure=measure,
        amount=amount, source_kind="narrative", page=page, locator=locator, evidence=evidence,
    )


def _budget_line_measure(measure: str, label: str, fiscal_year: int | None) -> tuple[str, str]:
    """In a budget: the measure of a 项 sentence's figure and its locator qualifier. A budget or amount of
    another year is last year's (2025年度预算 → prior_year_budget, 2025年当年预算执行数 → prior_year); a change
    says what it is against (/vs:execution, /vs:budget)."""
    years = [int(y) for y in _LINE_YEAR.findall(label)]
    other_year = bool(years) and fiscal_year is not None and years[-1] != fiscal_year
    if measure in ("yoy_pct", "yoy_change"):
        return measure, "/vs:execution" if _AGAINST_EXECUTION.search(label) else "/vs:budget"
    if measure == "budget":
        return ("prior_year_budget" if other_year else "budget"), ""
    if measure == "total":
        return ("prior_year" if other_year or _AGAINST_EXECUTION.search(label) else "budget"), ""
    return measure, ""


def _flat_lines(emitter: _Emitter, path: _LinePath, start: int, end: int) -> list[LineItem]:
    """与2025年预算持平 / 与2025年预算执行数持平: a change of zero (yoy_pct 0, its chars span the word 持平)."""
    text = emitter.lp.text
    out = []
    for m in _LEVEL_FLAT.finditer(text, start, end):
        flat = m.end() - 2
        page, locator, _ = emitter.locate(flat, flat + 2, "/vs:execution" if m.group(2) and _AGAINST_EXECUTION.search(
            m.group(2)) else "/vs:budget")
        out.append(LineItem(
            classification="function", code=path.code, level=path.level, name_reported=path.name,
            measure="yoy_pct", amount=Amount(Decimal(0), 2, "持平"), source_kind="narrative", page=page,
            locator=locator, evidence=_sentence_of(text, flat, 0, len(text)),
        ))
    return out


def _sentence_of(text: str, pos: int, lo: int, hi: int) -> str:
    s = pos
    while s > lo and text[s - 1] not in "。！？":
        s -= 1
    m = _SENTENCE_END.search(text, pos, hi)
    return text[s:m.end() if m else hi]


def _line_figures(emitter: _Emitter, printed: str, start: int, end: int, head_allowed: bool,
                  budget_year: int | None = None, budget_document: bool = False) -> list[LineItem]:
    """Figures of one function line in ``text[start:end]`` (the words after its 类/款/项 path). In a budget
    document (``budget_document``, its year ``budget_year``) the figures are budgets, last year's budgets or
    executions, and changes against one of them (``_budget_line_measure``)."""
    text = emitter.lp.text
    path = _line_path(printed)
    level = path.level
    lines: list[LineItem] = _flat_lines(emitter, path, start, end) if budget_document else []
    head = _LINE_HEAD.match(text, start, end) if head_allowed else None
    boundary = start
    first = True
    for fig in _figures(text, start, end):
        if fig.unit is None and not _is_bare_money(text, fig):
            continue
        lo = boundary
        boundary = fig.end
        is_first, first = first, False
        if fig.threshold:
            continue
        unit = _normal_unit(fig.unit)
        if unit not in MONEY_UNITS and unit != "%":
            continue
        negative = False
        budget_kind: str | None = None
        qualifier = ""
        label = text[_label_start(text, lo, fig.start):fig.start]
        if is_first and head is not None and head.end() == fig.start and unit != "%":
            measure: str | None = "budget" if budget_document else "total"
        else:
            measure, budget_kind = _line_measure(label, unit)
            yoy = _YOY_CUE.search(label)
            negative = bool(yoy and yoy.group(1) in _DECREASE_WORDS)
            if measure is not None and budget_document:
                measure, qualifier = _budget_line_measure(measure, label, budget_year)
        if measure is None:
            continue
        evidence = _sentence_of(text, fig.start, 0, len(text))
        line = _make_line(emitter, path.name, level, measure, fig, evidence, negative, budget_kind, path.code,
                          qualifier)
        if line is not None:
            lines.append(line)
    return lines


def _extract_path_line(emitter: _Emitter, start: int, end: int, budget_year: int | None = None,
                       budget_document: bool = False, head: str = "") -> tuple[str | None, list[LineItem]]:
    """One function line: the 类/款/项 path at ``start``, its figures up to ``end``; with ``head`` (the printed
    path of the section's 类 line, or of its 类 and 款 lines) a path that starts at its 款, or at its 项."""
    pattern = _XIANG_PATH if head.endswith("款）") else _KUAN_PATH if head else _PATH
    m = pattern.match(emitter.lp.text, start, end)
    if m is None:
        return None, []
    printed = f"{head}{m.group(0)}"
    return printed, _line_figures(emitter, printed, m.end(), end, True, budget_year, budget_document)


def _class_of(printed: str) -> str:
    """The 类 name of a printed path ('' when it names none)."""
    name = _line_path(printed).name
    return name.split("（类）")[0] if "（类）" in name else ""


def _extract_structure(emitter: _Emitter, start: int, end: int) -> list[LineItem]:
    """类 items of '主要用于以下方面：A（类）X万元，占Y%；B支出Z万元，占W%；…'."""
    text = emitter.lp.text
    lines: list[LineItem] = []
    item_start = start
    while item_start < end:
        semi = text.find("；", item_start, end)
        stop = end if semi < 0 else semi
        stop_sentence = _SENTENCE_END.search(text, item_start, stop)
        if stop_sentence is not None:
            stop = stop_sentence.start()
        figures = [f for f in _figures(text, item_start, stop) if not f.threshold]
        if figures and figures[0].unit in ("万元", "万", "元"):
            first = figures[0]
            name = text[item_start:first.start]
            cut = name.find("（类）")
            name = name[:cut + 3] if cut >= 0 else name
            name = name.strip("，、：")
            if name and not re.search(r"\d", name):
                evidence = text[item_start:stop + 1 if stop < len(text) else stop]
                line = _make_line(emitter, name, "类", "total", first, evidence)
                if line is not None:
                    lines.append(line)
                for fig in figures[1:]:
                    label = text[first.end:fig.start]
                    if "占" in label and fig.unit in ("%", None):
                        share = _make_line(emitter, name, "类", "share_pct", fig, evidence)
                        if share is not None:
                            lines.append(share)
                        break
        if stop_sentence is not None or semi < 0:
            break
        item_start = semi + 1
    return lines


def _path_starts(text: str, start: int, end: int) -> list[int]:
    return [m.start() for m in _PATH.finditer(text, start, end)]


def extract_narrative(
    doc: Document, catalog: MetricCatalog, fiscal_year: int | None, doc_type: str | None = None,
) -> NarrativeResult:
    """All narrative facts and function lines of a document (glossary text excluded).

    In a budget document (``doc_type == 'budget'``) a money figure of an income, expenditure, 财政拨款, 三公,
    机关运行经费 or 政府采购 metric without a cue of its own is a ``budget`` figure."""
    budget_document = doc_type == "budget"
    running = build_running_text(doc)
    result = NarrativeResult()
    open_line: tuple[str, str] | None = None  # (section, path) of a function line that may go on
    section_class: tuple[str, str] | None = None  # (section, 类 name) of the last class line
    section_kuan: tuple[str, str] | None = None  # (section, printed 类/款 path) of the last 款 line heading a paragraph
    for lp in running.paragraphs:
        emitter = _Emitter(running, lp)
        text = lp.text
        if _is_table_text(text):
            open_line = None
            continue
        structure = _STRUCTURE_MARK.search(text)
        starts = [] if structure else _path_starts(text, 0, len(text))
        head = ""
        if not structure and not starts and section_class is not None and section_class[0] == lp.section:
            number = _ITEM_NUMBER.match(text)
            if number and _KUAN_PATH.match(text, number.end()):
                starts, head = [number.end()], f"{section_class[1]}（类）"
            elif (kuan := _KUAN_PATH.match(text)) and _KUAN_HEAD_END.match(text, kuan.end()):
                starts, head = [0], f"{section_class[1]}（类）"
            elif (number and section_kuan is not None and section_kuan[0] == lp.section
                  and _XIANG_PATH.match(text, number.end())):
                starts, head = [number.end()], section_kuan[1]
        if (
            open_line is not None and not structure and not starts and open_line[0] == lp.section
            and not _ITEM_START.match(text) and _LINE_CONTINUATION.match(text)
        ):
            # Shanghai items break after '…（项）39.99万元。主要用于：…。' and go on '年初预算为…'
            result.lines.extend(_line_figures(emitter, open_line[1], 0, len(text), False, fiscal_year,
                                              budget_document))
            continue
        open_line = None
        metric_end = structure.start() if structure else (starts[0] if starts else len(text))
        facts, _ = _extract_metrics(emitter, 0, metric_end, catalog, fiscal_year, None, budget_document)
        result.facts.extend(facts)
        if structure:
            result.lines.extend(_extract_structure(emitter, structure.end(), len(text)))
            continue
        for i, s in enumerate(starts):
            stop = starts[i + 1] if i + 1 < len(starts) else len(text)
            path, lines = _extract_path_line(emitter, s, stop, fiscal_year, budget_document, head)
            result.lines.extend(lines)
            if path is not None:
                open_line = (lp.section, path)
                if _class_of(path):
                    section_class = (lp.section, _class_of(path))
                # a 款 line heading its paragraph is the 款 of the numbered 项 lines that follow it; a 类 line ends it
                if _level(path) == "类" or (i == 0 and _level(path) == "款"):
                    section_kuan = (lp.section, path) if _level(path) == "款" else None
    return result
