"""Who published a document, for which year, and what kind it is (决算 or 预算).

Read from the file name and the document body; the body wins where it states a
title ("…2024年度部门决算"), the file name fills what the body lacks (Tika text
loses the cover page).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ingest.model import Document, Paragraph, Table, UnreadableDocument

UNKNOWN_DEPARTMENT = "未识别部门"

_TITLE = re.compile(
    r"(?P<dept>[\u4e00-\u9fff（）()·\w]{2,60}?)\s*(?P<year>(?:19|20)\d{2}|\d{2})\s*年(?:度)?\s*"
    r"(?:区级|县级|市级|区县级)?\s*(?P<level>部门|单位)?\s*(?P<kind>决算|预算)"
)
_YEAR_MENTION = re.compile(r"((?:19|20)\d{2})\s*年度")
_DEPT_CELL_LABELS = ("预算单位", "单位名称", "部门名称", "编制单位", "部门（单位）名称", "预算主管部门", "主管部门")
_DEPT_LABEL_LINE = re.compile(
    r"^(?P<label>预算主管部门|主管部门|预算单位|部门名称|单位名称|编制单位|部门（单位）名称)\s*[:：]\s*"
    r"(?P<dept>[^\s，。；;]{3,60})$"
)
_TITLE_PREFIX_NOISE = re.compile(r"^(?:第[一二三四五六七八九十\d]+部分|纳入|关于|附件\d*[:：_]?)")
_REGION_ONLY = re.compile(r"^[\u4e00-\u9fff]{1,12}?(?:省|自治区|市|区|县|旗)$")
_DEPT_SUFFIX_NOISE = re.compile(r"(?:部门|单位|本级|\(本级\)|（本级）)+$")
_FILE_SUFFIXES = re.compile(r"(\.(tika|pages?|page_texts))+$", re.IGNORECASE)
_SPLIT_PART = re.compile(r"[-_—－]\s*(情况说明|报表|附表|表格|说明|正文|公开表)$")


# what a department name never is: a unit line, a page header or footer, a table caption, a placeholder
_NOT_A_DEPARTMENT = re.compile(
    r"单位[:：]|[:：]|万元|^元$|^第?\d+页|页$|目录|^表\d|决算表|预算表|说明$|^[\d\s.,，、-]+$|^[（(]?本级[）)]?$"
)
# a form about a disclosure, not one: a reviewer's 检查表 / 审核意见表 / 评分表 (the title names the form)
_REVIEW_FORM_TITLE = re.compile(
    r"(?:检查|审核|审查|核查|评审|评分|考核|自查|督查)(?:意见|情况|结果|问题)?(?:表|清单|汇总表|登记表)$"
)
# a template's or an example's department: the name left as a placeholder (上海市XX局, ××单位)
_PLACEHOLDER_NAME = re.compile(r"[XxＸｘ×]{2,}|\*{2,}|＊{2,}")
_DEPT_CONFIDENCE = {"file_name+content": 0.95, "content": 0.75, "file_name": 0.6, "none": 0.0}
_YEAR_CONFIDENCE = {"file_name+content": 0.95, "content": 0.8, "file_name": 0.6, "none": 0.0}
_LEVELS = {"部门": "department", "单位": "unit"}


@dataclass(frozen=True, slots=True)
class DocumentIdentity:
    department_name: str
    fiscal_year: int | None
    doc_type: str  # final_account | budget | unknown
    department_source: str  # file_name | content | file_name+content | none
    year_source: str
    doc_level: str = "unknown"  # department (部门决算/预算) | unit (单位决算/预算) | unknown
    confidence: float = 0.0  # of the weakest of department, year and kind (0 … 1)
    unit_name: str | None = None  # a 单位预算/单位决算's unit (预算单位：…), as printed; None for a department's


def is_department_name(name: str) -> bool:
    """Whether a candidate could name a department: never a unit line (单位：万元), a page header or
    footer, a caption or a bare number."""
    t = name.replace(" ", "")
    return len(t) >= 2 and not _NOT_A_DEPARTMENT.search(t) and not _REGION_ONLY.match(t)


def _year(text: str) -> int:
    y = int(text)
    return 2000 + y if y < 100 else y


def _kind(word: str) -> str:
    return "final_account" if word == "决算" else "budget"


def clean_department(name: str) -> str:
    name = name.strip().strip("“”\"'《》 ")
    return _DEPT_SUFFIX_NOISE.sub("", name).strip() or name


def parse_file_name(path: Path) -> tuple[str | None, int | None, str | None]:
    """Department, year and kind from a file name like 某某局2024年度部门决算.pdf (pure)."""
    stem = _FILE_SUFFIXES.sub("", Path(path.name).stem)
    stem = _SPLIT_PART.sub("", stem)
    m = _TITLE.search(stem)
    if not m:
        kind = "final_account" if "决算" in stem else ("budget" if "预算" in stem else None)
        return None, None, kind
    return clean_department(m.group("dept")), _year(m.group("year")), _kind(m.group("kind"))


def _cover_text(doc: Document) -> str:
    """The cover: the first page's short lines before the table of contents, joined (titles wrap)."""
    first_page = next((b.page for b in doc.blocks if isinstance(b, Paragraph)), None)
    parts = []
    for block in doc.blocks[:12]:
        if not isinstance(block, Paragraph) or block.page != first_page or "目录" in block.text.replace(" ", ""):
            break
        if len(block.text) > 40:
            break
        parts.append(block.text.replace(" ", ""))
    return "".join(parts) if first_page is not None else ""


