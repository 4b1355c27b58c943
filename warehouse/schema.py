"""The raw schema, declared once: what ingest writes and dbt's staging models read (``source('raw', …)``).

:data:`RAW_SCHEMA` is the one declaration of every raw table and column. From it come the DuckDB DDL
(:func:`create_raw_schema_sql`, with the migrations of columns added since a table's first release), the Arrow
types of the tables the loader writes (:func:`frame_schema`) and the ``columns:`` of the dbt sources YAML
(:func:`write_dbt_sources`, ``python -m warehouse.schema``; tests/test_raw_schema.py fails when they differ).
Adding a raw column is one edit here (``migrated=True`` when existing warehouses must get it too).

``documents.logical_key`` is the file's path relative to the inbox: the same key
with new bytes is a new ``revision`` of that document; only one revision per key
``is_current``; ``status`` is current | superseded | withdrawn (file removed).
Rows are never deleted: facts of superseded revisions stay, keyed by ``document_id``.
``quarantine`` keeps one row per (logical_key, file_sha256); ``is_current`` is false once
that file is no longer in the inbox with those bytes.

``pipeline_runs`` is written by the nightly flow (warehouse/runs.py): one row per run,
failed and killed runs included (they are recorded by the next published run).

``department_registry``, ``review_decisions``, ``finding_sightings`` and ``bureau_inputs`` are the bureau's own
data, kept outside the warehouse (the registry file of the data folder, the review store
``<warehouse>.review.duckdb``) and copied in by every run before dbt (warehouse/review/inputs.py): dbt reads
them as sources, and each published warehouse (history included) carries a backup of the decisions.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyarrow as pa


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    sql_type: str  # DuckDB type: VARCHAR, INTEGER, BIGINT, BOOLEAN, DOUBLE, DECIMAL(18, 4), TIMESTAMPTZ
    nullable: bool = True
    primary_key: bool = False
    default: str | None = None  # SQL literal
    migrated: bool = False  # added after the table's first release: ALTER TABLE … ADD COLUMN IF NOT EXISTS
    in_frame: bool = True  # written by the loader's frames (False: set later by the flow, or left to its default)

    def ddl(self) -> str:
        parts = [self.name, self.sql_type]
        if self.primary_key:
            parts.append("PRIMARY KEY")
        elif not self.nullable:
            parts.append("NOT NULL")
        if self.default is not None:
            parts.append(f"DEFAULT {self.default}")
        return " ".join(parts)


@dataclass(frozen=True, slots=True)
class RawTable:
    name: str
    columns: tuple[Column, ...]
    source: str = "raw"  # the dbt source that declares it (raw | raw_ops | raw_bureau)

    def columns_sql(self) -> str:
        return ",\n".join(c.ddl() for c in self.columns)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


# the columns every table of figures has: the figure as printed (exact value, its decimals, its text) …
FIGURE: tuple[Column, ...] = (
    Column("value", "DECIMAL(18, 4)", nullable=False),
    Column("decimals", "INTEGER", nullable=False),
    Column("raw_text", "VARCHAR", nullable=False),
)
# … and where it was read: the page, the locator of its place and the evidence quoted from there
PLACE: tuple[Column, ...] = (
    Column("page", "INTEGER"),
    Column("locator", "VARCHAR", nullable=False),
    Column("evidence", "VARCHAR", nullable=False),
)

RAW_SCHEMA: tuple[RawTable, ...] = (
    RawTable("documents", (
        Column("document_id", "VARCHAR", nullable=False, primary_key=True),
        Column("logical_key", "VARCHAR", nullable=False),
        Column("revision", "INTEGER", nullable=False),
        Column("is_current", "BOOLEAN", nullable=False),
        Column("status", "VARCHAR", nullable=False),
        Column("source_file", "VARCHAR", nullable=False),
        Column("file_sha256", "VARCHAR", nullable=False),
        Column("file_size", "BIGINT", nullable=False),
        Column("file_format", "VARCHAR", nullable=False),
        Column("department_name", "VARCHAR", nullable=False),
        Column("fiscal_year", "INTEGER"),
        Column("doc_type", "VARCHAR", nullable=False),
        Column("page_count", "INTEGER"),
        Column("encoding", "VARCHAR"),
        Column("department_source", "VARCHAR", nullable=False),
        Column("year_source", "VARCHAR", nullable=False),
        Column("parser_version", "VARCHAR", nullable=False),
        Column("ingested_at", "TIMESTAMPTZ", nullable=False),
        Column("run_id", "VARCHAR", nullable=False),
        Column("parser_fingerprint", "VARCHAR", migrated=True, in_frame=False),
        Column("status_run_id", "VARCHAR", migrated=True, in_frame=False),
        Column("doc_level", "VARCHAR", default="'unknown'", migrated=True),
        Column("identification_confidence", "DOUBLE", migrated=True),
        Column("unit_name", "VARCHAR", migrated=True),
    )),
    RawTable("metric_facts", (
        Column("document_id", "VARCHAR", nullable=False),
        Column("fact_index", "INTEGER", nullable=False),
        Column("metric", "VARCHAR", nullable=False),
        Column("basis", "VARCHAR", nullable=False),
        *FIGURE,
        Column("unit", "VARCHAR", nullable=False),
        Column("source_kind", "VARCHAR", nullable=False),
        *PLACE,
        Column("direction", "VARCHAR"),
        Column("has_reason", "BOOLEAN"),
        Column("compared_year", "INTEGER"),
    )),
    RawTable("line_items", (
        Column("document_id", "VARCHAR", nullable=False),
        Column("line_index", "INTEGER", nullable=False),
        Column("classification", "VARCHAR", nullable=False),
        Column("code", "VARCHAR"),
        Column("level", "VARCHAR"),
        Column("name_reported", "VARCHAR", nullable=False),
        Column("measure", "VARCHAR", nullable=False),
        *FIGURE,
        Column("source_kind", "VARCHAR", nullable=False),
        *PLACE,
    )),
    RawTable("table_cells", (
        Column("document_id", "VARCHAR", nullable=False),
        Column("cell_index", "INTEGER", nullable=False),
        Column("table_key", "VARCHAR", nullable=False),
        Column("table_title", "VARCHAR", nullable=False),
        Column("row_index", "INTEGER", nullable=False),
        Column("col_index", "INTEGER", nullable=False),
        Column("row_label", "VARCHAR", nullable=False),
        Column("code", "VARCHAR"),
        Column("measure", "VARCHAR", nullable=False),
        Column("measure_label", "VARCHAR", nullable=False),
        *FIGURE,
        *PLACE,
        Column("parse_reliable", "BOOLEAN", default="true", migrated=True),
    )),
    RawTable("recognised_tables", (
        Column("document_id", "VARCHAR", nullable=False),
        Column("table_key", "VARCHAR", nullable=False),
        Column("title", "VARCHAR", nullable=False),
        Column("page", "INTEGER"),
        Column("n_rows", "INTEGER", nullable=False),
        Column("unit", "VARCHAR", nullable=False),
        Column("unit_stated", "BOOLEAN", nullable=False),
    )),
    RawTable("table_parses", (
        Column("document_id", "VARCHAR", nullable=False),
        Column("table_seq", "INTEGER", nullable=False),
        Column("table_key", "VARCHAR", nullable=False),
        Column("title", "VARCHAR", nullable=False),
        Column("page", "INTEGER"),
        Column("layout", "VARCHAR", nullable=False),
        Column("template_family", "VARCHAR", nullable=False),
        Column("n_cells", "INTEGER", nullable=False),
        Column("n_identities", "INTEGER", nullable=False),
        Column("n_held", "INTEGER", nullable=False),
        Column("confidence", "DOUBLE"),
        Column("parse_reliable", "BOOLEAN", nullable=False),
        Column("reason_zh", "VARCHAR", nullable=False),
        Column("failed_identities", "VARCHAR", nullable=False),
        Column("column_mapping", "VARCHAR", nullable=False),
        Column("remapped", "BOOLEAN", nullable=False),
    )),
    RawTable("text_blocks", (
        Column("document_id", "VARCHAR", nullable=False),
        Column("block_index", "INTEGER", nullable=False),
        Column("page", "INTEGER"),
        Column("kind", "VARCHAR", nullable=False),
        Column("text", "VARCHAR", nullable=False),
    )),
    RawTable("quarantine", (
        Column("logical_key", "VARCHAR", nullable=False),
        Column("source_file", "VARCHAR", nullable=False),
        Column("file_sha256", "VARCHAR", nullable=False),
        Column("file_format", "VARCHAR", nullable=False),
        Column("department_name", "VARCHAR"),
        Column("fiscal_year", "INTEGER"),
        Column("doc_type", "VARCHAR"),
        Column("reason_code", "VARCHAR", nullable=False),
        Column("reason_zh", "VARCHAR", nullable=False),
        Column("reason_en", "VARCHAR", nullable=False),
        Column("detected_at", "TIMESTAMPTZ", nullable=False),
        Column("run_id", "VARCHAR", nullable=False),
        Column("is_current", "BOOLEAN", default="true", migrated=True, in_frame=False),
    )),
    RawTable("pipeline_runs", source="raw_ops", columns=(
        Column("run_id", "VARCHAR", nullable=False, primary_key=True),
        Column("started_at", "TIMESTAMPTZ", nullable=False),
        Column("ended_at", "TIMESTAMPTZ"),
        Column("status", "VARCHAR", nullable=False),
        Column("reason", "VARCHAR"),
        Column("inbox", "VARCHAR"),
        Column("executor", "VARCHAR"),
        Column("files_seen", "INTEGER"),
        Column("files_parsed", "INTEGER"),
        Column("files_skipped", "INTEGER"),
        Column("files_cached", "INTEGER"),
        Column("files_quarantined", "INTEGER"),
        Column("files_withdrawn", "INTEGER"),
        Column("documents_added", "INTEGER"),
        Column("documents_superseded", "INTEGER"),
        Column("findings_error", "INTEGER"),
        Column("findings_warning", "INTEGER"),
        Column("findings_info", "INTEGER"),
        Column("findings_total", "INTEGER"),
        Column("parse_seconds", "DOUBLE"),
        Column("load_seconds", "DOUBLE"),
        Column("dbt_seconds", "DOUBLE"),
        Column("publish_seconds", "DOUBLE"),
        Column("dbt_built", "BOOLEAN"),
        Column("parser_fingerprint", "VARCHAR"),
        Column("dbt_fingerprint", "VARCHAR"),
    )),
    RawTable("department_registry", source="raw_bureau", columns=(
        Column("department_name", "VARCHAR", nullable=False),
        Column("department_code", "VARCHAR"),
        Column("aliases", "VARCHAR"),
        Column("peer_group", "VARCHAR"),
        Column("parent", "VARCHAR"),
        Column("county", "VARCHAR"),
        Column("expected_to_file", "BOOLEAN", nullable=False),
        Column("source_file", "VARCHAR", nullable=False),
        Column("source_row", "INTEGER", nullable=False),
    )),
    RawTable("review_decisions", source="raw_bureau", columns=(
        Column("event_id", "BIGINT", nullable=False),
        Column("finding_id", "VARCHAR", nullable=False),
        Column("action", "VARCHAR", nullable=False),
        Column("state_before", "VARCHAR", nullable=False),
        Column("state_after", "VARCHAR", nullable=False),
        Column("evidence_hash", "VARCHAR"),
        Column("reason", "VARCHAR"),
        Column("response", "VARCHAR"),
        Column("decided_by", "VARCHAR", nullable=False),
        Column("decided_at", "TIMESTAMPTZ", nullable=False),
        Column("source", "VARCHAR", nullable=False),
        Column("check_id", "VARCHAR"),
        Column("department_name", "VARCHAR"),
        Column("fiscal_year", "INTEGER"),
        Column("message", "VARCHAR"),
    )),
    RawTable("finding_sightings", source="raw_bureau", columns=(
        Column("finding_id", "VARCHAR", nullable=False),
        Column("check_id", "VARCHAR", nullable=False),
        Column("department_name", "VARCHAR"),
        Column("fiscal_year", "INTEGER"),
        Column("doc_type", "VARCHAR"),
        Column("locator", "VARCHAR"),
        Column("evidence_hash", "VARCHAR"),
        Column("severity", "VARCHAR"),
        Column("message", "VARCHAR"),
        Column("first_seen_run_id", "VARCHAR", nullable=False),
        Column("last_seen_run_id", "VARCHAR", nullable=False),
        Column("last_seen_at", "TIMESTAMPTZ"),
        Column("last_document_id", "VARCHAR"),
    )),
    RawTable("bureau_inputs", source="raw_bureau", columns=(
        Column("run_id", "VARCHAR"),
        Column("taken_at", "TIMESTAMPTZ", nullable=False),
        Column("registry_file", "VARCHAR"),
        Column("registry_sha256", "VARCHAR"),
        Column("review_store", "VARCHAR"),
        Column("review_fingerprint", "VARCHAR"),
        Column("fingerprint", "VARCHAR", nullable=False),
    )),
)
TABLES: dict[str, RawTable] = {t.name: t for t in RAW_SCHEMA}
# table → its column definitions as SQL (the review store creates its own copies of two of these tables)
RAW_TABLES: dict[str, str] = {t.name: t.columns_sql() for t in RAW_SCHEMA}

# Columns added after a table was first released: applied to existing warehouses on load.
MIGRATIONS: tuple[str, ...] = tuple(
    f"ALTER TABLE raw.{t.name} ADD COLUMN IF NOT EXISTS {c.ddl().replace(' NOT NULL', '')}"
    for t in RAW_SCHEMA for c in t.columns if c.migrated
)


def create_raw_schema_sql() -> list[str]:
    statements = ["CREATE SCHEMA IF NOT EXISTS raw"]
    for name, columns in RAW_TABLES.items():
        statements.append(f"CREATE TABLE IF NOT EXISTS raw.{name} ({columns})")
    return [*statements, *MIGRATIONS]


def arrow_type(sql_type: str) -> pa.DataType:
    """The Arrow type the loader writes a column of this DuckDB type with (pyarrow is imported here, not with the
    schema: reading the declaration needs no Arrow)."""
    import pyarrow as pa

    types = {
        "VARCHAR": pa.string(), "INTEGER": pa.int32(), "BIGINT": pa.int64(), "BOOLEAN": pa.bool_(),
        "DOUBLE": pa.float64(), "DECIMAL(18, 4)": pa.decimal128(18, 4), "TIMESTAMPTZ": pa.timestamp("us", tz="UTC"),
    }
    return types[sql_type]


def frame_schema(table: str) -> dict[str, pa.DataType]:
    """The Arrow types of the loader's table for ``table`` (the columns its rows write, in order)."""
    return {c.name: arrow_type(c.sql_type) for c in TABLES[table].columns if c.in_frame}


