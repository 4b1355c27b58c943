"""The nine standard tables of a disclosure, built from exact figures (display rounding per cell)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from samplegen.catalog import CLASS_ROWS, ECONOMIC_NAMES, name_for
from samplegen.docmodel import Cell, DocTable
from samplegen.figures import INCOME_SOURCES, YearFigures, money
from samplegen.standard_tables import numbered_titles

CN_NUM = (
    "一",
    "二",
    "三",
    "四",
    "五",
    "六",
    "七",
    "八",
    "九",
    "十",
    "十一",
    "十二",
    "十三",
    "十四",
    "十五",
    "十六",
    "十七",
    "十八",
    "十九",
    "二十",
    "二十一",
    "二十二",
    "二十三",
    "二十四",
    "二十五",
)

# the nine tables of a 决算 (T1…T9), titles and order from the seed standard_table.csv
TABLE_TITLES: dict[str, str] = dict(numbered_titles("final"))
TABLE_ORDER = tuple(TABLE_TITLES)


@dataclass(frozen=True, slots=True)
class Style:
    commas: bool  # 2,452.66 vs 2452.66 in tables
    zero_blank: bool  # zero cells left empty vs 0.00
    split_codes: bool  # 类/款/项 in separate columns


def fmt(value: Decimal, commas: bool) -> str:
    return format(value, ",.2f") if commas else format(value, ".2f")


def _cell(
    yuan: int,
    style: Style,
    measure: str,
    label: str,
    code: str | None,
    column: str,
    metric: str | None = None,
    force: bool = False,
) -> Cell:
    if yuan == 0 and style.zero_blank and not force:
        return Cell("")
    return Cell(
        fmt(money(yuan), style.commas),
        measure=measure,
        row_label=label,
        code=code,
        column=column,
        metric=metric,
    )


def _function_rows(
    fig: YearFigures,
    values: dict[str, dict[str, int]],
    measures: list[tuple[str, str]],
    style: Style,
    total_label: str = "合计",
    total_first: bool = True,
    total_metrics: dict[str, str] | None = None,
) -> list[list[Cell]]:
    """Rows 合计 / 类 / 款 / 项 with codes; ``values`` maps 项 code -> measure -> 元."""
    agg: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for code, vals in values.items():
        for key in (code[:3], code[:5], code):
            for m, v in vals.items():
                agg[key][m] += v
    total: dict[str, int] = defaultdict(int)
    for vals in values.values():
        for m, v in vals.items():
            total[m] += v
    codes = sorted(agg)
    ncode = 3 if style.split_codes else 1

    def row(code: str | None, label: str, vals: dict[str, int], metrics: dict[str, str] | None = None):
        if code is None:
            head = [Cell(label)] + [Cell("")] * ncode
        elif style.split_codes:
            parts = [code[:3], code[3:5], code[5:7]]
            head = [Cell(p) for p in parts] + [Cell(label)]
        else:
            head = [Cell(code), Cell(label)]
        cells = [
            _cell(
                vals.get(m, 0),
                style,
                m,
                label,
                code,
                col,
                (metrics or {}).get(m),
                force=(code is None and m == "total"),
            )
            for m, col in measures
        ]
        return head + cells

    rows = []
    total_row = row(None, total_label, total, total_metrics)
    if total_first:
        rows.append(total_row)
    for code in codes:
        rows.append(row(code, name_for(code, fig.year), agg[code]))
    if not total_first:
        rows.append(total_row)
    return rows


def _fn_header(style: Style, columns: list[str]) -> list[list[str]]:
    if style.split_codes:
        return [["科目编码", "", "", "科目名称", *columns], ["类", "款", "项", "", *[""] * len(columns)]]
    return [["科目编码", "科目名称", *columns]]


def income_expenditure_summary(fig: YearFigures, style: Style) -> DocTable:
    inc = fig.income_by_source()
    left = [
        ("一、一般公共预算财政拨款收入", inc["general_budget"], "income_general_budget_appropriation"),
        ("二、政府性基金预算财政拨款收入", inc["govfund"], None),
        ("三、国有资本经营预算财政拨款收入", 0, None),
        ("四、上级补助收入", inc["superior"], None),
        ("五、事业收入", inc["business"], None),
        ("六、经营收入", inc["operating"], None),
        ("七、附属单位上缴收入", inc["affiliated"], None),
        ("八、其他收入", inc["other"], None),
    ]
    by_class: dict[str, int] = defaultdict(int)
    for ln in fig.lines:
        by_class[ln.code[:3]] += ln.total
    right = [
        (
            f"{CN_NUM[i]}、{name_for(code, fig.year) if code in by_class else name}",
            by_class.get(code, 0),
            code,
        )
        for i, (code, name) in enumerate(CLASS_ROWS)
    ]
    rows: list[list[Cell]] = []
    n = max(len(left), len(right))
    for i in range(n):
        lc = [Cell(""), Cell("")]
        if i < len(left):
            lab, v, metric = left[i]
            lc = [Cell(lab), _cell(v, style, "income", lab, None, "决算数", metric)]
        rc = [Cell(""), Cell("")]
        if i < len(right):
            lab, v, code = right[i]
            rc = [Cell(lab), _cell(v, style, "expenditure", lab, code, "决算数")]
        rows.append(lc + rc)
    tail = [
        (
            "本年收入合计",
            fig.income_current,
            "income_current_year",
            "本年支出合计",
            fig.expenditure_current,
            "expenditure_current_year",
        ),
        ("使用非财政拨款结余", fig.use_nonfiscal_balance, None, "结余分配", fig.distribution, None),
        (
            "年初结转和结余",
            fig.carry_begin,
            "carryover_begin",
            "年末结转和结余",
            fig.carry_end,
            "carryover_end",
        ),
        ("总计", fig.income_total, "income_total", "总计", fig.expenditure_total, "expenditure_total"),
    ]
    for ll, lv, lm, rl, rv, rm in tail:
        force = ll in ("本年收入合计", "总计")
        rows.append(
            [
                Cell(ll),
                _cell(lv, style, "income", ll, None, "决算数", lm, force),
                Cell(rl),
                _cell(rv, style, "expenditure", rl, None, "决算数", rm, force),
            ]
        )
    return DocTable(
        "income_expenditure_summary",
        TABLE_TITLES["income_expenditure_summary"],
        [["收入", "", "支出", ""], ["项目", "决算数", "项目", "决算数"]],
        rows,
        note="注：本表反映部门本年度的总收支和年末结转结余情况。",
    )


INCOME_COLUMNS = [
    ("total", "本年收入合计"),
    ("fiscal", "财政拨款收入"),
    ("superior", "上级补助收入"),
    ("business", "事业收入"),
    ("operating", "经营收入"),
    ("affiliated", "附属单位上缴收入"),
    ("other", "其他收入"),
]


def income_table(fig: YearFigures, style: Style) -> DocTable:
    values = {}
    for ln in fig.lines:
        vals = {"total": ln.income_total, "fiscal": ln.inc_fiscal}
        for i, s in enumerate(INCOME_SOURCES):
            vals[s] = ln.inc_sources[i]
        values[ln.code] = vals
    rows = _function_rows(fig, values, INCOME_COLUMNS, style)
    return DocTable(
        "income",
        TABLE_TITLES["income"],
        _fn_header(style, [c for _, c in INCOME_COLUMNS]),
        rows,
        note="注：本表反映部门本年度取得的各项收入情况。",
    )


EXPENDITURE_COLUMNS = [
    ("total", "本年支出合计"),
    ("basic", "基本支出"),
    ("project", "项目支出"),
    ("remit", "上缴上级支出"),
    ("operating", "经营支出"),
    ("subsidy", "对附属单位补助支出"),
]


def expenditure_table(fig: YearFigures, style: Style) -> DocTable:
    values = {
        ln.code: {"total": ln.total, "basic": ln.basic, "project": ln.project, "operating": ln.operating}
        for ln in fig.lines
    }
    rows = _function_rows(fig, values, EXPENDITURE_COLUMNS, style)
    return DocTable(
        "expenditure",
        TABLE_TITLES["expenditure"],
        _fn_header(style, [c for _, c in EXPENDITURE_COLUMNS]),
        rows,
        note="注：本表反映部门本年度各项支出情况。",
    )


def fiscal_summary(fig: YearFigures, style: Style) -> DocTable:
    by_class: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for ln in fig.lines:
        by_class[ln.code[:3]][0] += ln.gb_total
        by_class[ln.code[:3]][1] += ln.gf_project
    left = [
        ("一、一般公共预算财政拨款", fig.income_gb),
        ("二、政府性基金预算财政拨款", fig.income_gf),
        ("三、国有资本经营预算财政拨款", 0),
    ]
    rows: list[list[Cell]] = []

    def right_cells(lab: str, gb: int, gf: int, code: str | None, force: bool = False) -> list[Cell]:
        return [
            Cell(lab),
            _cell(gb + gf, style, "total", lab, code, "合计", force=force),
            _cell(gb, style, "general_budget", lab, code, "一般公共预算财政拨款"),
            _cell(gf, style, "govfund", lab, code, "政府性基金预算财政拨款"),
            _cell(0, style, "soe", lab, code, "国有资本经营预算财政拨款"),
        ]

    for i, (code, name) in enumerate(CLASS_ROWS):
        lab = f"{CN_NUM[i]}、{name_for(code, fig.year) if code in by_class else name}"
        gb, gf = by_class.get(code, [0, 0])
        lc = [Cell(""), Cell("")]
        if i < len(left):
            ll, lv = left[i]
            lc = [Cell(ll), _cell(lv, style, "income", ll, None, "决算数")]
        rows.append(lc + right_cells(lab, gb, gf, code))
    rows.append(
        [
            Cell("本年收入合计"),
            _cell(fig.fiscal_income, style, "income", "本年收入合计", None, "决算数", force=True),
            *right_cells("本年支出合计", fig.gb_expenditure, fig.gf_expenditure, None, force=True),
        ]
    )
    rows.append(
        [
            Cell("年初财政拨款结转和结余"),
            _cell(
                fig.carry_begin_gb + fig.carry_begin_gf,
                style,
                "income",
                "年初财政拨款结转和结余",
                None,
                "决算数",
            ),
            *right_cells("年末财政拨款结转和结余", fig.carry_end_gb, fig.carry_end_gf, None),
        ]
    )
    subs = [
        ("一般公共预算财政拨款", fig.carry_begin_gb, fig.carry_end_gb, 1),
        ("政府性基金预算财政拨款", fig.carry_begin_gf, fig.carry_end_gf, 2),
        ("国有资本经营预算财政拨款", 0, 0, 3),
    ]
    for lab, b, e, k in subs:
        ll = f"年初{lab}结转和结余"
        rl = f"年末{lab}结转和结余"
        gb, gf = (e, 0) if k == 1 else ((0, e) if k == 2 else (0, 0))
        rows.append(
            [
                Cell(f"{CN_NUM[k - 1]}、{lab}"),
                _cell(b, style, "income", ll, None, "决算数"),
                *right_cells(rl, gb, gf, None),
            ]
        )
    total_l = fig.fiscal_total
    total_r_gb = fig.gb_expenditure + fig.carry_end_gb
    total_r_gf = fig.gf_expenditure + fig.carry_end_gf
    rows.append(
        [
            Cell("总计"),
            _cell(total_l, style, "income", "总计", None, "决算数", "fiscal_total", True),
            *right_cells("总计", total_r_gb, total_r_gf, None, force=True),
        ]
    )
    return DocTable(
        "fiscal_summary",
        TABLE_TITLES["fiscal_summary"],
        [
            ["收入", "", "支出", "", "", "", ""],
            [
                "项目",
                "决算数",
                "项目",
                "合计",
                "一般公共预算财政拨款",
                "政府性基金预算财政拨款",
                "国有资本经营预算财政拨款",
            ],
        ],
        rows,
        note="注：本表反映部门本年度财政拨款总收支和年末结转结余情况。",
    )


GB_COLUMNS = [("total", "合计"), ("basic", "基本支出"), ("project", "项目支出")]


def general_budget_expenditure(fig: YearFigures, style: Style) -> DocTable:
    values = {
        ln.code: {"total": ln.gb_total, "basic": ln.gb_basic, "project": ln.gb_project}
        for ln in fig.lines
        if ln.gb_total
    }
    rows = _function_rows(fig, values, GB_COLUMNS, style, total_first=False)
    return DocTable(
        "general_budget_expenditure",
        TABLE_TITLES["general_budget_expenditure"],
        _fn_header(style, [c for _, c in GB_COLUMNS]),
        rows,
        note="注：本表反映部门本年度一般公共预算财政拨款支出情况。",
    )


def general_budget_basic(fig: YearFigures, style: Style) -> DocTable:
    eco = fig.economic

    def side(classes: tuple[str, ...]) -> list[tuple[str, str, int]]:
        out = []
        for cls in classes:
            out.append((cls, ECONOMIC_NAMES[cls], sum(v for k, v in eco.items() if k[:3] == cls)))
            out += [
                (k, ECONOMIC_NAMES[k], eco.get(k, 0)) for k in ECONOMIC_NAMES if len(k) == 5 and k[:3] == cls
            ]
        return out

    left, right = side(("301", "303")), side(("302", "310"))
    rows: list[list[Cell]] = []
    for i in range(max(len(left), len(right))):
        row: list[Cell] = []
        for lst in (left, right):
            if i < len(lst):
                code, name, v = lst[i]
                row += [Cell(code), Cell(name), _cell(v, style, "actual", name, code, "决算数")]
            else:
                row += [Cell(""), Cell(""), Cell("")]
        rows.append(row)
    rows.append(
        [
            Cell(""),
            Cell("人员经费合计"),
            _cell(fig.personnel, style, "actual", "人员经费合计", None, "决算数", "basic_personnel", True),
            Cell(""),
            Cell("公用经费合计"),
            _cell(fig.public, style, "actual", "公用经费合计", None, "决算数", "basic_public", True),
        ]
    )
    return DocTable(
        "general_budget_basic",
        TABLE_TITLES["general_budget_basic"],
        [
            ["人员经费", "", "", "公用经费", "", ""],
            ["经济分类科目编码", "科目名称", "决算数", "经济分类科目编码", "科目名称", "决算数"],
        ],
        rows,
        note="注：本表反映部门本年度一般公共预算财政拨款基本支出明细情况。",
    )


SANGONG_ITEMS = (
    ("合计", "total", "sangong_total"),
    ("因公出国（境）费", "overseas", "sangong_overseas"),
    ("公务用车购置及运行费小计", "vehicle", "sangong_vehicle"),
    ("公务用车购置费", "vehicle_purchase", "sangong_vehicle_purchase"),
    ("公务用车运行费", "vehicle_operation", "sangong_vehicle_operation"),
    ("公务接待费", "reception", "sangong_reception"),
)


def sangong_value(sg, item: str) -> int:
    return sg.total if item == "total" else getattr(sg, item)


def sangong_table(fig: YearFigures, style: Style) -> DocTable:
    style0 = Style(style.commas, False, style.split_codes)
    row: list[Cell] = []
    for label, item, metric in SANGONG_ITEMS:
        row.append(_cell(sangong_value(fig.sangong_budget, item), style0, "budget", label, None, "预算数"))
        row.append(_cell(sangong_value(fig.sangong, item), style0, "actual", label, None, "决算数", metric))
    header = [
        ["合计", "", "因公出国（境）费", "", "公务用车购置及运行费", "", "", "", "", "", "公务接待费", ""],
        ["", "", "", "", "小计", "", "公务用车购置费", "", "公务用车运行费", "", "", ""],
        ["预算数", "决算数"] * 6,
    ]
    return DocTable(
        "sangong",
        TABLE_TITLES["sangong"],
        header,
        [row],
        note="注：本表反映部门本年度“三公”经费支出预决算情况。",
    )


GOVFUND_COLUMNS = [
    ("carry_begin", "年初结转和结余"),
    ("income", "本年收入"),
    ("total", "本年支出合计"),
    ("basic", "基本支出"),
    ("project", "项目支出"),
    ("carry_end", "年末结转和结余"),
]


def govfund_table(fig: YearFigures, style: Style) -> DocTable:
    values = {}
    for ln in fig.lines:
        if ln.gf_project:
            values[ln.code] = {
                "carry_begin": fig.carry_begin_gf,
                "income": fig.income_gf,
                "total": ln.gf_project,
                "project": ln.gf_project,
                "carry_end": fig.carry_end_gf,
            }
    note = "注：本表反映部门本年度政府性基金预算财政拨款收入支出及结转和结余情况。"
    if not values:
        rows = [[Cell("合计")] + [Cell("")] * (len(GOVFUND_COLUMNS) + (3 if style.split_codes else 1))]
        note += "本部门本年度无政府性基金预算财政拨款收入和支出，故本表为空表。"
    else:
        rows = _function_rows(fig, values, GOVFUND_COLUMNS, style)
    return DocTable(
        "govfund",
        TABLE_TITLES["govfund"],
        _fn_header(style, [c for _, c in GOVFUND_COLUMNS]),
        rows,
        note=note,
    )


def soe_table(fig: YearFigures, style: Style) -> DocTable:
    cols = ["本年支出合计", "基本支出", "项目支出"]
    rows = [[Cell("合计")] + [Cell("")] * (len(cols) + (3 if style.split_codes else 1))]
    return DocTable(
        "soe_capital",
        TABLE_TITLES["soe_capital"],
        _fn_header(style, cols),
        rows,
        note="注：本表反映部门本年度国有资本经营预算财政拨款支出情况。"
        "本部门本年度无国有资本经营预算财政拨款支出，故本表为空表。",
    )


def all_tables(fig: YearFigures, style: Style) -> list[DocTable]:
    return [
        income_expenditure_summary(fig, style),
        income_table(fig, style),
        expenditure_table(fig, style),
        fiscal_summary(fig, style),
        general_budget_expenditure(fig, style),
        general_budget_basic(fig, style),
        sangong_table(fig, style),
        govfund_table(fig, style),
        soe_table(fig, style),
    ]
