"""The raw schema: what ingest writes and dbt's staging models read (``source('raw', …)``).

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

RAW_TABLES: dict[str, str] = {
    "documents": """
        document_id VARCHAR PRIMARY KEY,
        logical_key VARCHAR NOT NULL,
        revision INTEGER NOT NULL,
        is_current BOOLEAN NOT NULL,
        status VARCHAR NOT NULL,
        source_file VARCHAR NOT NULL,
        file_sha256 VARCHAR NOT NULL,
        file_size BIGINT NOT NULL,
        file_format VARCHAR NOT NULL,
        department_name VARCHAR NOT NULL,
        fiscal_year INTEGER,
        doc_type VARCHAR NOT NULL,
        page_count INTEGER,
        encoding VARCHAR,
        department_source VARCHAR NOT NULL,
        year_source VARCHAR NOT NULL,
        parser_version VARCHAR NOT NULL,
        ingested_at TIMESTAMPTZ NOT NULL,
        run_id VARCHAR NOT NULL,
        parser_fingerprint VARCHAR,
        status_run_id VARCHAR
    """,
    "metric_facts": """
        document_id VARCHAR NOT NULL,
        fact_index INTEGER NOT NULL,
        metric VARCHAR NOT NULL,
        basis VARCHAR NOT NULL,
        value DECIMAL(18, 4) NOT NULL,
        decimals INTEGER NOT NULL,
        raw_text VARCHAR NOT NULL,
        unit VARCHAR NOT NULL,
        source_kind VARCHAR NOT NULL,
        page INTEGER,
        locator VARCHAR NOT NULL,
        evidence VARCHAR NOT NULL,
        direction VARCHAR,
        has_reason BOOLEAN,
        compared_year INTEGER
    """,
    "line_items": """
        document_id VARCHAR NOT NULL,
        line_index INTEGER NOT NULL,
        classification VARCHAR NOT NULL,
        code VARCHAR,
        level VARCHAR,
        name_reported VARCHAR NOT NULL,
        measure VARCHAR NOT NULL,
        value DECIMAL(18, 4) NOT NULL,
        decimals INTEGER NOT NULL,
        raw_text VARCHAR NOT NULL,
        source_kind VARCHAR NOT NULL,
        page INTEGER,
        locator VARCHAR NOT NULL,
        evidence VARCHAR NOT NULL
    """,
    "table_cells": """
        document_id VARCHAR NOT NULL,
        cell_index INTEGER NOT NULL,
        table_key VARCHAR NOT NULL,
        table_title VARCHAR NOT NULL,
        row_index INTEGER NOT NULL,
        col_index INTEGER NOT NULL,
        row_label VARCHAR NOT NULL,
        code VARCHAR,
        measure VARCHAR NOT NULL,
        measure_label VARCHAR NOT NULL,
        value DECIMAL(18, 4) NOT NULL,
        decimals INTEGER NOT NULL,
        raw_text VARCHAR NOT NULL,
        page INTEGER,
        locator VARCHAR NOT NULL,
        evidence VARCHAR NOT NULL
    """,
    "recognised_tables": """
        document_id VARCHAR NOT NULL,
        table_key VARCHAR NOT NULL,
        title VARCHAR NOT NULL,
        page INTEGER,
        n_rows INTEGER NOT NULL,
        unit VARCHAR NOT NULL,
        unit_stated BOOLEAN NOT NULL
    """,
    "table_parses": """
        document_id VARCHAR NOT NULL,
        table_seq INTEGER NOT NULL,
        table_key VARCHAR NOT NULL,
        title VARCHAR NOT NULL,
        page INTEGER,
        layout VARCHAR NOT NULL,
        template_family VARCHAR NOT NULL,
        n_cells INTEGER NOT NULL,
        n_identities INTEGER NOT NULL,
        n_held INTEGER NOT NULL,
        confidence DOUBLE,
        parse_reliable BOOLEAN NOT NULL,
        reason_zh VARCHAR NOT NULL,
        failed_identities VARCHAR NOT NULL,
        column_mapping VARCHAR NOT NULL,
        remapped BOOLEAN NOT NULL
    """,
    "text_blocks": """
        document_id VARCHAR NOT NULL,
        block_index INTEGER NOT NULL,
        page INTEGER,
        kind VARCHAR NOT NULL,
        text VARCHAR NOT NULL
    """,
    "quarantine": """
        logical_key VARCHAR NOT NULL,
        source_file VARCHAR NOT NULL,
        file_sha256 VARCHAR NOT NULL,
        file_format VARCHAR NOT NULL,
        department_name VARCHAR,
        fiscal_year INTEGER,
        doc_type VARCHAR,
        reason_code VARCHAR NOT NULL,
        reason_zh VARCHAR NOT NULL,
        reason_en VARCHAR NOT NULL,
        detected_at TIMESTAMPTZ NOT NULL,
        run_id VARCHAR NOT NULL,
        is_current BOOLEAN DEFAULT true
    """,
    "pipeline_runs": """
        run_id VARCHAR PRIMARY KEY,
        started_at TIMESTAMPTZ NOT NULL,
        ended_at TIMESTAMPTZ,
        status VARCHAR NOT NULL,
        reason VARCHAR,
        inbox VARCHAR,
        executor VARCHAR,
        files_seen INTEGER,
        files_parsed INTEGER,
        files_skipped INTEGER,
        files_cached INTEGER,
        files_quarantined INTEGER,
        files_withdrawn INTEGER,
        documents_added INTEGER,
        documents_superseded INTEGER,
        findings_error INTEGER,
        findings_warning INTEGER,
        findings_info INTEGER,
        findings_total INTEGER,
        parse_seconds DOUBLE,
        load_seconds DOUBLE,
        dbt_seconds DOUBLE,
        publish_seconds DOUBLE,
        dbt_built BOOLEAN,
        parser_fingerprint VARCHAR,
        dbt_fingerprint VARCHAR
    """,
    "department_registry": """
        department_name VARCHAR NOT NULL,
        department_code VARCHAR,
        aliases VARCHAR,
        peer_group VARCHAR,
        parent VARCHAR,
        county VARCHAR,
        expected_to_file BOOLEAN NOT NULL,
        source_file VARCHAR NOT NULL,
        source_row INTEGER NOT NULL
    """,
    "review_decisions": """
        event_id BIGINT NOT NULL,
        finding_id VARCHAR NOT NULL,
        action VARCHAR NOT NULL,
        state_before VARCHAR NOT NULL,
        state_after VARCHAR NOT NULL,
        evidence_hash VARCHAR,
        reason VARCHAR,
        response VARCHAR,
        decided_by VARCHAR NOT NULL,
        decided_at TIMESTAMPTZ NOT NULL,
        source VARCHAR NOT NULL,
        check_id VARCHAR,
        department_name VARCHAR,
        fiscal_year INTEGER,
        message VARCHAR
    """,
    "finding_sightings": """
        finding_id VARCHAR NOT NULL,
        check_id VARCHAR NOT NULL,
        department_name VARCHAR,
        fiscal_year INTEGER,
        doc_type VARCHAR,
        locator VARCHAR,
        evidence_hash VARCHAR,
        severity VARCHAR,
        message VARCHAR,
        first_seen_run_id VARCHAR NOT NULL,
        last_seen_run_id VARCHAR NOT NULL,
        last_seen_at TIMESTAMPTZ,
        last_document_id VARCHAR
    """,
    "bureau_inputs": """
        run_id VARCHAR,
        taken_at TIMESTAMPTZ NOT NULL,
        registry_file VARCHAR,
        registry_sha256 VARCHAR,
        review_store VARCHAR,
        review_fingerprint VARCHAR,
        fingerprint VARCHAR NOT NULL
    """,
}

# Columns added after a table was first released: applied to existing warehouses on load.
MIGRATIONS: tuple[str, ...] = (
    "ALTER TABLE raw.documents ADD COLUMN IF NOT EXISTS parser_fingerprint VARCHAR",
    "ALTER TABLE raw.documents ADD COLUMN IF NOT EXISTS status_run_id VARCHAR",
    "ALTER TABLE raw.quarantine ADD COLUMN IF NOT EXISTS is_current BOOLEAN DEFAULT true",
    "ALTER TABLE raw.documents ADD COLUMN IF NOT EXISTS doc_level VARCHAR DEFAULT 'unknown'",
    "ALTER TABLE raw.documents ADD COLUMN IF NOT EXISTS identification_confidence DOUBLE",
    "ALTER TABLE raw.table_cells ADD COLUMN IF NOT EXISTS parse_reliable BOOLEAN DEFAULT true",
    "ALTER TABLE raw.documents ADD COLUMN IF NOT EXISTS unit_name VARCHAR",
)


def create_raw_schema_sql() -> list[str]:
    statements = ["CREATE SCHEMA IF NOT EXISTS raw"]
    for name, columns in RAW_TABLES.items():
        statements.append(f"CREATE TABLE IF NOT EXISTS raw.{name} ({columns})")
    return [*statements, *MIGRATIONS]
