"""Score extraction on real documents against hand-checked expected facts and cells (tests/expected)."""

from __future__ import annotations

import csv
import os
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ingest.evaluation.keys import canonical_measure, row_label_key
from ingest.evaluation.scoring import Score, ScoreTable, value_key
from ingest.evaluation.synthetic import Miss
from ingest.records import IngestResult

Ingest = Callable[[Path], IngestResult]
REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_EXPECTED_DIR = REPO_ROOT / "tests" / "expected"


def default_realdata_root() -> Path:
    """Where the real documents are: $JUESUAN_REALDATA, else ../shared/realdata next to the repo."""
    return Path(os.environ.get("JUESUAN_REALDATA", REPO_ROOT.parent / "shared" / "realdata"))


def _read_csv(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        return [row for row in csv.DictReader(fh) if not row.get("metric", row.get("table_key", "")).startswith("#")]


def evaluate_real(
    root: Path, expected_dir: Path, ingest: Ingest, notes: list[str] | None = None,
    extraction: list[ExtractionSummary] | None = None,
) -> tuple[ScoreTable, list[Miss], list[str]]:
    """Every document of ``expected_dir/documents.csv`` (slug, path, department, year, doc_type, doc_level, held_out,
    unit_name of a unit-level document).

    ``notes`` receives, per document, the figures its reader could not place from the text alone
    (``text_table_unreadable`` of ``Document.meta``: which figure, which columns it could be); ``extraction``
    one line per document with the count of its ``extraction.table_unreliable`` warnings
    (:func:`extraction_summary`)."""
    table = ScoreTable()
    misses: list[Miss] = []
    skipped: list[str] = []
    for doc in _read_csv(expected_dir / "documents.csv"):
        path = root / doc["path"]
        if not path.exists():
            skipped.append(f"{doc['slug']}: {path} not found")
            continue
        result = ingest(path)
        slug = doc["slug"]
        corpus = "real"
        rec = result.document
        got = {"department": rec.department_name if rec else None,
               "year": str(rec.fiscal_year) if rec else None, "doc_type": rec.doc_type if rec else None}
        for element in ("department", "year", "doc_type"):
            ok = got[element] == doc[element]
            table.add(corpus, "identity", element, Score(1, int(got[element] is not None), int(ok)))
            if not ok:
                misses.append(Miss(corpus, "identity", element, slug, f"{got[element]!r} != {doc[element]!r}"))
        level = doc.get("doc_level")
        if level:
            got_level = getattr(rec, "doc_level", None) if rec else None
            table.add(corpus, "identity", "doc_level", Score(1, int(got_level is not None), int(got_level == level)))
            if got_level != level:
                misses.append(Miss(corpus, "identity", "doc_level", slug, f"{got_level!r} != {level!r}"))
        if level == "unit":
            unit, got_unit = doc.get("unit_name") or None, getattr(rec, "unit_name", None) if rec else None
            table.add(corpus, "identity", "unit_name", Score(1, int(got_unit is not None), int(got_unit == unit)))
            if got_unit != unit:
                misses.append(Miss(corpus, "identity", "unit_name", slug, f"{got_unit!r} != {unit!r}"))
        _score_table_parses(table, misses, slug, result)
        if extraction is not None:
            extraction.append(extraction_summary(slug, result))
        if notes is not None:
            notes.extend(f"{slug}: {u}" for u in result.reader_notes.get("text_table_unreadable", "").splitlines())
        _score_facts(table, misses, slug, expected_dir / f"{slug}.facts.csv", result)
        _score_cells(table, misses, slug, expected_dir / f"{slug}.cells.csv", result)
        _score_cells(table, misses, slug, expected_dir / f"{slug}.sample_cells.csv", result, sample=True)
    return table, misses, skipped


def _score_facts(table: ScoreTable, misses: list[Miss], slug: str, path: Path, result: IngestResult) -> None:
    """Expected facts: metric, basis, value, unit, source_kind, page. A fact is found when an extracted fact
    of the same source kind has the same metric, basis, value and unit; an extracted fact with an expected
    (metric, basis, source kind) but another value is wrong."""
    expected = _read_csv(path)
    if not expected:
        return
    ours: dict[tuple[str, str, str], list[tuple[str, str]]] = defaultdict(list)
    for f in result.facts:
        unit = f.unit or "万元"
        ours[(f.source_kind, f.metric, f.basis)].append((value_key(f.amount.value), unit))
    stated: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for e in expected:
        stated[(e["source_kind"], e["metric"], e["basis"])].add(value_key(e["value"]))
    group = {"narrative": "narrative facts", "table": "table facts"}
    for e in expected:
        key = (e["source_kind"], e["metric"], e["basis"])
        element = f"{slug}:{e['source_kind']}"
        want = (value_key(e["value"]), e.get("unit") or "万元")
        found = want in ours.get(key, [])
        if found:
            ours[key].remove(want)
        table.add("real", group[e["source_kind"]], element, Score(1, int(found), int(found)))
        if not found:
            misses.append(Miss("real", group[e["source_kind"]], element, slug,
                               f"{e['metric']}/{e['basis']}={e['value']}{e.get('unit', '')} p{e.get('page', '')}"))
    for key, values in ours.items():
        if key not in stated:
            continue
        element = f"{slug}:{key[0]}"
        for value, unit in values:
            if value not in stated[key]:
                table.add("real", group[key[0]], element, Score(0, 1, 0, 1))
                misses.append(Miss("real", group[key[0]], element, slug, f"WRONG {key[1]}/{key[2]}={value}{unit}"))


def _score_cells(
    table: ScoreTable, misses: list[Miss], slug: str, path: Path, result: IngestResult, sample: bool = False,
) -> None:
    """Expected cells: table_key, row (code or label), measure, value, page.

    A full cells file lists every cell of its tables: precision counts all extracted cells. A sample
    (``{slug}.sample_cells.csv``) lists some rows: precision counts the extracted cells of those rows.
    """
    expected = _read_csv(path)
    if not expected:
        return
    sampled: dict[str, set[str]] = defaultdict(set)
    for e in expected:
        sampled[e["table_key"]] |= {e["row"], row_label_key(e["row"])}
    pool: dict[tuple[str, str, str], list[frozenset[str]]] = defaultdict(list)
    counted: dict[str, int] = defaultdict(int)
    for c in result.cells:
        ids = {row_label_key(c.row_label)} | ({c.code} if c.code else set())
        if sample and not ids & sampled[c.table_key]:
            continue
        pool[(c.table_key, canonical_measure(c.table_key, c.measure, truth=False), value_key(c.amount.value))].append(
            frozenset(ids))
        counted[c.table_key] += 1
    scores: dict[str, Score] = defaultdict(Score)
    for e in expected:
        table_key = e["table_key"]
        scores[table_key].expected += 1
        key = (table_key, canonical_measure(table_key, e["measure"], truth=False), value_key(e["value"]))
        row = e["row"]
        ids = {row, row_label_key(row)}
        candidates = pool.get(key, [])
        hit = next((i for i, cand in enumerate(candidates) if cand & ids), None)
        if hit is None:
            misses.append(Miss("real", "table cells", table_key, slug, f"{row} {e['measure']}={e['value']}"))
            continue
        candidates.pop(hit)
        scores[table_key].matched += 1
    for table_key, s in scores.items():
        s.extracted = counted[table_key]
        table.add("real", "table cells", f"{slug}:{table_key}", s)


def _score_table_parses(table: ScoreTable, misses: list[Miss], slug: str, result: IngestResult) -> None:
    """Tables whose own identities all hold after parsing ('matched' of the tables with any identity);
    'wrong' counts the tables judged unreliable, i.e. the ``extraction`` warnings the document gets."""
    evaluated = [p for p in result.table_parses if p.n_identities]
    if not evaluated:
        return
    held = sum(1 for p in evaluated if p.n_held == p.n_identities)
    unreliable = [p for p in evaluated if not p.parse_reliable]
    table.add("real", "table parse", f"{slug}:identities_hold", Score(len(evaluated), len(evaluated), held,
                                                                       len(unreliable)))
    for p in evaluated:
        if p.n_held != p.n_identities:
            flag = "UNRELIABLE " if not p.parse_reliable else ""
            misses.append(Miss("real", "table parse", "identities_hold", slug,
                               f"{flag}p{p.page} {p.table_key} {p.n_held}/{p.n_identities} "
                               f"{p.failed_identities[:120]}"))


@dataclass(frozen=True, slots=True)
class ExtractionSummary:
    """A document's tables with identities, how many hold them all, and the tables judged unreliable — each of
    them one ``extraction.table_unreliable`` warning (「第N页《…》未能可靠识别（原因）」)."""

    slug: str
    tables: int
    with_identities: int
    all_holding: int
    unreliable: tuple[str, ...]  # "p<page> 《title》 reason" per table judged unreliable
    quarantined: str | None = None

    @property
    def warnings(self) -> int:
        return len(self.unreliable)

    def render(self) -> str:
        if self.quarantined is not None:
            return f"{self.slug}: quarantined ({self.quarantined})"
        line = (f"{self.slug}: extraction warnings {self.warnings} (tables {self.tables}, with identities "
                f"{self.with_identities}, all holding {self.all_holding})")
        return f"{line}: {'; '.join(self.unreliable)}" if self.unreliable else line


def extraction_summary(slug: str, result: IngestResult) -> ExtractionSummary:
    if result.document is None:
        reason = result.quarantine.reason_en if result.quarantine else "not loaded"
        return ExtractionSummary(slug, 0, 0, 0, (), reason)
    evaluated = [p for p in result.table_parses if p.n_identities]
    return ExtractionSummary(
        slug, len(result.table_parses), len(evaluated), sum(1 for p in evaluated if p.n_held == p.n_identities),
        tuple(f"p{p.page} 《{p.title}》 {p.reason_zh}" for p in evaluated if not p.parse_reliable),
    )
