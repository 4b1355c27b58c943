"""Reader for legacy binary Office/WPS files: .doc, .wps (text) and .et (spreadsheet).

Order of decisions:

1. size guard; an OLE container holding ``EncryptionInfo`` is password-protected OOXML
   (an encrypted .docx/.xlsx is an OLE file, so it arrives here) → ``encrypted``;
2. an OLE file whose streams show an Excel workbook (``Workbook``/``Book`` — .et files
   saved in Excel format, or a misnamed .xls) is read directly by :mod:`~ingest.readers.xls`;
   a zip (OOXML with the wrong extension) goes to the .docx/.xlsx reader;
3. otherwise LibreOffice (``soffice`` or ``libreoffice`` on PATH) converts the file headless
   into a temporary directory (120 s timeout, a private ``-env:UserInstallation`` profile so
   parallel conversions do not share a lock) and the .docx/.xlsx reader reads the result;
4. without LibreOffice: ``needs_libreoffice``.

The returned document keeps the original ``source_file`` and ``file_format`` (``doc``,
``wps``, ``et``) and records ``meta["converted_via"]``.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from ingest.model import Document, UnreadableDocument
from ingest.readers import limits

CONVERT_TIMEOUT_S = 120
_SPREADSHEET_SUFFIXES = frozenset({".et", ".ett", ".xls"})
_WORD_STREAMS = frozenset({"WordDocument"})
_EXCEL_STREAMS = frozenset({"Workbook", "Book"})


def find_soffice() -> str | None:
    """Path of the LibreOffice executable, or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def needs_libreoffice() -> UnreadableDocument:
    return UnreadableDocument(
        "needs_libreoffice",
        "旧版 Office/WPS 格式需要安装 LibreOffice 才能读取",
        "legacy .doc/.wps/.et needs LibreOffice (not installed)",
    )


def _file_format(path: Path) -> str:
    suffix = path.suffix.lower().lstrip(".")
    return suffix if suffix in ("doc", "wps", "et") else "doc"


def read(path: Path) -> Document:
    """Read a legacy .doc/.wps/.et file (see the module docstring)."""
    limits.check_file(path)
    magic = limits.head(path)
    fmt = _file_format(path)
    if magic.startswith(limits.ZIP_MAGIC):
        from ingest.readers import docx, xlsx

        inner = xlsx if path.suffix.lower() in _SPREADSHEET_SUFFIXES else docx
        return _relabel(inner.read(path), path, fmt, "none (OOXML content)")
    names: frozenset[str] = frozenset()
    if magic.startswith(limits.OLE_MAGIC):
        names = limits.check_ole_not_encrypted(path)
        if names & _EXCEL_STREAMS and not names & _WORD_STREAMS:
            from ingest.readers import xls

            return _relabel(xls.read(path), path, fmt, "none (BIFF workbook)")
    else:
        # Word/WPS "save as web page" files keep the .doc name: HTML or an MHT archive
        from ingest.readers import html

        data = path.read_bytes()
        kind = html.sniff_markup(data)
        if kind is not None:
            return _relabel(html.parse_html(data, str(path)), path, fmt, f"none ({kind} content)")
    soffice = find_soffice()
    if soffice is None:
        raise needs_libreoffice()
    spreadsheet = bool(names & _EXCEL_STREAMS) or path.suffix.lower() in _SPREADSHEET_SUFFIXES
    target = "xlsx" if spreadsheet else "docx"
    with tempfile.TemporaryDirectory(prefix="juesuan-lo-") as tmp:
        converted = convert(soffice, path, Path(tmp), target)
        from ingest.readers import docx, xlsx

        inner = xlsx if target == "xlsx" else docx
        return _relabel(inner.read(converted), path, fmt, "libreoffice")


def convert(soffice: str, path: Path, tmp: Path, target: str, timeout_s: int = CONVERT_TIMEOUT_S) -> Path:
    """Convert ``path`` to ``target`` (docx/xlsx) in ``tmp`` with a private LibreOffice profile."""
    out_dir = tmp / "out"
    out_dir.mkdir()
    profile = (tmp / "profile").resolve().as_uri()
    # a plain ASCII copy: LibreOffice mishandles some non-ASCII paths and option-like names
    src = tmp / f"input{path.suffix.lower() or '.doc'}"
    shutil.copyfile(path, src)
    cmd = [
        soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--nologo",
        "--nodefault", "--nolockcheck", "--convert-to", target, "--outdir", str(out_dir), str(src),
    ]
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True, cwd=tmp
    )
    try:
        _, err = proc.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired as exc:
        os.killpg(proc.pid, signal.SIGKILL)  # the group this call started (soffice + soffice.bin)
        proc.communicate()
        raise UnreadableDocument(
            "conversion_timeout",
            f"LibreOffice 转换超时（{timeout_s} 秒）",
            f"LibreOffice conversion timed out ({timeout_s} s)",
        ) from exc
    result = out_dir / f"input.{target}"
    if proc.returncode != 0 or not result.is_file():
        detail = err.decode("utf-8", "replace").strip()[:200]
        raise UnreadableDocument(
            "conversion_failed",
            f"LibreOffice 无法转换该文件（{detail or '无输出'}）",
            f"LibreOffice could not convert the file ({detail or 'no output'})",
        )
    return result


def _relabel(doc: Document, path: Path, fmt: str, via: str) -> Document:
    meta = {**doc.meta, "converted_via": via}
    return dataclasses.replace(doc, source_file=str(path), file_format=fmt, meta=meta)
