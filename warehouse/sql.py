"""Read-only SQL on the warehouse for analysts: one short, sandboxed read-only connection per query.

The nightly run builds a new warehouse file and publishes it with ``os.replace``; a connection opened
read-only before the swap keeps reading the old file, one opened after reads the new one. Opening per
query (never holding a connection) is what lets ``juesuan sql`` answer while a run is in progress.
A file that is write-locked by someone's read-write connection is retried briefly, then reported in one line.

The door cannot reach the machine: each connection is a private in-memory DuckDB instance that attaches the
warehouse read-only and then turns off external access and locks its configuration (DuckDB's own settings,
not SQL string matching). Reading or writing any other file (``read_csv``, ``glob``, ``COPY``, ``EXPORT``,
``ATTACH``), installing or loading extensions and changing settings (``SET``, profiling output) are refused
by DuckDB itself; introspection (``DESCRIBE``, ``SHOW``, ``PRAGMA table_info``, ``information_schema``) works.
A private instance also bypasses DuckDB's per-process instance cache, so a query after a publish sees the new
warehouse even while another connection in the same process still holds the old one.
"""

from __future__ import annotations

import csv
import io
import json
import time
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from datetime import time as dtime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# DuckDB settings of every analyst connection, applied in this order once the warehouse is attached.
# DuckDB allows its temp directory to every statement, so spilling is off: no directory is reachable.
SAFE_SETTINGS: tuple[tuple[str, str], ...] = (
    ("temp_directory", "''"),
    ("enable_external_access", "false"),
    ("autoinstall_known_extensions", "false"),
    ("autoload_known_extensions", "false"),
    ("allow_community_extensions", "false"),
    ("lock_configuration", "true"),
)
# Settings given when the private instance is created (before anything can be loaded).
INSTANCE_CONFIG = {"autoinstall_known_extensions": False, "autoload_known_extensions": False,
                   "allow_community_extensions": False}
RESERVED_CATALOGS = frozenset({"memory", "system", "temp", "main"})
REFUSAL = ("SQL 入口只能读取数据仓库：不允许访问文件、安装或加载扩展、修改配置 "
           "refused: the SQL door only reads the warehouse (no file access, extensions or settings)")


class WarehouseUnavailable(RuntimeError):
    """The warehouse file is missing or could not be opened read-only."""


class StatementRefused(duckdb.PermissionException):
    """A statement tried to reach a file, an extension or a setting; the message is Chinese + English."""


def refusal(exc: duckdb.Error) -> StatementRefused | None:
    """The bilingual refusal for a DuckDB error raised by the sandbox (None for an ordinary SQL error)."""
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if isinstance(exc, duckdb.PermissionException) or "configuration has been locked" in text:
        return StatementRefused(f"{REFUSAL}: {text}")
    return None


def catalog_name(warehouse: Path) -> str:
    """The catalog the warehouse is attached as: its file stem, as a plain DuckDB connection names it."""
    stem = warehouse.stem
    return "warehouse" if stem.lower() in RESERVED_CATALOGS or not stem else stem


