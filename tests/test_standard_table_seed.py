"""The seed standard_table.csv is the one list of table keys: every key used anywhere must be one of its keys.

A renamed or misspelt key in a model, a macro, a template family, a title rule or the page-text reader fails here.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from ingest.standard_tables import (
    DEFAULT_STANDARD_TABLE_PATH,
    LABELS_MACRO_PATH,
    labels_macros,
    load_standard_tables,
    parse_standard_tables,
    standard_set,
)

ROOT = Path(__file__).resolve().parents[1]
DBT = ROOT / "dbt_project"
KEYS = frozenset(load_standard_tables())

# a column holding a table key: table_key, b_table_key, lines.table_key, nearest_table, target_table …
_COLUMN = r"[\w.]*(?:table_key|_table)\b"
_LITERAL = re.compile(r"'([^']*)'")
_COMPARED = re.compile(rf"{_COLUMN}\s*(?:=|<>|!=)\s*'([^']*)'|'([^']*)'\s*(?:=|<>|!=)\s*{_COLUMN}")
_IN_LIST = re.compile(rf"{_COLUMN}\s+(?:not\s+)?in\s*\(([^()]*)\)", re.IGNORECASE)
_CASE = re.compile(rf"\bcase\s+(?:\{{\{{\s*)?{_COLUMN}(?:\s*\}}\}})?(.*?)\bend\b", re.IGNORECASE | re.DOTALL)
_WHEN = re.compile(r"\bwhen\s+'([^']*)'", re.IGNORECASE)
_COMMENTS = re.compile(r"--[^\n]*|\{#.*?#\}", re.DOTALL)


def table_key_literals(sql: str) -> list[str]:
    """The string literals a SQL text compares with a table-key column (=, <>, in (…), case … when)."""
    sql = _COMMENTS.sub("", sql)
    found = [a or b for a, b in _COMPARED.findall(sql)]
    found += [lit for group in _IN_LIST.findall(sql) if not re.search(r"\bselect\b", group, re.IGNORECASE)
              for lit in _LITERAL.findall(group)]
    found += [lit for body in _CASE.findall(sql) for lit in _WHEN.findall(body)]
    return found


def test_the_scanner_finds_every_form_of_literal() -> None:
    sql = """
        select case lines.table_key when 'income' then 1 when 'incme' then 2 end,
               case {{ table_key }} when 'govfund' then 'x' end
        from t where b_table_key = 'sangong' and 'expenditure' <> target_table -- 'commented_out'
          and table_key not in ('soe_capital', 'budget_sangong_x') and metric = 'not_a_table'
          and table_key in (select key from standard_table where layout = 'summary')
    """
    assert sorted(table_key_literals(sql)) == sorted(
        ["income", "incme", "govfund", "sangong", "expenditure", "soe_capital", "budget_sangong_x"])


def _sql_files() -> list[Path]:
    return sorted([*DBT.glob("models/**/*.sql"), *DBT.glob("macros/**/*.sql"), *DBT.glob("tests/**/*.sql")])


def test_every_table_key_literal_of_a_model_or_macro_is_a_seed_key() -> None:
    unknown: list[str] = []
    n_literals = 0
    for path in _sql_files():
        literals = table_key_literals(path.read_text(encoding="utf-8"))
        n_literals += len(literals)
        unknown += [f"{path.relative_to(DBT)}: '{lit}'" for lit in literals if lit not in KEYS]
    assert not unknown, "table keys not in seeds/standard_table.csv:\n" + "\n".join(unknown)
    assert n_literals >= len(KEYS)  # the scanner sees literals (chk_table_zh's): it must not pass by finding none


def test_template_families_name_seed_tables() -> None:
    with (DBT / "seeds/template_family.csv").open(encoding="utf-8", newline="") as fh:
        keys = {row["table_key"] for row in csv.DictReader(fh)}
    assert keys - KEYS == set()


def test_title_rules_and_page_text_schemas_name_seed_tables() -> None:
    from ingest.readers.text_tables import SCHEMAS
    from ingest.table_recognition import STANDARD_TABLES, TITLE_RULES

    assert {k for k, _ in TITLE_RULES} - KEYS == set()
    assert {s.key for s in SCHEMAS} - KEYS == set()
    assert set(STANDARD_TABLES) == KEYS


def test_the_table_name_macro_is_written_from_the_seed() -> None:
    """dbt_project/macros/checks/labels.sql is `python -m ingest.standard_tables`'s output for the current seed."""
    macro = LABELS_MACRO_PATH.read_text(encoding="utf-8")
    assert macro == labels_macros(load_standard_tables()), "run: python -m ingest.standard_tables"
    assert "when 'sangong' then '一般公共预算财政拨款“三公”经费支出决算表'" in macro


