"""The check registry and the precision/recall evaluation (warehouse.check_eval)."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from samplegen.defects import KINDS
from warehouse.check_eval import Finding, Label, labels_from_truth, locator_matches, match, report

ROOT = Path(__file__).resolve().parents[1]
REGISTRY = ROOT / "dbt_project" / "seeds" / "check_registry.csv"
CHECK_MODELS = ROOT / "dbt_project" / "models" / "intermediate" / "checks"


def _registry() -> list[dict[str, str]]:
    with REGISTRY.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_registry_ids_are_unique_family_dot_name() -> None:
    rows = _registry()
    ids = [r["check_id"] for r in rows]
    assert len(ids) == len(set(ids))
    for r in rows:
        assert re.fullmatch(r"[a-z]+\.[a-z0-9_]+", r["check_id"]), r["check_id"]
        assert r["check_id"].split(".")[0] == r["family"]
        assert r["severity"] in ("error", "warning", "info")
        assert r["title_zh"] and r["description"]


def test_every_generator_family_has_a_rule() -> None:
    families = {r["family"] for r in _registry()}
    assert {fam for fam, _sev in KINDS.values()} <= families


def test_no_float_in_check_sql_except_peer_statistics() -> None:
    for p in CHECK_MODELS.glob("*.sql"):
        text = p.read_text(encoding="utf-8").lower()
        if p.name == "int_check_peer.sql":
            continue
        assert "double" not in text and "float" not in text, p.name


def _label(defect_id: str, family: str, **loc: str) -> Label:
    return Label(defect_id, family, "甲局", 2024, tuple(sorted(loc.items())), "k")


def _finding(family: str, locator: str, severity: str = "error", dept: str = "甲局") -> Finding:
    return Finding(f"{family}.x", family, severity, dept, 2024, locator, "msg", "")


def test_match_counts_true_and_false_positives() -> None:
    labels = [_label("D1", "identity", table="expenditure")]
    findings = [
        _finding("identity", "table:expenditure/block:1/row:1/col:1"),
        _finding("identity", "table:income/block:1/row:1/col:1"),  # same doc + family: still this defect
        _finding("narrative", "section:三/para:4/chars:1-5"),  # no narrative defect: a false positive
        _finding("peer", "peer:x", severity="info"),  # info is not a prediction
    ]
    hits, fps = match(labels, findings)
    assert len(hits["D1"]) == 2
    assert [f.family for f in fps] == ["narrative"]
    text = "\n".join(report(labels, hits, fps))
    assert "identity" in text and "false positives (1)" in text


def test_a_finding_of_another_family_matches_the_defect_whose_figure_it_states() -> None:
    lab = Label("B1", "budget", "甲局", 2024, (("section", "四"),), "budget_narrative_mismatch", "8105.41")
    about = Finding("narrative.parts_sum", "narrative", "error", "甲局", 2024, "block:28",
                    "句中总数 8068.35 万元，「其中」所列各项 8105.41 = 8105.41 万元，超过总数", "")
    other = Finding("narrative.parts_sum", "narrative", "error", "甲局", 2024, "block:30",
                    "句中总数 10.00 万元，「其中」所列各项 18105.41 万元，超过总数", "")
    hits, fps = match([lab], [about, other])
    assert hits == {"B1": [about]} and fps == [other]


def test_location_disambiguates_two_defects_of_one_family() -> None:
    a = _label("A", "narrative", section="三", sentence="三.1")
    b = _label("B", "narrative", section="五", sentence="五.2")
    f = _finding("narrative", "section:五/二/para:9/chars:3-9")
    assert not locator_matches(a, f) and locator_matches(b, f)
    hits, fps = match([a, b], [f])
    assert hits == {"A": [], "B": [f]} and fps == []


def test_labels_from_truth_reads_defects() -> None:
    truth = {"documents": [{"defects": [{
        "defect_id": "D0001-2024-D1", "check_family": "yoy", "department": "甲局", "year": 2024,
        "kind": "yoy_contradiction", "location": {"section": "五"},
    }]}]}
    (lab,) = labels_from_truth(truth)
    assert lab.family == "yoy" and dict(lab.location) == {"section": "五"}


def test_real_verified_allow_list_matches_on_document_check_and_figures() -> None:
    from warehouse.check_eval import verified

    hit = Finding("percent.share", "percent", "error", "上海市普陀区财政局", 2024, "section:五",
                  "占比填报 71.73%，按 2106.66 ÷ 2940.05 计算应为 71.65%", "")
    assert verified(hit) is not None
    other_doc = Finding("percent.share", "percent", "error", "上海市普陀区规划和自然资源局", 2024, "section:五",
                        "占比填报 71.73%，按 2106.66 ÷ 2940.05 计算应为 71.65%", "")
    assert verified(other_doc) is None
