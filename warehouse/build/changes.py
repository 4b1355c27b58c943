"""What changed, as sets of documents: the pure part of the incremental build.

A :class:`Change` says which documents' rows of a relation may differ from the last build: none, some documents
(by ``document_id``), or everything. Changes flow along the DAG: a document-scoped model changes for the scope
closure of what changed in its inputs; a county-wide model that is recomputed changes where its new rows differ
from its old ones (on the columns each consumer reads), or everywhere when it has no ``document_id`` to say where.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Change:
    docs: frozenset[str] = frozenset()
    everything: bool = False

    @property
    def empty(self) -> bool:
        return not self.everything and not self.docs

    def __or__(self, other: Change) -> Change:
        if self.everything or other.everything:
            return ALL
        return Change(self.docs | other.docs)

    def describe(self) -> str:
        return "all" if self.everything else f"{len(self.docs)} document(s)"


NONE = Change()
ALL = Change(everything=True)


def union(changes: Iterable[Change]) -> Change:
    out = NONE
    for c in changes:
        out = out | c
        if out.everything:
            break
    return out


def of_documents(ids: Iterable[str | None]) -> Change:
    """The change of these documents; a row without a document (None) can only be placed by a full rebuild."""
    docs = set()
    for i in ids:
        if i is None:
            return ALL
        docs.add(i)
    return Change(frozenset(docs))


def source_change(old: Mapping[str | None, tuple[int, int]], new: Mapping[str | None, tuple[int, int]],
                  keyed: bool) -> Change:
    """Compare a source table's digests by document (``keyed``) or as a whole (key None)."""
    if not keyed:
        return NONE if old == new else ALL
    changed = [k for k in set(old) | set(new) if old.get(k) != new.get(k)]
    return of_documents(changed)


def scope_closure(docs: Iterable[str], scopes: Iterable[Mapping[str, str]]) -> frozenset[str]:
    """``docs`` and every document sharing a scope key with one of them, in any of the given mappings
    (document → scope key; the last build's and this one's, so a document that moved is followed both ways)."""
    maps = list(scopes)
    wanted = set(docs)
    keys = {m[d] for m in maps for d in wanted if d in m}
    out = set(wanted)
    for m in maps:
        out.update(d for d, k in m.items() if k in keys)
    return frozenset(out)


def columns_in_filters(filters: Iterable[str], columns: Iterable[str]) -> set[str]:
    """Column names that appear in a scan's pushed-down filter expressions (a superset is fine)."""
    text = " ".join(filters)
    return {c for c in columns if re.search(rf'(?<![\w"]){re.escape(c)}(?![\w"])|"{re.escape(c)}"', text)}


def scanned_columns(plan: object, table: str, columns: list[str]) -> set[str] | None:
    """The columns of ``table`` ("db.schema.name") a query plan (DuckDB ``EXPLAIN (FORMAT json)``) reads:
    projected or filtered by its scans of that table; None when the plan has no scan of it (read them all)."""
    found: set[str] | None = None

    def walk(node: object) -> None:
        nonlocal found
        if isinstance(node, list):
            for n in node:
                walk(n)
            return
        if not isinstance(node, dict):
            return
        info = node.get("extra_info")
        if isinstance(info, dict) and info.get("Table") == table:
            proj = info.get("Projections")
            used = set(columns) if proj is None else set([proj] if isinstance(proj, str) else proj)
            filters = info.get("Filters") or []
            used |= columns_in_filters([filters] if isinstance(filters, str) else filters, columns)
            found = (found or set()) | used
        for child in node.get("children", []):
            walk(child)

    walk(plan)
    return found
