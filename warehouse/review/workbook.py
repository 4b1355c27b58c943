"""审核意见表: the review workbooks the bureau sends to departments and gets back with 整改情况.

``export_workbooks`` writes one workbook per department (its latest year, or the one asked for) and a county
workbook; ``import_workbook`` reads either back, validates every row (unknown id, evidence changed since the
export, a status that is not one of the list, a decision without reason or reviewer) and records the decisions
in the review store in one transaction — or, when any row is wrong, nothing, with one Chinese + English message
per row.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from warehouse.review.findings import ReviewFinding, decide, load_findings
from warehouse.review.states import (
    COMMENT,
    FIXED,
    LABEL_STATE,
    SETTABLE_LABELS,
    STATE_LABEL,
    TransitionError,
    action_for,
)
from warehouse.review.store import Decision, ReviewStore
from warehouse.sql import escape_formula, list_marts, read_only

SHEET = "审核意见表"
SEVERITY_LABEL = {"error": "错误", "warning": "警告", "info": "提示"}
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
MONEY_FORMAT = "#,##0.00"
PERCENT_FORMAT = '0.00"%"'


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    width: int
    key: str


COLUMNS: tuple[Column, ...] = (
    Column("编号", 14, "finding_id"), Column("部门", 22, "department_name"), Column("年度", 7, "fiscal_year"),
    Column("严重程度", 9, "severity"), Column("检查", 22, "title"), Column("问题说明", 50, "message"),
    Column("页码", 6, "page"), Column("位置", 24, "locator"), Column("原文", 50, "evidence"),
    Column("应为", 13, "expected"), Column("实为", 13, "actual"), Column("差额", 13, "difference"),
    Column("出现次数", 8, "occurrences"), Column("状态", 11, "state"), Column("处理意见", 30, "reason"),
    Column("整改情况", 30, "response"), Column("处理人", 10, "decided_by"), Column("首次发现", 13, "first_seen"),
    Column("证据指纹", 18, "evidence_hash"),
)
HEADER_ROW = 3
NUMBER_KEYS = ("expected", "actual", "difference")


@dataclass(slots=True)
class Written:
    departments: list[Path] = field(default_factory=list)
    county: Path | None = None


@dataclass(slots=True)
class Imported:
    recorded: list[Decision] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    unchanged: int = 0


def workbook_name(department: str, year: int | None) -> str:
    safe = "".join("_" if ch in '\\/:*?"<>|#%[]' or ch.isspace() else ch for ch in department).strip("._") or "部门"
    return f"审核意见表-{safe}-{year}.xlsx"


def _decimal_places(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return max(2, -exponent) if isinstance(exponent, int) else 2


def _number(value: Decimal | None) -> Decimal | None:
    """DECIMAL(38, 6) 1200.500000 → 1200.50 (a number in the cell, never text)."""
    if value is None or not value.is_finite():
        return None
    return value.quantize(Decimal(1).scaleb(-_decimal_places(value)))


def _value(f: ReviewFinding, key: str) -> Any:
    if key == "severity":
        return SEVERITY_LABEL.get(f.severity, f.severity)
    if key == "title":
        return f.title_zh or f.check_id
    if key == "state":
        return STATE_LABEL.get(f.lifecycle, f.lifecycle)
    if key == "first_seen":
        return f.first_seen_run_id
    if key == "reason":
        return f.reason if f.lifecycle != "open" else None
    if key in NUMBER_KEYS:
        return _number(getattr(f, key))
    return getattr(f, key)


def _is_percent(f: ReviewFinding) -> bool:
    return f.check_id.startswith(("percent.", "hygiene.percent", "validity.percent"))


def _sorted(findings: Sequence[ReviewFinding]) -> list[ReviewFinding]:
    return sorted(findings, key=lambda f: (f.department_name, f.fiscal_year or 0, SEVERITY_ORDER.get(f.severity, 9),
                                           f.page or 0, f.locator or "", f.finding_id))


def _findings_sheet(ws: Any, title: str, findings: Sequence[ReviewFinding], with_validation: bool) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    ws.append([title])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([f"状态可选：{'、'.join(SETTABLE_LABELS)}（已整改由系统在新修订版中确认）。请勿修改编号与证据指纹列；"
               "认可或不成立须填写处理意见。"])
    ws["A2"].font = Font(color="666666", size=9)
    ws.append([c.header for c in COLUMNS])
    for cell in ws[HEADER_ROW]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E8EDF3")
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    wrap = Alignment(wrap_text=True, vertical="top")
    for f in findings:
        ws.append([escape_formula(_value(f, c.key)) for c in COLUMNS])
        row = ws.max_row
        fmt = PERCENT_FORMAT if _is_percent(f) else MONEY_FORMAT
        for i, c in enumerate(COLUMNS, start=1):
            cell = ws.cell(row, i)
            if c.key in NUMBER_KEYS:
                cell.number_format = fmt
            elif c.key in ("message", "evidence", "reason", "response"):
                cell.alignment = wrap
    for i, c in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = c.width
    last = max(ws.max_row, HEADER_ROW + 1)
    ws.freeze_panes = ws.cell(HEADER_ROW + 1, 2)
    ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(COLUMNS))}{last}"
    if with_validation:
        state_col = get_column_letter(1 + [c.key for c in COLUMNS].index("state"))
        dv = DataValidation(type="list", formula1='"' + ",".join(SETTABLE_LABELS) + '"', allow_blank=True,
                            showErrorMessage=True, errorTitle="状态无效", error="请从列表中选择：" + "、".join(
                                SETTABLE_LABELS), promptTitle="状态", prompt="、".join(SETTABLE_LABELS))
        dv.add(f"{state_col}{HEADER_ROW + 1}:{state_col}{max(last, HEADER_ROW + 500)}")
        ws.add_data_validation(dv)
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = True
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.oddHeader.center.text = title


def _notes_sheet(wb: Any) -> None:
    from openpyxl.styles import Font

    ws = wb.create_sheet("填写说明")
    lines = [
        ("状态", "含义"),
        (STATE_LABEL["open"], "新发现，待部门整改或说明"),
        (STATE_LABEL["accepted"], "财政局认可（已说明或不重要），无需整改；须填写处理意见"),
        (STATE_LABEL["rejected"], "检查结果不成立（误报）；须填写处理意见"),
        (STATE_LABEL["reopened"], "重新处理：证据已变化，或审核人重新打开"),
        (STATE_LABEL[FIXED], "新修订版中已不存在该问题（系统确认，不能手工选择）"),
        ("", ""),
        ("整改情况", "部门填写整改或说明情况；导入后记入审核记录"),
        ("编号、证据指纹", "请勿修改：导入时据此核对问题是否仍是导出时的内容"),
    ]
    for line in lines:
        ws.append(list(line))
    ws["A1"].font = ws["B1"].font = Font(bold=True)
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 70


def _select(findings: Sequence[ReviewFinding], department: str | None, year: int | None) -> list[ReviewFinding]:
    """Failures and decided findings (not the not_evaluable ones) of each department's year."""
    chosen = [f for f in findings if f.raw_status == "fail" and f.lifecycle != FIXED
              and (department is None or f.department_name == department)]
    latest: dict[str, int] = {}
    for f in chosen:
        if f.fiscal_year is not None:
            latest[f.department_name] = max(latest.get(f.department_name, 0), f.fiscal_year)
    return [f for f in chosen if f.fiscal_year == (year if year is not None else latest.get(f.department_name))]


