"""Input guards every reader runs before it opens a file.

Untrusted files come from thousands of departments; a reader must never hang, exhaust
memory or expand entities because of one. The guards here are cheap (they read headers,
the zip central directory and the first kilobytes of XML parts) and raise
:class:`~ingest.model.UnreadableDocument` with a Chinese and an English reason:

==============  =====================================================================
code            when
==============  =====================================================================
empty           the file has 0 bytes
too_large       file size, or the total uncompressed size of a zip, exceeds the limit
zip_bomb        a zip member expands more than ``max_ratio`` times its compressed size
corrupt         not a readable zip / OLE container, or a damaged part
xml_entities    an XML part declares a DOCTYPE or ENTITY (entity-expansion attacks)
encrypted       password-protected OOXML (an OLE file holding EncryptionInfo) or BIFF
too_many_cells  a sheet or workbook holds more cells than the limits, a sheet declares a dimension beyond
                Excel's, or the used range of a sheet is too large a grid (a cell at A1 and one at XFD1048576)
==============  =====================================================================

Spreadsheet bounds are by content, not file size: a 5 KB .xlsx can name cell XFD1048576. The worksheet XML is
counted (streamed, stopping at the limit) before any workbook library loads it, and a sheet's table grid is
only built when its used range is small enough.

Limits are passed as a :class:`Limits` value (no module-level mutable state); the readers'
``read(path)`` use :data:`DEFAULT_LIMITS`.
"""

from __future__ import annotations

import re
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from ingest.model import UnreadableDocument

MB = 1024 * 1024
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True, slots=True)
class Limits:
    """Resource limits for one file."""

    max_file_bytes: int = 200 * MB
    max_unzipped_bytes: int = 500 * MB
    max_ratio: float = 200.0
    # members smaller than this cannot be a meaningful bomb, whatever their ratio
    ratio_min_member_bytes: int = 1 * MB
    # the XML prolog (declaration, comments, PIs) must end within this many bytes
    max_xml_prolog_bytes: int = 64 * 1024
    # spreadsheets: cells stored per sheet / per workbook, rows and cells of the grid built for one sheet's table
    max_sheet_cells: int = 500_000
    max_file_cells: int = 1_000_000
    max_table_rows: int = 100_000
    max_grid_cells: int = 2_000_000


DEFAULT_LIMITS = Limits()


def _mb(n: int) -> str:
    return f"{n / MB:.0f} MB"


def check_file(path: Path, limits: Limits = DEFAULT_LIMITS) -> int:
    """Existence, emptiness and size; returns the size in bytes."""
    if not path.is_file():
        raise UnreadableDocument("missing", "文件不存在", "file does not exist")
    size = path.stat().st_size
    if size == 0:
        raise UnreadableDocument("empty", "文件为空（0 字节）", "file is empty (0 bytes)")
    if size > limits.max_file_bytes:
        raise UnreadableDocument(
            "too_large",
            f"文件过大（{_mb(size)}，上限 {_mb(limits.max_file_bytes)}）",
            f"file too large ({_mb(size)}, limit {_mb(limits.max_file_bytes)})",
        )
    return size


def head(path: Path, n: int = 8) -> bytes:
    with path.open("rb") as fh:
        return fh.read(n)


def corrupt(what_zh: str, what_en: str) -> UnreadableDocument:
    return UnreadableDocument("corrupt", f"文件已损坏：{what_zh}", f"file is corrupt: {what_en}")


def encrypted() -> UnreadableDocument:
    return UnreadableDocument("encrypted", "文件已加密，无法读取", "file is password-protected")


# --------------------------------------------------------------------------- zip (OOXML)


def check_zip(path: Path, limits: Limits = DEFAULT_LIMITS) -> None:
    """Size, zip validity and bomb checks for a zip-based file (.docx/.xlsx).

    An OLE file at this point is either encrypted OOXML or a legacy file with a wrong
    name; both are refused here with the right code.
    """
    check_file(path, limits)
    magic = head(path)
    if magic.startswith(OLE_MAGIC):
        check_ole_not_encrypted(path)
        raise corrupt(
            "这是旧版 OLE 格式而不是 Office Open XML（zip）", "an OLE (legacy Office) file, not OOXML"
        )
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise corrupt(
            "不是有效的 zip 压缩包（可能被截断）", f"not a valid zip archive (truncated?): {exc}"
        ) from exc
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:  # a password-protected zip member
            raise encrypted()
        total += info.file_size
        if info.file_size >= limits.ratio_min_member_bytes:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > limits.max_ratio:
                raise UnreadableDocument(
                    "zip_bomb",
                    f"疑似压缩炸弹：成员 {info.filename} 压缩比 {ratio:.0f} 倍，"
                    f"超过上限 {limits.max_ratio:.0f}",
                    f"suspected zip bomb: member {info.filename} expands {ratio:.0f}x "
                    f"(limit {limits.max_ratio:.0f}x)",
                )
    if total > limits.max_unzipped_bytes:
        raise UnreadableDocument(
            "too_large",
            f"解压后总大小过大（{_mb(total)}，上限 {_mb(limits.max_unzipped_bytes)}）",
            f"uncompressed size too large ({_mb(total)}, limit {_mb(limits.max_unzipped_bytes)})",
        )