def _title_match(text: str) -> tuple[str, int, str, str] | None:
    m = _TITLE.search(text.replace(" ", ""))
    if not m:
        return None
    dept = clean_department(_TITLE_PREFIX_NOISE.sub("", m.group("dept")))
    if len(dept) < 3 or dept.startswith(("年", "度")):
        return None
    return dept, _year(m.group("year")), _kind(m.group("kind")), _LEVELS.get(m.group("level") or "", "unknown")


def _file_level(path: Path) -> str:
    stem = _FILE_SUFFIXES.sub("", Path(path.name).stem)
    m = _TITLE.search(stem)
    if m and m.group("level"):
        return _LEVELS[m.group("level")]
    found = {v for k, v in _LEVELS.items() if re.search(rf"{k}\d*年?度?(?:区级|县级|市级)?[决预]算", stem)}
    return found.pop() if len(found) == 1 else "unknown"


def _title_candidates(doc: Document, limit: int = 80) -> list[tuple[str, int, str, str]]:
    found = []
    cover = _cover_text(doc)
    if cover and (hit := _title_match(cover)):
        found.append(hit)
    for block in doc.blocks[:limit]:
        if isinstance(block, Paragraph) and len(block.text) <= 80 and (hit := _title_match(block.text)):
            found.append(hit)
    return found


def _label_lines(doc: Document, limit: int = 80) -> list[tuple[str, str]]:
    """(label, name as printed) of the cover's label lines (预算主管部门：…, 预算单位：…)."""
    found = []
    for block in doc.blocks[:limit]:
        if isinstance(block, Paragraph) and (m := _DEPT_LABEL_LINE.match(block.text.replace(" ", ""))):
            found.append((m.group("label"), m.group("dept").strip("“”\"'《》 ")))
    return [(label, name) for label, name in found if is_department_name(clean_department(name))]


def _labelled_departments(doc: Document, limit: int = 80) -> list[str]:
    """Departments named by a label line on the cover (预算主管部门：…, 预算单位：…): the 主管部门 first."""
    lines = _label_lines(doc, limit)
    lines.sort(key=lambda ln: 0 if "主管部门" in ln[0] else 1)
    return [clean_department(name) for _, name in lines]


def _label_level(doc: Document) -> str | None:
    """The cover's label line: 预算单位：… is a unit's document, (预算)主管部门：… a department's."""
    labels = {label for label, _ in _label_lines(doc)}
    if "预算单位" in labels:
        return "unit"
    if labels & {"预算主管部门", "主管部门"}:
        return "department"
    return None


_UNIT_TABLE_TITLE = re.compile(r"^(?:\d{4}年度?)?(?:预算单位|单位)(?!预算经济)")
_DEPARTMENT_TABLE_TITLE = re.compile(r"^(?:\d{4}年度?)?部门(?!预算经济)")


def _table_title_level(doc: Document, limit: int = 400) -> str | None:
    """The standard tables' titles (2026年预算单位财务收支预算总表 / 2026年部门财务收支预算总表)."""
    from ingest.table_recognition import classify_title  # late: tables import nothing from here

    levels = set()
    for block in doc.blocks[:limit]:
        text = (block.text if isinstance(block, Paragraph) else block.title).replace(" ", "")
        if text and len(text) <= 60 and classify_title(text):
            if _UNIT_TABLE_TITLE.search(text):
                levels.add("unit")
            elif _DEPARTMENT_TABLE_TITLE.search(text):
                levels.add("department")
    return levels.pop() if len(levels) == 1 else None


def _unit_name(doc: Document, level: str, department: str | None, path: Path) -> str | None:
    """The unit of a 单位预算/单位决算: its 预算单位/单位名称 label line as printed (…（本级）), else the department
    (a unit named like its department, the 本级), else the file name's; None for a department-level document."""
    if level != "unit":
        return None
    units = [name for label, name in _label_lines(doc) if "主管部门" not in label]
    return units[0] if units else department or parse_file_name(path)[0]


def _department_cells(doc: Document) -> list[str]:
    names = []
    for table in doc.tables:
        for row in table.rows:
            for i, cell in enumerate(row[:-1]):
                if cell.strip().rstrip(":：") in _DEPT_CELL_LABELS and row[i + 1].strip():
                    names.append(clean_department(row[i + 1]))
    return [n for n in names if is_department_name(n)]


