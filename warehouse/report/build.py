"""``juesuan report``: a county page and per department an HTML page and a workbook."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from warehouse.report.data import CountyData, load_county
from warehouse.report.html import county_filename, county_page, department_filename, department_page
from warehouse.report.xlsx import write_department_workbook


@dataclass(slots=True)
class ReportResult:
    out: Path
    index: Path | None  # the county page of ``year``
    year: int | None
    pages: list[Path] = field(default_factory=list)
    workbooks: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    county_pages: list[Path] = field(default_factory=list)  # one per fiscal year


def _selection(county: CountyData, department: str | None, year: int | None) -> list[tuple[str, int]]:
    """(department, year) pairs to report: the given year, else every year of each department."""
    return [(d, y) for (d, y) in sorted(county.years)
            if (department is None or d == department) and (year is None or y == year)]


def build_reports(
    warehouse: Path, out: Path, department: str | None = None, year: int | None = None,
    generated: datetime | None = None,
) -> ReportResult:
    """Write the reports into ``out``: department pages, and (unless one department was asked for) a county page per
    year — ``index.html`` is the year most departments filed, or the ``year`` asked for."""
    county = load_county(warehouse)
    stamp = (generated or datetime.now(UTC)).astimezone().strftime("%Y-%m-%d %H:%M")
    out.mkdir(parents=True, exist_ok=True)
    selection = _selection(county, department, year)
    county_year = year if year is not None else county.default_year()
    result = ReportResult(out, None, county_year, notes=list(county.missing))
    if department is not None and not selection:
        result.notes.append(f"没有找到部门 {department}" + (f" {year} 年度" if year else "") + " 的决算数据")
    links: dict[int, tuple[dict[str, str], dict[str, str]]] = {}
    for dept, y in selection:
        dy = county.get(dept, y)
        assert dy is not None
        html_name = department_filename(dept, y, "html")
        xlsx_name = department_filename(dept, y, "xlsx")
        path = out / html_name
        back = county_filename(county, y) if department is None else None
        path.write_text(department_page(county, dy, stamp, index_link=back), encoding="utf-8")
        result.pages.append(path)
        result.workbooks.append(write_department_workbook(county, dy, out / xlsx_name))
        link, xlsx = links.setdefault(y, ({}, {}))
        link[dept], xlsx[dept] = html_name, xlsx_name
    if department is None and county_year is not None:
        for y in ([year] if year is not None else county.fiscal_years()):
            link, xlsx = links.get(y, ({}, {}))
            page = out / (county_filename(county, y) if year is None else "index.html")
            page.write_text(county_page(county, y, link, xlsx, stamp, nav=year is None), encoding="utf-8")
            result.county_pages.append(page)
            if y == county_year:
                result.index = page
    elif department is None:
        result.notes.append("数据仓库中没有已加载的决算文件：暂无数据")
    return result
