"""Reader for legacy Excel .xls (BIFF5/8) with xlrd; output exactly like :mod:`ingest.readers.xlsx`.

``formatting_info=True`` is needed for merged cells and number formats. Each cell's
displayed text comes from its XF record's format string (``book.format_map``); date
cells become ISO text. Hidden sheets are skipped; ``page`` = 1-based sheet position.
An encrypted workbook (BIFF FILEPASS record) is refused with code ``encrypted``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal, InvalidOperation
from pathlib import Path

from ingest.model import Document, UnreadableDocument
from ingest.readers import limits
from ingest.readers.xlsx import SheetData, display_text, workbook_document

_SPREADSHEET_ML = b"urn:schemas-microsoft-com:office:spreadsheet"
_SS = "{urn:schemas-microsoft-com:office:spreadsheet}"
_X = "{urn:schemas-microsoft-com:office:excel}"
# SpreadsheetML named formats -> Excel format codes
_NAMED_FORMATS = {
    "general number": "General", "fixed": "0.00", "standard": "#,##0.00", "percent": "0.00%",
    "scientific": "0.00E+00", "general": "General",
}


def read(path: Path) -> Document:
    """Read an .xls workbook into the document model."""
    limits.check_file(path)
    magic = limits.head(path)
    if magic.startswith(limits.ZIP_MAGIC):
        from ingest.readers import xlsx

        return xlsx.read(path)  # an .xlsx saved with the old extension
    if magic.startswith(limits.OLE_MAGIC):
        names = limits.check_ole_not_encrypted(path)
        if not ({"Workbook", "Book"} & names):
            raise limits.corrupt("OLE 文件中没有 Excel 工作簿流", "OLE file holds no Excel workbook stream")
    else:
        # many "导出Excel" files are really HTML tables or Excel 2003 XML with an .xls name
        data = path.read_bytes()
        if _SPREADSHEET_ML in data[:4096]:
            return read_spreadsheet_ml(data, path)
        from ingest.readers import html

        if html.sniff_markup(data):
            doc = html.parse_html(data, str(path), file_format="xls")
            return dataclasses.replace(doc, meta={**doc.meta, "content": "html"})
    import xlrd  # local: only this format needs it

    try:
        book = xlrd.open_workbook(str(path), formatting_info=True, on_demand=True)
    except xlrd.XLRDError as exc:
        if "encrypt" in str(exc).lower():
            raise limits.encrypted() from exc
        raise limits.corrupt("Excel 97-2003 工作簿无法解析", f"xls workbook cannot be parsed: {exc}") from exc
    except UnreadableDocument:
        raise
    except Exception as exc:  # xlrd raises struct/index/assertion errors on damaged files
        raise limits.corrupt("Excel 97-2003 工作簿无法解析", f"xls workbook cannot be parsed: {exc}") from exc
    try:
        sheets: list[SheetData] = []
        hidden = 0
        n_sheets = book.nsheets
        for idx in range(n_sheets):
            sheet = book.sheet_by_index(idx)
            if sheet.visibility != 0:
                hidden += 1
                book.unload_sheet(idx)
                continue
            sheets.append(_sheet_data(book, sheet, idx + 1))
            book.unload_sheet(idx)
        return workbook_document(path, "xls", sheets, n_sheets, hidden)
    except Exception as exc:
        raise limits.corrupt("Excel 97-2003 工作表无法解析", f"xls sheet cannot be parsed: {exc}") from exc
    finally:
        book.release_resources()


def _sheet_data(book: object, sheet: object, number: int) -> SheetData:
    import xlrd

    cells: dict[tuple[int, int], str] = {}
    format_map = book.format_map  # type: ignore[attr-defined]
    xf_list = book.xf_list  # type: ignore[attr-defined]
    limits.check_grid(str(sheet.name), sheet.nrows, sheet.ncols)  # type: ignore[attr-defined]
    for r in range(sheet.nrows):  # type: ignore[attr-defined]
        types = sheet.row_types(r)  # type: ignore[attr-defined]
        values = sheet.row_values(r)  # type: ignore[attr-defined]
        for c, (kind, value) in enumerate(zip(types, values, strict=False)):
            if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                continue
            if kind == xlrd.XL_CELL_TEXT:
                text = str(value).strip()
            elif kind == xlrd.XL_CELL_NUMBER:
                fmt = format_map.get(xf_list[sheet.cell_xf_index(r, c)].format_key)  # type: ignore[attr-defined]
                text = display_text(value, fmt.format_str if fmt is not None else None)
            elif kind == xlrd.XL_CELL_DATE:
                text = _date_text(value, book.datemode)  # type: ignore[attr-defined]
            elif kind == xlrd.XL_CELL_BOOLEAN:
                text = "TRUE" if value else "FALSE"
            elif kind == xlrd.XL_CELL_ERROR:
                text = xlrd.error_text_from_code.get(value, "#ERR")
            else:
                text = str(value).strip()
            if text:
                cells[(r, c)] = text
    merges = tuple(
        (rlo, clo, rhi - 1, chi - 1)
        for rlo, rhi, clo, chi in sheet.merged_cells  # type: ignore[attr-defined]
    )
    return SheetData(name=str(sheet.name), number=number, cells=cells, merges=merges)  # type: ignore[attr-defined]


def _date_text(value: float, datemode: int) -> str:
    import xlrd

    try:
        stamp = xlrd.xldate.xldate_as_datetime(value, datemode)
    except (xlrd.xldate.XLDateError, OverflowError, ValueError):
        return display_text(value, "General")
    if value < 1:  # a pure time of day
        return display_text(stamp.time(), None)
    return display_text(stamp if stamp.time() != dt.time(0) else stamp.date(), None)


def read_spreadsheet_ml(data: bytes, path: Path) -> Document:
    """Excel 2003 XML ("XML 电子表格") with an .xls name: same output as a BIFF workbook."""
    from lxml import etree

    limits.check_xml_prolog(data[:65536], path.name)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise limits.corrupt("Excel 2003 XML 无法解析", f"Excel 2003 XML cannot be parsed: {exc}") from exc
    formats: dict[str, str] = {}
    for style in root.iter(f"{_SS}Style"):
        nf = style.find(f"{_SS}NumberFormat")
        if nf is not None and nf.get(f"{_SS}Format"):
            fmt = nf.get(f"{_SS}Format", "")
            formats[style.get(f"{_SS}ID", "")] = _NAMED_FORMATS.get(fmt.lower(), fmt)
    sheets: list[SheetData] = []
    worksheets = root.findall(f"{_SS}Worksheet")
    hidden = 0
    for number, ws in enumerate(worksheets, start=1):
        options = ws.find(f"{_X}WorksheetOptions")
        visible = options.find(f"{_X}Visible") if options is not None else None
        if visible is not None and (visible.text or "").strip() in ("SheetHidden", "SheetVeryHidden"):
            hidden += 1
            continue
        cells: dict[tuple[int, int], str] = {}
        merges: list[tuple[int, int, int, int]] = []
        table = ws.find(f"{_SS}Table")
        r = -1
        for row in table.iter(f"{_SS}Row") if table is not None else ():
            r = _index(row, r)
            c = -1
            for cell in row.iter(f"{_SS}Cell"):
                c = _index(cell, c)
                across = int(cell.get(f"{_SS}MergeAcross", "0") or 0)
                down = int(cell.get(f"{_SS}MergeDown", "0") or 0)
                if across or down:
                    merges.append((r, c, r + down, c + across))
                text = _ml_text(cell, formats.get(cell.get(f"{_SS}StyleID", ""), "General"))
                if text:
                    cells[(r, c)] = text
                c += across
        sheets.append(
            SheetData(name=ws.get(f"{_SS}Name", f"Sheet{number}"), number=number, cells=cells, merges=tuple(merges))
        )
    doc = workbook_document(path, "xls", sheets, len(worksheets), hidden)
    return dataclasses.replace(doc, meta={**doc.meta, "content": "spreadsheetml"})


def _index(el: object, previous: int) -> int:
    raw = el.get(f"{_SS}Index")  # type: ignore[attr-defined]
    return int(raw) - 1 if raw and raw.isdigit() else previous + 1


def _ml_text(cell: object, fmt: str) -> str:
    data = cell.find(f"{_SS}Data")  # type: ignore[attr-defined]
    if data is None:
        return ""
    raw = "".join(data.itertext()).strip()
    kind = data.get(f"{_SS}Type", "String")
    if kind == "Number":
        try:
            return display_text(Decimal(raw), fmt)
        except InvalidOperation:
            return raw
    if kind == "DateTime":
        try:
            return display_text(dt.datetime.fromisoformat(raw[:19]), None)
        except ValueError:
            return raw
    if kind == "Boolean":
        return "TRUE" if raw in ("1", "true", "TRUE") else "FALSE"
    return raw