def test_standard_sets_are_numbered_one_to_nine() -> None:
    assert [t.number for t in standard_set("final")] == list(range(1, 10))
    assert [t.number for t in standard_set("budget")] == list(range(1, 10))
    assert standard_set("final")[6].key == "sangong"  # T7
    assert load_standard_tables(DEFAULT_STANDARD_TABLE_PATH)["fiscal_expenditure"].number is None


def test_the_sample_county_prints_the_seed_titles() -> None:
    from samplegen.compose_budget import TABLES
    from samplegen.compose_tables import TABLE_ORDER, TABLE_TITLES

    assert tuple(t.key for t in standard_set("final")) == TABLE_ORDER
    assert TABLE_TITLES["sangong"] == "一般公共预算财政拨款“三公”经费支出决算表"
    assert [k for k, _ in TABLES] == [t.key for t in standard_set("budget")]


_ROW = {"key": "x", "title_zh": "表", "kind": "final", "layout": "lines", "number": "", "fund_scope": "fiscal",
        "title_rank": "10", "title_re": "某表"}


@pytest.mark.parametrize("change, message", [
    ({"kind": "final_account"}, "kind"),
    ({"layout": "grid"}, "layout"),
    ({"fund_scope": "一般公共预算"}, "fund_scope"),
    ({"title_re": "某(表"}, "title_re"),
    ({"header_re": "[因公"}, "header_re"),
    ({"title_re": ""}, "title_re"),
    ({"title_rank": "first"}, "title_rank"),
    ({"side": "收入"}, "side"),
])
def test_a_bad_seed_row_is_refused(change: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_standard_tables([{**_ROW, **change}])


def test_a_duplicate_key_or_title_rank_is_refused() -> None:
    with pytest.raises(ValueError, match="duplicate"):
        parse_standard_tables([_ROW, _ROW])
    with pytest.raises(ValueError, match="title_rank 10 is taken"):
        parse_standard_tables([_ROW, {**_ROW, "key": "y"}])


def test_the_title_order_names_every_standard_title_as_its_own_table() -> None:
    """The seed's title_rank order is right when each table's own title (and its 附表-numbered form) is read as
    that table, not as a broader pattern ranked before it (支出决算表 inside 财政拨款支出决算表)."""
    from ingest.table_recognition import classify_title

    for t in load_standard_tables().values():
        title = t.title_zh.split(" / ")[0]
        assert classify_title(title) == t.key, title
        assert classify_title(f"附表{t.number or 1}：{title}") == t.key, title


def test_every_table_of_money_says_which_money() -> None:
    """The budget marts' fund_scope is the seed's: a table of figures without one would give lines of no scope."""
    tables = load_standard_tables().values()
    assert [t.key for t in tables if t.fund_scope is None] == [t.key for t in tables if t.kind == "performance"]


def test_every_table_of_money_says_which_side() -> None:
    """A table of figures states income, expenditure or both (a 收支总表); the performance tables neither."""
    tables = load_standard_tables()
    assert [t.key for t in tables.values() if t.side is None] == [
        t.key for t in tables.values() if t.kind == "performance"]
    assert {t.side for t in tables.values() if t.layout == "summary"} == {"both"}
    assert tables["budget_income"].side == "income" and tables["budget_sangong"].side == "expenditure"


def _template_rows() -> list[dict[str, str]]:
    with (DBT / "seeds/template_family.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_a_budget_family_changes_no_tables_verification() -> None:
    """Every budget family verifies a table by the default budget family's identities: choosing a family for a
    budget (which tables it requires) changes how its tables are read in no way."""
    rows = _template_rows()
    default = {r["table_key"]: r for r in rows if r["family"] == "budget"}
    checked = 0
    for r in rows:
        if r["doc_type"] == "budget" and r["family"] != "budget":
            d = default[r["table_key"]]
            assert (r["identities"], r["row_total"], r["components"]) == (
                d["identities"], d["row_total"], d["components"]), (r["family"], r["table_key"])
            checked += 1
    assert checked >= 20


def test_a_family_numbers_its_required_tables_and_names_them() -> None:
    """A required table has its number (1…n within the family, in messages), a title and an RE2-safe title
    pattern (the SQL searches the text with it: no look-behind)."""
    families: dict[str, list[dict[str, str]]] = {}
    for r in _template_rows():
        if r["required"] == "true":
            families.setdefault(r["family"], []).append(r)
    for name, rows in families.items():
        assert sorted(int(r["number"]) for r in rows) == list(range(1, len(rows) + 1)), name
        for r in rows:
            assert r["title_zh"] and r["title_re"] and "(?" not in r["title_re"], (name, r["table_key"])
            re.compile(r["title_re"])
            assert re.search(r["title_re"], r["title_zh"].replace("“", "").replace("”", "")), (name, r["table_key"])


def test_template_sections_belong_to_a_family() -> None:
    families = {r["family"] for r in _template_rows()}
    with (DBT / "seeds/template_family_section.csv").open(encoding="utf-8", newline="") as fh:
        sections = list(csv.DictReader(fh))
    assert sections and {s["family"] for s in sections} <= families
    for s in sections:
        re.compile(s["section_re"])
        assert s["budget_level"] in ("", "department", "unit")


class _MacroReturn(Exception):
    def __init__(self, value: object) -> None:
        super().__init__()
        self.value = value


def _labels_macro(name: str):
    """A macro of labels.sql rendered by Jinja as dbt renders it: each macro a template of its own that calls the
    others through the context, dbt's `return` (the macro's value instead of its text), `exceptions`, `do`."""
    import jinja2

    class _Exceptions:
        @staticmethod
        def raise_compiler_error(message: str) -> None:
            raise ValueError(message)

    def _return(value: object) -> None:
        raise _MacroReturn(value)

    def _callable(macro):
        def call(*args, **kwargs):
            try:
                return macro(*args, **kwargs)
            except _MacroReturn as returned:
                return returned.value
        return call

    env = jinja2.Environment(extensions=["jinja2.ext.do"])
    context: dict[str, object] = {"exceptions": _Exceptions, "return": _return}
    text = LABELS_MACRO_PATH.read_text(encoding="utf-8")
    for block in re.findall(r"\{% macro .*?\{%- endmacro %\}", text, re.DOTALL):
        macro_name = re.match(r"\{% macro (\w+)", block).group(1)  # type: ignore[union-attr]
        context[macro_name] = _callable(getattr(env.from_string(block, globals=context).module, macro_name))
    return context[name]


def test_the_table_keys_macro_lists_the_seed_tables_of_its_properties() -> None:
    keys = _labels_macro("chk_table_keys")
    tables = load_standard_tables().values()
    assert str(keys(kind="final", layout="summary")).strip() == "('income_expenditure_summary', 'fiscal_summary')"
    numbered_lines = [t.key for t in tables if t.kind == "final" and t.layout == "lines" and t.number is not None]
    assert str(keys(kind="final", layout="lines", numbered=True)).strip() == (
        "(" + ", ".join(f"'{k}'" for k in numbered_lines) + ")")
    assert "'fiscal_expenditure'" not in str(keys(kind="final", layout="lines", numbered=True))
    assert str(keys(kind="budget", fund_scope="govfund")).strip() == "('budget_govfund')"
    # the expenditure-side function tables a budget summary's classes are compared with (budget.cross_table)
    assert str(keys(kind="budget", layout="lines", side="expenditure", numbered=True)).strip() == (
        "('budget_expenditure', 'budget_general_expenditure', 'budget_govfund', 'budget_soe_capital')")
    assert str(keys(kind="final", side="income")).strip() == "('income')"
    with pytest.raises(ValueError, match="no standard table"):
        str(keys(kind="budget", layout="sangong", fund_scope="govfund"))
    assert str(keys(kind="final", layout="lines", side="expenditure",
                    fund_scope=["all_funds", "fiscal", "general_budget"])).strip() == (
        "('expenditure', 'general_budget_expenditure', 'fiscal_expenditure')")  # a list: any of its values


def test_the_table_key_macro_names_the_one_table_of_its_properties() -> None:
    key = _labels_macro("chk_table_key")
    assert str(key(kind="final", layout="sangong")).strip() == "'sangong'"
    assert str(key(kind="budget", layout="economic", fund_scope="general_budget")).strip() == "'budget_general_basic'"
    with pytest.raises(ValueError, match=r"2 standard tables have those properties \(income_expenditure_summary, "):
        str(key(kind="final", layout="summary"))
    with pytest.raises(ValueError, match="0 standard tables"):
        str(key(kind="budget", layout="sangong", fund_scope="govfund"))


def test_the_standard_set_macro_numbers_the_tables_of_a_kind() -> None:
    standard = _labels_macro("chk_standard_set")
    assert standard("final") == {t.number: f"'{t.key}'" for t in standard_set("final")}
    assert standard("final")[5] == "'general_budget_expenditure'" and standard("budget")[9] == "'budget_sangong'"
    with pytest.raises(ValueError, match="no numbered standard table"):
        standard("performance")


# The models that still compare a table-key column with a literal (to be named by the seed's properties with
# chk_table_keys / chk_table_key / chk_standard_set, docs/recipes.md "Issue 14, sixth pass"), and how many; every
# other model and macro (labels.sql, written from the seed, apart) has none.
_LITERALS_LEFT = {
    "models/intermediate/checks/int_check_budget_identity.sql": 5,
    "models/intermediate/checks/int_check_budget_narrative.sql": 1,
    "models/intermediate/checks/int_check_completeness.sql": 6,
    "models/intermediate/checks/int_check_identity.sql": 9,
    "models/intermediate/checks/int_check_validity.sql": 1,
}


def test_models_name_tables_by_the_seed_not_by_key_literals() -> None:
    """A new template's table with the same properties works without editing a model that names its tables by
    properties; the list above may only shrink."""
    found = {}
    for path in _sql_files():
        name = str(path.relative_to(DBT))
        if name != str(LABELS_MACRO_PATH.relative_to(DBT)):
            n = len(table_key_literals(path.read_text(encoding="utf-8")))
            if n > _LITERALS_LEFT.get(name, 0):
                found[name] = n
    assert not found, f"table-key literals (name the tables by chk_table_keys / chk_table_key): {found}"


def test_a_reserved_title_word_keeps_a_title_from_the_other_tables() -> None:
    """A title holding a word the seed reserves (title_reserve: 政府采购) names a table reserving it or none, even
    when another table's pattern matches it; without the word the same title names that other table."""
    from ingest.table_recognition import classify_title

    reserving = [t for t in load_standard_tables().values() if t.title_reserve]
    assert [t.key for t in reserving] == ["budget_procurement"]
    assert all(t.title_reserve in t.title_zh for t in reserving)
    assert classify_title("基本支出预算表") == "budget_general_basic"
    assert classify_title("政府采购基本支出预算表") is None
    assert classify_title("附表12：政府采购预算表") == "budget_procurement"
    assert parse_standard_tables([{**_ROW, "title_reserve": " 某词 "}])["x"].title_reserve == "某词"
    assert parse_standard_tables([_ROW])["x"].title_reserve is None