def _missing(warehouse: Path) -> list[tuple[Any, ...]]:
    with read_only(warehouse) as con:
        if "fct_missing_submission" not in list_marts(con):
            return []
        return con.execute("SELECT fiscal_year, department_name, department_code, peer_group, last_filed_year "
                           "FROM marts.fct_missing_submission ORDER BY fiscal_year DESC, department_name").fetchall()


def export_workbooks(warehouse: Path, out: Path, department: str | None = None, year: int | None = None) -> Written:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    findings = _select(load_findings(warehouse), department, year)
    out.mkdir(parents=True, exist_ok=True)
    written = Written()
    by_department: dict[tuple[str, int | None], list[ReviewFinding]] = {}
    for f in _sorted(findings):
        by_department.setdefault((f.department_name, f.fiscal_year), []).append(f)
    for (dept, y), items in by_department.items():
        wb = Workbook()
        _findings_sheet(wb.active, f"{dept} {y} 年度部门决算审核意见表", items, with_validation=True)
        wb.active.title = SHEET
        _notes_sheet(wb)
        target = out / workbook_name(dept, y)
        wb.save(str(target))
        written.departments.append(target)
    if not by_department:
        return written
    wb = Workbook()
    _findings_sheet(wb.active, "全县部门决算审核意见汇总", _sorted(findings), with_validation=True)
    wb.active.title = SHEET
    ws = wb.create_sheet("部门汇总")
    ws.append(["部门", "年度", "错误", "警告", "提示", "待处理", "已认可", "不成立", "重新打开"])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for (dept, y), items in by_department.items():
        sev = Counter(f.severity for f in items)
        state = Counter(f.lifecycle for f in items)
        ws.append([dept, y, sev["error"], sev["warning"], sev["info"], state["open"], state["accepted"],
                   state["rejected"], state["reopened"]])
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:I{ws.max_row}"
    ws.column_dimensions["A"].width = 28
    ws = wb.create_sheet("未提交部门")
    ws.append(["年度", "部门", "部门编码", "同类组", "上次报送年度"])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in _missing(warehouse):
        ws.append([escape_formula(v) for v in row])
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:E{max(ws.max_row, 2)}"
    ws.column_dimensions["B"].width = 28
    _notes_sheet(wb)
    years = sorted({y for _, y in by_department if y is not None})
    span = f"{years[0]}" if len(years) == 1 else f"{years[0]}-{years[-1]}" if years else "全部"
    written.county = out / f"审核意见汇总-全县-{span}.xlsx"
    wb.save(str(written.county))
    return written