# ---- the dbt sources YAML (its columns: generated from RAW_SCHEMA) ---------------------------------------------

DBT_SOURCES_DIR = Path(__file__).resolve().parents[1] / "dbt_project" / "models" / "staging"
SOURCE_FILES = {"raw": "_raw__sources.yml", "raw_ops": "ops/_ops__sources.yml",
                "raw_bureau": "bureau/_bureau__sources.yml"}


def dbt_source_columns(table: RawTable) -> list[dict[str, str]]:
    """name and data_type of each column (NOT NULL and keys are the DDL's, enforced by DuckDB itself)."""
    return [{"name": c.name, "data_type": c.sql_type.lower()} for c in table.columns]


def dbt_sources_yaml(source: str, current: str) -> str:
    """The sources file ``current`` with every declared table's ``columns:`` as RAW_SCHEMA has them."""
    import yaml

    doc = yaml.safe_load(current)
    (src,) = [s for s in doc["sources"] if s["name"] == source]
    declared = {t.name: t for t in RAW_SCHEMA if t.source == source}
    if {t["name"] for t in src["tables"]} != set(declared):
        raise ValueError(f"dbt source {source} lists {sorted(t['name'] for t in src['tables'])}, "
                         f"warehouse.schema declares {sorted(declared)}")
    for table in src["tables"]:
        table["columns"] = dbt_source_columns(declared[table["name"]])
    return "# columns: generated from warehouse/schema.py (python -m warehouse.schema); edit the tables there\n" + \
        yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=110)


def write_dbt_sources(root: Path = DBT_SOURCES_DIR) -> list[Path]:
    """Rewrite the dbt sources files whose columns differ from RAW_SCHEMA; returns the files written."""
    written = []
    for source, name in SOURCE_FILES.items():
        path = root / name
        current = path.read_text(encoding="utf-8")
        wanted = dbt_sources_yaml(source, current)
        if wanted != current:
            path.write_text(wanted, encoding="utf-8")
            written.append(path)
    return written


if __name__ == "__main__":
    for p in write_dbt_sources():
        print(f"written {p}")
    sys.exit(0)
