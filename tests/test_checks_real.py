"""The checks on the real documents (../shared/realdata): the known defects are found, rounding is not a
finding, and every error finding is a defect verified on the page (warehouse.check_eval.REAL_VERIFIED).

One warehouse is built per module from the real files (one `juesuan run`, ~1 minute); the module is skipped
when ../shared/realdata is absent. The documents are copied into a temporary inbox, never into the repo.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from tests.e2e_support import real_warehouse
from warehouse.check_eval import REAL_KNOWN, Finding, load_findings, verified

REPO = Path(__file__).resolve().parents[1]
DOCUMENTS = (
    "govbudgetchecker/上海市普陀区财政局2024年度部门决算.pdf",
    "govbudgetchecker/上海市普陀区规划和自然资源局2024年度部门决算.pdf",
    "govbudgetchecker/中共上海市普陀区委社会工作部2024年度部门决算.pdf",
    "govbudgetchecker/page_texts_2025_final/上海市普陀区人民政府宜川路街道办事处2025年度部门决算.page_texts.json",
    "seed_sichuan/广元市朝天区人民政府办公室2020年度部门决算.tika.txt",
)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return real_warehouse(tmp_path_factory.mktemp("real"), DOCUMENTS)


@pytest.fixture(scope="module")
def findings(warehouse: Path) -> list[Finding]:
    return load_findings(warehouse)


def _stating(findings: list[Finding], document: str, *needles: str) -> list[Finding]:
    return [f for f in findings if document in f.department and all(n in f.message + " " + f.evidence for n in needles)]


@pytest.mark.parametrize("known", REAL_KNOWN, ids=lambda k: k.name)
def test_known_defect_is_found(findings: list[Finding], known) -> None:
    hits = [f for f in _stating(findings, known.document, *known.needles) if f.family == known.family]
    assert hits, f"missed: {known.name}"


def test_class_residue_is_a_hint_not_an_error(findings: list[Finding]) -> None:
    """宜川路 收入决算表: 合计 20323.21 vs Σ 类 20323.19 lies within the rounding of ten rows."""
    hits = _stating(findings, "宜川路", "20323.21", "20323.19")
    assert hits and {f.check_id for f in hits} == {"identity.rounding_residue"}
    assert {f.severity for f in hits} == {"info"}


def test_vocational_pension_quote_is_exact(findings: list[Finding]) -> None:
    """269.85 (narrative) vs 269.86 (tables, and the same paragraph): a quote, not a sum: no rounding slack."""
    hits = [f for f in _stating(findings, "宜川路", "269.85", "269.86") if f.check_id == "narrative.amount_vs_table"]
    assert [f.severity for f in hits] == ["error"]


@pytest.mark.parametrize(
    ("document", "needles"),
    [
        ("广元市朝天区", ("1233.75",)),  # Σ narrative classes 1233.75 vs total 1233.76
        ("广元市朝天区", ("735.01",)),  # 人员经费 667.27 + 公用经费 67.73 vs 基本支出 735.01
        ("广元市朝天区", ("667.27",)),
        ("财政局", ("326.71",)),  # T1 326.71 vs T3/T5 326.72
        ("规划", ("236.63",)),  # T1/T4 236.63 vs T3/T5 236.64
    ],
)
def test_rounding_is_not_a_finding(findings: list[Finding], document: str, needles: tuple[str, ...]) -> None:
    hits = [f for f in _stating(findings, document, *needles) if f.severity in ("error", "warning")]
    assert hits == [], [f.message for f in hits]


def test_every_error_is_a_verified_real_defect(findings: list[Finding]) -> None:
    unverified = [f"{f.department} {f.check_id} {f.message}" for f in findings
                  if f.severity == "error" and verified(f) is None]
    assert unverified == []


def test_suspects_are_not_findings(findings: list[Finding]) -> None:
    """社会工作部: 决算 307.82 < 全年预算 321.02 (年初预算 0 is also stated); its empty 三公 table is stated."""
    shegong = [f for f in findings if "社会工作部" in f.department and f.severity in ("error", "warning")]
    assert not [f for f in shegong if f.check_id in ("direction.budget_comparison", "completeness.required_tables")]
    yichuan_t9 = [f for f in findings if "宜川路" in f.department and f.check_id == "completeness.required_tables"]
    assert yichuan_t9 == []


def test_summary_counts_every_rule(warehouse: Path) -> None:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        checks = {r[0] for r in con.execute("select distinct check_id from marts.check_summary").fetchall()}
    assert {"identity.rounding_residue", "classification.name_mismatch", "classification.unknown_code"} <= checks


def test_rendered_list_numbering_is_not_a_finding(findings: list[Finding]) -> None:
    """The Sichuan Tika text shows 1、 2、 3、 四、 … 八、 9、 十、, but the Arabic ones carry the space Tika
    prints after Word's automatic list numbering ("1、 收入…"): a rendering artefact, not the author's text — no
    finding; and no Putuo document (consistent 一、二、三、) gets one either."""
    assert [f for f in findings if f.check_id == "hygiene.list_numbering"] == []
