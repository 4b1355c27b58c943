"""Every function code and name the real documents print in their tables (../shared/realdata, all documents with
coded function tables) is in the classification seed for the document's year, or a registered alias, or one of the
document defects below, each read on its page and listed in docs/checks.md (Part 9b).

One warehouse is built from the documents (one `juesuan run`); the module is skipped when ../shared/realdata is
absent. The documents are copied into a temporary inbox, never into the repo.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from tests.e2e_support import real_warehouse

REPO = Path(__file__).resolve().parents[1]
DOCUMENTS = (
    "govbudgetchecker/上海市普陀区财政局2024年度部门决算.pdf",
    "govbudgetchecker/上海市普陀区规划和自然资源局2024年度部门决算.pdf",
    "govbudgetchecker/中共上海市普陀区委社会工作部2024年度部门决算.pdf",
    "govbudgetchecker/page_texts_2025_final/上海市普陀区人民政府宜川路街道办事处2025年度部门决算.page_texts.json",
    "govbudgetchecker/上海市普陀区人民政府万里街道办事处24年预算.pdf",
    "govbudgetchecker/上海市普陀区人民政府万里街道办事处25年预算.pdf",
    "govbudgetchecker/上海市普陀区人民政府办公室25年预算.pdf",
    "govbudgetchecker/上海市普陀区人民政府办公室单位25年预算.pdf",
    "govbudgetchecker/上海市普陀区商务委员会25年预算.pdf",
    "govbudgetchecker/上海市普陀区商务委员会单位25年预算.pdf",
    "govbudgetchecker/上海市普陀区司法局2026年区级部门预算.pdf",
    "govbudgetchecker/上海市普陀区司法局2026年区级单位预算.pdf",
    "govbudgetchecker/上海市普陀区人民政府石泉路街道办事处(本级)2026年区级单位预算.pages.json",
    "tianbaoxitong/上海市普陀区人民政府万里街道办事处2023年部门预算.pdf",
    "tianbaoxitong/上海市普陀区社会福利院2024年单位预算.pdf",
    "tianbaoxitong/上海市普陀区财政局部门25年预算.pdf",
    "tianbaoxitong/上海市财政局25年预算.pdf",
    "more/西南大学2023年度部门决算.pdf",
    "more/西南大学2023年度部门预算.pdf",
    "more/江苏省人民检察院2018年度部门预算.pdf",
    "more/江苏省人民检察院2019年度部门预算.pdf",
)


@dataclass(frozen=True, slots=True)
class PrintedDefect:
    """A (code, name) a document prints that is neither the catalogue's nor an alias: a defect of the page."""

    department: str
    code: str
    name: str
    reading: str


PRINTED_DEFECTS = (
    PrintedDefect("社会福利院", "71102", "事业单位医疗",
                  "2024 单位预算 pp.9/11: the 类 cell of 2101102 事业单位医疗 reads 7 (「7 11 02」)"),
    PrintedDefect("石泉路", "22198", "其他住房保障支出",
                  "2026 单位预算 pp.17/22/29: 款 22198 carries the name of its only 项 2219899; 宜川路 2025 names the "
                  "款 超长期特别国债安排的支出"),
)

# a 项 row whose printed name is not its code's canonical name for the year nor an alias: the seed (its names by
# year) and the aliases, matched on the normalised name parts the resolution uses
UNKNOWN_PRINTED = """
select d.department_name, l.fiscal_year, l.code_reported, l.name_reported, min(l.page) as page
from intermediate.int_classification_lines_resolved as l
inner join marts.dim_document as d on d.document_id = l.document_id
where l.source_kind = 'table' and l.classification = 'function'
  and regexp_matches(l.code_reported, '^[0-9]{3}([0-9]{2}){0,2}$')
  and not exists (
      select 1 from intermediate.int_classification_names as n
      where n.classification = 'function' and n.code = l.code_reported
        and n.name_norm = case length(l.code_reported) when 3 then l.class_part when 5 then l.kuan_part
                                                        else l.item_part end
        and (n.name_kind = 'alias'
             or l.fiscal_year between coalesce(n.valid_from_year, 0) and coalesce(n.valid_to_year, 9999)))
group by all
order by all
"""


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return real_warehouse(tmp_path_factory.mktemp("real_codes"), DOCUMENTS)


def _unknown(warehouse: Path) -> list[tuple[str, int, str, str, int]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return [tuple(r) for r in con.execute(UNKNOWN_PRINTED).fetchall()]  # type: ignore[misc]


def test_every_printed_code_and_name_is_in_the_catalogue(warehouse: Path) -> None:
    unexplained = [r for r in _unknown(warehouse)
                   if not any(d.department in r[0] and d.code == r[2] and d.name == r[3] for d in PRINTED_DEFECTS)]
    assert unexplained == []


def test_every_listed_defect_is_printed(warehouse: Path) -> None:
    """The list above holds only what the documents print (a fixed defect or a reader change drops it)."""
    printed = _unknown(warehouse)
    for d in PRINTED_DEFECTS:
        assert any(d.department in r[0] and d.code == r[2] and d.name == r[3] for r in printed), d


def test_every_listed_defect_is_documented() -> None:
    checks_md = (REPO / "docs" / "checks.md").read_text(encoding="utf-8")
    for d in PRINTED_DEFECTS:
        assert f"{d.code} {d.name}" in checks_md, d
