"""Reader for Excel .xlsx/.xlsm (openpyxl), plus the spreadsheet helpers the .xls reader shares.

Each visible sheet becomes, in order:

* leading *title rows* — rows whose only non-empty cell spans the whole used width (a
  merged "2026年部门收支预算总表" banner, or every row of a one-column text sheet) — as
  :class:`Paragraph` blocks (one per text line; short one-line titles are headings);
* the rest of the used range as one :class:`Table` whose ``title`` is the sheet name,
  followed by the first title row's text when there is one (``"部门收支总表 2026年…"``).
  A sheet made only of title rows (a cover, a narrative sheet) yields paragraphs only.

``page`` is the sheet's 1-based position in the workbook (hidden sheets count, so the
number matches the workbook's sheet order); ``page_count`` is the number of sheets.
Hidden and very hidden sheets are skipped.

The used range is the bounding box of non-blank cells and of merges anchored on them
(formatted but empty columns, e.g. a sheet whose dimension says 256 columns, are cut).

Cell values are their *displayed* text: numbers are formatted with the cell's number
format (decimals, thousands separator, percent, literal text, negative section) from the
exact decimal of the stored double (``Decimal(repr(x))``, first rounded to 15 significant
digits and then to the format's decimals, half away from zero, as Excel does) — never
``str(float)`` artefacts. Dates become ISO text. Formulas give their
cached values (``data_only=True``); a formula never calculated reads as ''.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import zipfile
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

from ingest.model import Block, Document, Merge, Paragraph, Table, UnreadableDocument
from ingest.readers import limits

MAX_HEADING_CHARS = 40
_SENTENCE_PUNCT = re.compile(r"[。；;！!？?，,]")


def _looks_like_title(text: str) -> bool:
    t = text.strip()
    return 0 < len(t) <= MAX_HEADING_CHARS and "\n" not in t and not _SENTENCE_PUNCT.search(t)

# --------------------------------------------------------------------------- number formats


@dataclass(frozen=True, slots=True)
class _Section:
    prefix: str
    suffix: str
    int_min: int  # '0' placeholders in the integer part
    dec_min: int  # '0' in the fraction
    dec_max: int  # '0', '#', '?' in the fraction
    thousands: bool
    percent: int
    scale: int  # trailing commas: divide by 1000 each
    has_digits: bool
    scientific: bool


_BRACKET = re.compile(r"\[[^\]]*\]")
_CURRENCY = re.compile(r"\[\$([^-\]]*)(?:-[^\]]*)?\]")
_DATE_CHARS = re.compile(r"[ymdhs]", re.IGNORECASE)


def _strip_literals(section: str) -> tuple[str, list[tuple[int, str]]]:
    """Replace quoted/escaped literals by \x00 placeholders, remembering their text."""
    out: list[str] = []
    literals: list[tuple[int, str]] = []
    i = 0
    while i < len(section):
        ch = section[i]
        if ch == '"':
            j = section.find('"', i + 1)
            j = len(section) if j < 0 else j
            literals.append((len(out), section[i + 1:j]))
            out.append("\x00")
            i = j + 1
        elif ch == "\\" and i + 1 < len(section):
            literals.append((len(out), section[i + 1]))
            out.append("\x00")
            i += 2
        elif ch in "_*" and i + 1 < len(section):  # padding / fill: no visible text
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out), literals


def _render_literals(text: str, literals: list[tuple[int, str]], offset: int) -> str:
    chars = list(text)
    lit = iter(lit for pos, lit in literals if offset <= pos < offset + len(text))
    return "".join(next(lit, "") if c == "\x00" else c for c in chars)


@functools.lru_cache(maxsize=256)  # pure; a workbook uses a handful of formats on thousands of cells
def _parse_section(section: str) -> _Section:
    section = _CURRENCY.sub(lambda m: '"' + m.group(1) + '"', section)
    section = _BRACKET.sub("", section)
    plain, literals = _strip_literals(section)
    digit_pos = [i for i, c in enumerate(plain) if c in "0#?"]
    if not digit_pos:
        text = _render_literals(plain, literals, 0).replace("@", "")
        return _Section(text, "", 0, 0, 0, False, plain.count("%"), 0, False, False)
    first, last = digit_pos[0], digit_pos[-1]
    core = plain[first:last + 1]
    tail = plain[last + 1:]
    scale = len(tail) - len(tail.lstrip(","))
    tail = tail[scale:]
    prefix = _render_literals(plain[:first], literals, 0)
    suffix = _render_literals(tail, literals, last + 1 + scale)
    scientific = "E" in core.upper()
    int_part, _, frac = core.partition(".")
    return _Section(
        prefix=prefix,
        suffix=suffix,
        int_min=int_part.count("0"),
        dec_min=frac.count("0"),
        dec_max=sum(frac.count(c) for c in "0#?"),
        thousands="," in int_part,
        percent=plain.count("%"),
        scale=scale,
        has_digits=True,
        scientific=scientific,
    )


def _sig15(value: Decimal) -> Decimal:
    """Round to 15 significant digits, as Excel does before it displays a double."""
    if value == 0 or not value.is_finite():
        return value
    return value.quantize(Decimal(1).scaleb(value.adjusted() - 14), rounding=ROUND_HALF_UP)


def _general(value: Decimal) -> str:
    """Excel 'General': up to 15 significant digits, no trailing zeros, no exponent for usual sizes."""
    if value == 0:
        return "0"
    rounded = _sig15(value)
    if abs(rounded) >= Decimal("1e15") or abs(rounded) < Decimal("1e-9"):
        return f"{rounded.normalize():E}"
    text = format(rounded.normalize(), "f")
    return text


def to_decimal(value: float | int | Decimal) -> Decimal:
    """The exact decimal a spreadsheet number stands for (shortest repr of the double)."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    return Decimal(repr(float(value)))


