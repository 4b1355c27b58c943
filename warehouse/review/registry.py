"""The department registry: a file the bureau edits (CSV or xlsx), read by every run into raw.department_registry.

Where: ``--registry FILE``, else ``department_registry.csv`` / ``.xlsx`` (or ``部门名录.csv`` / ``.xlsx``) in the data
folder (the warehouse's folder), else the ``county.csv`` a generated sample county writes into its inbox. None →
an empty registry: dim_department then holds exactly the departments that filed. Columns by header, Chinese or
English, in any order; only the department name is required:

| header | column | meaning |
|---|---|---|
| 部门名称 / department_name / name | department_name | the registered full name (as in the 部门决算 title) |
| 部门编码 / department_code / code / dept_id | department_code | the bureau's code |
| 同类组 / peer_group | peer_group | comparison group (blank: inferred from the name) |
| 应报送 / expected_to_file | expected_to_file | 是/否 (yes/no, 1/0, true/false; blank = 是) |
| 别名 / aliases | aliases | other published names, separated by | ; 、 or ， |
| 上级单位 / parent | parent | parent body |
| 所属地区 / county | county | jurisdiction |

A row that cannot be used (no name, a name twice, an unreadable 应报送) is skipped with a reason in Chinese and
English; the run goes on.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

REGISTRY_NAMES: tuple[str, ...] = (
    "department_registry.csv", "department_registry.xlsx", "部门名录.csv", "部门名录.xlsx",
)
SAMPLE_REGISTRY = "county.csv"  # written by `juesuan sample-county` (samplegen) into its inbox

HEADERS: dict[str, tuple[str, ...]] = {
    "department_name": ("部门名称", "部门", "单位名称", "department_name", "department", "name"),
    "department_code": ("部门编码", "编码", "单位编码", "department_code", "code", "dept_id"),
    "peer_group": ("同类组", "部门类别", "peer_group", "peer group"),
    "expected_to_file": ("应报送", "是否应报送", "expected_to_file", "expected to file", "expected"),
    "aliases": ("别名", "曾用名", "aliases", "alias"),
    "parent": ("上级单位", "主管部门", "parent"),
    "county": ("所属地区", "地区", "county"),
}
YES = frozenset({"是", "y", "yes", "true", "1", "应报送", "√", "✓"})
NO = frozenset({"否", "n", "no", "false", "0", "不报送", "无需报送", "×"})
ALIAS_SPLIT = re.compile(r"[|;；、,，]")


@dataclass(frozen=True, slots=True)
class RegistryRow:
    department_name: str
    department_code: str | None
    aliases: str | None  # `|`-joined
    peer_group: str | None
    parent: str | None
    county: str | None
    expected_to_file: bool
    source_file: str
    source_row: int


@dataclass(slots=True)
class RegistryRead:
    path: Path | None
    sha256: str | None
    rows: list[RegistryRow] = field(default_factory=list)
    issues: list[str] = field(default_factory=list)  # one line per skipped row or unreadable file


def find_registry(warehouse: Path, inbox: Path | None = None, explicit: Path | None = None) -> Path | None:
    """The registry file a run uses (see the module doc), or None."""
    if explicit is not None:
        return explicit
    for name in REGISTRY_NAMES:
        if (candidate := warehouse.parent / name).is_file():
            return candidate
    if inbox is not None and (candidate := inbox / SAMPLE_REGISTRY).is_file():
        return candidate
    return None


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):  # Excel on Chinese Windows saves CSV as GBK
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnicodeDecodeError("utf-8", data, 0, 1, "neither UTF-8 nor GBK")


def _table(path: Path, data: bytes) -> list[list[str]]:
    if path.suffix.lower() == ".xlsx":
        from openpyxl import load_workbook

        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            return [["" if v is None else str(v).strip() for v in row] for row in wb.worksheets[0].iter_rows(
                values_only=True)]
        finally:
            wb.close()
    return [[c.strip() for c in row] for row in csv.reader(io.StringIO(_decode(data)))]


def _columns(header: list[str]) -> dict[str, int]:
    lowered = [h.strip().lower() for h in header]
    out: dict[str, int] = {}
    for column, names in HEADERS.items():
        for name in names:
            if name.lower() in lowered:
                out[column] = lowered.index(name.lower())
                break
    return out


def _yes_no(text: str) -> bool | None:
    t = text.strip().lower()
    if not t:
        return True
    return True if t in YES else False if t in NO else None


def read_registry(path: Path | None) -> RegistryRead:
    """Parse a registry file (pure apart from reading it); never raises for bad content."""
    if path is None:
        return RegistryRead(None, None)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return RegistryRead(path, None, issues=[f"部门名录无法读取 registry file unreadable ({path}): {exc.strerror}"])
    read = RegistryRead(path, hashlib.sha256(data).hexdigest())
    try:
        table = _table(path, data)
    except (UnicodeDecodeError, ValueError, OSError, KeyError) as exc:
        read.issues.append(f"部门名录格式无法识别 registry file not readable as CSV/xlsx ({path.name}): {exc}")
        return read
    header_at = next((i for i, row in enumerate(table) if "department_name" in _columns(row)), None)
    if header_at is None:
        read.issues.append(f"部门名录缺少“部门名称”列 registry file has no department name column ({path.name})")
        return read
    cols = _columns(table[header_at])

    def cell(row: list[str], column: str) -> str:
        i = cols.get(column)
        return row[i].strip() if i is not None and i < len(row) else ""

    seen: set[str] = set()
    for number, row in enumerate(table[header_at + 1:], start=header_at + 2):
        if not any(c.strip() for c in row):
            continue
        name = cell(row, "department_name")
        where = f"{path.name} 第 {number} 行 row {number}"
        if not name:
            read.issues.append(f"{where}：缺少部门名称，已跳过 no department name, skipped")
            continue
        if name in seen:
            read.issues.append(f"{where}：部门“{name}”重复，已跳过 duplicate department, skipped")
            continue
        expected = _yes_no(cell(row, "expected_to_file"))
        if expected is None:
            read.issues.append(f"{where}：应报送“{cell(row, 'expected_to_file')}”应为是或否，已跳过 "
                               "expected_to_file must be yes or no, skipped")
            continue
        seen.add(name)
        aliases = [a.strip() for a in ALIAS_SPLIT.split(cell(row, "aliases")) if a.strip() and a.strip() != name]
        read.rows.append(RegistryRow(
            name, cell(row, "department_code") or None, "|".join(aliases) or None, cell(row, "peer_group") or None,
            cell(row, "parent") or None, cell(row, "county") or None, expected, path.name, number,
        ))
    return read
