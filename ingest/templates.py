"""Template families: which standard tables a kind of disclosure has and which identities hold in them.

A family is data (``dbt_project/seeds/template_family.csv``, also a dbt seed): one row per (family,
table), with the family's ``detect`` pattern (searched in the recognised tables' titles and the first
part of the text; empty = the default family of its ``doc_type``), its ``priority`` (lower wins among
families whose pattern matches), whether the table is ``required`` in that family, the identity kinds
that apply to it (``row_total`` · ``rollup`` · ``summary`` · ``sangong``) and, for ``row_total``, the
total measure and the component measures. A province's template is added as rows, without code.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

DEFAULT_TEMPLATE_PATH = Path(__file__).resolve().parents[1] / "dbt_project/seeds/template_family.csv"
IDENTITY_KINDS: frozenset[str] = frozenset({"row_total", "rollup", "summary", "sangong"})


@dataclass(frozen=True, slots=True)
class TableTemplate:
    """What one family says about one standard table."""

    table_key: str
    required: bool
    identities: frozenset[str]
    row_total: str
    components: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TemplateFamily:
    name: str
    priority: int
    doc_type: str
    detect: re.Pattern[str] | None
    tables: MappingProxyType[str, TableTemplate]

    def table(self, table_key: str) -> TableTemplate | None:
        return self.tables.get(table_key)


@dataclass(frozen=True, slots=True)
class TemplateCatalog:
    families: tuple[TemplateFamily, ...]

    def choose(self, doc_type: str, evidence: str) -> TemplateFamily | None:
        """The family of a document: the matching family of its kind with the lowest priority; the
        kind's default family (no pattern) when no pattern matches."""
        own = [f for f in self.families if f.doc_type == doc_type]
        matched = [f for f in own if f.detect is not None and f.detect.search(evidence)]
        pool = matched or [f for f in own if f.detect is None]
        return min(pool, key=lambda f: (f.priority, f.name)) if pool else None

    def table(self, table_key: str) -> TableTemplate | None:
        """The first family's view of a table, for documents whose family is unknown."""
        for f in sorted(self.families, key=lambda f: (f.priority, f.name)):
            if (t := f.table(table_key)) is not None:
                return t
        return None


def parse_template_rows(rows: list[dict[str, str]]) -> TemplateCatalog:
    """Families from seed rows (pure); unknown identity kinds are an error of the seed."""
    grouped: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        grouped.setdefault(row["family"], []).append(row)
    families = []
    for name, members in grouped.items():
        first = members[0]
        tables: dict[str, TableTemplate] = {}
        for r in members:
            kinds = frozenset(k for k in (r.get("identities") or "").split("|") if k)
            if not kinds <= IDENTITY_KINDS:
                raise ValueError(f"template_family {name}/{r['table_key']}: unknown identities {sorted(kinds)}")
            tables[r["table_key"]] = TableTemplate(
                table_key=r["table_key"], required=(r.get("required") or "").lower() == "true",
                identities=kinds, row_total=r.get("row_total") or "total",
                components=tuple(c for c in (r.get("components") or "").split("|") if c),
            )
        detect = first.get("detect") or ""
        families.append(TemplateFamily(
            name=name, priority=int(first.get("priority") or 100), doc_type=first["doc_type"],
            detect=re.compile(detect) if detect else None, tables=MappingProxyType(tables),
        ))
    return TemplateCatalog(tuple(families))


@lru_cache(maxsize=4)
def load_template_catalog(path: Path = DEFAULT_TEMPLATE_PATH) -> TemplateCatalog:
    with path.open(encoding="utf-8", newline="") as fh:
        return parse_template_rows(list(csv.DictReader(fh)))
