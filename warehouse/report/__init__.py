"""Review reports: per-department HTML pages and workbooks, and a county overview page."""

from warehouse.report.build import ReportResult, build_reports

__all__ = ["ReportResult", "build_reports"]
