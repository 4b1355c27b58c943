"""The standard tables of a disclosure, read from the reference seed ``dbt_project/seeds/standard_table.csv``.

The seed is the one list of table keys (also loaded into the warehouse as a dbt seed, which models join):
key, Chinese title, kind (final 决算 / budget 预算 / performance 绩效), layout (how the grid is read), number
(position in the standard set of its kind), fund scope (which money its figures cover), side (收入, 支出 or
both) and the title word it reserves (a title holding it names one of the tables that reserve it or none).
Adding a standard table is one row there. The dbt macros ``chk_table_zh`` (the table's name in check
messages), ``chk_table_keys`` (the keys of the tables of a kind, layout …) and ``chk_table_key`` (the key of the
one table those properties identify) are written from it — ``python -m ingest.standard_tables`` — rather than
joining the seed, so that a check model's unit tests need no seed input and a model names no table key;
tests/test_standard_table_seed.py fails while the macro is stale.
"""

from __future__ import annotations

import csv
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Literal, cast, get_args

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_STANDARD_TABLE_PATH = ROOT / "dbt_project/seeds/standard_table.csv"
LABELS_MACRO_PATH = ROOT / "dbt_project/macros/checks/labels.sql"

Layout = Literal["summary", "lines", "economic", "sangong", "generic"]
Kind = Literal["final", "budget", "performance"]
FundScope = Literal["all_funds", "fiscal", "general_budget", "govfund", "soe_capital", "admin_operating"]
Side = Literal["income", "expenditure", "both"]
_COLUMNS = (
    "key", "title_zh", "kind", "layout", "number", "fund_scope", "title_rank", "title_re", "header_re", "side",
    "title_reserve",
)
# the properties a model names a table (or a set of tables) by, in the order of the macros' arguments
_PROPERTIES = ("kind", "layout", "number", "fund_scope", "side")


@dataclass(frozen=True, slots=True)
class StandardTable:
    key: str
    title_zh: str
    kind: Kind
    layout: Layout
    number: int | None  # position in the standard set of its kind (决算 T1…T9, 预算 1…9); None outside it
    fund_scope: FundScope | None  # which money its figures cover (财政拨款, 一般公共预算 …); None for 绩效 tables
    title_rank: int  # order in which titles are tried against title_re: the most specific pattern first
    title_re: str  # a title that names this table (searched in the cleaned title: no spaces, no quotes)
    header_re: str | None = None  # a header this distinctive names the table even when the grid has no title
    side: Side | None = None  # the side of the accounts its figures state (收入 / 支出 / both); None for 绩效 tables
    # a word that, in a title, reserves the title for the tables reserving it (政府采购: its titles hold the words of
    # other tables' titles, 支出预算表, 基本支出 …); None for most tables
    title_reserve: str | None = None


def _choice(value: str, allowed: tuple[str, ...], column: str, key: str) -> str:
    if value not in allowed:
        raise ValueError(f"standard table {key!r}: {column} {value!r} is not one of {list(allowed)}")
    return value


def _pattern(value: str | None, column: str, key: str) -> str:
    text = (value or "").strip()
    try:
        re.compile(text)
    except re.error as exc:
        raise ValueError(f"standard table {key!r}: {column} {text!r} is no regular expression ({exc})") from exc
    return text


