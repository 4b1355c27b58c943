"""The check registry (dbt seed ``check_registry.csv``) read by Python, and its table in docs/checks.md.

The seed is the one list of checks: dbt joins every result to it, and the registry table of docs/checks.md is
written from it (``python -m warehouse.check_registry``; tests/test_check_registry.py fails when the doc is
stale), so a new check is documented by its seed row.
"""

from __future__ import annotations

import csv
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REGISTRY_SEED = ROOT / "dbt_project" / "seeds" / "check_registry.csv"
CHECKS_DOC = ROOT / "docs" / "checks.md"
BEGIN = "<!-- registry table: generated from the seed by `python -m warehouse.check_registry` -->"
END = "<!-- end of the generated registry table -->"


@dataclass(frozen=True, slots=True)
class CheckRule:
    check_id: str
    title_zh: str
    family: str
    severity: str  # error | warning | info
    description: str
    reads: str


def read_registry(path: Path = REGISTRY_SEED) -> list[CheckRule]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [CheckRule(**row) for row in csv.DictReader(fh)]


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def registry_table(rules: list[CheckRule]) -> str:
    """The Markdown table of the registry, in the seed's order."""
    lines = ["| id | 标题 | severity | what |", "|---|---|---|---|"]
    lines += [f"| `{r.check_id}` | {_cell(r.title_zh)} | {r.severity} | {_cell(r.description)} |" for r in rules]
    return "\n".join(lines)


def document_with_table(doc: str, rules: list[CheckRule]) -> str:
    """``doc`` with the text between the markers replaced by the registry table."""
    head, begin, rest = doc.partition(BEGIN)
    _, end, tail = rest.partition(END)
    if not begin or not end:
        raise ValueError(f"{CHECKS_DOC.name} lacks the markers of the generated registry table")
    return f"{head}{BEGIN}\n{registry_table(rules)}\n{END}{tail}"


def write_checks_doc(doc_path: Path = CHECKS_DOC, seed: Path = REGISTRY_SEED) -> bool:
    """Rewrite the registry table of docs/checks.md from the seed; True when the file changed."""
    current = doc_path.read_text(encoding="utf-8")
    wanted = document_with_table(current, read_registry(seed))
    if wanted != current:
        doc_path.write_text(wanted, encoding="utf-8")
    return wanted != current


if __name__ == "__main__":
    print(f"{CHECKS_DOC} {'written' if write_checks_doc() else 'already current'}")
    sys.exit(0)
