"""Build the dbt models of a warehouse file from the compiled project, in one DuckDB connection.

*Full*: seeds (copied from the compiled project's seeds file), every view and table in DAG order (tables with
their contract's column types and ``not null``, as dbt creates them), every data test. *Incremental* (the last
build of this file used the same compiled project and recorded its state): only what changed since.

What changed is measured, not told: every source table's rows are digested per document (or as a whole when it
has no ``document_id``) and compared with the digests the last build stored in ``build_state``. Changes then
flow along the DAG (warehouse/build/changes.py):

* a document-scoped model (warehouse/build/project.py) is recomputed for the scope closure of the documents that
  changed in its inputs: the same compiled SQL, its inputs with a ``document_id`` (document-scoped relations,
  sources, county-wide tables) read from a second catalog that holds only those documents' rows; the table's
  rows of those documents are deleted and the new ones inserted. A change without documents (a whole-table
  change) recomputes it in full;
* a county-wide table is recomputed in full; where a document-scoped model reads it, the documents whose rows
  differ on the columns that model reads (its DuckDB plan says which) are what changed for it;
* a county-wide view has nothing to compute: it changes as a whole when an input changes.

Data tests run when a relation they read was recomputed. ``incremental == full`` is what tests/test_build.py
proves on a county through adds, changes, withdrawals and a rollback.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from warehouse.build.changes import ALL, NONE, Change, of_documents, scanned_columns, scope_closure
from warehouse.build.project import SCOPE_MODEL, CompiledProject, Node
from warehouse.memory import memory_limit

STATE_SCHEMA = "build_state"
SCOPE_CATALOG = "juesuan_scope"
SEEDS_CATALOG = "juesuan_seeds"
STATE_VERSION = 1
DOCUMENT_ID = "document_id"
DIGESTS = '"juesuan_digests"'


@dataclass(frozen=True, slots=True)
class BuildOutcome:
    success: bool
    models: int = 0  # models computed (in full or for some documents)
    tests: int = 0
    seeds: int = 0
    failed: tuple[str, ...] = ()
    message: str = ""
    mode: str = "full"  # full | incremental
    documents: int = 0  # documents recomputed by an incremental build
    seconds: float = 0.0
    node_seconds: tuple[tuple[str, float], ...] = ()
    node_modes: tuple[tuple[str, str], ...] = ()  # incremental: each table computed and how


@dataclass(frozen=True, slots=True)
class BuildSettings:
    memory_limit: str = field(default_factory=memory_limit)  # warehouse/memory.py
    threads: int | None = None
    temp_directory: Path | None = None


class BuildFailed(RuntimeError):
    def __init__(self, failed: list[str], message: str) -> None:
        super().__init__(message)
        self.failed = failed


@dataclass
class _Run:
    con: duckdb.DuckDBPyConnection
    project: CompiledProject
    db: str
    changes: dict[str, Change] = field(default_factory=dict)
    computed: set[str] = field(default_factory=set)
    timings: list[tuple[str, float]] = field(default_factory=list)
    scope_ready: set[str] = field(default_factory=set)
    affected: frozenset[str] | None = None
    scoped_sources: set[str] = field(default_factory=set)
    scopes_old: dict[str, str] = field(default_factory=dict)
    scopes_new: dict[str, str] = field(default_factory=dict)
    recomputed_docs: set[str] = field(default_factory=set)
    copies: dict[str, frozenset[str] | None] = field(default_factory=dict)
    modes: list[tuple[str, str]] = field(default_factory=list)
    keyed_tables: dict[str, bool] = field(default_factory=dict)  # county-wide table uid → has a document_id
    skipped: set[str] = field(default_factory=set)  # document-scoped tables with no input rows for the documents
    digested: bool = False
    # (schema, table) → its columns, read in one statement (incremental builds: no table changes its columns)
    column_cache: dict[tuple[str, str], list[str]] | None = None

    def q(self, sql: str, params: list | None = None) -> list[tuple]:
        return self.con.execute(sql, params or []).fetchall()

    def timed(self, name: str, fn: Callable[..., object]) -> None:
        t = time.perf_counter()
        fn()
        self.timings.append((name, time.perf_counter() - t))


def build(
    warehouse: Path, project: CompiledProject, seeds_file: Path, full_refresh: bool = False,
    settings: BuildSettings | None = None, data_tests: bool = True, keep_state: bool = True,
    only: frozenset[str] | None = None, views_as_tables: bool = False,
) -> BuildOutcome:
    """Build ``warehouse`` (a build file, never the published one) from ``project``; never raises for a failed
    model or test: the outcome says which. ``data_tests=False`` and ``keep_state=False`` (a scratch warehouse
    that is never published, warehouse/build/selfcheck.py): no data tests, no state for a next incremental
    build. ``only`` (model names; full builds without state only): build just those models and what they read.
    ``views_as_tables`` (a scratch warehouse of a few documents): every view is made a table, so that each model
    reading it binds a table rather than the view's SQL again (the same rows; planning is most of the cost)."""
    settings = settings or BuildSettings()
    if (only is not None or views_as_tables) and (keep_state or not full_refresh):
        raise ValueError("a partial build (only=…, views_as_tables) is a full build that keeps no state")
    started = time.perf_counter()
    con = duckdb.connect(config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
    try:
        _configure(con, settings)
        db = project.database
        con.execute(f"ATTACH '{_sql_str(warehouse.resolve().as_posix())}' AS {_ident(db)}")
        con.execute(f"USE {_ident(db)}")
        run = _Run(con, project, db)
        previous = _read_state(run)
        mode = "full" if full_refresh or previous != project.fingerprint else "incremental"
        try:
            if mode == "full":
                _full(run, seeds_file, keep_state, None if only is None else project.upstream(only), views_as_tables)
            else:
                _incremental(run)
            tests = 0
            if data_tests:
                t = time.perf_counter()
                tests = _run_tests(run, full=mode == "full")
                run.timings.append(("(data tests)", time.perf_counter() - t))
            if keep_state:
                run.timed("(state)", lambda: _write_state(run))
        except duckdb.Error as exc:
            detail = " ".join(str(exc).split())[:400]
            return BuildOutcome(False, len(run.computed), 0, 0, (detail,), f"build failed: {detail}", mode,
                                seconds=time.perf_counter() - started, node_seconds=tuple(run.timings))
        except BuildFailed as exc:
            return BuildOutcome(False, len(run.computed), 0, 0, tuple(exc.failed), str(exc), mode,
                                seconds=time.perf_counter() - started, node_seconds=tuple(run.timings))
        docs = len(run.recomputed_docs)
        models = sum(1 for n in project.models if n.uid in run.computed)
        seeds = len(project.seeds) if mode == "full" else 0
        message = ("build ok (full)" if mode == "full"
                   else f"build ok (incremental: {models} models, {docs} documents)")
        return BuildOutcome(True, models, tests, seeds, (), message, mode, docs, time.perf_counter() - started,
                            tuple(run.timings), tuple(run.modes))
    finally:
        con.close()


# --------------------------------------------------------------------------- connection and state


def _configure(con: duckdb.DuckDBPyConnection, settings: BuildSettings) -> None:
    con.execute(f"SET memory_limit = '{_sql_str(settings.memory_limit)}'")
    if settings.threads:
        con.execute(f"SET threads = {int(settings.threads)}")
    if settings.temp_directory is not None:
        settings.temp_directory.mkdir(parents=True, exist_ok=True)
        con.execute(f"SET temp_directory = '{_sql_str(settings.temp_directory.as_posix())}'")
    # column usage from query plans must not depend on the data's statistics (a filter found always true today)
    # projection pull-up: ≈ 9 % of the planning of the project's models (most of an incremental build and of a
    # self-check is planning; a 100-department full build was no slower without it) for no gain at these sizes
    con.execute("SET disabled_optimizers = 'statistics_propagation,projection_pullup'")
    con.execute("SET preserve_insertion_order = false")
    con.execute("SET enable_progress_bar = false")


def _state_tables(run: _Run) -> set[str]:
    return {r[0] for r in run.q(
        "SELECT table_name FROM information_schema.tables WHERE table_catalog = ? AND table_schema = ?",
        [run.db, STATE_SCHEMA])}


def _read_state(run: _Run) -> str | None:
    """The fingerprint of the compiled project the last build of this file used (None: no usable state)."""
    if not {"build", "source_digests", "document_scopes", "column_usage"} <= _state_tables(run):
        return None
    rows = run.q(f"SELECT fingerprint, state_version FROM {STATE_SCHEMA}.build")
    if len(rows) != 1 or rows[0][1] != STATE_VERSION:
        return None
    return rows[0][0]


def _write_state(run: _Run) -> None:
    con, s = run.con, STATE_SCHEMA
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {s}")
    con.execute(f"CREATE OR REPLACE TABLE {s}.build (fingerprint VARCHAR, state_version INTEGER, built_at "
                "TIMESTAMPTZ)")
    con.execute(f"INSERT INTO {s}.build VALUES (?, ?, now())", [run.project.fingerprint, STATE_VERSION])
    if not run.digested:
        _digest_sources(run)
    con.execute(f"CREATE OR REPLACE TABLE {s}.source_digests AS SELECT * FROM {DIGESTS}")
    # what the last build spent its time on (bench/run.py reads it): one row per model, test or step
    # and how (incremental builds: the documents a table was recomputed for, or why in full)
    con.execute(f"CREATE OR REPLACE TABLE {s}.node_seconds (node VARCHAR, seconds DOUBLE, how VARCHAR)")
    if run.timings:
        how = dict(run.modes)
        con.execute(f"INSERT INTO {s}.node_seconds SELECT unnest(?::VARCHAR[]), unnest(?::DOUBLE[]), "
                    "unnest(?::VARCHAR[])", [[n for n, _ in run.timings], [x for _, x in run.timings],
                                             [how.get(n) for n, _ in run.timings]])
    con.execute(f"CREATE OR REPLACE TABLE {s}.document_scopes AS SELECT document_id, scope_key FROM "
                f"{_scope_model(run).relation}")


def _scope_model(run: _Run) -> Node:
    node = run.project.by_name(SCOPE_MODEL)
    if node is None:
        raise BuildFailed([SCOPE_MODEL], f"the dbt project has no {SCOPE_MODEL} model")
    return node


def _columns_of(run: _Run, node: Node) -> list[str]:
    if run.column_cache is not None:
        return run.column_cache.get((node.schema, node.identifier), [])
    return [r[0] for r in run.q(
        "SELECT column_name FROM information_schema.columns WHERE table_catalog = ? AND table_schema = ? "
        "AND table_name = ? ORDER BY ordinal_position", [run.db, node.schema, node.identifier])]


def _digest_sources(run: _Run) -> None:
    """Every source table's rows digested per document (or as a whole), into a temporary table."""
    parts = []
    for src in run.project.sources:
        cols = _columns_of(run, src)
        if not cols:
            continue
        uid = _sql_str(src.uid)
        if DOCUMENT_ID in cols:
            run.scoped_sources.add(src.uid)
            parts.append(f"SELECT '{uid}' AS source, document_id, count(*) AS n, sum(hash(t)::HUGEINT) AS digest "
                         f"FROM {src.relation} AS t GROUP BY ALL")
        else:
            parts.append(f"SELECT '{uid}' AS source, NULL::VARCHAR AS document_id, count(*) AS n, "
                         f"coalesce(sum(hash(t)::HUGEINT), 0) AS digest FROM {src.relation} AS t")
    run.con.execute(f"CREATE OR REPLACE TEMP TABLE {DIGESTS} AS " + " UNION ALL ".join(parts))
    run.digested = True


# --------------------------------------------------------------------------- statements


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sql_str(text: str) -> str:
    return text.replace("'", "''")


def _schemas(run: _Run) -> None:
    for schema in sorted({n.schema for n in run.project.nodes if n.resource in ("model", "seed") and n.schema}):
        run.con.execute(f"CREATE SCHEMA IF NOT EXISTS {_ident(run.db)}.{_ident(schema)}")


def _existing_kinds(run: _Run) -> dict[tuple[str, str], str]:
    return {(s, t): k for s, t, k in run.q(
        "SELECT table_schema, table_name, table_type FROM information_schema.tables WHERE table_catalog = ?",
        [run.db])}


def _drop_other_kind(run: _Run, node: Node, kinds: dict[tuple[str, str], str]) -> None:
    kind = kinds.get((node.schema, node.identifier))
    if kind == "VIEW" and not node.is_view:
        run.con.execute(f"DROP VIEW {node.relation}")
    elif kind is not None and kind != "VIEW" and node.is_view:
        run.con.execute(f"DROP TABLE {node.relation}")


def _create_table(run: _Run, node: Node, sql: str | None = None, relation: str | None = None) -> None:
    """The table as dbt's table materialisation makes it: with a contract, its DDL then an insert of the model's
    columns (cast by the insert); without one, ``CREATE TABLE … AS``."""
    rel = relation or node.relation
    body = sql if sql is not None else node.sql
    if node.contract and node.columns:
        cols = ", ".join(f"{_ident(c.name)} {c.data_type}{' NOT NULL' if c.not_null else ''}" for c in node.columns)
        names = ", ".join(_ident(c.name) for c in node.columns)
        run.con.execute(f"CREATE OR REPLACE TABLE {rel} ({cols})")
        run.con.execute(f"INSERT INTO {rel} ({names}) SELECT {names} FROM ({body}) AS model_subq")
    else:
        run.con.execute(f"CREATE OR REPLACE TABLE {rel} AS {body}")


def _execute(run: _Run, node: Node, what: Callable[..., object]) -> None:
    try:
        run.timed(node.name, what)
    except duckdb.Error as exc:
        detail = " ".join(str(exc).split())[:400]
        raise BuildFailed([f"{node.name}: {detail}"], f"build failed: {node.name}: {detail}") from None
    run.computed.add(node.uid)


# --------------------------------------------------------------------------- full build


def _full(run: _Run, seeds_file: Path, keep_state: bool = True, wanted: set[str] | None = None,
          views_as_tables: bool = False) -> None:
    _schemas(run)
    kinds = _existing_kinds(run)
    run.con.execute(f"ATTACH '{_sql_str(seeds_file.resolve().as_posix())}' AS {SEEDS_CATALOG} (READ_ONLY)")
    try:
        for node in run.project.seeds:
            src = f"{SEEDS_CATALOG}.{_ident(node.schema)}.{_ident(node.identifier)}"
            _execute(run, node, lambda n=node, s=src: run.con.execute(
                f"CREATE OR REPLACE TABLE {n.relation} AS SELECT * FROM {s}"))
    finally:
        run.con.execute(f"DETACH {SEEDS_CATALOG}")
    for node in run.project.models:
        if wanted is not None and node.uid not in wanted:
            continue
        _drop_other_kind(run, node, kinds)
        if node.is_view and views_as_tables:
            _execute(run, node, lambda n=node: run.con.execute(f"CREATE OR REPLACE TABLE {n.relation} AS {n.sql}"))
        elif node.is_view:
            _execute(run, node, lambda n=node: run.con.execute(f"CREATE OR REPLACE VIEW {n.relation} AS {n.sql}"))
        else:
            _execute(run, node, lambda n=node: _create_table(run, n))
            if node.scoped:
                _no_rows_without_document(run, node)
        run.changes[node.uid] = ALL
    if keep_state:
        _record_column_usage(run)


def _no_rows_without_document(run: _Run, node: Node) -> None:
    missing = f"{node.name}: declared scoped but has no {node.scope_column} column"
    if node.scope_column != DOCUMENT_ID:
        if node.scope_column not in _columns_of(run, node):
            raise BuildFailed([missing], f"build failed: {missing}")
        return  # a department-scoped row without a department has the scope key '' (int_document_scopes)
    try:  # one statement (a model's catalog lookup and its count were two)
        n = run.q(f"SELECT count(*) FROM {node.relation} WHERE {_ident(DOCUMENT_ID)} IS NULL")[0][0]
    except duckdb.BinderException:
        raise BuildFailed([missing], f"build failed: {missing}") from None
    if n:
        msg = (f"{node.name}: declared document-scoped but {n} row(s) have no document_id "
               "(remove its juesuan_scope: document, or give every row its document)")
        raise BuildFailed([msg], f"build failed: {msg}")


# --------------------------------------------------------------------------- incremental build


def _incremental(run: _Run) -> None:
    # every table's columns in one statement: an incremental build (same compiled project as the last build)
    # recreates tables with the columns they have
    cache: dict[tuple[str, str], list[str]] = {}
    for schema, table, column in run.q(
            "SELECT table_schema, table_name, column_name FROM information_schema.columns WHERE table_catalog = ? "
            "ORDER BY table_schema, table_name, ordinal_position", [run.db]):
        cache.setdefault((schema, table), []).append(column)
    run.column_cache = cache
    run.timed("(source digests)", lambda: _source_changes(run))
    for node in run.project.seeds:
        run.changes[node.uid] = NONE
    run.scopes_old = dict(run.q(f"SELECT document_id, scope_key FROM {STATE_SCHEMA}.document_scopes"))
    run.scopes_new = dict(run.q(f"SELECT document_id, scope_key FROM {_scope_model(run).relation}"))
    usage = _stored_usage(run)
    consumers = run.project.consumers()
    for node in run.project.models:
        incoming = [_edge_change(run, run.project.node(d), node, usage) for d in node.depends_on]
        change = NONE
        for c in incoming:
            change = change | c
        if change.empty:
            run.changes[node.uid] = NONE
            continue
        if node.scoped:
            if not change.everything:
                docs = scope_closure(change.docs, (run.scopes_old, run.scopes_new))
                change = Change(docs)
                if node.is_table:
                    differ: list[frozenset[str]] = []
                    read = bool(consumers.get(node.uid))
                    _execute(run, node, lambda n=node, d=docs, out=differ, r=read:
                             out.append(_recompute_documents(run, n, d, r)))
                    # what changed for its readers: the documents whose rows differ from the last build's
                    change = Change(differ[0])
                    how = "no input rows, not run" if node.uid in run.skipped else f"{len(differ[0])} changed"
                    run.modes.append((node.name, f"{len(docs)} documents, {how}"))
            elif node.is_table:
                _execute(run, node, lambda n=node: _create_table(run, n))
                run.modes.append((node.name, "full: " + _why(run, node)))
            run.changes[node.uid] = change
            continue
        # county-wide
        if node.is_view:
            run.changes[node.uid] = ALL
            continue
        readers = [c for c in consumers.get(node.uid, []) if c.scoped]
        if readers:
            _recompute_and_diff(run, node, readers, usage)
        else:
            _execute(run, node, lambda n=node: _create_table(run, n))
            run.changes[node.uid] = ALL
        run.modes.append((node.name, "county-wide"))


def _why(run: _Run, node: Node) -> str:
    """Which inputs changed as a whole (for the build's own account of what it did)."""
    return ", ".join(run.project.node(d).name for d in node.depends_on
                     if run.changes.get(f"{d}->{node.uid}", run.changes.get(d, ALL)).everything)


def _source_changes(run: _Run) -> None:
    """What changed in each source since the last build: the documents whose digest differs (a source without
    documents: all of it, or nothing)."""
    _digest_sources(run)
    present = {r[0] for r in run.q(f"SELECT DISTINCT source FROM {DIGESTS}")}
    rows = run.q(
        f"SELECT coalesce(new.source, old.source), coalesce(new.document_id, old.document_id) FROM {DIGESTS} AS new "
        f"FULL OUTER JOIN {STATE_SCHEMA}.source_digests AS old ON new.source = old.source "
        "AND new.document_id IS NOT DISTINCT FROM old.document_id "
        "WHERE new.n IS DISTINCT FROM old.n OR new.digest IS DISTINCT FROM old.digest")
    changed: dict[str, list[str | None]] = {}
    for source, doc in rows:
        changed.setdefault(source, []).append(doc)
    for src in run.project.sources:
        if src.uid not in present:
            run.changes[src.uid] = ALL
        elif src.uid in run.scoped_sources:
            run.changes[src.uid] = of_documents(changed.get(src.uid, []))
        else:
            run.changes[src.uid] = ALL if src.uid in changed else NONE


def _edge_change(run: _Run, dep: Node, consumer: Node, usage: dict[tuple[str, str], list[str] | None]) -> Change:
    """What changed in ``dep`` for ``consumer``: per-consumer differences of a recomputed county-wide table."""
    per_reader = run.changes.get(f"{dep.uid}->{consumer.uid}")
    return per_reader if per_reader is not None else run.changes.get(dep.uid, ALL)


def _scope_relation(run: _Run, node: Node) -> str:
    return f"{_ident(SCOPE_CATALOG)}.{_ident(node.schema)}.{_ident(node.identifier)}"


def _scoped_dep(run: _Run, node: Node) -> bool:
    """Whether a document-scoped model reads only the affected documents' rows of ``node``: a document-scoped
    relation or source, and a county-wide *table* with a ``document_id`` — its rows of other documents are, by
    the reader's scope, none of the reader's business (a reader that uses them breaks its declared scope, and
    incremental = full fails on it); rows without a document are kept."""
    if node.scoped or node.uid in run.scoped_sources:
        return True
    if node.is_table and node.resource == "model":
        if node.uid not in run.keyed_tables:
            run.keyed_tables[node.uid] = DOCUMENT_ID in _columns_of(run, node)
        return run.keyed_tables[node.uid]
    return False


def _rewrite(run: _Run, node: Node) -> str:
    """The node's SQL reading its document-scoped inputs from the scope catalog (only the affected rows)."""
    sql = node.sql
    for uid in node.depends_on:
        dep = run.project.node(uid)
        if _scoped_dep(run, dep):
            _ensure_scope_relation(run, dep)
            sql = sql.replace(dep.relation, _scope_relation(run, dep))
    return sql


def _ensure_scope_catalog(run: _Run) -> None:
    if "__catalog__" not in run.scope_ready:
        run.con.execute(f"ATTACH ':memory:' AS {_ident(SCOPE_CATALOG)}")
        run.con.execute(f"CREATE TABLE {_ident(SCOPE_CATALOG)}.main.affected (document_id VARCHAR)")
        run.con.execute(f"CREATE TABLE {_ident(SCOPE_CATALOG)}.main.affected_keys (scope_key VARCHAR)")
        run.scope_ready.add("__catalog__")


def _ensure_scope_schema(run: _Run, schema: str) -> None:
    """The schema in the scope catalog, created once per build (not once per relation: a statement each)."""
    key = f"schema:{schema}"
    if key not in run.scope_ready:
        run.con.execute(f"CREATE SCHEMA IF NOT EXISTS {_ident(SCOPE_CATALOG)}.{_ident(schema)}")
        run.scope_ready.add(key)


def _ensure_scope_relation(run: _Run, node: Node) -> None:
    """The affected documents' rows of a document-scoped relation, in the scope catalog, made once per set of
    affected documents: a copy of a table's (or a source's) rows (so that no filter of a model runs on the whole
    table before the documents are picked), or a view's rows computed from such copies — a few rows, and every
    model reading it binds a table instead of the view's SQL again (binding and planning are most of the cost of
    recomputing a model for a few documents)."""
    _ensure_scope_catalog(run)
    if run.copies.get(node.uid) == run.affected:
        return
    _ensure_scope_schema(run, node.schema)
    if node.is_view:
        body = _rewrite(run, node)
    elif node.scoped and node.scope_column != DOCUMENT_ID:
        place, within = _placement(node)
        body = f"SELECT * FROM {node.relation} WHERE {place} IN {within}"
    else:
        body = (f"SELECT * FROM {node.relation} WHERE document_id IS NULL "
                f"OR document_id IN (SELECT document_id FROM {_ident(SCOPE_CATALOG)}.main.affected)")
    run.con.execute(f"CREATE OR REPLACE TABLE {_scope_relation(run, node)} AS {body}")
    assert run.affected is not None
    run.copies[node.uid] = run.affected


def _set_affected(run: _Run, docs: frozenset[str]) -> None:
    _ensure_scope_catalog(run)
    if run.affected == docs:
        return
    affected = f"{_ident(SCOPE_CATALOG)}.main.affected"
    run.con.execute(f"DELETE FROM {affected}")
    run.con.execute(f"INSERT INTO {affected} SELECT unnest(?::VARCHAR[])", [sorted(docs)])
    keys = f"{_ident(SCOPE_CATALOG)}.main.affected_keys"
    run.con.execute(f"DELETE FROM {keys}")
    run.con.execute(f"INSERT INTO {keys} SELECT unnest(?::VARCHAR[])", [sorted(_keys_of(run, docs))])
    run.affected = docs


def _keys_of(run: _Run, docs: frozenset[str]) -> set[str]:
    """The scope keys of documents, in the last build and in this one (a document that moved has both)."""
    return {m[d] for m in (run.scopes_old, run.scopes_new) for d in docs if d in m}


def _placement(node: Node) -> tuple[str, str]:
    """How a scoped table's rows are placed and the affected set they are placed in: by ``document_id`` among
    the affected documents, or (department-scoped) by department among the affected documents' scope keys."""
    if node.scope_column == DOCUMENT_ID:
        return DOCUMENT_ID, f"(SELECT document_id FROM {_ident(SCOPE_CATALOG)}.main.affected)"
    return (f"coalesce({_ident(node.scope_column)}, '')",
            f"(SELECT scope_key FROM {_ident(SCOPE_CATALOG)}.main.affected_keys)")


def _recompute_documents(run: _Run, node: Node, docs: frozenset[str], read: bool = True) -> frozenset[str]:
    """Replace the table's rows of ``docs``; returns the documents whose rows differ from before (by digest,
    as sources are compared): readers need not recompute the others. A table no model reads (``read`` off) is
    not compared: all of ``docs``.

    The new rows are computed into the scope catalog (a table of the same columns and types) — that is the scope
    copy its readers need for these documents, so a large table (every rule's every evaluation) is never scanned
    for it — and compared with the table's rows of those documents in one statement; only the documents whose
    rows differ are deleted and appended (a recomputation that changed nothing writes nothing)."""
    _set_affected(run, docs)
    place, affected = _placement(node)
    scope = _scope_relation(run, node)
    _ensure_scope_schema(run, node.schema)
    if place == DOCUMENT_ID and _reads_nothing_of(run, node):
        return _skip_documents(run, node, docs, affected, read)
    sql = _rewrite(run, node)
    run.con.execute(f"CREATE OR REPLACE TABLE {scope} AS SELECT * FROM {node.relation} LIMIT 0")
    if node.contract and node.columns:
        names = ", ".join(_ident(c.name) for c in node.columns)
        run.con.execute(f"INSERT INTO {scope} ({names}) SELECT {names} FROM ({sql}) AS model_subq "
                        f"WHERE {place} IN {affected}")
    else:
        run.con.execute(f"INSERT INTO {scope} BY NAME SELECT * FROM ({sql}) AS model_subq "
                        f"WHERE {place} IN {affected}")
    run.copies[node.uid] = docs
    run.recomputed_docs |= docs
    every = docs if place == DOCUMENT_ID else frozenset(_keys_of(run, docs))
    changed = every
    if read:
        changed = frozenset(r[0] for r in run.q(
            f"SELECT coalesce(old.k, new.k) FROM "
            f"(SELECT {place} AS k, count(*) AS n, sum(hash(t)::HUGEINT) AS h FROM {node.relation} AS t "
            f"WHERE {place} IN {affected} GROUP BY ALL) AS old FULL OUTER JOIN "
            f"(SELECT {place} AS k, count(*) AS n, sum(hash(t)::HUGEINT) AS h FROM {scope} AS t GROUP BY ALL) AS new "
            "ON old.k = new.k WHERE old.n IS DISTINCT FROM new.n OR old.h IS DISTINCT FROM new.h"))
    if changed == every:
        run.con.execute(f"DELETE FROM {node.relation} WHERE {place} IN {affected}")
        run.con.execute(f"INSERT INTO {node.relation} SELECT * FROM {scope}")
    elif changed:
        ids = "(SELECT unnest(?::VARCHAR[]))"
        run.con.execute(f"DELETE FROM {node.relation} WHERE {place} IN {ids}", [sorted(changed)])
        run.con.execute(f"INSERT INTO {node.relation} SELECT * FROM {scope} WHERE {place} IN {ids}",
                        [sorted(changed)])
    if place == DOCUMENT_ID:
        return changed
    # what changed for readers, as documents: those of the departments whose rows differ
    return frozenset(d for d in docs if any(m.get(d) in changed for m in (run.scopes_old, run.scopes_new)))


def _reads_nothing_of(run: _Run, node: Node) -> bool:
    """Whether the model has no input rows at all for the affected documents, so that its rows of them are none
    without running it: every input is a seed or is read through the scope catalog (only the affected documents'
    rows — a county-wide view or a county-wide table without ``document_id`` is read whole, and a model reading
    one can give rows for any document), and every such scope copy is empty, rows without a document included.
    A row of the model for an affected document then takes its ``document_id`` from nothing but a seed or the
    SQL's constants, and neither can name a document (its id derives from the file's content at run time)."""
    scoped: list[Node] = []
    for uid in node.depends_on:
        dep = run.project.node(uid)
        if dep.resource == "seed":
            continue
        if not _scoped_dep(run, dep):
            return False
        scoped.append(dep)
    if not scoped:
        return False  # a model of seeds only: nothing to say it is empty
    for dep in scoped:
        _ensure_scope_relation(run, dep)
    probe = " OR ".join(f"EXISTS (SELECT 1 FROM {_scope_relation(run, dep)})" for dep in scoped)
    return not run.q(f"SELECT {probe}")[0][0]


def _skip_documents(run: _Run, node: Node, docs: frozenset[str], affected: str, read: bool) -> frozenset[str]:
    """The model's rows of ``docs`` when it has no input rows for them (_reads_nothing_of): none. Its scope copy
    is an empty table for its readers; rows it had for them before (a document whose inputs went) are deleted."""
    scope = _scope_relation(run, node)
    run.con.execute(f"CREATE OR REPLACE TABLE {scope} AS SELECT * FROM {node.relation} LIMIT 0")
    run.copies[node.uid] = docs
    run.recomputed_docs |= docs
    had = frozenset(r[0] for r in run.q(
        f"SELECT DISTINCT document_id FROM {node.relation} WHERE document_id IN {affected}"))
    if had:
        run.con.execute(f"DELETE FROM {node.relation} WHERE document_id IN {affected}")
    run.skipped.add(node.uid)
    return had if read else docs


def _recompute_and_diff(run: _Run, node: Node, readers: list[Node], usage: dict) -> None:
    """Recompute a county-wide table; for each document-scoped reader, the documents whose rows differ on the
    columns that reader reads: per-document digests of those columns before and after (as sources are compared;
    no copy of the table). A table without ``document_id``: compared as a whole, with a copy."""
    cols = _columns_of(run, node)
    wanted_by: dict[str, list[str]] = {}
    for reader in readers:
        used = usage.get((reader.uid, node.uid))
        if (reader.uid, node.uid) not in usage:
            used = _usage(run, reader, node, cols)
        wanted_by[reader.uid] = [c for c in cols if used is None or c in used] or cols
    if DOCUMENT_ID not in cols:
        prev = _ident(f"{SCOPE_CATALOG}_prev")
        run.con.execute(f"CREATE OR REPLACE TEMP TABLE {prev} AS SELECT * FROM {node.relation}")
        _execute(run, node, lambda: _create_table(run, node))
        for reader in readers:
            differs = _differs(run, prev, node.relation, wanted_by[reader.uid])
            run.changes[f"{node.uid}->{reader.uid}"] = ALL if differs else NONE
        run.con.execute(f"DROP TABLE {prev}")
        run.changes[node.uid] = ALL
        return
    column_sets = {tuple(w) for w in wanted_by.values()}
    before = {w: _column_digests(run, node.relation, w) for w in column_sets}
    _execute(run, node, lambda: _create_table(run, node))
    run.changes[node.uid] = ALL
    after = {w: _column_digests(run, node.relation, w) for w in column_sets}
    for reader in readers:
        w = tuple(wanted_by[reader.uid])
        old, new = before[w], after[w]
        run.changes[f"{node.uid}->{reader.uid}"] = of_documents(
            d for d in old.keys() | new.keys() if old.get(d) != new.get(d))


def _column_digests(run: _Run, relation: str, cols: tuple[str, ...]) -> dict[str | None, tuple[int, int]]:
    """Per document: rows and a digest of ``cols`` (a row without a document: key None)."""
    values = ", ".join(_ident(c) for c in cols)
    return {d: (n, h) for d, n, h in run.q(
        f"SELECT document_id, count(*), sum(hash({values})::HUGEINT) FROM {relation} GROUP BY document_id")}


def _differs(run: _Run, a: str, b: str, cols: list[str]) -> bool:
    sel = ", ".join(_ident(c) for c in cols)
    return bool(run.q(f"SELECT count(*) FROM ((SELECT {sel} FROM {a} EXCEPT ALL SELECT {sel} FROM {b}) UNION ALL "
                      f"(SELECT {sel} FROM {b} EXCEPT ALL SELECT {sel} FROM {a}))")[0][0])


# --------------------------------------------------------------------------- column usage


def _usage(run: _Run, reader: Node, table: Node, cols: list[str]) -> list[str] | None:
    """Columns of ``table`` that ``reader`` reads (from its DuckDB plan); None: all of them."""
    sql = f"SELECT * FROM {reader.relation}" if reader.is_view else reader.sql
    try:
        plan = json.loads(run.q(f"EXPLAIN (FORMAT json) {sql}")[0][1])
    except (duckdb.Error, ValueError, IndexError):
        return None
    found = scanned_columns(plan, f"{run.db}.{table.schema}.{table.identifier}", cols)
    return sorted(found) if found is not None else None


def _record_column_usage(run: _Run) -> None:
    """After a full build: which columns each document-scoped model reads of each county-wide table it reads."""
    con, s = run.con, STATE_SCHEMA
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {s}")
    con.execute(f"CREATE OR REPLACE TABLE {s}.column_usage (consumer VARCHAR, input VARCHAR, columns VARCHAR)")
    consumers = run.project.consumers()
    for node in run.project.models:
        if node.scoped or not node.is_table:
            continue
        cols = _columns_of(run, node)
        for reader in consumers.get(node.uid, []):
            if reader.scoped:
                used = _usage(run, reader, node, cols)
                con.execute(f"INSERT INTO {s}.column_usage VALUES (?, ?, ?)",
                            [reader.uid, node.uid, None if used is None else json.dumps(used)])


def _stored_usage(run: _Run) -> dict[tuple[str, str], list[str] | None]:
    return {(c, i): (None if cols is None else json.loads(cols)) for c, i, cols in run.q(
        f"SELECT consumer, input, columns FROM {STATE_SCHEMA}.column_usage")}


# --------------------------------------------------------------------------- tests


def _run_tests(run: _Run, full: bool) -> int:
    """The data tests that read something this build computed; error-severity failures fail the build."""
    failed: list[str] = []
    count = 0
    for node in run.project.tests:
        if not full and not any(d in run.computed for d in node.depends_on):
            continue
        cfg = node.test
        assert cfg is not None
        count += 1
        sql = (f"SELECT {cfg.fail_calc} AS failures, ({cfg.fail_calc}) {cfg.warn_if} AS warn, "
               f"({cfg.fail_calc}) {cfg.error_if} AS err FROM ({node.sql}) AS dbt_internal_test")
        try:
            t = time.perf_counter()
            failures, _warn, err = run.q(sql)[0]
            run.timings.append((node.name, time.perf_counter() - t))
        except duckdb.Error as exc:
            failed.append(f"{node.name}: {' '.join(str(exc).split())[:300]}")
            continue
        if err and cfg.severity == "error":
            failed.append(f"{node.name}: {failures} failing row(s)")
    if failed:
        raise BuildFailed(failed, "build failed: " + "; ".join(failed[:3]))
    return count


def slowest(outcome: BuildOutcome, n: int = 10) -> list[tuple[str, float]]:
    return sorted(outcome.node_seconds, key=lambda x: -x[1])[:n]