_PROLOG_ITEM = re.compile(rb"\s+|<\?.*?\?>|<!--.*?-->", re.DOTALL)
_DTD = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)


def check_xml_prolog(data: bytes, part: str, limits: Limits = DEFAULT_LIMITS) -> None:
    """Refuse XML whose prolog declares a DOCTYPE/ENTITY.

    ``data`` is the start of the part (at least ``max_xml_prolog_bytes`` or all of it).
    A DTD, and so any entity declaration, can only stand before the root element, so
    walking the prolog is an exact test.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        data = data.decode("utf-16", errors="replace").encode("utf-8")
    elif data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    pos = 0
    while True:
        m = _PROLOG_ITEM.match(data, pos)
        if m is None or m.end() == pos:
            break
        pos = m.end()
    rest = data[pos:pos + 16]
    if _DTD.match(rest) or (rest.startswith(b"<!") and not rest.startswith(b"<![CDATA[")):
        raise UnreadableDocument(
            "xml_entities",
            f"XML 部件 {part} 含有 DOCTYPE/ENTITY 声明，出于安全原因拒绝读取",
            f"XML part {part} declares a DOCTYPE/ENTITY; refused for safety",
        )
    if pos >= len(data) and len(data) >= limits.max_xml_prolog_bytes:
        raise UnreadableDocument(
            "xml_entities",
            f"XML 部件 {part} 的文件头异常（超过 {limits.max_xml_prolog_bytes} 字节仍未出现根元素）",
            f"XML part {part} has an abnormal prolog (no root element within "
            f"{limits.max_xml_prolog_bytes} bytes)",
        )


def check_zip_xml_parts(zf: zipfile.ZipFile, limits: Limits = DEFAULT_LIMITS) -> None:
    """Run :func:`check_xml_prolog` on every .xml/.rels member of an open zip."""
    for info in zf.infolist():
        name = info.filename
        if not name.lower().endswith((".xml", ".rels")):
            continue
        try:
            with zf.open(info) as fh:
                data = fh.read(limits.max_xml_prolog_bytes)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError) as exc:
            raise corrupt(f"无法解压部件 {name}", f"cannot decompress part {name}: {exc}") from exc
        check_xml_prolog(data, name, limits)


def read_member(zf: zipfile.ZipFile, name: str, limits: Limits = DEFAULT_LIMITS) -> bytes:
    """Read one member, bounded by the uncompressed-size limit, checking its XML prolog."""
    try:
        with zf.open(name) as fh:
            data = _bounded_read(fh, limits.max_unzipped_bytes)
    except KeyError as exc:
        raise corrupt(f"缺少部件 {name}", f"missing part {name}") from exc
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError) as exc:
        raise corrupt(f"无法解压部件 {name}", f"cannot decompress part {name}: {exc}") from exc
    check_xml_prolog(data[: limits.max_xml_prolog_bytes], name, limits)
    return data


def _bounded_read(fh: IO[bytes], limit: int) -> bytes:
    data = fh.read(limit + 1)
    if len(data) > limit:
        raise UnreadableDocument(
            "zip_bomb",
            f"疑似压缩炸弹：部件解压后超过 {_mb(limit)}",
            f"suspected zip bomb: a part expands beyond {_mb(limit)}",
        )
    return data


# --------------------------------------------------------------------------- spreadsheet content bounds

EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLS = 16_384
_CELL_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")
_DIMENSION = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?dimension\s+ref=\"([A-Z]{1,3})?(\d+)?(?::([A-Z]{1,3})(\d+))?\"")
_CHUNK = 1 << 20


def too_many_cells(zh: str, en: str) -> UnreadableDocument:
    return UnreadableDocument("too_many_cells", zh, en)


def column_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def check_declared_dimension(head_bytes: bytes, part: str) -> None:
    """A sheet may declare a large dimension (formatted rows), never one beyond Excel's grid."""
    m = _DIMENSION.search(head_bytes)
    if m is None:
        return
    cols = [column_number(c.decode()) for c in (m.group(1), m.group(3)) if c]
    rows = [int(r) for r in (m.group(2), m.group(4)) if r]
    if any(c > EXCEL_MAX_COLS for c in cols) or any(r > EXCEL_MAX_ROWS for r in rows):
        raise too_many_cells(f"工作表 {part} 声明的范围超出 Excel 上限", f"sheet {part} declares a dimension beyond "
                             f"Excel's grid ({EXCEL_MAX_ROWS} rows × {EXCEL_MAX_COLS} columns)")


def count_sheet_cells(fh: IO[bytes], part: str, limit: int) -> int:
    """Cells stored in one worksheet XML stream (``<c …>`` elements), stopping as soon as ``limit`` is passed."""
    count, tail, first = 0, b"", True
    while chunk := fh.read(_CHUNK):
        data = tail + chunk
        if first:
            check_declared_dimension(data[:4096], part)
            first = False
        count += len(_CELL_TAG.findall(data, 0, max(0, len(data) - 32)))
        tail = data[max(0, len(data) - 32):]
        if count > limit:
            return count
    return count + len(_CELL_TAG.findall(tail))


