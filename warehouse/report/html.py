"""Self-contained HTML pages (inline CSS and SVG, no scripts, no external resources)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from decimal import Decimal
from html import escape
from urllib.parse import quote

from warehouse.report import budget as budget_report
from warehouse.report import svg
from warehouse.report.data import (
    EXPENDITURE_PARTS,
    ISSUE_SEVERITIES,
    CountyData,
    DepartmentYear,
    Finding,
    _text_or_none,
    compare,
    completeness,
    county_functions,
    decided_order,
    error_count,
    finding_order,
    income_structure,
    indicator_value,
    issue_count,
    prior_value,
    sangong_structure,
    severity_label,
    severity_rank,
    structure,
)
from warehouse.report.fmt import DASH, change_pct, count, money, pct, signed_money
from warehouse.review.states import ACTION_LABEL, STATE_LABEL

FONT_STACK = ('"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", '
              '"Hiragino Sans GB", "WenQuanYi Micro Hei", sans-serif')

CSS = """
:root { --ink: #1f2933; --muted: #6b7785; --line: #e3e7ec; --accent: #3b6ea5; --bg: #f5f6f8; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink); font-family: FONTS; font-size: 14px;
       line-height: 1.6; }
header.top { background: #fff; border-bottom: 1px solid var(--line); padding: 20px 0 14px; }
.wrap { max-width: 1200px; margin: 0 auto; padding: 0 28px; }
h1 { font-size: 24px; margin: 0 0 4px; font-weight: 700; letter-spacing: 0.02em; }
h2 { font-size: 18px; margin: 30px 0 12px; padding-left: 10px; border-left: 4px solid var(--accent); }
h3 { font-size: 15px; margin: 0 0 8px; }
.meta { color: var(--muted); font-size: 13px; }
.meta span + span::before { content: "·"; margin: 0 8px; }
a { color: var(--accent); text-decoration: none; } a:hover { text-decoration: underline; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: 12px; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; }
.card .k { color: var(--muted); font-size: 13px; }
.card .v { font-size: 22px; font-weight: 600; font-variant-numeric: tabular-nums; }
.card .s { color: var(--muted); font-size: 12px; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(500px, 1fr)); gap: 14px; }
.grid3 { display: grid; grid-template-columns: repeat(auto-fill, minmax(370px, 1fr)); gap: 14px; }
.panel { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 14px 16px;
         overflow-x: auto; }
