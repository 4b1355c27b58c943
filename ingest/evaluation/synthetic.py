"""Score extraction against a generated county's truth.json."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest.catalog import MetricCatalog
from ingest.evaluation.keys import (
    LINE_METRICS,
    canonical_measure,
    line_basis,
    row_label_key,
    truth_metric,
)
from ingest.evaluation.scoring import Score, ScoreTable, match_counts, value_key
from ingest.model import CellFact, MetricFact
from ingest.records import IngestResult

Ingest = Callable[[Path], IngestResult]
DOC_TYPE_FINAL = "final_account"


@dataclass(frozen=True, slots=True)
class Miss:
    """An expected item not extracted (or an extracted one not expected), for the report."""

    corpus: str
    group: str
    element: str
    document: str
    item: str


def _family(metric: str, catalog: MetricCatalog) -> str:
    found = catalog.get(metric)
    if found is not None:
        return found.category
    if metric.startswith(("project_", "performance_", "perf_")):
        return "performance"
    return "uncatalogued"


def _cell_ids(code: str | None, label: str) -> frozenset[str]:
    ids = {row_label_key(label)} if label else set()
    if code:
        ids.add(code)
    return frozenset(ids)


def score_cells(doc: str, truth: list[dict[str, Any]], ours: list[CellFact]) -> tuple[dict[str, Score], list[Miss]]:
    """Cells by table key: a truth cell matches an extracted one of the same table, measure and value
    whose row shares the code or the label."""
    scores: dict[str, Score] = defaultdict(Score)
    pool: dict[tuple[str, str, str], list[frozenset[str]]] = defaultdict(list)
    for c in ours:
        scores[c.table_key].extracted += 1
        key = (c.table_key, canonical_measure(c.table_key, c.measure, truth=False), value_key(c.amount.value))
        pool[key].append(_cell_ids(c.code, c.row_label))
    misses: list[Miss] = []
    for t in truth:
        table = t["table_key"]
        scores[table].expected += 1
        key = (table, canonical_measure(table, t["measure"], truth=True), value_key(t["value"]))
        ids = _cell_ids(t.get("code"), t.get("row_label", ""))
        candidates = pool.get(key, [])
        hit = next((i for i, cand in enumerate(candidates) if cand & ids), None)
        if hit is None:
            misses.append(Miss("generated", "cells", table, doc,
                               f"{t.get('code') or t.get('row_label')} {t['measure']}={t['value']}"))
            continue
        candidates.pop(hit)
        scores[table].matched += 1
    return scores, misses


def _fact_key(metric: str, basis: str, value: str, unit: str) -> tuple[str, str, str, str]:
    return metric, basis, value, unit


def score_facts(
    doc: str, truth: list[dict[str, Any]], ours: list[MetricFact], catalog: MetricCatalog, source_kind: str,
) -> tuple[dict[str, Score], list[Miss]]:
    """Metric facts by family/basis (narrative) or by table key (table), matched on metric, basis, value, unit.

    ``wrong`` counts extracted facts whose (metric, basis) the document states but never with that value.
    """
    scores: dict[str, Score] = defaultdict(Score)
    expected: dict[str, list[tuple[str, str, str, str]]] = defaultdict(list)
    stated: dict[tuple[str, str], set[str]] = defaultdict(set)
    for t in truth:
        metric = truth_metric(t["metric"], t.get("code"), catalog)
        value = signed_value(t)
        stated[(metric, t["basis"])].add(value)
        if t["source_kind"] != source_kind or t["metric"] in LINE_METRICS:
            continue
        element = _element(metric, t["basis"], t.get("table_key", ""), source_kind, catalog)
        expected[element].append(_fact_key(metric, t["basis"], value, t.get("unit", "")))
    annotated = {element: {(k[0], k[1]) for k in keys} for element, keys in expected.items()}
    extracted: dict[str, list[tuple[str, str, str, str]]] = defaultdict(list)
    for f in ours:
        if f.source_kind != source_kind:
            continue
        table = f.locator.split("/", 1)[0].removeprefix("table:") if source_kind == "table" else ""
        element = _element(f.metric, f.basis, table, source_kind, catalog)
        unit = f.unit if source_kind == "narrative" else "万元"
        key = _fact_key(f.metric, f.basis, value_key(f.amount.value), unit)
        if (f.metric, f.basis) in stated and key[2] not in stated[(f.metric, f.basis)]:
            scores[element].wrong += 1
        if source_kind == "table" and (f.metric, f.basis) not in annotated.get(element, ()):
            continue  # a row the generator does not annotate as a metric of this table: not scored
        extracted[element].append(key)
    misses: list[Miss] = []
    for element in set(expected) | set(extracted):
        s = match_counts(expected[element], extracted[element])
        s.wrong = scores[element].wrong
        scores[element] = s
        remaining = list(extracted[element])
        for k in expected[element]:
            if k in remaining:
                remaining.remove(k)
            else:
                misses.append(Miss("generated", source_kind, element, doc, "/".join(k)))
        misses.extend(Miss("generated", source_kind, element, doc, "EXTRA " + "/".join(k)) for k in remaining)
    return scores, misses


_DECREASE = frozenset({"减少", "下降", "降低", "减"})


def signed_value(truth_fact: dict[str, Any]) -> str:
    """The truth value as extraction states it: a year-over-year decrease is negative."""
    value = value_key(truth_fact["value"])
    if truth_fact.get("direction") in _DECREASE and truth_fact["basis"] in ("yoy_change", "yoy_pct") and value != "0":
        return value if value.startswith("-") else f"-{value}"
    return value


_YOY_BASES = ("yoy_change", "yoy_pct")
_CLAIM_BASES = (*_YOY_BASES, "completion_pct")
ClaimKey = tuple[str, str, str, str, str]


def score_claims(
    doc: str, truth: list[dict[str, Any]], ours: list[MetricFact], catalog: MetricCatalog,
) -> tuple[dict[str, Score], list[Miss]]:
    """What narrative claims say besides the figure: the direction word of year-over-year claims
    (增加/减少/增长/下降, truth ``direction``) and whether a reason goes with a claim (truth ``has_reason``).

    A claim matches on metric, basis, value, unit and the attribute; ``wrong`` counts extracted claims
    whose figure is a true claim's but whose attribute is not.
    """
    expected: dict[str, list[ClaimKey]] = defaultdict(list)
    for t in truth:
        if t["source_kind"] != "narrative" or t["metric"] in LINE_METRICS:
            continue
        fact = (truth_metric(t["metric"], t.get("code"), catalog), t["basis"], signed_value(t), t.get("unit", ""))
        if t.get("direction") and t["basis"] in _YOY_BASES:
            expected["direction"].append((*fact, t["direction"]))
        if "has_reason" in t and t["basis"] in _CLAIM_BASES:
            expected["has_reason"].append((*fact, str(t["has_reason"])))
    extracted: dict[str, list[ClaimKey]] = defaultdict(list)
    for f in ours:
        if f.source_kind != "narrative":
            continue
        fact = (f.metric, f.basis, value_key(f.amount.value), f.unit)
        if f.basis in _YOY_BASES:
            extracted["direction"].append((*fact, f.direction or ""))
        if f.basis in _CLAIM_BASES and f.claim is not None:
            extracted["has_reason"].append((*fact, str(f.claim.has_reason)))
    scores: dict[str, Score] = {}
    misses: list[Miss] = []
    for element in ("direction", "has_reason"):
        exp, ext = expected[element], extracted[element]
        score = match_counts(exp, ext)
        true_figures = {k[:4]: k[4] for k in exp}
        score.wrong = sum(1 for k in ext if k[:4] in true_figures and true_figures[k[:4]] != k[4])
        scores[element] = score
        remaining = list(ext)
        for k in exp:
            if k in remaining:
                remaining.remove(k)
            else:
                misses.append(Miss("generated", "claims", element, doc, "/".join(k)))
        misses.extend(Miss("generated", "claims", element, doc, "EXTRA " + "/".join(k)) for k in remaining
                      if k[:4] in true_figures)
    return scores, misses


def _element(metric: str, basis: str, table: str, source_kind: str, catalog: MetricCatalog) -> str:
    if source_kind == "table":
        return table or "?"
    return f"{_family(metric, catalog)}/{basis}"


def score_lines(doc: str, truth: list[dict[str, Any]], ours: IngestResult | list[Any]) -> tuple[Score, list[Miss]]:
    """Narrative function lines (类/款/项 sentences and the structure list) by basis and value."""
    lines = ours.lines if isinstance(ours, IngestResult) else ours
    expected = [(t["basis"], value_key(t["value"])) for t in truth
                if t["source_kind"] == "narrative" and t["metric"] in LINE_METRICS]
    extracted = [(line_basis(x.measure), value_key(x.amount.value)) for x in lines
                 if x.source_kind == "narrative" and x.classification == "function"]
    score = match_counts(expected, extracted)
    remaining = list(extracted)
    misses = []
    for k in expected:
        if k in remaining:
            remaining.remove(k)
        else:
            misses.append(Miss("generated", "lines", "function", doc, "/".join(k)))
    return score, misses


def evaluate_county(root: Path, ingest: Ingest, catalog: MetricCatalog) -> tuple[ScoreTable, list[Miss]]:
    """Ingest every file of a generated county and score it against its truth.json."""
    truth = json.loads((root / "truth.json").read_text(encoding="utf-8"))
    table = ScoreTable()
    misses: list[Miss] = []
    corpus = "generated"
    for d in truth["documents"]:
        results = [(f, ingest(root / f["path"])) for f in d["files"]]
        doc = d["doc_id"]
        facts: list[MetricFact] = []
        cells: list[CellFact] = []
        lines: list[Any] = []
        for f, r in results:
            _score_identity(table, misses, corpus, doc, f, r, d)
            facts += r.facts
            cells += r.cells
            lines += r.lines
        cell_scores, m = score_cells(doc, d["cells"], cells)
        misses += m
        for key, s in cell_scores.items():
            table.add(corpus, "table cells", key, s)
        for kind, group in (("narrative", "narrative facts"), ("table", "table facts")):
            fact_scores, m = score_facts(doc, d["facts"], facts, catalog, kind)
            misses += m
            for key, s in fact_scores.items():
                table.add(corpus, group, key, s)
        claim_scores, m = score_claims(doc, d["facts"], facts, catalog)
        misses += m
        for key, s in claim_scores.items():
            if s.expected or s.extracted:
                table.add(corpus, "narrative claims", key, s)
        line_score, m = score_lines(doc, d["facts"], lines)
        misses += m
        table.add(corpus, "function lines", "narrative", line_score)
    return table, misses


def _score_identity(
    table: ScoreTable, misses: list[Miss], corpus: str, doc: str, f: dict[str, Any], r: IngestResult,
    d: dict[str, Any],
) -> None:
    rec = r.document
    got = {
        "department": rec.department_name if rec else None,
        "year": rec.fiscal_year if rec else None,
        "doc_type": rec.doc_type if rec else None,
    }
    want = {"department": d["department"], "year": d["year"], "doc_type": DOC_TYPE_FINAL}
    for element, value in want.items():
        ok = got[element] == value
        table.add(corpus, "identity", element, Score(1, 1 if got[element] is not None else 0, int(ok)))
        if not ok:
            misses.append(Miss(corpus, "identity", element, doc, f"{f['path']}: {got[element]!r} != {value!r}"))
