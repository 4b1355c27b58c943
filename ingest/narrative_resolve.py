"""Narrative totals named with a near-synonym, resolved against the document's own tables.

Templates word their totals differently: the 高等学校 决算 narrative writes 「收入总计」 for the table's
本年收入合计 (the 总计 row adds 上年结转 and 使用非财政拨款结余). Read literally, every such figure and its
year-over-year change and share would be an amount error against the 总计 row — one wording, four errors.

Here a narrative ``actual``/``budget`` fact whose metric has a near-synonym (:data:`NEAR_SYNONYMS`) takes the
synonym's metric when

* its value equals the table value of the synonym (within the displayed rounding of both figures) and not
  the table value of its own metric (or its own metric is not in the tables at all), and
* the sentence's own arithmetic does not contradict it: when the sentence states two or more parts of the
  figure (the other figures of the same basis after it), they sum to it.

Every fact of that sentence naming the same metric (its change, its %) moves with it. When the tables do
show the literal metric with another value, the locator gets ``/worded:<metric as written>``: the checks can
raise one wording hint for it instead of amount errors.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

from ingest.amounts import same_figure, sums_to
from ingest.model import Amount, MetricFact

# A side's 总计 and its 本年 合计 (equal when nothing is carried over): (as worded, what it may stand for).
# Only this way round: a narrative that writes 本年…合计 says 本年 and means it.
NEAR_SYNONYMS: tuple[tuple[str, str], ...] = (
    ("income_total", "income_current_year"),
    ("expenditure_grand_total", "expenditure_current_year"),
    ("fiscal_total", "fiscal_expenditure_total"),
    ("fiscal_total", "fiscal_income_total"),
)
_RESOLVED_BASES = ("actual", "budget")
WORDED_MARK = "/worded:"


def _partners(metric: str) -> list[str]:
    return [meant for worded, meant in NEAR_SYNONYMS if worded == metric]


def _parts_contradict(fact: MetricFact, sentence: list[MetricFact]) -> bool:
    """Two or more later figures of the same basis in the sentence that do not sum to the figure."""
    later = sentence[sentence.index(fact) + 1:]
    parts = [f.amount for f in later if f.basis == fact.basis and f.unit == fact.unit and f.metric != fact.metric]
    return len(parts) >= 2 and not sums_to(fact.amount, parts)


def resolve_near_synonyms(narrative: list[MetricFact], table: list[MetricFact]) -> list[MetricFact]:
    """``narrative`` with near-synonym totals given the metric the tables show their value under."""
    shown: dict[tuple[str, str], list[Amount]] = defaultdict(list)
    for f in table:
        shown[(f.metric, f.basis)].append(f.amount)
    sentences: dict[tuple[int | None, str], list[MetricFact]] = defaultdict(list)
    for f in narrative:
        sentences[(f.page, f.evidence)].append(f)
    renames: dict[tuple[int | None, str, str], tuple[str, bool]] = {}
    for f in narrative:
        if f.basis not in _RESOLVED_BASES or (f.page, f.evidence, f.metric) in renames:
            continue
        own = shown.get((f.metric, f.basis), [])
        if any(same_figure(f.amount, v) for v in own):
            continue
        for partner in _partners(f.metric):
            if any(same_figure(f.amount, v) for v in shown.get((partner, f.basis), [])):
                if not _parts_contradict(f, sentences[(f.page, f.evidence)]):
                    renames[(f.page, f.evidence, f.metric)] = (partner, bool(own))
                break
    if not renames:
        return narrative
    out: list[MetricFact] = []
    for f in narrative:
        target = renames.get((f.page, f.evidence, f.metric))
        if target is None:
            out.append(f)
            continue
        partner, worded = target
        locator = f"{f.locator}{WORDED_MARK}{f.metric}" if worded else f.locator
        out.append(replace(f, metric=partner, locator=locator))
    return out