def identify(doc: Document, path: Path) -> DocumentIdentity:
    """Identify department, fiscal year and document type (pure given the parsed document)."""
    f_dept, f_year, f_kind = parse_file_name(path)
    titles = _title_candidates(doc)
    text = doc.text()

    labelled = _labelled_departments(doc)
    titled = [t for t in titles if is_department_name(t[0])]
    dept, dept_source = None, "none"
    if labelled or titled:
        dept, dept_source = (labelled or [t[0] for t in titled])[0], "content"
        if f_dept and (f_dept == dept or f_dept.endswith(dept) or dept.endswith(f_dept)):
            dept, dept_source = max(f_dept, dept, key=len), "file_name+content"
    elif f_dept:
        cells = _department_cells(doc)
        confirmed = f_dept in text or any(c == f_dept for c in cells)
        dept, dept_source = f_dept, "file_name+content" if confirmed else "file_name"
    else:
        cells = _department_cells(doc)
        if cells:
            dept, dept_source = Counter(cells).most_common(1)[0][0], "content"

    year, year_source = None, "none"
    if titles:
        year, year_source = titles[0][1], "file_name+content" if f_year == titles[0][1] else "content"
    else:
        mentions = Counter(int(y) for y in _YEAR_MENTION.findall(text))
        if f_year is not None:
            year, year_source = f_year, "file_name+content" if f_year in mentions else "file_name"
        elif mentions:
            year, year_source = mentions.most_common(1)[0][0], "content"

    kind = titles[0][2] if titles else f_kind
    kind_confidence = 0.95 if titles and f_kind == kind else (0.8 if kind is not None else 0.0)
    if kind is None:
        kind = "final_account" if "决算" in text[:5000] else ("budget" if "预算" in text[:5000] else "unknown")
        kind_confidence = 0.5 if kind != "unknown" else 0.0
    level = next((t[3] for t in titles if t[3] != "unknown"), "unknown")
    if level == "unknown":
        level = _file_level(path)
    if level == "unknown":
        level = _label_level(doc) or _table_title_level(doc) or "unknown"
    if dept is not None and not is_department_name(dept):
        dept, dept_source = None, "none"
    confidence = min(_DEPT_CONFIDENCE[dept_source], _YEAR_CONFIDENCE[year_source], kind_confidence)
    return DocumentIdentity(
        department_name=dept or UNKNOWN_DEPARTMENT,
        fiscal_year=year,
        doc_type=kind,
        department_source=dept_source,
        year_source=year_source,
        doc_level=level,
        confidence=round(confidence, 2),
        unit_name=_unit_name(doc, level, dept, path),
    )


def _document_title(doc: Document) -> str:
    """The document's first line of text (a form's or a cover's title), spaces dropped."""
    first = next((b for b in doc.blocks[:5] if isinstance(b, Paragraph) and b.text.strip()), None)
    return first.text.replace(" ", "").replace("\u3000", "") if first is not None else ""


def not_a_disclosure(doc: Document, path: Path, ident: DocumentIdentity) -> UnreadableDocument | None:
    """Why a readable file is no department's disclosure, or None (pure).

    * a review form about a disclosure (普陀区2026年部门预算公开情况检查表, our own 审核意见表 sent back):
      its title — the first line, or the file name — ends with the form's name;
    * a template or an example: the department identified, or the title naming the 预算/决算, holds a
      placeholder (上海市XX局).
    Either would otherwise be loaded as that department's 预算/决算 and checked as one."""
    stem = _FILE_SUFFIXES.sub("", Path(path.name).stem).replace(" ", "")
    titles = [t for t in (_document_title(doc), *re.split(r"[-_—－]", stem)) if t]
    form = next((t for t in titles if _REVIEW_FORM_TITLE.search(t)), None)
    if form is not None:
        return UnreadableDocument(
            "not_a_disclosure",
            f"不是部门预算/决算公开文件：「{form}」是审核用表格",
            f"not a disclosure: {form!r} is a review form",
        )
    title = _document_title(doc)
    for name in (ident.department_name, ident.unit_name or "", title if re.search("[决预]算", title) else ""):
        if m := _PLACEHOLDER_NAME.search(name):
            return UnreadableDocument(
                "template",
                f"模板或示例文件：「{name}」含占位符「{m.group(0)}」，不是某一部门的公开文件",
                f"template or example: {name!r} holds the placeholder {m.group(0)!r}",
            )
    return None


def is_table_only(doc: Document) -> bool:
    """A file holding only the tables of a disclosure (the narrative is in a companion file)."""
    paragraphs = sum(1 for b in doc.blocks if isinstance(b, Paragraph))
    tables = sum(1 for b in doc.blocks if isinstance(b, Table))
    return tables > 0 and paragraphs <= tables * 3
