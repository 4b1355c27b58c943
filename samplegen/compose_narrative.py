"""Narrative sections (Sichuan 一…十 style and Shanghai 情况说明 style) with annotated numbers.

All sentences are written for this generator; only the standard vocabulary (section and table
names, classification names) follows the real templates. Derived claims (shares, YoY, completion)
are computed from the displayed 万元 values, as a reader re-checking the document would.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from samplegen.catalog import class_short, name_for
from samplegen.compose_tables import CN_NUM
from samplegen.county import Department
from samplegen.docmodel import Cell, DocTable, Num, Para
from samplegen.figures import YearFigures, money

HUNDRED = Decimal(100)


def w(yuan: int) -> str:
    """Narrative 万元 figure: no thousands separator, 2 decimals."""
    return format(money(yuan), ".2f")


def pct_text(value: Decimal) -> str:
    q = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if q == q.to_integral_value():
        return str(int(q))
    return format(q, ".2f")


def share(part: int, whole: int) -> str:
    dw = money(whole)
    if dw == 0:
        return "0"
    return pct_text(money(part) / dw * HUNDRED)


def completion(actual: int, budget: int) -> str | None:
    db = money(budget)
    if db == 0:
        return None
    return pct_text(money(actual) / db * HUNDRED)


class Builder:
    """Accumulates paragraphs of one section; numbers go in as ``Num`` segments."""

    def __init__(self, section: str) -> None:
        self.section = section
        self.paras: list[Para] = []
        self._n = 0

    def heading(self, text: str) -> None:
        self.paras.append(
            Para(f"{self.section}.h{len(self.paras)}", [text], heading=True, section=self.section)
        )

    def para(self, *segs: str | Num) -> None:
        self._n += 1
        self.paras.append(Para(f"{self.section}.{self._n}", list(segs), section=self.section))


def money_num(yuan: int, metric: str, basis: str = "actual", code: str | None = None) -> Num:
    return Num(w(yuan), metric, basis, "万元", code)


def pct_num(text: str, metric: str, basis: str, code: str | None = None) -> Num:
    return Num(text, metric, basis, "%", code)


def yoy_segs(cur: int, prev: int, metric: str, prev_year: int, lead: str) -> list[str | Num]:
    """'比{Y-1}年增加X万元，增长Y%' computed from displayed values."""
    dc, dp = money(cur), money(prev)
    change = dc - dp
    if change == 0:
        return [f"{lead}与{prev_year}年持平"]
    up = change > 0
    word, word2 = ("增加", "增长") if up else ("减少", "下降")
    segs: list[str | Num] = [
        f"{lead}比{prev_year}年{word}",
        Num(
            format(abs(change), ".2f"), metric, "yoy_change", "万元", direction=word, compared_year=prev_year
        ),
        "万元",
    ]
    if dp != 0:
        segs += [
            f"，{word2}",
            Num(
                pct_text(abs(change) / dp * HUNDRED),
                metric,
                "yoy_pct",
                "%",
                direction=word2,
                compared_year=prev_year,
            ),
            "%",
        ]
    return segs


def compare_word(actual: int, budget: int) -> str:
    da, db = money(actual), money(budget)
    return "大于" if da > db else ("小于" if da < db else "等于")


_REASONS_UP = ("年中追加了专项工作经费", "人员增加及工资调整", "新增重点项目支出")
_REASONS_DOWN = ("严格落实过紧日子要求压减一般性支出", "部分项目已于上年完成", "厉行节约控制日常开支")


def _reason(cur: int, prev: int, k: int) -> str:
    return (_REASONS_UP if cur >= prev else _REASONS_DOWN)[k % 3]


def overview(dept: Department, fig: YearFigures, template: str) -> list[Para]:
    b = Builder("概况")
    b.heading("第一部分 部门概况" if template == "sichuan" else f"第一部分 {dept.name}概况")
    b.heading("一、基本职能及主要工作" if template == "sichuan" else "一、主要职能")
    b.para(
        f"{dept.name}按照县委、县政府的工作部署履行本部门职责，统筹做好本领域的政策执行、公共服务和日常管理工作。"
    )
    b.heading("二、机构设置及人员情况" if template == "sichuan" else "二、部门决算单位构成")
    b.para(
        f"纳入{dept.name}{fig.year}年度部门决算编制范围的单位共{len(dept.units)}个，包括："
        + "、".join(dept.units)
        + "。"
    )
    b.para(
        "本部门核定编制",
        Num(str(fig.staff_authorized), "staff_authorized", "actual", "名"),  # the text says 名
        f"名，截至{fig.year}年12月31日在职人员",
        Num(str(fig.staff_actual), "staff_actual", "actual", "人"),
        "人。",
    )
    return b.paras


def explanation(
    dept: Department, fig: YearFigures, prev: YearFigures, template: str, initial_budget: bool = False
) -> list[Para]:
    """Sections 一…十(十一) of the 情况说明; ``initial_budget``: the budgets quoted are called 年初预算 (the county
    publishes its 预算, which they must equal)."""
    y, py = fig.year, prev.year
    out: list[Para] = []
    top = Builder("说明")
    top.heading(
        f"第二部分 {y}年度部门决算情况说明"
        if template == "sichuan"
        else f"第三部分 {dept.name}{y}年度部门决算情况说明"
    )
    out += top.paras
    # 一 收入支出总体
    b = Builder("一")
    b.heading("一、收入支出决算总体情况说明")
    b.para(
        f"{y}年度收入总计",
        money_num(fig.income_total, "income_total"),
        "万元，其中本年收入合计",
        money_num(fig.income_current, "income_current_year"),
        "万元，年初结转和结余",
        money_num(fig.carry_begin, "carryover_begin"),
        "万元；支出总计",
        money_num(fig.expenditure_total, "expenditure_total"),
        "万元，其中本年支出合计",
        money_num(fig.expenditure_current, "expenditure_current_year"),
        "万元，年末结转和结余",
        money_num(fig.carry_end, "carryover_end"),
        "万元。",
        *yoy_segs(fig.income_total, prev.income_total, "income_total", py, "收入支出总计"),
        f"。主要原因是{_reason(fig.income_total, prev.income_total, y)}。",
    )
    out += b.paras
    # 二 收入
    inc = fig.income_by_source()
    b = Builder("二")
    b.heading("二、收入决算情况说明")
    segs: list[str | Num] = [
        f"{y}年度本年收入合计",
        money_num(fig.income_current, "income_current_year"),
        "万元，其中：",
    ]
    items = [
        ("一般公共预算财政拨款收入", inc["general_budget"], "income_general_budget_appropriation"),
        ("政府性基金预算财政拨款收入", inc["govfund"], "income_govfund_appropriation"),
        ("上级补助收入", inc["superior"], "income_superior"),
        ("事业收入", inc["business"], "income_business"),
        ("经营收入", inc["operating"], "income_operating"),
        ("其他收入", inc["other"], "income_other"),
    ]
    parts: list[list[str | Num]] = []
    for lab, v, metric in items:
        if v == 0 and metric not in ("income_general_budget_appropriation",):
            continue
        parts.append(
            [
                lab,
                money_num(v, metric),
                "万元，占",
                pct_num(share(v, fig.income_current), metric, "share_pct"),
                "%",
            ]
        )
    for i, p in enumerate(parts):
        segs += p + (["；"] if i < len(parts) - 1 else ["。"])
    b.para(*segs)
    out += b.paras
    # 三 支出
    b = Builder("三")
    b.heading("三、支出决算情况说明")
    segs = [
        f"{y}年度本年支出合计",
        money_num(fig.expenditure_current, "expenditure_current_year"),
        "万元，其中：基本支出",
        money_num(fig.expenditure_basic, "expenditure_basic"),
        "万元，占",
        pct_num(share(fig.expenditure_basic, fig.expenditure_current), "expenditure_basic", "share_pct"),
        "%；项目支出",
        money_num(fig.expenditure_project, "expenditure_project"),
        "万元，占",
        pct_num(share(fig.expenditure_project, fig.expenditure_current), "expenditure_project", "share_pct"),
        "%",
    ]
    if fig.expenditure_operating:
        segs += [
            "；经营支出",
            money_num(fig.expenditure_operating, "expenditure_operating"),
            "万元，占",
            pct_num(
                share(fig.expenditure_operating, fig.expenditure_current),
                "expenditure_operating",
                "share_pct",
            ),
            "%",
        ]
    b.para(*segs, "。")
    out += b.paras
    # 四 财政拨款总体
    b = Builder("四")
    b.heading("四、财政拨款收入支出决算总体情况说明")
    b.para(
        f"{y}年度财政拨款收入支出总计",
        money_num(fig.fiscal_total, "fiscal_total"),
        "万元。",
        *yoy_segs(fig.fiscal_total, prev.fiscal_total, "fiscal_total", py, "财政拨款收入支出总计"),
        f"。主要原因是{_reason(fig.fiscal_total, prev.fiscal_total, y + 1)}。",
    )
    out += b.paras
    # 五 一般公共预算
    b = Builder("五")
    b.heading("五、一般公共预算财政拨款支出决算情况说明")
    b.heading("（一）一般公共预算财政拨款支出决算总体情况")
    b.para(
        f"{y}年度一般公共预算财政拨款支出",
        money_num(fig.gb_expenditure, "general_budget_expenditure"),
        "万元，占本年支出合计的",
        pct_num(
            share(fig.gb_expenditure, fig.expenditure_current), "general_budget_expenditure", "share_pct"
        ),
        "%。",
        *yoy_segs(
            fig.gb_expenditure,
            prev.gb_expenditure,
            "general_budget_expenditure",
            py,
            "一般公共预算财政拨款支出",
        ),
        f"。主要原因是{_reason(fig.gb_expenditure, prev.gb_expenditure, y + 2)}。",
    )
    b.heading("（二）一般公共预算财政拨款支出决算结构情况")
    by_class: dict[str, int] = {}
    for ln in fig.lines:
        if ln.gb_total:
            by_class[ln.code[:3]] = by_class.get(ln.code[:3], 0) + ln.gb_total
    segs = [
        f"{y}年度一般公共预算财政拨款支出",
        money_num(fig.gb_expenditure, "general_budget_expenditure"),
        "万元，主要用于以下方面：",
    ]
    cls = sorted(by_class)
    for i, c in enumerate(cls):
        segs += [
            f"{class_short(name_for(c, y))}（类）支出",
            money_num(by_class[c], "function_class_expenditure", code=c),
            "万元，占",
            pct_num(share(by_class[c], fig.gb_expenditure), "function_class_expenditure", "share_pct", c),
            "%",
            "；" if i < len(cls) - 1 else "。",
        ]
    b.para(*segs)
    b.heading("（三）一般公共预算财政拨款支出决算具体情况")
    comp = completion(fig.gb_expenditure, fig.gb_budget)
    segs = [
        f"{y}年度一般公共预算财政拨款支出决算数为",
        money_num(fig.gb_expenditure, "general_budget_expenditure"),
        "万元，年初预算数为" if initial_budget else "万元，调整预算数为",
        money_num(fig.gb_budget, "general_budget_expenditure", "budget"),
        "万元",
    ]
    if comp is not None:
        segs += ["，完成预算", pct_num(comp, "general_budget_expenditure", "completion_pct"), "%"]
    b.para(*segs, "。其中：")
    k = 0
    for ln in sorted(fig.lines, key=lambda x: x.code):
        if not ln.gb_total:
            continue
        k += 1
        c3, c5 = ln.code[:3], ln.code[:5]
        comp = completion(ln.gb_total, ln.gb_budget)
        word = compare_word(ln.gb_total, ln.gb_budget)
        subject = f"{class_short(name_for(c3, y))}（类）{name_for(c5, y)}（款）{name_for(ln.code, y)}（项）"
        segs = [
            f"{k}.{subject}：支出决算为",
            money_num(ln.gb_total, "function_expenditure", code=ln.code),
            "万元，年初预算数为" if initial_budget else "万元，预算数为",
            money_num(ln.gb_budget, "function_expenditure", "budget", code=ln.code),
            "万元",
        ]
        if comp is not None:
            segs += ["，完成预算", pct_num(comp, "function_expenditure", "completion_pct", ln.code), "%"]
        if word == "等于":
            segs.append("，决算数等于预算数。")
        else:
            segs.append(
                f"，决算数{word}预算数的主要原因是"
                f"{'年中追加了相关工作经费' if word == '大于' else '按照实际需要控制支出'}。"
            )
        b.para(*segs)
    out += b.paras
    # 六 基本支出
    b = Builder("六")
    b.heading("六、一般公共预算财政拨款基本支出决算情况说明")
    b.para(
        f"{y}年度一般公共预算财政拨款基本支出",
        money_num(fig.gb_basic, "general_budget_basic"),
        "万元，其中：人员经费",
        money_num(fig.personnel, "basic_personnel"),
        "万元，主要包括基本工资、津贴补贴、奖金、绩效工资、社会保障缴费、住房公积金、退休费等；公用经费",
        money_num(fig.public, "basic_public"),
        "万元，主要包括办公费、水电费、邮电费、物业管理费、差旅费、维修（护）费、公务用车运行维护费、其他商品和服务支出等。",
    )
    out += b.paras
    # 七 三公
    out += _sangong_section(dept, fig, prev, template, initial_budget)
    # 八 / 九
    b = Builder("八")
    b.heading("八、政府性基金预算财政拨款收入支出决算情况说明")
    if fig.gf_expenditure:
        ln = next(x for x in fig.lines if x.gf_project)
        b.para(
            f"{y}年度政府性基金预算财政拨款收入",
            money_num(fig.income_gf, "govfund_income"),
            "万元，支出",
            money_num(fig.gf_expenditure, "govfund_expenditure"),
            f"万元，主要用于{name_for(ln.code, y)}方面。",
        )
    else:
        b.para(f"{dept.name}{y}年度无政府性基金预算财政拨款收入和支出。")
    out += b.paras
    b = Builder("九")
    b.heading("九、国有资本经营预算财政拨款支出决算情况说明")
    b.para(f"{dept.name}{y}年度无国有资本经营预算财政拨款支出。")
    out += b.paras
    out += _other_matters(dept, fig, prev, template)
    return out


def _sangong_section(
    dept: Department, fig: YearFigures, prev: YearFigures, template: str, initial_budget: bool = False
) -> list[Para]:
    y, py = fig.year, prev.year
    sg, sb = fig.sangong, fig.sangong_budget
    b = Builder("七")
    b.heading("七、“三公”经费财政拨款支出决算情况说明")
    b.heading("（一）“三公”经费财政拨款支出决算总体情况说明")
    segs: list[str | Num] = [
        f"{y}年度“三公”经费财政拨款支出决算为",
        money_num(sg.total, "sangong_total"),
        "万元，年初预算数为" if initial_budget else "万元，预算数为",
        money_num(sb.total, "sangong_total", "budget"),
        "万元",
    ]
    comp = completion(sg.total, sb.total)
    if comp is not None:
        segs += ["，完成预算", pct_num(comp, "sangong_total", "completion_pct"), "%"]
    word = compare_word(sg.total, sb.total)
    segs.append(
        "。"
        if word == "等于"
        else f"，决算数{word}预算数的主要原因是"
        f"{'严格控制“三公”经费开支' if word == '小于' else '年中新增公务活动'}。"
    )
    b.para(*segs, *yoy_segs(sg.total, prev.sangong.total, "sangong_total", py, "“三公”经费支出决算"), "。")
    b.heading("（二）“三公”经费财政拨款支出决算具体情况说明")
    b.para(
        f"{y}年度“三公”经费财政拨款支出决算中，因公出国（境）费支出决算",
        money_num(sg.overseas, "sangong_overseas"),
        "万元，占",
        pct_num(share(sg.overseas, sg.total), "sangong_overseas", "share_pct"),
        "%；公务用车购置及运行费支出决算",
        money_num(sg.vehicle, "sangong_vehicle"),
        "万元，占",
        pct_num(share(sg.vehicle, sg.total), "sangong_vehicle", "share_pct"),
        "%；公务接待费支出决算",
        money_num(sg.reception, "sangong_reception"),
        "万元，占",
        pct_num(share(sg.reception, sg.total), "sangong_reception", "share_pct"),
        "%。具体情况如下：",
    )
    if sg.overseas:
        b.para(
            "1.因公出国（境）经费支出",
            money_num(sg.overseas, "sangong_overseas"),
            "万元，全年安排因公出国（境）团组",
            Num(str(fig.overseas_groups), "overseas_groups", "actual", "个"),
            "个，累计",
            Num(str(fig.overseas_persons), "overseas_persons", "actual", "人次"),
            "人次。",
        )
    else:
        b.para(
            "1.因公出国（境）经费支出",
            money_num(0, "sangong_overseas"),
            "万元，全年未安排因公出国（境）团组。",
        )
    nveh = sum(fig.vehicles.values())
    b.para(
        "2.公务用车购置及运行费支出",
        money_num(sg.vehicle, "sangong_vehicle"),
        "万元。其中：公务用车购置费",
        money_num(sg.vehicle_purchase, "sangong_vehicle_purchase"),
        "万元；公务用车运行维护费",
        money_num(sg.vehicle_operation, "sangong_vehicle_operation"),
        "万元，主要用于开展工作所需公务用车的燃料费、维修费、过路过桥费、保险费等支出。截至",
        f"{y}年12月底，本部门共有公务用车",
        Num(str(nveh), "vehicles_total", "actual", "辆"),
        "辆。",
    )
    b.para(
        "3.公务接待费支出",
        money_num(sg.reception, "sangong_reception"),
        "万元，全部为国内公务接待，共接待",
        Num(str(fig.reception_batches), "reception_batches", "actual", "批次"),
        "批次、",
        Num(str(fig.reception_persons), "reception_persons", "actual", "人次"),
        "人次（不包括陪同人员）。",
    )
    return b.paras


def _other_matters(dept: Department, fig: YearFigures, prev: YearFigures, template: str) -> list[Para]:
    y, py = fig.year, prev.year
    num = "十" if template == "sichuan" else "十一"
    out: list[Para] = []
    if template == "shanghai":
        out += _performance_summary(dept, fig, "十、预算绩效管理情况", "十")
    b = Builder(num)
    b.heading(f"{num}、其他重要事项的情况说明")
    b.heading("（一）机关运行经费支出情况")
    if fig.admin_operating_cost:
        b.para(
            f"{y}年度本部门机关运行经费支出",
            money_num(fig.admin_operating_cost, "admin_operating_cost"),
            "万元，",
            *yoy_segs(fig.admin_operating_cost, prev.admin_operating_cost, "admin_operating_cost", py, ""),
            f"。主要原因是{_reason(fig.admin_operating_cost, prev.admin_operating_cost, y)}。",
        )
    else:
        b.para(f"本部门为事业单位，{y}年度无机关运行经费支出。")
    b.heading("（二）政府采购支出情况")
    p = fig.procurement
    tot = fig.procurement_total
    b.para(
        f"{y}年度本部门政府采购支出总额",
        money_num(tot, "procurement_total"),
        "万元，其中：政府采购货物支出",
        money_num(p["goods"], "procurement_goods"),
        "万元、政府采购工程支出",
        money_num(p["works"], "procurement_works"),
        "万元、政府采购服务支出",
        money_num(p["services"], "procurement_services"),
        "万元。授予中小企业合同金额",
        money_num(p["sme"], "procurement_sme"),
        "万元，占政府采购支出总额的",
        pct_num(share(p["sme"], tot), "procurement_sme", "share_pct"),
        "%，其中：授予小微企业合同金额",
        money_num(p["small_micro"], "procurement_small_micro"),
        "万元，占政府采购支出总额的",
        pct_num(share(p["small_micro"], tot), "procurement_small_micro", "share_pct"),
        "%。",
    )
    b.heading("（三）国有资产占有使用情况")
    segs: list[str | Num] = [
        f"截至{y}年12月31日，本部门共有车辆",
        Num(str(sum(fig.vehicles.values())), "vehicles_total", "actual", "辆"),
        "辆，其中：",
    ]
    kinds = list(fig.vehicles.items())
    for i, (kind, n) in enumerate(kinds):
        segs += [
            kind,
            Num(str(n), "vehicles_by_type", "actual", "辆", code=kind),
            "辆",
            "、" if i < len(kinds) - 1 else "。",
        ]
    segs += [
        "单价50万元以上通用设备",
        Num(str(fig.equipment_50), "equipment_over_50", "actual", "台（套）"),
        "台（套），单价100万元以上专用设备",
        Num(str(fig.equipment_100), "equipment_over_100", "actual", "台（套）"),
        "台（套）。",
    ]
    b.para(*segs)
    out += b.paras
    if template == "sichuan":
        out += _performance_summary(dept, fig, "（四）预算绩效管理情况", num)
    return out


def _performance_summary(dept: Department, fig: YearFigures, heading: str, section: str) -> list[Para]:
    b = Builder(section + ".绩效")
    b.heading(heading)
    n = len(fig.projects)
    total_b = sum(p.budget for p in fig.projects)
    b.para(
        f"本部门按照预算绩效管理要求，对{fig.year}年度",
        Num(str(n), "performance_projects", "actual", "个"),
        "个项目开展了绩效目标管理和绩效自评，涉及预算金额",
        money_num(total_b, "performance_budget"),  # the stated amount of the metric, as in real documents
        "万元。",
    )
    for i, p in enumerate(fig.projects, 1):
        comp = completion(p.actual, p.budget) or "0"
        b.para(
            f"{i}.{p.name}：全年预算数",
            money_num(p.budget, "project_budget", "budget", p.code),
            "万元，执行数",
            money_num(p.actual, "project_actual", "actual", p.code),
            "万元，完成预算的",
            pct_num(comp, "project_actual", "completion_pct", p.code),
            "%，自评得分",
            Num(str(p.score), "project_score", "actual", "分", p.code),
            "分。",
        )
    return b.paras


def performance_tables(dept: Department, fig: YearFigures) -> list[DocTable]:
    """Sichuan 项目支出绩效目标完成情况表, one per project."""
    out = []
    for p in fig.projects:
        bud, act = w(p.budget), w(p.actual)
        rows = [
            [Cell("项目名称"), Cell(p.name), Cell(""), Cell(""), Cell("")],
            [Cell("预算单位"), Cell(dept.name), Cell(""), Cell(""), Cell("")],
            [
                Cell("预算执行情况(万元)"),
                Cell("预算数:"),
                Cell(bud, "budget", p.name, p.code, "预算数", "project_budget"),
                Cell("执行数:"),
                Cell(act, "actual", p.name, p.code, "执行数", "project_actual"),
            ],
            [Cell("年度目标完成情况"), Cell("预期目标"), Cell("实际完成目标"), Cell(""), Cell("")],
            [Cell(""), Cell("按计划完成年度工作任务"), Cell("年度工作任务已按计划完成"), Cell(""), Cell("")],
            [
                Cell("一级指标"),
                Cell("二级指标"),
                Cell("三级指标"),
                Cell("预期指标值"),
                Cell("实际完成指标值"),
            ],
            [
                Cell("产出指标"),
                Cell("时效指标"),
                Cell("完成时间"),
                Cell(f"{fig.year}年12月底"),
                Cell("按时完成"),
            ],
            [
                Cell("满意度指标"),
                Cell("服务对象满意度指标"),
                Cell("服务对象满意度"),
                Cell("90%以上"),
                Cell(f"{90 + int(p.score) % 10}%"),
            ],
        ]
        out.append(
            DocTable("performance", "项目支出绩效目标完成情况表", [[f"({fig.year}年度)"]], rows, unit="")
        )
    return out


GLOSSARY = (
    (
        "财政拨款收入",
        "本级财政当年拨付给本部门的资金，分一般公共预算、政府性基金预算和国有资本经营预算三类。",
    ),
    ("事业收入", "事业单位依托本身业务及其辅助活动所获得的收入。"),
    ("年初结转和结余", "上一年度及更早安排、留待本年度依照规定接着使用的资金。"),
    ("年末结转和结余", "本年度未用完、按规定转入下一年度或之后年度接着使用的资金。"),
    ("基本支出", "用于维持机构日常运转和完成经常性工作所需的人员类与公用类开支。"),
    ("项目支出", "基本支出以外，为落实特定工作任务或事业发展目标安排的开支。"),
    (
        "“三公”经费",
        "本部门以财政拨款列支的因公出国（境）费、公务用车购置及运行费、公务接待费三项开支的合称。",
    ),
    ("机关运行经费", "行政单位及参公管理事业单位以一般公共预算财政拨款基本支出列支的日常公用经费。"),
)


def glossary(template: str) -> list[Para]:
    b = Builder("名词解释")
    b.heading("第三部分 名词解释" if template == "sichuan" else "第四部分 名词解释")
    for i, (term, text) in enumerate(GLOSSARY):
        b.para(f"{CN_NUM[i]}、{term}：{text}" if template == "shanghai" else f"{i + 1}.{term}：{text}")
    return b.paras