def parse_standard_tables(rows: list[dict[str, str]]) -> MappingProxyType[str, StandardTable]:
    """Seed rows (as csv.DictReader gives them) → key → table, in seed order; bad rows raise ValueError."""
    tables: dict[str, StandardTable] = {}
    for row in rows:
        key = (row.get("key") or "").strip()
        if not key:
            continue
        if key in tables:
            raise ValueError(f"duplicate standard table key {key!r}")
        number = (row.get("number") or "").strip()
        scope = (row.get("fund_scope") or "").strip()
        side = (row.get("side") or "").strip()
        reserve = (row.get("title_reserve") or "").strip()
        title_re = _pattern(row.get("title_re"), "title_re", key)
        header_re = _pattern(row.get("header_re"), "header_re", key) if (row.get("header_re") or "").strip() else None
        rank = (row.get("title_rank") or "").strip()
        if not title_re or not rank.isdigit():
            raise ValueError(f"standard table {key!r}: title_re and an integer title_rank are required")
        if int(rank) in {t.title_rank for t in tables.values()}:
            raise ValueError(f"standard table {key!r}: title_rank {rank} is taken (the order must be total)")
        tables[key] = StandardTable(
            key=key,
            title_zh=row["title_zh"].strip(),
            kind=cast(Kind, _choice(row["kind"].strip(), get_args(Kind), "kind", key)),
            layout=cast(Layout, _choice(row["layout"].strip(), get_args(Layout), "layout", key)),
            number=int(number) if number else None,
            fund_scope=cast(FundScope, _choice(scope, get_args(FundScope), "fund_scope", key)) if scope else None,
            title_rank=int(rank),
            title_re=title_re,
            header_re=header_re,
            side=cast(Side, _choice(side, get_args(Side), "side", key)) if side else None,
            title_reserve=reserve or None,
        )
    return MappingProxyType(tables)


