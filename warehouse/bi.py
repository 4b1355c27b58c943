"""Doors for BI tools: a copy of the marts that DuckDB 1.4 LTS reads, and a SQLAlchemy dialect that reflects.

* :func:`write_bi_copy` — ``juesuan export --format bi``: the marts of the published warehouse in one DuckDB file
  of storage version v1.4.0 (DuckDB 2.0.1 writes it with ``ATTACH … (STORAGE_VERSION 'v1.4.0')``); BI tools whose
  DuckDB driver is 1.4.x or 1.5.x (Superset's ``apache-superset[duckdb]`` extra, DBeaver, Metabase's community
  driver) open it, while they cannot open the 2.0 warehouse itself ("version number 999").
* :class:`JuesuanDuckDBDialect` — ``duckdb+juesuan:///path``: duckdb-engine 0.17.0's dialect with its
  reflection rewritten on DuckDB's own catalog functions (``duckdb_columns()``, ``duckdb_constraints()``,
  ``duckdb_tables()``). With SQLAlchemy 2.x, duckdb-engine reflects through PostgreSQL's catalog, which DuckDB 2.0
  lacks (``pg_catalog.pg_collation``, ``REGCLASS``): ``Inspector.get_columns``, ``get_pk_constraint`` and
  ``Table(autoload_with=…)`` fail. Registered as a SQLAlchemy entry point (pyproject.toml).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from warehouse.sql import list_marts, one_row, read_only

BI_STORAGE_VERSION = "v1.4.0"
BI_FILE = "juesuan-bi.duckdb"
BI_SCHEMAS = ("marts",)


@dataclass(frozen=True, slots=True)
class BiCopy:
    path: Path
    tables: dict[str, int]  # mart → rows


def _literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def write_bi_copy(warehouse: Path, target: Path) -> BiCopy:
    """Copy every mart (tables, types, rows) into ``target`` in storage version v1.4.0, atomically replaced."""
    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_name(f".{target.name}.part")
    for leftover in (part, part.with_name(part.name + ".wal")):
        leftover.unlink(missing_ok=True)
    tables: dict[str, int] = {}
    with read_only(warehouse) as probe:
        marts = list_marts(probe)
        catalog = one_row(probe, "SELECT current_database()")[0]
    with duckdb.connect() as con:
        # under the name dbt built it with, so the marts that are views (pipeline_run) resolve their references
        con.execute(f'ATTACH {_literal(warehouse)} AS "{catalog}" (READ_ONLY)')
        con.execute(f"ATTACH {_literal(part)} AS dst (STORAGE_VERSION '{BI_STORAGE_VERSION}')")
        for schema in BI_SCHEMAS:
            con.execute(f'CREATE SCHEMA dst."{schema}"')
        for mart in marts:
            con.execute(f'CREATE TABLE dst.marts."{mart}" AS SELECT * FROM "{catalog}".marts."{mart}"')
            tables[mart] = one_row(con, f'SELECT count(*) FROM dst.marts."{mart}"')[0]
        con.execute("DETACH dst")
        con.execute(f'DETACH "{catalog}"')
    part.replace(target)
    return BiCopy(target, tables)


# ---- SQLAlchemy ----------------------------------------------------------------------------------------------

def _sa_type(data_type: str) -> Any:
    """A SQLAlchemy type for a DuckDB type name (DECIMAL(18,2), TIMESTAMP WITH TIME ZONE, VARCHAR[] …)."""
    import sqlalchemy as sa

    t = data_type.upper().strip()
    if m := re.fullmatch(r"(?:DECIMAL|NUMERIC)\((\d+),\s*(\d+)\)", t):
        return sa.Numeric(int(m.group(1)), int(m.group(2)))
    simple = {
        "VARCHAR": sa.String(), "TEXT": sa.String(), "INTEGER": sa.Integer(), "BIGINT": sa.BigInteger(),
        "SMALLINT": sa.SmallInteger(), "TINYINT": sa.SmallInteger(), "HUGEINT": sa.Numeric(38, 0),
        "UBIGINT": sa.Numeric(20, 0), "UINTEGER": sa.BigInteger(), "USMALLINT": sa.Integer(),
        "UTINYINT": sa.SmallInteger(), "DOUBLE": sa.Double(), "FLOAT": sa.Float(), "REAL": sa.Float(),
        "BOOLEAN": sa.Boolean(), "DATE": sa.Date(), "TIME": sa.Time(), "TIMESTAMP": sa.DateTime(),
        "TIMESTAMP WITH TIME ZONE": sa.DateTime(timezone=True), "BLOB": sa.LargeBinary(),
        "INTERVAL": sa.Interval(), "UUID": sa.Uuid(),
    }
    return simple.get(t, sa.types.NullType())


def _split(schema: str | None) -> tuple[str | None, str]:
    """duckdb-engine names schemas ``database.schema``; plain ``marts`` means the main database's."""
    if schema and "." in schema:
        database, name = schema.split(".", 1)
        return database.strip('"'), name.strip('"')
    return None, schema or "main"


