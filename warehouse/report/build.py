"""``juesuan report``: a county page and per department an HTML page and a workbook."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from warehouse.report.data import CountyData, load_county
from warehouse.report.html import county_page, department_filename, department_page
from warehouse.report.xlsx import write_department_workbook


@dataclass(slots=True)
class ReportResult:
    out: Path
    index: Path | None
    year: int | None
    pages: list[Path] = field(default_factory=list)
    workbooks: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _selection(county: CountyData, department: str | None, year: int | None) -> list[tuple[str, int]]:
    """(department, year) pairs to report: each department's given year, else its latest one."""
    chosen = []
    for dept in county.departments():
        if department is not None and dept != department:
            continue
        y = year if year is not None and county.get(dept, year) is not None else (
            None if year is not None else county.latest_year(dept))
        if y is not None:
            chosen.append((dept, y))
    return chosen


def build_reports(
    warehouse: Path, out: Path, department: str | None = None, year: int | None = None,
    generated: datetime | None = None,
) -> ReportResult:
    """Write the reports into ``out``; the county page only when no single department was asked for."""
    county = load_county(warehouse)
    stamp = (generated or datetime.now(UTC)).astimezone().strftime("%Y-%m-%d %H:%M")
    out.mkdir(parents=True, exist_ok=True)
    selection = _selection(county, department, year)
    county_year = year if year is not None else (max(county.fiscal_years()) if county.fiscal_years() else None)
    result = ReportResult(out, None, county_year, notes=list(county.missing))
    if department is not None and not selection:
        result.notes.append(f"没有找到部门 {department}" + (f" {year} 年度" if year else "") + " 的决算数据")
    link: dict[str, str] = {}
    xlsx: dict[str, str] = {}
    other_years: list[tuple[str, int, str]] = []
    for dept, y in selection:
        dy = county.get(dept, y)
        assert dy is not None
        html_name = department_filename(dept, y, "html")
        xlsx_name = department_filename(dept, y, "xlsx")
        path = out / html_name
        path.write_text(department_page(county, dy, stamp, index_link=department is None), encoding="utf-8")
        result.pages.append(path)
        result.workbooks.append(write_department_workbook(county, dy, out / xlsx_name))
        if y == county_year:
            link[dept], xlsx[dept] = html_name, xlsx_name
        else:
            other_years.append((dept, y, html_name))
    if department is None and county_year is not None:
        index = out / "index.html"
        index.write_text(county_page(county, county_year, link, xlsx, stamp, other_years), encoding="utf-8")
        result.index = index
    elif department is None:
        result.notes.append("数据仓库中没有已加载的决算文件：暂无数据")
    return result
