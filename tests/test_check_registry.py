"""docs/checks.md's registry table is the seed's (warehouse/check_registry.py writes it)."""

from __future__ import annotations

from warehouse.check_registry import CHECKS_DOC, document_with_table, read_registry, registry_table


def test_checks_doc_registry_table_is_current() -> None:
    current = CHECKS_DOC.read_text(encoding="utf-8")
    assert document_with_table(current, read_registry()) == current, \
        "docs/checks.md is stale: run `python -m warehouse.check_registry`"


def test_every_registered_check_has_one_row() -> None:
    rules = read_registry()
    table = registry_table(rules).splitlines()[2:]
    assert len(table) == len(rules) == len({r.check_id for r in rules})
    assert {r.severity for r in rules} <= {"error", "warning", "info"}
    assert all(row.count(" | ") == 3 for row in table)  # a '|' in a description is escaped, never a new cell