def _dialect_class() -> type:
    from duckdb_engine import Dialect
    from sqlalchemy import text
    from sqlalchemy.engine import default
    from sqlalchemy.engine.interfaces import (
        ReflectedColumn,
        ReflectedPrimaryKeyConstraint,
        ReflectedTableComment,
        ReflectedUniqueConstraint,
    )

    class JuesuanDuckDBDialect(Dialect):  # type: ignore[misc, valid-type]
        """duckdb-engine with reflection on DuckDB's catalog functions (see the module doc)."""

        name = "duckdb"
        driver = "juesuan"
        supports_statement_cache = False

        def _where(self, schema: str | None) -> tuple[str, dict[str, Any]]:
            database, name = _split(schema)
            if database is None:
                return "schema_name = :schema AND database_name = current_database()", {"schema": name}
            return "schema_name = :schema AND database_name = :database", {"schema": name, "database": database}

        def get_columns(
            self, connection: Any, table_name: str, schema: str | None = None, **kw: Any,
        ) -> list[ReflectedColumn]:
            where, params = self._where(schema)
            rows = connection.execute(text(
                f"SELECT column_name, data_type, is_nullable, column_default, comment FROM duckdb_columns() "
                f"WHERE {where} AND table_name = :table ORDER BY column_index"), {**params, "table": table_name}
            ).fetchall()
            return [{"name": r[0], "type": _sa_type(r[1]), "nullable": bool(r[2]), "default": r[3],
                     "autoincrement": False, "comment": r[4]} for r in rows]

        def _constraint_columns(self, connection: Any, table: str, schema: str | None, kind: str) -> list[list[str]]:
            where, params = self._where(schema)
            rows = connection.execute(text(
                f"SELECT constraint_column_names FROM duckdb_constraints() WHERE {where} AND table_name = :table "
                "AND constraint_type = :kind ORDER BY constraint_index"), {**params, "table": table, "kind": kind}
            ).fetchall()
            return [list(r[0]) for r in rows]

        def get_pk_constraint(
            self, connection: Any, table_name: str, schema: str | None = None, **kw: Any,
        ) -> ReflectedPrimaryKeyConstraint:
            found = self._constraint_columns(connection, table_name, schema, "PRIMARY KEY")
            return {"constrained_columns": found[0] if found else [], "name": None}

        def get_unique_constraints(
            self, connection: Any, table_name: str, schema: str | None = None, **kw: Any,
        ) -> list[ReflectedUniqueConstraint]:
            return [{"name": None, "column_names": cols}
                    for cols in self._constraint_columns(connection, table_name, schema, "UNIQUE")]

        def get_foreign_keys(self, connection: Any, table_name: str, schema: str | None = None, **kw: Any) -> list:
            return []  # the marts declare none

        def get_indexes(self, connection: Any, table_name: str, schema: str | None = None, **kw: Any) -> list:
            return []

        def get_check_constraints(self, connection: Any, table_name: str, schema: str | None = None,
                                  **kw: Any) -> list:
            return []

        def get_table_comment(
            self, connection: Any, table_name: str, schema: str | None = None, **kw: Any,
        ) -> ReflectedTableComment:
            where, params = self._where(schema)
            row = connection.execute(text(
                f"SELECT comment FROM duckdb_tables() WHERE {where} AND table_name = :table"),
                {**params, "table": table_name}).fetchone()
            return {"text": row[0] if row else None}

        # SQLAlchemy 2's Inspector and Table(autoload_with=…) call the get_multi_* methods, which the PostgreSQL
        # dialect (and duckdb-engine) implement on pg_catalog: use SQLAlchemy's default, per table, instead.
        # (mypy: the PostgreSQL dialect spells these signatures differently from DefaultDialect's.)
        get_multi_columns = default.DefaultDialect.get_multi_columns  # type: ignore[assignment]
        get_multi_pk_constraint = default.DefaultDialect.get_multi_pk_constraint  # type: ignore[assignment]
        get_multi_foreign_keys = default.DefaultDialect.get_multi_foreign_keys  # type: ignore[assignment]
        get_multi_indexes = default.DefaultDialect.get_multi_indexes  # type: ignore[assignment]
        get_multi_unique_constraints = default.DefaultDialect.get_multi_unique_constraints  # type: ignore[assignment]
        get_multi_check_constraints = default.DefaultDialect.get_multi_check_constraints  # type: ignore[assignment]
        get_multi_table_comment = default.DefaultDialect.get_multi_table_comment  # type: ignore[assignment]
        get_multi_table_options = default.DefaultDialect.get_multi_table_options  # type: ignore[assignment]

        def get_table_options(self, connection: Any, table_name: str, schema: str | None = None, **kw: Any) -> dict:
            return {}

    return JuesuanDuckDBDialect


def __getattr__(name: str) -> Any:  # the entry point loads warehouse.bi:JuesuanDuckDBDialect lazily
    if name == "JuesuanDuckDBDialect":
        return _dialect_class()
    raise AttributeError(name)
