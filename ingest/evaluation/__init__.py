"""Extraction evaluation (`python -m ingest.evaluation`): precision and recall per disclosure element.

Two sources of truth:

* a generated county (:mod:`samplegen`) whose ``truth.json`` lists every fact and table cell of
  every document (:mod:`ingest.evaluation.synthetic`);
* real documents with hand-checked expected facts and cells in ``tests/expected/``
  (:mod:`ingest.evaluation.real`).
"""

from ingest.evaluation.scoring import Score, ScoreTable

__all__ = ["Score", "ScoreTable"]