def format_number(value: float | int | Decimal, number_format: str | None) -> str:
    """Displayed text of a number under an Excel number format ('0.00', '#,##0.00;(#,##0.00)', …)."""
    try:
        dec = to_decimal(value)
    except (InvalidOperation, ValueError):
        return str(value)
    if not dec.is_finite():
        return str(value)
    if not isinstance(value, Decimal):
        dec = _sig15(dec)  # a double: Excel shows at most 15 significant digits, then rounds
    fmt = (number_format or "General").strip()
    sections = _split_sections_cached(fmt)
    own_sign = False
    if len(sections) >= 2 and dec < 0:
        section, dec, own_sign = sections[1], -dec, True
    elif len(sections) >= 3 and dec == 0:
        section = sections[2]
    else:
        section = sections[0]
    if section.strip().lower() in ("general", "") or _is_date_section(section):
        return _general(dec) if not own_sign else "-" + _general(dec)
    spec = _parse_section(section)
    if not spec.has_digits:
        literal = spec.prefix.strip()
        if not literal or "General" in section:
            return ("-" if own_sign else "") + _general(dec)
        return spec.prefix
    if spec.scientific:
        return ("-" if own_sign else "") + _general(dec)
    dec = dec.scaleb(2 * spec.percent - 3 * spec.scale)
    q = dec.quantize(Decimal(1).scaleb(-spec.dec_max), rounding=ROUND_HALF_UP)
    sign = "-" if q < 0 and not own_sign else ""
    int_digits, _, frac_digits = format(abs(q), "f").partition(".")
    frac_digits = frac_digits.rstrip("0").ljust(spec.dec_min, "0") if spec.dec_max else ""
    int_digits = int_digits.lstrip("0").rjust(spec.int_min, "0")
    if spec.thousands and int_digits:
        int_digits = f"{int(int_digits):,}"
    body = int_digits + ("." + frac_digits if frac_digits else "")
    return f"{sign}{spec.prefix}{body}{spec.suffix}"