.note { color: var(--muted); font-size: 12px; margin: 6px 0 0; }
.empty { color: var(--muted); font-style: italic; margin: 8px 0; }
table { border-collapse: collapse; width: 100%; background: #fff; font-size: 13px; }
th, td { padding: 6px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
th { color: var(--muted); font-weight: 600; background: #fafbfc; white-space: nowrap; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr:hover td { background: #f8fafc; }
.up { color: #b4412f; } .down { color: #2f7d4f; }
.badge { display: inline-block; border-radius: 10px; padding: 0 8px; font-size: 12px; color: #fff;
         background: #8c8c8c; }
.sev-1 { background: #c0392b; } .sev-2 { background: #d68910; } .sev-3 { background: #5d6d7e; }
.st-open { background: #3b6ea5; } .st-reopened { background: #8e44ad; } .st-accepted { background: #2f7d4f; }
.st-rejected { background: #6b7785; }
nav.years a, nav.years strong { margin-right: 12px; }
.history { margin: 6px 0 0; padding-left: 18px; color: var(--muted); font-size: 12px; }
.finding { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px;
           margin: 8px 0; }
.finding .head { display: flex; gap: 10px; align-items: baseline; flex-wrap: wrap; }
.finding code { font-size: 12px; color: var(--muted); }
.finding .nums { font-size: 13px; color: var(--ink); font-variant-numeric: tabular-nums; }
blockquote { margin: 6px 0 0; padding: 6px 12px; border-left: 3px solid #c9ced6; background: #f7f8fa;
             color: #3d4852; font-size: 13px; }
svg.chart { display: block; max-width: 100%; height: auto; }
svg.chart text.lbl { font-size: 12px; fill: #333; }
svg.chart text.val { font-size: 12px; fill: #333; font-variant-numeric: tabular-nums; }
svg.chart text.small { font-size: 11px; }
svg.chart text.muted { fill: #6b7785; }
svg.chart text.strong { font-weight: 700; font-size: 14px; }
svg.spark { vertical-align: middle; margin-left: 6px; }
footer { color: var(--muted); font-size: 12px; margin: 40px 0 24px; }
@media print { body { background: #fff; } .panel, .card, .finding { break-inside: avoid; } }
""".replace("FONTS", FONT_STACK)


def page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{CSS}</style></head><body>{body}</body></html>\n"
    )


def _pct1(value: Decimal | None) -> str:
    return pct(value, 1)


_RANKING_FORMATS: dict[str, svg.Formatter] = {"money": money, "pct": _pct1, "count": count}


def _n(text: str, cls: str = "n") -> str:
    return f'<td class="{cls}">{escape(text)}</td>'


def _delta_class(value: Decimal | None) -> str:
    if value is None or value == 0:
        return "n"
    return "n up" if value > 0 else "n down"


def _fmt(unit: str, value: Decimal | None) -> str:
    if unit == "%":
        return pct(value)
    if unit == "人":
        return count(value)
    return money(value)


def _card(label: str, value: str, sub: str = "") -> str:
    return (f'<div class="card"><div class="k">{escape(label)}</div><div class="v">{escape(value)}</div>'
            f'<div class="s">{escape(sub)}</div></div>')


def _panel(title: str, content: str, note: str = "") -> str:
    note_html = f'<p class="note">{escape(note)}</p>' if note else ""
    return f'<div class="panel"><h3>{escape(title)}</h3>{content}{note_html}</div>'


def department_filename(department: str, year: int, suffix: str) -> str:
    safe = "".join("_" if ch in '\\/:*?"<>|#%' or ch.isspace() else ch for ch in department).strip("._") or "部门"
    return f"{safe}-{year}.{suffix}"


def _href(name: str) -> str:
    return quote(name)


# ---- department page ---------------------------------------------------------------------------------------

def _when(value: object) -> str:
    if value is None:
        return ""
    return value.strftime("%Y-%m-%d %H:%M") if hasattr(value, "strftime") else str(value)


def _history_html(county: CountyData, f: Finding) -> str:
    events = county.history.get(f.finding_id or "", [])
    if not events:
        return ""
    items = "".join(
        f"<li>{escape(_when(e.decided_at))} {escape(e.decided_by)} {escape(ACTION_LABEL.get(e.action, e.action))}："
        f"{escape(STATE_LABEL.get(e.state_before, e.state_before))} → "
        f"{escape(STATE_LABEL.get(e.state_after, e.state_after))}"
        + (f"（{escape(e.reason)}）" if e.reason else "") + (f" 整改情况：{escape(e.response)}" if e.response else "")
        + "</li>" for e in events)
    return f'<ul class="history">{items}</ul>'


def _finding_html(county: CountyData, f: Finding) -> str:
    nums = []
    for label, value in (("应为", f.expected), ("实为", f.actual), ("差额", f.difference)):
        if value is not None:
            nums.append(f"{label} {escape(_text_or_none(value) or '')}")
    where = []
    if f.page is not None:
        where.append(f"第 {f.page} 页")
    if f.locator:
        where.append(escape(f.locator))
    if f.occurrences > 1:
        where.append(f"同一问题出现 {f.occurrences} 处")
    if f.finding_id:
        where.append(f"编号 {escape(f.finding_id)}")
    state = (f'<span class="badge st-{escape(f.lifecycle)}">{escape(STATE_LABEL.get(f.lifecycle, f.lifecycle))}'
             "</span>") if f.finding_id else ""
    decided = ""
    if f.lifecycle in ("accepted", "rejected", "reopened") and f.reason:
        who = f"（{escape(f.decided_by)}，{escape(_when(f.decided_at))}）" if f.decided_by else ""
        decided = f'<div class="nums">处理意见：{escape(f.reason)}{who}</div>'
    response = f'<div class="nums">整改情况：{escape(f.response)}</div>' if f.response else ""
    quote_html = f"<blockquote>“{escape(f.evidence)}”</blockquote>" if f.evidence else ""
    return (
        f'<div class="finding"><div class="head">{state}<strong>{escape(f.message or f.label)}</strong>'
        f"<code>{escape(f.label)}</code><span class=\"meta\">{' · '.join(where)}</span></div>"
        f'<div class="nums">{" · ".join(nums)}</div>{decided}{response}{quote_html}'
        f"{_history_html(county, f)}</div>"
    )


def _findings_html(county: CountyData, dy: DepartmentYear) -> str:
    if "fct_check_result" not in county.marts:
        return '<p class="empty">暂无数据：审核结果（marts.fct_check_result）尚未生成。</p>'
    unevaluated = (f'<p class="note">另有 {dy.not_evaluable} 项检查无法核对（缺少上年度决算或计算所需的金额等），'
                   "不计为问题。</p>") if dy.not_evaluable else ""
    if not dy.findings:
        return '<p class="empty">本年度没有待处理的问题。</p>' + unevaluated
    groups: dict[str, list[Finding]] = {}
    for f in sorted(dy.findings, key=finding_order):
        groups.setdefault(f.severity, []).append(f)
    parts = []
    for severity, items in groups.items():
        rank = severity_rank(severity) + 1  # CSS: sev-1 error, sev-2 warning, sev-3 info
        parts.append(f'<h3><span class="badge sev-{rank}">{escape(severity_label(severity))}</span> '
                     f"{len(items)} 项</h3>")
        parts.extend(_finding_html(county, f) for f in items)
    return "".join(parts) + unevaluated


def _decided_html(county: CountyData, dy: DepartmentYear) -> str:
    if not dy.decided:
        return '<p class="empty">没有已认可或不成立的问题。</p>'
    rows = []
    for f in sorted(dy.decided, key=decided_order):
        rows.append(
            f"<tr><td>{escape(STATE_LABEL.get(f.lifecycle, f.lifecycle))}</td>"
            f"<td>{escape(severity_label(f.severity))}</td><td>{escape(f.label)}</td><td>{escape(f.message)}</td>"
            f"<td>{escape(f.reason or '')}</td><td>{escape(f.decided_by or '')}</td>"
            f"<td>{escape(_when(f.decided_at))}</td><td><code>{escape(f.finding_id or '')}</code></td></tr>")
    return ("<table><thead><tr><th>状态</th><th>级别</th><th>检查</th><th>问题说明</th><th>处理意见</th><th>处理人</th>"
            f"<th>时间</th><th>编号</th></tr></thead><tbody>{''.join(rows)}</tbody></table>")


def _comparison_table(county: CountyData, dy: DepartmentYear) -> str:
    group = county.peer_groups.get(dy.department, "")
    rows = []
    for c in compare(county, dy):
        unit = c.indicator.unit
        delta = DASH if c.change is None else (
            pct(c.change, signed=True) if unit == "%" else signed_money(c.change) if unit != "人" else count(c.change))
        rank = f"{c.peer_rank} / {c.peer_size}" if c.peer_rank is not None else DASH
        rows.append(
            f"<tr><td>{escape(c.indicator.label)}</td><td>{escape(unit)}</td>"
            + _n(_fmt(unit, c.current)) + _n(_fmt(unit, c.prior))
            + f'<td class="{_delta_class(c.change)}">{escape(delta)}</td>'
            + f'<td class="{_delta_class(c.change_pct)}">{escape(pct(c.change_pct, signed=True))}</td>'
            + _n(_fmt(unit, c.peer_median)) + _n(rank) + "</tr>"
        )
    return (
        '<table><thead><tr><th>指标</th><th>单位</th><th class="n">本年</th><th class="n">上年</th>'
        '<th class="n">增减</th><th class="n">增减率</th>'
        f'<th class="n">同类中位数</th><th class="n">同类排名</th></tr></thead><tbody>{"".join(rows)}</tbody></table>'
        f'<p class="note">同类组：{escape(group)}（{dy.year} 年度）。上年数优先取上年度决算公开，'
        "缺失时取本年公开中“比上年增减”推算。排名按数值从大到小。</p>"
    )


def _charts(county: CountyData, dy: DepartmentYear) -> str:
    prev = county.get(dy.department, dy.year - 1)

    def prior(metric: str) -> Decimal | None:
        if prev is not None and (v := prev.actual(metric)) is not None:
            return v
        cur, chg = dy.actual(metric), dy.stated(metric, "yoy_change")
        if (v := dy.stated(metric, "prior_year")) is not None:
            return v
        return cur - chg if cur is not None and chg is not None else None

    expenditure_total = "expenditure_grand_total" if dy.actual("expenditure_grand_total") is not None \
        else "expenditure_current_year"
    totals = svg.grouped_bar_chart(
        ["收入总计", "支出总计"],
        [(f"{dy.year - 1} 年", [prior("income_total"), prior(expenditure_total)]),
         (f"{dy.year} 年", [dy.actual("income_total"), dy.actual(expenditure_total)])],
        "收支总计变动",
    )
    panels = [
        _panel("收支总计变动（万元）", totals, "本年与上年收入总计、支出总计。"),
        _panel("收入结构（万元）", svg.donut_chart(income_structure(dy), "收入结构", center_label="本年收入")),
        _panel("支出结构（万元）", svg.donut_chart(structure(dy, EXPENDITURE_PARTS), "支出结构",
                                               center_label="本年支出")),
        _panel("“三公”经费结构（万元）", svg.donut_chart(sangong_structure(dy), "三公结构",
                                                   center_label="三公经费")),
    ]
    if dy.functions:
        panels.append(_panel("支出功能分类（类）（万元）", svg.hbar_chart(dy.functions[:12], "支出功能结构")))
    return '<div class="grid">' + "".join(panels) + "</div>"


SOURCE_METRICS: tuple[tuple[str, str], ...] = (
    ("income_total", "收入总计"), ("expenditure_grand_total", "支出总计"),
    ("expenditure_current_year", "本年支出合计"), ("expenditure_basic", "基本支出"),
    ("expenditure_project", "项目支出"), ("sangong_total", "“三公”经费"),
    ("admin_operating_cost", "机关运行经费"), ("staff_actual", "在职人数"),
)


def _sources_table(dy: DepartmentYear) -> str:
    rows = []
    for metric, label in SOURCE_METRICS:
        fig = dy.figures.get((metric, "actual"))
        if fig is None:
            continue
        kind = "表格" if fig.source_kind == "table" else "说明"
        page_text = str(fig.page) if fig.page is not None else DASH
        value = count(fig.value) if fig.unit == "人" else money(fig.value)
        rows.append(f"<tr><td>{escape(label)}</td>" + _n(value) + f"<td>{escape(fig.unit)}</td><td>{kind}</td>"
                    + _n(page_text) + f"<td>{escape(fig.evidence[:160])}</td></tr>")
    if not rows:
        return '<p class="empty">暂无数据</p>'
    return ('<table><thead><tr><th>指标</th><th class="n">数值</th><th>单位</th><th>来源</th><th class="n">页码</th>'
            f'<th>原文</th></tr></thead><tbody>{"".join(rows)}</tbody></table>')


def department_page(
    county: CountyData, dy: DepartmentYear, generated: str, index_link: str | None = "index.html",
) -> str:
    sev = Counter(severity_label(f.severity) for f in sorted(dy.findings, key=lambda f: severity_rank(f.severity)))
    findings_sub = " · ".join(f"{k} {v}" for k, v in sev.items()) or (
        "暂无数据" if "fct_check_result" not in county.marts else "无")
    files = "、".join(f"{name}" + (f"（{pages} 页）" if pages else "") for _, name, pages in dy.documents) or DASH
    budget_files = "、".join(f"{name}" + (f"（{pages} 页）" if pages else "") for _, name, pages in dy.budget_documents)
    kind = "部门决算" if dy.documents or not dy.budget_documents else "部门预算"
    cur_exp = indicator_value(dy, "expenditure_total")
    prior_exp = prior_value(dy, "expenditure_total")
    back = f'<a href="{_href(index_link)}">← 返回全县总览</a>' if index_link else ""
    body = (
        f'<header class="top"><div class="wrap"><div class="meta">{back}</div>'
        f"<h1>{escape(dy.department)} {dy.year} 年度{kind}审阅报告</h1>"
        f'<div class="meta"><span>来源文件：{escape(files)}</span>'
        + (f"<span>预算文件：{escape(budget_files)}</span>" if budget_files else "") +
        f"<span>同类组：{escape(county.peer_groups.get(dy.department, ''))}</span>"
        f"<span>生成于 {escape(generated)}</span></div></div></header>"
        '<main class="wrap">'
        '<div class="cards" style="margin-top:18px">'
        + _card("待处理的审核发现", str(len(dy.findings)) if "fct_check_result" in county.marts else DASH,
                findings_sub + (f"；已认可/不成立 {len(dy.decided)}" if dy.decided else ""))
        + _card("收入总计（万元）", money(dy.actual("income_total")))
        + _card("本年支出合计（万元）", money(cur_exp),
                f"比上年 {pct(change_pct(cur_exp, prior_exp), signed=True)}")
        + _card("“三公”经费（万元）", money(indicator_value(dy, "sangong_total")))
        + _card("披露完整度", pct(completeness(dy), 0))
        + "</div>"
        "<h2>审核发现（待处理，按严重程度）</h2>" + _findings_html(county, dy)
        + "<h2>已认可 / 不成立的问题</h2>" + _decided_html(county, dy)
        + "<h2>预算与决算对照</h2>" + budget_report.department_section(
            dy.budget_lines, "fct_budget_execution" in county.marts)
        + "<h2>主要指标：与上年及同类部门比较</h2>" + _comparison_table(county, dy)
        + "<h2>标准图表（据数据重新绘制，请与公开文本中的图表对照）</h2>" + _charts(county, dy)
        + "<h2>数据出处</h2>" + _sources_table(dy)
        + f'<footer>juesuan 决算 · 数据仓库 {escape(county.warehouse.name)} · 金额单位：万元</footer></main>'
    )
    return page(f"{dy.department} {dy.year} 年度{kind}审阅报告", body)


# ---- county page -------------------------------------------------------------------------------------------

def county_name(departments: Sequence[str]) -> str:
    """The jurisdiction most department names start with (示例县, 上海市普陀区), else 全县."""
    names = []
    for d in departments:
        d = re.sub(r"^(中共|纳入)", "", d)
        m = re.match(r"^(.{1,12}?[县区旗])", d) or re.match(r"^(.{1,8}?市)", d)
        if m:
            names.append(m.group(1))
    if not names:
        return "全县"
    best, n = Counter(names).most_common(1)[0]
    return best if n * 2 >= len(departments) else "全县"


RANKINGS: tuple[tuple[str, str, str], ...] = (
    ("expenditure_total", "本年支出合计（万元）", "money"),
    ("sangong_total", "“三公”经费（万元）", "money"),
    ("admin_cost_per_staff", "人均机关运行经费（万元/人）", "money"),
    ("execution_rate", "一般公共预算执行率", "pct"),
    ("findings", "待处理的错误和警告（项）", "count"),
    ("completeness", "披露完整度", "pct"),
)
TOP_N = 15


def _ranking_value(dy: DepartmentYear, key: str) -> Decimal | None:
    if key == "findings":
        return Decimal(issue_count(dy))
    if key == "completeness":
        return completeness(dy)
    return indicator_value(dy, key)


def _rankings(county: CountyData, year: int, has_findings: bool) -> str:
    panels = []
    rows = county.in_year(year)
    for key, title, kind in RANKINGS:
        if key == "findings" and not has_findings:
            panels.append(_panel(title, '<p class="empty">暂无数据：审核结果尚未生成。</p>'))
            continue
        values = sorted(((dy.department, v) for dy in rows if (v := _ranking_value(dy, key)) is not None),
                        key=lambda kv: kv[1], reverse=True)
        fmt = _RANKING_FORMATS[kind]
        note = f"前 {TOP_N} 名，共 {len(values)} 个部门" if len(values) > TOP_N else f"共 {len(values)} 个部门"
        panels.append(_panel(title, svg.hbar_chart(values[:TOP_N], title, value_fmt=fmt, width=380), note))
    return '<div class="grid3">' + "".join(panels) + "</div>"


def _movers(county: CountyData, year: int, link: dict[str, str]) -> str:
    movers = []
    for dy in county.in_year(year):
        cur = indicator_value(dy, "expenditure_total")
        prior = prior_value(dy, "expenditure_total")
        if cur is not None and prior is not None:
            movers.append((dy.department, prior, cur, cur - prior, change_pct(cur, prior)))
    if not movers:
        return '<p class="empty">暂无数据：没有可比较的上年数。</p>'
    movers.sort(key=lambda m: abs(m[3]), reverse=True)
    top = movers[:10]
    biggest = max(abs(m[3]) for m in top)
    rows = "".join(
        f"<tr><td>{_dept_link(d, link)}</td>" + _n(money(p)) + _n(money(c))
        + f'<td class="{_delta_class(delta)}">{escape(signed_money(delta))}{svg.spark_bar(delta, biggest)}</td>'
        + f'<td class="{_delta_class(rate)}">{escape(pct(rate, signed=True))}</td></tr>'
        for d, p, c, delta, rate in top
    )
    return ('<table><thead><tr><th>部门</th><th class="n">上年支出</th><th class="n">本年支出</th>'
            f'<th class="n">增减（万元）</th><th class="n">增减率</th></tr></thead><tbody>{rows}</tbody></table>'
            '<p class="note">本年支出合计，按增减额绝对值排序（前 10）。</p>')


def _dept_link(department: str, link: dict[str, str]) -> str:
    if department in link:
        return f'<a href="{_href(link[department])}">{escape(department)}</a>'
    return escape(department)


def _most_errors(county: CountyData, year: int, link: dict[str, str]) -> str:
    if "fct_check_result" not in county.marts:
        return '<p class="empty">暂无数据：审核结果（marts.fct_check_result）尚未生成。</p>'
    rows = [(dy.department, error_count(dy), issue_count(dy), Counter(
        f.label for f in dy.findings if f.severity in ISSUE_SEVERITIES))
        for dy in county.in_year(year) if issue_count(dy)]
    if not rows:
        return '<p class="empty">本年度未发现问题。</p>'
    rows.sort(key=lambda r: (r[1], r[2]), reverse=True)
    body = "".join(
        f"<tr><td>{_dept_link(d, link)}</td>" + _n(str(errors)) + _n(str(total))
        + f"<td>{escape('、'.join(f'{k}×{v}' for k, v in checks.most_common(3)))}</td></tr>"
        for d, errors, total, checks in rows[:10]
    )
    return ('<table><thead><tr><th>部门</th><th class="n">错误</th><th class="n">错误和警告</th><th>最常见的检查</th>'
            f"</tr></thead><tbody>{body}</tbody></table>"
            '<p class="note">只计待处理的错误和警告；提示、已认可和不成立的问题不计。</p>')


def _all_departments(county: CountyData, year: int, link: dict[str, str], xlsx: dict[str, str]) -> str:
    rows = []
    has_findings = "fct_check_result" in county.marts
    for dy in county.in_year(year):
        findings = f"{error_count(dy)} / {issue_count(dy)}" if has_findings else DASH
        files = f'<a href="{_href(link[dy.department])}">网页</a>' if dy.department in link else ""
        if dy.department in xlsx:
            files += f' · <a href="{_href(xlsx[dy.department])}">Excel</a>'
        rows.append(
            f"<tr><td>{_dept_link(dy.department, link)}</td><td>{escape(county.peer_groups.get(dy.department, ''))}"
            "</td>" + _n(money(indicator_value(dy, "expenditure_total")))
            + _n(money(indicator_value(dy, "sangong_total")))
            + _n(money(indicator_value(dy, "admin_cost_per_staff")))
            + _n(pct(indicator_value(dy, "execution_rate"))) + _n(pct(completeness(dy), 0)) + _n(findings)
            + f"<td>{files}</td></tr>"
        )
    return ('<table><thead><tr><th>部门</th><th>同类组</th><th class="n">本年支出合计</th><th class="n">三公经费</th>'
            '<th class="n">人均机关运行经费</th><th class="n">执行率</th><th class="n">完整度</th>'
            f'<th class="n">错误 / 错误和警告</th><th>报告</th></tr></thead><tbody>{"".join(rows)}</tbody></table>')


def county_filename(county: CountyData, year: int) -> str:
    """index.html for the default year (the one most departments filed), index-<year>.html for the others."""
    return "index.html" if year == county.default_year() else f"index-{year}.html"


def _year_nav(county: CountyData, year: int) -> str:
    items = []
    for y in county.fiscal_years():
        n = len(county.in_year(y))
        text = f"{y} 年度（{n} 个部门）"
        items.append(f"<strong>{escape(text)}</strong>" if y == year
                     else f'<a href="{_href(county_filename(county, y))}">{escape(text)}</a>')
    return f'<nav class="years meta">年度：{"".join(items)}</nav>'


def _not_submitted(county: CountyData, year: int) -> str:
    if "fct_missing_submission" not in county.marts:
        return '<p class="empty">暂无数据：marts.fct_missing_submission 尚未生成。</p>'
    if not county.has_registry:
        return ('<p class="empty">没有部门名录：在数据目录放入 department_registry.csv（部门名称、部门编码、同类组、'
                "应报送）后即可列出未提交部门。</p>")
    rows = county.not_submitted.get(year, [])
    if not rows:
        return '<p class="empty">名录中应报送的部门均已提交。</p>'
    body = "".join(f"<tr><td>{escape(d)}</td><td>{escape(str(last) if last else '从未提交')}</td></tr>"
                   for d, last in rows)
    return (f'<p class="note">共 {len(rows)} 个部门未提交 {year} 年度决算。</p><table><thead><tr><th>部门</th>'
            f"<th>上次提交年度</th></tr></thead><tbody>{body}</tbody></table>")


def county_page(
    county: CountyData, year: int, link: dict[str, str], xlsx: dict[str, str], generated: str,
    other_years: Sequence[tuple[str, int, str]] = (), nav: bool = True,
) -> str:
    rows = county.in_year(year)
    name = county_name([dy.department for dy in rows])
    has_findings = "fct_check_result" in county.marts
    total_exp = sum((v for dy in rows if (v := indicator_value(dy, "expenditure_total")) is not None), Decimal(0))
    total_sg = sum((v for dy in rows if (v := indicator_value(dy, "sangong_total")) is not None), Decimal(0))
    sev = Counter(severity_label(f.severity) for f in sorted(
        (f for dy in rows for f in dy.findings), key=lambda f: severity_rank(f.severity)))
    missing_count = len(county.not_submitted.get(year, []))
    functions = county_functions(county, year)
    if functions:
        func_html = ('<div class="grid">'
                     + _panel("全县支出功能结构（万元）", svg.donut_chart(functions[:8] + (
                         [("其他", sum((v for _, v in functions[8:]), Decimal(0)))] if len(functions) > 8 else []),
                         "全县支出功能结构", center_label="合计"))
                     + _panel("按功能分类（类）（万元）", svg.hbar_chart(functions[:15], "按功能分类"))
                     + "</div>")
    else:
        func_html = '<p class="empty">暂无数据：支出功能分类数据集市（marts.fct_expenditure_by_function）尚未生成。</p>'
    others = ""
    if other_years:
        items = "".join(f'<li><a href="{_href(f)}">{escape(d)} {y} 年度</a></li>' for d, y, f in other_years)
        others = f"<h2>其他年度的部门报告</h2><ul>{items}</ul>"
    notes = "".join(f"<li>{escape(m)}</li>" for m in county.missing)
    quarantined = "".join(f"<li>{escape(f)}：{escape(r)}</li>" for _, f, r in county.quarantined[:50])
    body = (
        f'<header class="top"><div class="wrap"><h1>{escape(name)} {year} 年度部门决算审阅总览</h1>'
        f'<div class="meta"><span>{len(rows)} 个部门</span>'
        f"<span>生成于 {escape(generated)}</span></div>{_year_nav(county, year) if nav else ''}</div></header>"
        '<main class="wrap"><div class="cards" style="margin-top:18px">'
        + _card("部门", str(len(rows)), f"{year} 年度" + (f"，未提交 {missing_count} 个" if missing_count else ""))
        + _card("已加载文件", str(county.documents_loaded), f"隔离 {county.documents_quarantined} 个")
        + _card("本年支出合计（万元）", money(total_exp), "各部门合计")
        + _card("“三公”经费（万元）", money(total_sg), "各部门合计")
        + _card("待处理的审核发现", str(sum(sev.values())) if has_findings else DASH,
                " · ".join(f"{k} {v}" for k, v in sev.items()) or ("暂无数据" if not has_findings else "无"))
        + "</div>"
        + "<h2>部门排名</h2>" + _rankings(county, year, has_findings)
        + "<h2>支出功能结构</h2>" + func_html
        + "<h2>预算执行率（决算 ÷ 预算）</h2>" + budget_report.county_section(
            {dy.department: dy.budget_lines for dy in rows if dy.budget_lines}, lambda d: _dept_link(d, link))
        + "<h2>同比变动最大的部门</h2>" + _movers(county, year, link)
        + "<h2>错误最多的部门</h2>" + _most_errors(county, year, link)
        + "<h2>未提交部门</h2>" + _not_submitted(county, year)
        + "<h2>全部部门</h2>" + _all_departments(county, year, link, xlsx)
        + others
        + "<h2>数据说明</h2><ul class=\"note\">"
        + f"<li>数据集市：{escape('、'.join(county.marts) or '无')}</li>{notes}</ul>"
        + (f"<h3>已隔离的文件</h3><ul class=\"note\">{quarantined}</ul>" if quarantined else "")
        + f'<footer>juesuan 决算 · 数据仓库 {escape(county.warehouse.name)} · 金额单位：万元</footer></main>'
    )
    return page(f"{name} {year} 年度部门决算审阅总览", body)