def _quoted(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _open_sandboxed(warehouse: Path) -> duckdb.DuckDBPyConnection:
    """A private in-memory instance with ``warehouse`` attached read-only as its default catalog, then locked."""
    con = duckdb.connect(":memory:", config=dict(INSTANCE_CONFIG))
    try:
        alias = _quoted(catalog_name(warehouse))
        con.execute(f"ATTACH ? AS {alias} (READ_ONLY)", [str(warehouse.resolve())])
        con.execute(f"USE {alias}")
        for name, value in SAFE_SETTINGS:
            con.execute(f"SET {name} = {value}")
    except BaseException:
        con.close()
        raise
    return con


@dataclass(frozen=True, slots=True)
class QueryResult:
    columns: tuple[str, ...]
    types: tuple[str, ...]
    rows: list[tuple[Any, ...]]


@contextmanager
def read_only(warehouse: Path, attempts: int = 8, delay: float = 0.05) -> Iterator[duckdb.DuckDBPyConnection]:
    """A sandboxed read-only connection to ``warehouse``, closed on exit; retries while a write lock is held.

    The connection reads only the warehouse: external access is off and its configuration locked.
    """
    if not warehouse.is_file():
        raise WarehouseUnavailable(f"数据仓库不存在 warehouse not found: {warehouse}")
    last: Exception | None = None
    for attempt in range(attempts):
        try:
            con = _open_sandboxed(warehouse)
        except (duckdb.IOException, duckdb.InvalidInputException) as exc:
            # lock held by a read-write connection, file swapped mid-open
            last = exc
            time.sleep(delay * (2**attempt))
            continue
        try:
            yield con
        finally:
            con.close()
        return
    first = str(last).splitlines()[0] if last else "unknown"
    raise WarehouseUnavailable(f"数据仓库无法只读打开 cannot open read-only ({warehouse}): {first}")


def query(warehouse: Path, sql: str, params: Sequence[Any] | None = None) -> QueryResult:
    """Run one statement on a fresh sandboxed read-only connection and return all rows.

    Raises ``StatementRefused`` (Chinese + English) for statements that reach outside the warehouse.
    """
    with read_only(warehouse) as con:
        try:
            cur = con.execute(sql, params) if params else con.execute(sql)
        except duckdb.Error as exc:
            if (refused := refusal(exc)) is not None:
                raise refused from None
            raise
        if cur.description is None:
            return QueryResult((), (), [])
        columns = tuple(d[0] for d in cur.description)
        types = tuple(str(d[1]) for d in cur.description)
        return QueryResult(columns, types, cur.fetchall())


def escape_formula(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe; numbers are left alone."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date | dtime):
        return value.isoformat()
    return str(value)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _numeric(type_name: str) -> bool:
    t = type_name.upper()
    return t.startswith(("DECIMAL", "INTEGER", "BIGINT", "SMALLINT", "TINYINT", "HUGEINT", "DOUBLE", "FLOAT",
                         "UBIGINT", "UINTEGER", "USMALLINT", "UTINYINT", "NUMBER", "REAL"))


def format_table(result: QueryResult, max_rows: int | None = None) -> str:
    """An aligned text table (CJK characters count double); numbers right-aligned."""
    if not result.columns:
        return "OK"
    rows = result.rows if max_rows is None else result.rows[:max_rows]
    cells = [[_text(v) if v is not None else "NULL" for v in row] for row in rows]
    widths = [max([_width(c)] + [_width(r[i]) for r in cells]) for i, c in enumerate(result.columns)]
    right = [_numeric(t) for t in result.types]

    def line(values: Sequence[str], align: bool = True) -> str:
        out = []
        for i, v in enumerate(values):
            pad = " " * (widths[i] - _width(v))
            out.append(pad + v if (align and right[i]) else v + pad)
        return " | ".join(out).rstrip()

    parts = [line(result.columns, align=False), "-+-".join("-" * w for w in widths)]
    parts.extend(line(r) for r in cells)
    shown = len(rows)
    more = f" (showing {shown})" if shown < len(result.rows) else ""
    parts.append(f"({len(result.rows)} 行 rows{more})")
    return "\n".join(parts)


def format_csv(result: QueryResult, escape: bool = True) -> str:
    """CSV; text cells that a spreadsheet would evaluate are escaped (negative numbers stay numbers)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(result.columns)
    for row in result.rows:
        writer.writerow([_text(escape_formula(v) if escape else v) for v in row])
    return buf.getvalue()


def _json_value(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f") if value.is_finite() else json.dumps(str(value))
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return json.dumps(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_json_value(v) for v in value) + "]"
    return json.dumps(_text(value), ensure_ascii=False)


def format_json(result: QueryResult) -> str:
    """A JSON array of objects; DECIMAL values are written as exact JSON numbers (never through float)."""
    lines = []
    for row in result.rows:
        fields = ", ".join(f"{json.dumps(c, ensure_ascii=False)}: {_json_value(v)}" for c, v in zip(
            result.columns, row, strict=True))
        lines.append("{" + fields + "}")
    return "[\n" + ",\n".join(lines) + "\n]\n" if lines else "[]\n"


def list_marts(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Names of the tables and views in schema ``marts``."""
    return [r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'marts' ORDER BY 1"
    ).fetchall()]


def one_row(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] | None = None) -> tuple[Any, ...]:
    """The single row an aggregate query returns (count(*), sum …); a query that returned none is a bug."""
    row = con.execute(sql, list(params or ())).fetchone()
    if row is None:
        raise LookupError(f"query returned no row: {sql}")
    return row