@functools.lru_cache(maxsize=256)
def _split_sections_cached(fmt: str) -> tuple[str, ...]:
    return tuple(_split_sections(fmt))


def _split_sections(fmt: str) -> list[str]:
    sections: list[str] = []
    buf: list[str] = []
    quoted = False
    escaped = False
    for ch in fmt:
        if escaped:
            buf.append(ch)
            escaped = False
        elif ch == "\\":
            buf.append(ch)
            escaped = True
        elif ch == '"':
            quoted = not quoted
            buf.append(ch)
        elif ch == ";" and not quoted:
            sections.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
    sections.append("".join(buf))
    return sections


@functools.lru_cache(maxsize=256)
def _is_date_section(section: str) -> bool:
    plain, _ = _strip_literals(_BRACKET.sub("", section))
    return bool(_DATE_CHARS.search(plain)) and not re.search(r"[0#?]", plain.replace("General", ""))


def format_date(value: dt.datetime | dt.date | dt.time) -> str:
    """ISO text of a date/time cell: a date when there is no time of day."""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.time):
        return value.isoformat(timespec="seconds")
    return value.isoformat()


def display_text(value: object, number_format: str | None) -> str:
    """Displayed text of any cell value openpyxl/xlrd produce."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float, Decimal)):
        return format_number(value, number_format)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return format_date(value)
    if isinstance(value, dt.timedelta):
        return str(value)
    return str(value).strip()


# --------------------------------------------------------------------------- sheet -> blocks


@dataclass(frozen=True, slots=True)
class SheetData:
    """A sheet as the spreadsheet readers see it: 0-based cells and merges (r0, c0, r1, c1 inclusive)."""

    name: str
    number: int
    cells: dict[tuple[int, int], str]
    merges: tuple[tuple[int, int, int, int], ...]


def sheet_blocks(sheet: SheetData, start_index: int) -> list[Block]:
    """Title paragraphs + one table for a sheet (see the module docstring)."""
    cells = {k: v for k, v in sheet.cells.items() if v.strip()}
    if not cells:
        return []
    r_min = min(r for r, _ in cells)
    c_min = min(c for _, c in cells)
    r_max = max(r for r, _ in cells)
    c_max = max(c for _, c in cells)
    merges: list[tuple[int, int, int, int]] = []
    for r0, c0, r1, c1 in sheet.merges:
        if (r0, c0) in cells:
            r_max, c_max = max(r_max, r1), max(c_max, c1)
            merges.append((r0, c0, r1, c1))
        elif r0 >= r_min and c0 >= c_min:
            merges.append((r0, c0, r1, c1))
    merges = [m for m in merges if m[0] <= r_max and m[1] <= c_max]
    width = c_max - c_min + 1
    limits.check_grid(sheet.name, r_max - r_min + 1, width)  # never a dense grid from two far-apart cells
    by_anchor = {(r0, c0): (r1, c1) for r0, c0, r1, c1 in merges}
    row_cells: dict[int, list[int]] = {}
    for r, c in cells:
        row_cells.setdefault(r, []).append(c)

    blocks: list[Block] = []
    titles: list[str] = []
    r = r_min
    while r <= r_max:
        cols = row_cells.get(r, [])
        if not cols:
            r += 1
            continue
        if len(cols) != 1:
            break
        c = cols[0]
        r1, c1 = by_anchor.get((r, c), (r, c))
        span = c1 - c + 1
        # a banner: spans the used width, or a merge over most of it ("单位：元" may sit beside)
        if not ((c == c_min and span >= width) or (span >= 2 and span * 5 >= width * 3)):
            break
        # covered rows of a tall merge must hold nothing else
        if any(row_cells.get(rr) for rr in range(r + 1, r1 + 1)):
            break
        text = cells[(r, c)]
        titles.append(text)
        for line in (ln.strip() for ln in text.splitlines()):
            if line:
                blocks.append(
                    Paragraph(
                        text=line,
                        index=start_index + len(blocks),
                        page=sheet.number,
                        is_heading=(span >= 2 or not titles[:-1]) and _looks_like_title(text),
                    )
                )
        r = r1 + 1
    if r > r_max:
        return blocks
    top = r
    n_rows = r_max - top + 1
    grid = [[""] * width for _ in range(n_rows)]
    for (rr, cc), text in cells.items():
        if rr >= top:
            grid[rr - top][cc - c_min] = text
    out_merges: list[Merge] = []
    for r0, c0, r1, c1 in sorted(merges):
        if r0 < top:
            continue
        rs = min(r1, r_max) - r0 + 1
        cs = min(c1, c_max) - c0 + 1
        if rs > 1 or cs > 1:
            out_merges.append(Merge(row=r0 - top, col=c0 - c_min, rowspan=rs, colspan=cs))
            for rr in range(r0, r0 + rs):
                for cc in range(c0, c0 + cs):
                    if (rr, cc) != (r0, c0):
                        grid[rr - top][cc - c_min] = ""
    title = sheet.name.strip()
    if titles:
        first = titles[0].strip().splitlines()[0].strip()
        if first and first != title:
            title = f"{title} {first}"
    blocks.append(
        Table(
            rows=tuple(tuple(row) for row in grid),
            index=start_index + len(blocks),
            page=sheet.number,
            merges=tuple(out_merges),
            title=title,
        )
    )
    return blocks


def workbook_document(path: Path, fmt: str, sheets: list[SheetData], n_sheets: int, hidden: int) -> Document:
    blocks: list[Block] = []
    for sheet in sheets:
        blocks.extend(sheet_blocks(sheet, len(blocks)))
    return Document(
        source_file=str(path),
        file_format=fmt,
        blocks=tuple(blocks),
        page_count=n_sheets,
        meta={"page_basis": "sheet", "hidden_sheets_skipped": str(hidden)},
    )


# --------------------------------------------------------------------------- xlsx


def read(path: Path) -> Document:
    """Read an .xlsx/.xlsm workbook into the document model."""
    limits.check_zip(path)
    try:
        with zipfile.ZipFile(path) as zf:
            limits.check_zip_xml_parts(zf)
            limits.check_workbook_cells(zf)  # before openpyxl loads a million rows
    except zipfile.BadZipFile as exc:
        raise limits.corrupt("zip 结构损坏", f"damaged zip: {exc}") from exc
    import openpyxl  # local: only this format needs it

    try:
        wb = openpyxl.load_workbook(path, data_only=True, read_only=False, keep_links=False)
    except UnreadableDocument:
        raise
    except Exception as exc:  # openpyxl raises many types on damaged parts
        raise limits.corrupt("Excel 工作簿无法解析", f"Excel workbook cannot be parsed: {exc}") from exc
    try:
        sheets: list[SheetData] = []
        hidden = 0
        for number, ws in enumerate(wb.worksheets, start=1):
            if ws.sheet_state != "visible":
                hidden += 1
                continue
            sheets.append(_sheet_data(ws, number))
        return workbook_document(path, "xlsx", sheets, len(wb.worksheets), hidden)
    finally:
        wb.close()


def _sheet_data(ws: object, number: int) -> SheetData:
    # ws._cells holds only the cells present in the file; iter_rows() would materialise
    # every coordinate of the dimension (a formatted 1,048,576-row sheet would explode).
    raw_cells = ws._cells  # type: ignore[attr-defined]
    cells: dict[tuple[int, int], str] = {}
    for (row, col), cell in raw_cells.items():
        value = cell.value
        if value is None:
            continue
        text = display_text(value, cell.number_format)
        if text:
            cells[(row - 1, col - 1)] = text
    merges = tuple(
        (rng.min_row - 1, rng.min_col - 1, rng.max_row - 1, rng.max_col - 1)
        for rng in ws.merged_cells.ranges  # type: ignore[attr-defined]
    )
    return SheetData(name=str(ws.title), number=number, cells=cells, merges=merges)  # type: ignore[attr-defined]
