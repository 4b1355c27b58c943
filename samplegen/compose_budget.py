"""A 部门预算 or 单位预算 of the sample county in the Shanghai budget layout (DocModel).

Cover (预算主管部门 / 预算单位), 目录, 主要职能, 机构设置, 名词解释, 预算编制说明, the nine budget tables
(财务收支预算总表 … “三公”经费和机关运行经费预算表), 其他相关情况说明 and, in a 部门预算, 项目经费情况说明. All
sentences are written for this generator. Tables are printed in 元 (as the Shanghai templates do) or in 万元;
narrative figures are 万元, computed from the displayed values as a reader re-checking them would.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from samplegen.budget_figures import BudgetFigures, BudgetLine
from samplegen.catalog import CLASS_ROWS, ECONOMIC_NAMES, name_for
from samplegen.compose_narrative import Builder, money_num, pct_text
from samplegen.compose_tables import CN_NUM
from samplegen.county import COUNTY, Department
from samplegen.docmodel import Block, Cell, DocModel, DocTable, Num, Para
from samplegen.figures import YearFigures, money
from samplegen.standard_tables import numbered_titles

HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class BudgetStyle:
    yuan: bool  # tables in 元 (else 万元)
    commas: bool  # thousands separators in the summary tables


@dataclass(frozen=True, slots=True)
class Level:
    """Words that change with the level of the document."""

    unit: bool

    @property
    def kind(self) -> str:
        return "单位预算" if self.unit else "部门预算"

    @property
    def self_word(self) -> str:
        return "本单位" if self.unit else "本部门"

    @property
    def table_prefix(self) -> str:
        return "预算单位" if self.unit else "部门"

    @property
    def head(self) -> str:
        return "单位" if self.unit else "部门"


# the tables of a 预算 in template order (1…9), titles from the seed standard_table.csv
TABLES: tuple[tuple[str, str], ...] = numbered_titles("budget")


def budget_title(name: str, year: int, unit: bool) -> str:
    return f"{name}{year}年{'单位' if unit else '部门'}预算"


def table_title(key: str, year: int, level: Level) -> str:
    title = dict(TABLES)[key]
    if key == "budget_sangong":
        return f"{year}年{level.head}{title}"
    return f"{year}年{level.table_prefix}{title}"


def _amount(yuan: int, style: BudgetStyle, commas: bool = False) -> str:
    value = Decimal(yuan).quantize(Decimal("0.01")) if style.yuan else money(yuan)
    return format(value, ",.2f") if commas else format(value, ".2f")


def _cell(yuan: int, style: BudgetStyle, measure: str, label: str, code: str | None, column: str,
          commas: bool = False, metric: str | None = None) -> Cell:
    return Cell(_amount(yuan, style, commas), measure=measure, row_label=label, code=code, column=column,
                metric=metric)


def _unit_line(owner: str, level: Level, style: BudgetStyle) -> str:
    return f"编制{level.head}：{owner}  单位：{'元' if style.yuan else '万元'}"


def _coded_rows(values: dict[str, dict[str, int]], measures: list[tuple[str, str]], style: BudgetStyle,
                year: int) -> list[list[Cell]]:
    """类 / 款 / 项 rows with the code split over three columns, then 合计 (``values``: 项 code -> measure)."""
    agg: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    total: dict[str, int] = defaultdict(int)
    for code, vals in values.items():
        for m, v in vals.items():
            total[m] += v
            for key in (code[:3], code[:5], code):
                agg[key][m] += v
    rows = []
    for code in sorted(agg):
        name = name_for(code, year)
        head = [Cell(code[:3]), Cell(code[3:5]), Cell(code[5:7]), Cell(name)]
        rows.append(head + [_cell(agg[code].get(m, 0), style, m, name, code, col) for m, col in measures])
    rows.append([Cell("合计"), Cell(""), Cell(""), Cell("")]
                + [_cell(total.get(m, 0), style, m, "合计", None, col) for m, col in measures])
    return rows


def _function_header(group: str, columns: list[str]) -> list[list[str]]:
    return [
        ["项目", "", "", "", group, *[""] * (len(columns) - 1)],
        ["功能分类科目编码", "", "", "功能分类科目名称", *columns],
        ["类", "款", "项", "", *[""] * len(columns)],
    ]


def _classes(bf: BudgetFigures, value) -> list[tuple[str, int]]:
    by_class: dict[str, int] = defaultdict(int)
    for ln in bf.lines:
        by_class[ln.code[:3]] += value(ln)
    return [(code, by_class[code]) for code, _ in CLASS_ROWS if by_class.get(code)]


def summary_table(bf: BudgetFigures, style: BudgetStyle, level: Level) -> DocTable:
    left = [
        ("一、财政拨款收入", bf.fiscal_total, "income_fiscal_appropriation"),
        ("1、一般公共预算", bf.gb_total, None),
        ("2、政府性基金预算", bf.gf_total, None),
        ("3、国有资本经营预算", 0, None),
        ("二、事业收入", bf.nonfiscal_total if bf.business_income else 0, None),
        ("三、事业单位经营收入", 0, None),
        ("四、其他收入", 0 if bf.business_income else bf.nonfiscal_total, None),
    ]
    right = [(f"{CN_NUM[i]}、{name_for(code, bf.year)}", v, code)
             for i, (code, v) in enumerate(_classes(bf, lambda ln: ln.total))]
    rows: list[list[Cell]] = []
    for i in range(max(len(left), len(right))):
        row = [Cell(""), Cell("")]
        if i < len(left):
            lab, v, metric = left[i]
            row = [Cell(lab), _cell(v, style, "income", lab, None, "预算数", style.commas, metric)]
        if i < len(right):
            lab, v, code = right[i]
            row += [Cell(lab), _cell(v, style, "expenditure", lab, code, "预算数", style.commas)]
        else:
            row += [Cell(""), Cell("")]
        rows.append(row)
    rows.append([Cell("收入总计"), _cell(bf.total, style, "income", "收入总计", None, "预算数", style.commas),
                 Cell("支出总计"), _cell(bf.total, style, "expenditure", "支出总计", None, "预算数", style.commas)])
    return DocTable("budget_income_expenditure_summary",
                    table_title("budget_income_expenditure_summary", bf.year, level),
                    [["本年收入", "", "本年支出", ""], ["项目", "预算数", "项目", "预算数"]], rows, unit="")


def income_table(bf: BudgetFigures, style: BudgetStyle, level: Level) -> DocTable:
    measures = [("total", "合计"), ("fiscal_appropriation", "财政拨款收入"), ("business", "事业收入"),
                ("operating", "事业单位经营收入"), ("other", "其他收入")]
    values = {}
    for ln in bf.lines:
        nf = ln.nonfiscal
        values[ln.code] = {"total": ln.total, "fiscal_appropriation": ln.fiscal,
                           "business": nf if bf.business_income else 0, "operating": 0,
                           "other": 0 if bf.business_income else nf}
    return DocTable("budget_income", table_title("budget_income", bf.year, level),
                    _function_header("收入预算", [c for _, c in measures]),
                    _coded_rows(values, measures, style, bf.year), unit="")


_SPENDING = [("total", "合计"), ("basic", "基本支出"), ("project", "项目支出")]


def _spending_table(key: str, group: str, bf: BudgetFigures, style: BudgetStyle, level: Level,
                    pick) -> DocTable:
    values = {ln.code: dict(zip(("total", "basic", "project"), pick(ln), strict=True))
              for ln in bf.lines if pick(ln)[0]}
    empty_note = ""
    rows = _coded_rows(values, _SPENDING, style, bf.year) if values else [
        [Cell("合计"), Cell(""), Cell(""), Cell("")] + [Cell("") for _ in _SPENDING]]
    if not values:
        fund = "政府性基金预算" if key == "budget_govfund" else "国有资本经营预算"
        empty_note = f"注：{level.self_word}{bf.year}年没有{fund}财政拨款安排的预算，本表为空表。"
    return DocTable(key, table_title(key, bf.year, level), _function_header(group, [c for _, c in _SPENDING]),
                    rows, unit="", note=empty_note)


def expenditure_table(bf: BudgetFigures, style: BudgetStyle, level: Level) -> DocTable:
    return _spending_table("budget_expenditure", "支出预算", bf, style, level,
                           lambda ln: (ln.total, ln.basic, ln.project))


def general_table(bf: BudgetFigures, style: BudgetStyle, level: Level) -> DocTable:
    return _spending_table("budget_general_expenditure", "一般公共预算支出", bf, style, level,
                           lambda ln: (ln.gb_total, ln.gb_basic, ln.gb_project))


def govfund_table(bf: BudgetFigures, style: BudgetStyle, level: Level) -> DocTable:
    return _spending_table("budget_govfund", "政府性基金预算支出", bf, style, level,
                           lambda ln: (ln.gf_project, 0, ln.gf_project))


def soe_table(bf: BudgetFigures, style: BudgetStyle, level: Level) -> DocTable:
    return _spending_table("budget_soe_capital", "国有资本经营预算支出", bf, style, level, lambda ln: (0, 0, 0))


def fiscal_summary_table(bf: BudgetFigures, style: BudgetStyle, level: Level) -> DocTable:
    left = [("一、一般公共预算", bf.gb_total), ("二、政府性基金预算", bf.gf_total), ("三、国有资本经营预算", 0)]
    gb = dict(_classes(bf, lambda ln: ln.gb_total))
    gf = dict(_classes(bf, lambda ln: ln.gf_project))
    classes = [code for code, _ in CLASS_ROWS if gb.get(code) or gf.get(code)]
    rows: list[list[Cell]] = []

    def right(lab: str, g: int, f: int, code: str | None) -> list[Cell]:
        return [Cell(lab), _cell(g + f, style, "expenditure_total", lab, code, "合计", style.commas),
                _cell(g, style, "expenditure_general_budget", lab, code, "一般公共预算", style.commas),
                _cell(f, style, "expenditure_govfund", lab, code, "政府性基金预算", style.commas),
                _cell(0, style, "expenditure_soe_capital", lab, code, "国有资本经营预算", style.commas)]

    for i in range(max(len(left), len(classes))):
        row = [Cell(""), Cell("")]
        if i < len(left):
            lab, v = left[i]
            row = [Cell(lab), _cell(v, style, "income", lab, None, "预算数", style.commas)]
        if i < len(classes):
            code = classes[i]
            row += right(f"{CN_NUM[i]}、{name_for(code, bf.year)}", gb.get(code, 0), gf.get(code, 0), code)
        else:
            row += [Cell("")] * 5
        rows.append(row)
    rows.append([Cell("收入总计"), _cell(bf.fiscal_total, style, "income", "收入总计", None, "预算数", style.commas),
                 *right("支出总计", bf.gb_total, bf.gf_total, None)])
    return DocTable("budget_fiscal_summary", table_title("budget_fiscal_summary", bf.year, level),
                    [["财政拨款收入", "", "财政拨款支出", "", "", "", ""],
                     ["项目", "预算数", "项目", "合计", "一般公共预算", "政府性基金预算", "国有资本经营预算"]],
                    rows, unit="")


def economic_table(bf: BudgetFigures, style: BudgetStyle, level: Level) -> DocTable:
    measures = [("total", "合计"), ("personnel", "人员经费"), ("public", "公用经费")]
    by_class: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    rows: list[list[Cell]] = []
    for code, v in bf.economic.items():
        kind = "personnel" if code[:3] in ("301", "303") else "public"
        for key in (code[:3], code):
            by_class[key]["total"] += v
            by_class[key][kind] += v
    for code in sorted(by_class):
        name = ECONOMIC_NAMES[code]
        rows.append([Cell(code[:3]), Cell(code[3:5]), Cell(name)]
                    + [_cell(by_class[code].get(m, 0), style, m, name, code, col) for m, col in measures])
    totals = {"total": bf.personnel + bf.public, "personnel": bf.personnel, "public": bf.public}
    rows.append([Cell("合计"), Cell(""), Cell("")]
                + [_cell(totals[m], style, m, "合计", None, col) for m, col in measures])
    return DocTable("budget_general_basic", table_title("budget_general_basic", bf.year, level),
                    [["项目", "", "", "一般公共预算基本支出", "", ""],
                     ["部门预算经济分类科目编码", "", "经济分类科目名称", "合计", "人员经费", "公用经费"],
                     ["类", "款", "", "", "", ""]], rows, unit="")


def sangong_table(bf: BudgetFigures, level: Level) -> DocTable:
    sg = bf.sangong
    items = [("合计", sg.total, "sangong_total"), ("因公出国(境)费", sg.overseas, "sangong_overseas"),
             ("公务接待费", sg.reception, "sangong_reception"),
             ("公务用车购置及运行费", sg.vehicle, "sangong_vehicle"),
             ("购置费", sg.vehicle_purchase, "sangong_vehicle_purchase"),
             ("运行费", sg.vehicle_operation, "sangong_vehicle_operation"),
             ("机关运行经费", bf.admin_operating_cost, "admin_operating_cost")]
    row = [Cell(format(money(v), ".2f"), "budget", lab, None, lab, m) for lab, v, m in items]
    return DocTable("budget_sangong", table_title("budget_sangong", bf.year, level),
                    [["“三公”经费预算数", "", "", "", "", "", "机关运行经费预算数"],
                     ["合计", "因公出国(境)费", "公务接待费", "公务用车购置及运行费", "", "", ""],
                     ["", "", "", "小计", "购置费", "运行费", ""]], [row], unit="")


def budget_tables(bf: BudgetFigures, style: BudgetStyle, level: Level, owner: str) -> list[DocTable]:
    tables = [summary_table(bf, style, level), income_table(bf, style, level), expenditure_table(bf, style, level),
              fiscal_summary_table(bf, style, level), general_table(bf, style, level),
              govfund_table(bf, style, level), soe_table(bf, style, level), economic_table(bf, style, level),
              sangong_table(bf, level)]
    for t in tables:
        t.unit = _unit_line(owner, level, BudgetStyle(style.yuan and t.key != "budget_sangong", style.commas))
    return tables


def _change(cur: int, prev: int, metric: str, prev_year: int) -> list[str | Num]:
    """'比{Y-1}年预算增加X万元' on the displayed 万元 values (或 '与…持平')."""
    change = money(cur) - money(prev)
    if change == 0:
        return [f"与{prev_year}年预算持平"]
    word = "增加" if change > 0 else "减少"
    return [f"比{prev_year}年预算{word}",
            Num(format(abs(change), ".2f"), metric, "yoy_change", "万元", direction=word, compared_year=prev_year),
            "万元"]


_USES = ("保障机构日常运转", "开展业务工作", "落实年度重点任务", "支付单位缴费")


def _line_paragraph(k: int, ln: BudgetLine, prev_actual: int, year: int, b: Builder) -> None:
    c3, c5, c7 = ln.code[:3], ln.code[:5], ln.code
    subject = (f"{name_for(c3, year)}（{c3}类）{name_for(c5, year)}（{c5[3:]}款）"
               f"{name_for(c7, year)}（{c7[5:]}项）")
    segs: list[str | Num] = [f"{k}、{subject}", money_num(ln.gb_total, "function_expenditure", "budget", c7),
                             f"万元，主要用于{_USES[k % len(_USES)]}。"]
    if prev_actual:
        change = money(ln.gb_total) - money(prev_actual)
        word = "增加" if change >= 0 else "减少"
        segs += [f"{year - 1}年预算执行数为", money_num(prev_actual, "function_expenditure", "prior_year", c7),
                 f"万元，{year}年预算安排", money_num(ln.gb_total, "function_expenditure", "budget", c7),
                 f"万元，比{year - 1}年预算执行数{word}",
                 Num(pct_text(abs(change) / money(prev_actual) * HUNDRED), "function_expenditure", "yoy_pct", "%",
                     c7, direction=word),
                 "%，主要原因是" + ("工作任务增加" if change >= 0 else "厉行节约压减支出") + "。"]
    else:
        segs.append(f"{year - 1}年未安排此项支出。")
    b.para(*segs)


def _explanation(name: str, bf: BudgetFigures, prev: BudgetFigures, prev_fig: YearFigures, level: Level,
                 ) -> list[Para]:
    y, py = bf.year, bf.year - 1
    b = Builder("四")
    b.heading(f"四、{level.kind}编制说明")
    nf_label = "事业收入" if bf.business_income else "其他收入"
    nf_metric = "income_business" if bf.business_income else "income_other"
    b.para(f"{y}年，{name}收入预算", money_num(bf.total, "income_total", "budget"), "万元。其中，财政拨款收入",
           money_num(bf.fiscal_total, "income_fiscal_appropriation", "budget"), "万元，",
           *_change(bf.fiscal_total, prev.fiscal_total, "income_fiscal_appropriation", py),
           f"；{nf_label}", money_num(bf.nonfiscal_total, nf_metric, "budget"), "万元。")
    b.para(f"{y}年，{name}支出预算", money_num(bf.total, "expenditure_total", "budget"),
           "万元。其中，一般公共预算拨款支出预算", money_num(bf.gb_total, "general_budget_expenditure", "budget"),
           "万元，",
           *_change(bf.gb_total, prev.gb_total, "general_budget_expenditure", py),
           "；政府性基金拨款支出预算", money_num(bf.gf_total, "govfund_expenditure", "budget"),
           "万元；国有资本经营预算拨款支出预算0万元。")
    word = "增加" if money(bf.fiscal_total) >= money(prev.fiscal_total) else "减少"
    b.para(f"财政拨款收入支出{word}的主要原因是"
           + ("重点工作任务经费增加。" if word == "增加" else "一般性支出压减。"))
    b.para("财政拨款支出主要内容如下：")
    prev_actual = {ln.code: ln.gb_total for ln in prev_fig.lines}
    k = 0
    for ln in sorted(bf.lines, key=lambda x: x.code):
        if ln.gb_total:
            k += 1
            _line_paragraph(k, ln, prev_actual.get(ln.code, 0), y, b)
    return b.paras


def _other(name: str, bf: BudgetFigures, prev: BudgetFigures, level: Level) -> list[Para]:
    y, py = bf.year, bf.year - 1
    sg = bf.sangong
    b = Builder("六")
    b.heading("六、其他相关情况说明")
    b.heading(f"（一）{y}年“三公”经费预算情况说明")
    b.para(f"{y}年“三公”经费预算数为", money_num(sg.total, "sangong_total", "budget"), "万元，",
           *_change(sg.total, prev.sangong.total, "sangong_total", py),
           "。其中：因公出国（境）费", money_num(sg.overseas, "sangong_overseas", "budget"),
           "万元；公务用车购置及运行费", money_num(sg.vehicle, "sangong_vehicle", "budget"),
           "万元，其中公务用车购置费", money_num(sg.vehicle_purchase, "sangong_vehicle_purchase", "budget"),
           "万元、公务用车运行费", money_num(sg.vehicle_operation, "sangong_vehicle_operation", "budget"),
           "万元；公务接待费", money_num(sg.reception, "sangong_reception", "budget"), "万元。")
    b.heading("（二）机关运行经费预算")
    if bf.admin_operating_cost:
        b.para(f"{y}年{name}财政拨款安排的机关运行经费预算为",
               money_num(bf.admin_operating_cost, "admin_operating_cost", "budget"), "万元。")
    else:
        b.para(f"{level.self_word}为事业单位，{y}年未安排机关运行经费预算。")
    b.heading("（三）政府采购预算情况")
    b.para(f"{y}年{level.self_word}政府采购预算", money_num(bf.procurement, "procurement_total", "budget"), "万元。")
    b.heading("（四）绩效目标设置情况")
    b.para(f"{level.self_word}编报绩效目标的项目",
           Num(str(bf.perf_projects), "perf_target_projects", "actual", "个"), "个，涉及项目预算资金",
           money_num(bf.perf_amount, "perf_target_amount", "budget"), "万元。")
    b.heading("（五）国有资产占有使用情况")
    b.para(f"截至{py}年12月31日，{level.self_word}共有车辆", Num(str(bf.vehicles), "vehicles_total", "actual", "辆"),
           "辆。")
    return b.paras


def compose_budget(dept: Department, bf: BudgetFigures, prev: BudgetFigures, prev_fig: YearFigures,
                   style: BudgetStyle, units: tuple[str, ...]) -> DocModel:
    """The 部门预算 (``bf.unit`` None) or a unit's 单位预算 of ``bf.year``; ``prev`` is last year's budget."""
    level = Level(bf.unit is not None)
    owner = bf.unit or dept.name
    y = bf.year
    blocks: list[Block] = [Para("封面", [f"{COUNTY}{y}年{level.kind}"], heading=True, section="封面")]
    if level.unit:
        blocks += [Para("封面.1", [f"主管部门：{dept.name}"], heading=True, section="封面"),
                   Para("封面.2", [f"预算单位：{owner}"], heading=True, section="封面")]
    else:
        blocks.append(Para("封面.1", [f"预算主管部门：{dept.name}"], heading=True, section="封面"))
    toc = [f"一、{level.head}主要职能", f"二、{level.head}机构设置", "三、名词解释", f"四、{level.kind}编制说明",
           f"五、{level.kind}表"]
    toc += [f"{i}．{table_title(key, y, level)}" for i, (key, _) in enumerate(TABLES, 1)]
    toc += ["六、其他相关情况说明"] + ([] if level.unit else ["七、项目经费情况说明"])
    blocks.append(Para("目录", ["目 录"], heading=True, section="目录"))
    blocks += [Para(f"目录.{i}", [t], section="目录") for i, t in enumerate(toc, 1)]
    b = Builder("一")
    b.heading(f"一、{level.head}主要职能")
    b.para(f"{owner}依照有关规定履行职责，承担本领域政策执行、公共服务和日常管理等工作。")
    b.heading(f"二、{level.head}机构设置")
    if level.unit:
        b.para(f"{owner}是{dept.name}所属的预算单位，预算单独编制。")
    else:
        b.para(f"{dept.name}{level.kind}由{len(units)}家预算单位的预算汇总而成，包括：" + "、".join(units) + "。")
    b.heading("三、名词解释")
    b.para("财政拨款收入：指本级财政当年拨付的资金，包括一般公共预算、政府性基金预算和国有资本经营预算拨款。")
    b.para("基本支出：指为保障机构正常运转、完成日常工作任务安排的支出，包括人员经费和公用经费。")
    b.para("项目支出：指在基本支出之外为完成特定工作任务和事业发展目标安排的支出。")
    blocks += b.paras
    blocks += _explanation(owner, bf, prev, prev_fig, level)
    blocks.append(Para("五", [f"五、{level.kind}表"], heading=True, section="五"))
    blocks += budget_tables(bf, style, level, owner)
    blocks += _other(owner, bf, prev, level)
    if not level.unit:
        p = Builder("七")
        p.heading("七、项目经费情况说明")
        p.para(f"{dept.short}重点工作专项：用于保障本部门年度重点工作的开展，{y}年预算安排",
               money_num(bf.gb_project, "project_budget", "budget"), "万元，实施周期为一年。")
        blocks += p.paras
    doc_id = f"{dept.dept_id}-{y}-B" + ("" if bf.unit is None else f"U{units.index(bf.unit) + 1}")
    return DocModel(doc_id, dept.dept_id, dept.name, y, "shanghai_budget", budget_title(owner, y, level.unit),
                    blocks, money_with_commas=style.commas, zero_blank=False)