def check_workbook_cells(zf: zipfile.ZipFile, limits: Limits = DEFAULT_LIMITS) -> int:
    """Refuse a workbook with too many stored cells in one sheet or in all, before it is loaded; returns the total."""
    total = 0
    for info in zf.infolist():
        name = info.filename
        if not (name.lower().startswith("xl/worksheets/") and name.lower().endswith(".xml")):
            continue
        try:
            with zf.open(info) as fh:
                n = count_sheet_cells(fh, name, limits.max_sheet_cells)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError) as exc:
            raise corrupt(f"无法解压部件 {name}", f"cannot decompress part {name}: {exc}") from exc
        if n > limits.max_sheet_cells:
            raise too_many_cells(
                f"工作表 {name} 单元格过多（超过 {limits.max_sheet_cells} 个）",
                f"sheet {name} holds more than {limits.max_sheet_cells} cells",
            )
        total += n
        if total > limits.max_file_cells:
            raise too_many_cells(
                f"工作簿单元格过多（超过 {limits.max_file_cells} 个）",
                f"workbook holds more than {limits.max_file_cells} cells",
            )
    return total


def check_grid(sheet: str, rows: int, cols: int, limits: Limits = DEFAULT_LIMITS) -> None:
    """A sheet's used range must be a grid small enough to build (rows and cells of its table)."""
    if rows > limits.max_table_rows or rows * cols > limits.max_grid_cells:
        raise too_many_cells(
            f"工作表“{sheet}”的使用范围过大（{rows} 行 × {cols} 列，上限 {limits.max_table_rows} 行、"
            f"{limits.max_grid_cells} 个单元格）",
            f"sheet {sheet!r} spans too large a range ({rows} rows × {cols} columns; limits {limits.max_table_rows} "
            f"rows, {limits.max_grid_cells} cells)",
        )


# --------------------------------------------------------------------------- OLE (CFB)

_FREESECT = 0xFFFFFFFF
_ENDOFCHAIN = 0xFFFFFFFE
_MAX_SECTORS = 1 << 22


def ole_stream_names(path: Path) -> frozenset[str]:
    """Names of all storages and streams of an OLE compound file (a tiny CFB directory parser).

    Raises ``corrupt`` when the container structure is damaged.
    """
    try:
        with path.open("rb") as fh:
            return _ole_names(fh, path.stat().st_size)
    except (struct.error, IndexError, ValueError) as exc:
        raise corrupt("OLE 复合文件结构损坏", f"damaged OLE compound file: {exc}") from exc


def _ole_names(fh: IO[bytes], size: int) -> frozenset[str]:
    header = fh.read(512)
    if len(header) < 512 or not header.startswith(OLE_MAGIC):
        raise ValueError("not an OLE header")
    shift = struct.unpack_from("<H", header, 0x1E)[0]
    if shift not in (9, 12):
        raise ValueError(f"bad sector shift {shift}")
    ssz = 1 << shift
    n_fat, first_dir = struct.unpack_from("<II", header, 0x2C)
    first_difat, n_difat = struct.unpack_from("<II", header, 0x44)
    n_sectors = max((size - ssz) // ssz + 1, 0)

    def sector(n: int) -> bytes:
        if n >= n_sectors or n >= _MAX_SECTORS:
            raise ValueError(f"sector {n} out of range")
        fh.seek((n + 1) * ssz)
        return fh.read(ssz)

    fat_sectors = list(struct.unpack_from("<109I", header, 0x4C))
    nxt, seen = first_difat, 0
    while nxt not in (_FREESECT, _ENDOFCHAIN) and seen <= n_difat:
        block = sector(nxt)
        entries = struct.unpack(f"<{ssz // 4}I", block)
        fat_sectors.extend(entries[:-1])
        nxt, seen = entries[-1], seen + 1
    fat: list[int] = []
    for s in fat_sectors[:n_fat]:
        if s in (_FREESECT, _ENDOFCHAIN):
            continue
        fat.extend(struct.unpack(f"<{ssz // 4}I", sector(s)))
    names: set[str] = set()
    cur, steps = first_dir, 0
    while cur not in (_FREESECT, _ENDOFCHAIN):
        steps += 1
        if steps > len(fat) + 1:
            raise ValueError("directory chain loops")
        block = sector(cur)
        for off in range(0, ssz, 128):
            entry = block[off:off + 128]
            if len(entry) < 128:
                break
            name_len = struct.unpack_from("<H", entry, 64)[0]
            kind = entry[66]
            if kind in (1, 2, 5) and 2 <= name_len <= 64:
                names.add(entry[: name_len - 2].decode("utf-16-le", errors="replace"))
        cur = fat[cur] if cur < len(fat) else _ENDOFCHAIN
    return frozenset(names)


def check_ole_not_encrypted(path: Path) -> frozenset[str]:
    """Refuse password-protected OOXML (OLE with EncryptionInfo); returns the stream names."""
    names = ole_stream_names(path)
    if "EncryptionInfo" in names or "EncryptedPackage" in names:
        raise encrypted()
    return names
