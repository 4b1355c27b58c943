"""Excel output: one sheet per table (.xlsx via openpyxl, .xls via xlwt), numbers '#,##0.00'."""

from __future__ import annotations

import re
import zipfile
from decimal import Decimal
from pathlib import Path

from samplegen.docmodel import Block, DocTable, Para

FIXED_ZIP_TIME = (2001, 1, 1, 0, 0, 0)
_CORE_DATES = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:(?:created|modified)>)")


def stable_zip(path: Path) -> None:
    """Rewrite a zip container with fixed entry timestamps so output is byte-stable."""
    with zipfile.ZipFile(path) as zin:
        items = [(i.filename, zin.read(i.filename)) for i in zin.infolist()]
    # libraries stamp the save time into docProps/core.xml whatever the properties say
    items = [
        (n, _CORE_DATES.sub(rb"\g<1>2001-01-01T00:00:00Z\g<2>", d) if n == "docProps/core.xml" else d)
        for n, d in items
    ]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in items:
            info = zipfile.ZipInfo(name, FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            zout.writestr(info, data)


def _sheet_name(t: DocTable, used: set[str]) -> str:
    base = t.title[:28]
    name, k = base, 2
    while name in used:
        name, k = f"{base[:26]}{k}", k + 1
    used.add(name)
    return name


def _value(text: str) -> Decimal | str:
    return Decimal(text.replace(",", ""))


def render_xlsx(blocks: list[Block], path: Path, title: str) -> None:
    from datetime import datetime

    from openpyxl import Workbook

    wb = Workbook()
    fixed = datetime(2001, 1, 1)
    wb.properties.created = fixed
    wb.properties.modified = fixed
    wb.properties.creator = "示例县财政局"
    wb.properties.title = title
    wb.remove(wb.active)
    paras = [b for b in blocks if isinstance(b, Para)]
    if paras:
        ws = wb.create_sheet("情况说明")
        ws.column_dimensions["A"].width = 120
        for i, p in enumerate(paras, 1):
            ws.cell(i, 1, p.text)
    used: set[str] = set()
    for t in (b for b in blocks if isinstance(b, DocTable)):
        ws = wb.create_sheet(_sheet_name(t, used))
        ws.cell(1, 1, t.title)
        r = 2
        if t.unit:
            ws.cell(2, 1, t.unit)
            r = 3
        for hrow in t.header:
            for c, text in enumerate(hrow, 1):
                if text:
                    ws.cell(r, c, text)
            r += 1
        for row in t.rows:
            for c, cell in enumerate(row, 1):
                if cell.numeric:
                    x = ws.cell(r, c, _value(cell.text))
                    x.number_format = "#,##0.00"
                elif cell.text:
                    ws.cell(r, c, cell.text)
            r += 1
        if t.note:
            ws.cell(r, 1, t.note)
        ws.column_dimensions["A"].width = 30
    wb.save(path)
    stable_zip(path)


def render_xls(blocks: list[Block], path: Path, title: str) -> None:
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    num_style = xlwt.easyxf(num_format_str="#,##0.00")
    paras = [b for b in blocks if isinstance(b, Para)]
    if paras:
        ws = wb.add_sheet("情况说明")
        for i, p in enumerate(paras):
            ws.write(i, 0, p.text)
    used: set[str] = set()
    for t in (b for b in blocks if isinstance(b, DocTable)):
        ws = wb.add_sheet(_sheet_name(t, used))
        ws.write(0, 0, t.title)
        r = 1
        if t.unit:
            ws.write(1, 0, t.unit)
            r = 2
        for hrow in t.header:
            for c, text in enumerate(hrow):
                if text:
                    ws.write(r, c, text)
            r += 1
        for row in t.rows:
            for c, cell in enumerate(row):
                if cell.numeric:
                    # .xls stores numbers as IEEE doubles: the conversion happens only at this file boundary.
                    ws.write(r, c, float(_value(cell.text)), num_style)
                elif cell.text:
                    ws.write(r, c, cell.text)
            r += 1
        if t.note:
            ws.write(r, 0, t.note)
    wb.save(str(path))