@lru_cache(maxsize=4)
def load_standard_tables(path: Path = DEFAULT_STANDARD_TABLE_PATH) -> MappingProxyType[str, StandardTable]:
    """Read the seed once per path (columns: ``_COLUMNS``)."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = set(_COLUMNS) - set(reader.fieldnames or ())
        if missing:
            raise ValueError(f"{path}: missing columns {sorted(missing)}")
        return parse_standard_tables(list(reader))


def standard_set(kind: Kind, path: Path = DEFAULT_STANDARD_TABLE_PATH) -> tuple[StandardTable, ...]:
    """The numbered tables of one kind in their order (the nine tables of a 决算: T1…T9)."""
    numbered = [t for t in load_standard_tables(path).values() if t.kind == kind and t.number is not None]
    return tuple(sorted(numbered, key=lambda t: t.number or 0))


def _sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _jinja_literal(value: str | int | None) -> str:
    return "none" if value is None else str(value) if isinstance(value, int) else _sql_literal(value)


def labels_macros(tables: MappingProxyType[str, StandardTable]) -> str:
    """The dbt macros of ``labels.sql``, written from the seed (not joined, so that a check model's unit tests need
    no seed input): ``chk_table_zh(expr)``, a table key's Chinese title (the key itself when it is no standard
    table); ``chk_table_keys(kind, layout, numbered, fund_scope, side)``, the SQL list of the keys of the tables
    that have those properties (``table_key in {{ chk_table_keys(kind='final', layout='summary') }}``; a property
    given as a list matches any of its values); ``chk_table_key(…)``, the quoted key of the one table that has them
    (a compile error unless exactly one has: a new seed row with the same properties asks for a choice);
    ``chk_standard_set(kind)``, the numbered tables of a kind, number → quoted key (``{{ t[5] }}``, T5)."""
    whens = "".join(f"        when {_sql_literal(t.key)} then {_sql_literal(t.title_zh)}\n" for t in tables.values())
    rows = "".join(
        "    {"
        + ", ".join(f"'{name}': {_jinja_literal(getattr(t, name))}" for name in ("key", *_PROPERTIES))
        + "},\n"
        for t in tables.values()
    )
    arguments = "kind=none, layout=none, numbered=none, fund_scope=none, side=none"
    passed = "kind=kind, layout=layout, numbered=numbered, fund_scope=fund_scope, side=side"
    return (
        "{#- The standard tables (seeds/standard_table.csv) for the check models. Written by\n"
        "    `python -m ingest.standard_tables` from the seed: edit the seed, not this file -#}\n"
        "\n"
        "{#- Chinese name of a standard table key, for messages -#}\n"
        "{% macro chk_table_zh(table_key) -%}\n"
        "    case {{ table_key }}\n"
        f"{whens}"
        "        else {{ table_key }}\n"
        "    end\n"
        "{%- endmacro %}\n"
        "\n"
        "{#- The standard tables: their keys and the properties models name them by (a Jinja list) -#}\n"
        "{% macro chk_standard_tables() -%}\n"
        "{{ return([\n"
        f"{rows}"
        "]) }}\n"
        "{%- endmacro %}\n"
        "\n"
        "{#- The keys (a Jinja list) of the standard tables of that kind, layout, fund scope, side (income,\n"
        "    expenditure, both), and numbered (in the standard set of its kind: true / false), in seed order; an\n"
        "    argument left out does not filter, a list matches any of its values -#}\n"
        f"{{% macro chk_standard_table_keys({arguments}) -%}}\n"
        "{%- set wanted = {'kind': kind, 'layout': layout, 'fund_scope': fund_scope, 'side': side} -%}\n"
        "{%- set keys = [] -%}\n"
        "{%- for t in chk_standard_tables() -%}\n"
        "    {%- set ns = namespace(ok=(numbered is none or (t.number is not none) == numbered)) -%}\n"
        "    {%- for name, value in wanted.items() -%}\n"
        "        {%- if value is not none and t[name] != value and (value is string or t[name] not in value) -%}\n"
        "            {%- set ns.ok = false -%}\n"
        "        {%- endif -%}\n"
        "    {%- endfor -%}\n"
        "    {%- if ns.ok -%}{%- do keys.append(t.key) -%}{%- endif -%}\n"
        "{%- endfor -%}\n"
        "{{ return(keys) }}\n"
        "{%- endmacro %}\n"
        "\n"
        "{#- The standard set of a kind (the 决算's T1…T9): number → quoted key, for `table_key = {{ t[5] }}` after\n"
        "    `{% set t = chk_standard_set('final') %}` -#}\n"
        "{% macro chk_standard_set(kind) -%}\n"
        "{%- set numbered = {} -%}\n"
        "{%- for t in chk_standard_tables() if t.kind == kind and t.number is not none -%}\n"
        "    {%- do numbered.update({t.number: \"'\" ~ t.key ~ \"'\"}) -%}\n"
        "{%- endfor -%}\n"
        "{%- if not numbered -%}\n"
        "    {{ exceptions.raise_compiler_error('chk_standard_set: no numbered standard table of kind ' ~ kind) }}\n"
        "{%- endif -%}\n"
        "{{ return(numbered) }}\n"
        "{%- endmacro %}\n"
        "\n"
        "{#- The SQL list of the keys of the standard tables that have those properties -#}\n"
        f"{{% macro chk_table_keys({arguments}) -%}}\n"
        f"{{%- set keys = chk_standard_table_keys({passed}) -%}}\n"
        "{%- if not keys -%}\n"
        "    {{ exceptions.raise_compiler_error('chk_table_keys: no standard table has those properties') }}\n"
        "{%- endif -%}\n"
        "({% for key in keys %}'{{ key }}'{{ ', ' if not loop.last }}{% endfor %})\n"
        "{%- endmacro %}\n"
        "\n"
        "{#- The quoted key of the one standard table that has those properties -#}\n"
        f"{{% macro chk_table_key({arguments}) -%}}\n"
        f"{{%- set keys = chk_standard_table_keys({passed}) -%}}\n"
        "{%- if keys | length != 1 -%}\n"
        "    {{ exceptions.raise_compiler_error('chk_table_key: ' ~ keys | length ~ ' standard tables have those'\n"
        "        ~ ' properties (' ~ keys | join(', ') ~ '), not one') }}\n"
        "{%- endif -%}\n"
        "'{{ keys[0] }}'\n"
        "{%- endmacro %}\n"
    )


def write_labels_macros(path: Path = LABELS_MACRO_PATH, seed: Path = DEFAULT_STANDARD_TABLE_PATH) -> bool:
    """Rewrite the macros from the seed; True when the file changed."""
    wanted = labels_macros(load_standard_tables(seed))
    changed = not path.is_file() or path.read_text(encoding="utf-8") != wanted
    if changed:
        path.write_text(wanted, encoding="utf-8")
    return changed


if __name__ == "__main__":
    print(f"{LABELS_MACRO_PATH} {'written' if write_labels_macros() else 'already current'}")
    sys.exit(0)