# ---- import -----------------------------------------------------------------------------------------------

def _text(value: Any) -> str:
    if value is None:
        return ""
    text = str(value).strip()
    return text[1:] if text.startswith("'") else text  # the formula guard of the export


def _read_rows(path: Path) -> tuple[list[tuple[int, dict[str, str]]], list[str]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(str(path), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        return [], [f"无法打开工作簿 cannot open the workbook {path.name}: {type(exc).__name__}: {exc}"]
    try:
        sheets = [wb[SHEET]] if SHEET in wb.sheetnames else list(wb.worksheets)
        for ws in sheets:
            rows = list(ws.iter_rows(values_only=True))
            for i, row in enumerate(rows[:20]):
                header = [_text(v) for v in row]
                if "编号" in header and "状态" in header:
                    index = {h: header.index(h) for h in (c.header for c in COLUMNS) if h in header}
                    out = []
                    for number, values in enumerate(rows[i + 1:], start=i + 2):
                        cells = {h: _text(values[j]) if j < len(values) else "" for h, j in index.items()}
                        if any(cells.values()):
                            out.append((number, cells))
                    return out, []
        return [], [f"工作簿中没有找到“{SHEET}”表头（编号、状态） "
                    f"no review sheet with 编号/状态 headers in {path.name}"]
    finally:
        wb.close()


def plan_import(
    rows: Sequence[tuple[int, dict[str, str]]], findings: dict[str, ReviewFinding], source: str, by: str | None,
) -> Imported:
    """Decisions a workbook's rows ask for, or the errors that forbid them (pure)."""
    result = Imported()
    counts = Counter(cells.get("编号", "") for _, cells in rows)
    for number, cells in rows:
        where = f"第 {number} 行 row {number}"
        fid = cells.get("编号", "")
        if not fid:
            result.errors.append(f"{where}：缺少编号 missing finding id")
            continue
        if counts[fid] > 1:
            result.errors.append(f"{where}：编号 {fid} 重复出现 duplicate finding id")
            continue
        finding = findings.get(fid)
        if finding is None:
            result.errors.append(f"{where}：编号 {fid} 不存在（数据仓库中没有这个问题）unknown finding id")
            continue
        label = cells.get("状态", "")
        if label and label not in LABEL_STATE:
            result.errors.append(f"{where}：状态“{label}”无效，应为 {'、'.join(SETTABLE_LABELS)} "
                                 f"bad status (one of: open, accepted, rejected, reopened)")
            continue
        wanted = LABEL_STATE.get(label, finding.lifecycle)
        if wanted == FIXED and finding.lifecycle != FIXED:
            result.errors.append(f"{where}：状态“已整改”由系统在新修订版中确认，不能手工填写 fixed is set by the "
                                 "system when a later revision no longer has the finding")
            continue
        hash_in_book = cells.get("证据指纹", "")
        if hash_in_book and finding.evidence_hash and hash_in_book != finding.evidence_hash:
            result.errors.append(f"{where}：编号 {fid} 的证据已变化（导出后文件已修订），请重新导出审核意见表 "
                                 "evidence changed since the export: export the workbook again")
            continue
        reason = cells.get("处理意见", "")
        response = cells.get("整改情况", "")
        reviewer = cells.get("处理人", "") or (by or "")
        try:
            action = action_for(finding.lifecycle, wanted)
            if action is None and wanted in ("accepted", "rejected") and reason and reason != (finding.reason or ""):
                action = "accept" if wanted == "accepted" else "reject"  # the same decision with a new reason
            if action is None and response and response != (finding.response or ""):
                action = COMMENT
            if action is None:
                result.unchanged += 1
                continue
            result.recorded.append(decide(finding, action, reviewer, reason or None, source, response or None))
        except TransitionError as exc:
            result.errors.append(f"{where}：编号 {fid}：{exc}")
    if result.errors:
        result.recorded = []
    return result


def import_workbook(warehouse: Path, path: Path, by: str | None = None) -> Imported:
    """Validate a returned 审核意见表 and record its decisions: all rows, or none when any row is wrong."""
    rows, errors = _read_rows(path)
    if errors:
        return Imported(errors=errors)
    findings = {f.finding_id: f for f in load_findings(warehouse, include_fixed=True)}
    plan = plan_import(rows, findings, f"workbook:{path.name}", by)
    if plan.errors or not plan.recorded:
        return plan
    ids = [d.finding_id for d in plan.recorded]
    plan.recorded = ReviewStore.of(warehouse).record(plan.recorded, seen={i: findings[i].last_event_id for i in ids})
    return plan
