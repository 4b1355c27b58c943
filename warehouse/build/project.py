"""The compiled dbt project as plain data: every source, seed, model and data test with its SQL and its place in
the DAG, read from dbt's ``manifest.json`` after ``dbt compile`` (warehouse/build/compile.py).

dbt stays the source of truth: the SQL, the contracts (column types, ``not null``) and the data tests are dbt's,
compiled by dbt; this module only keeps what running them needs, in topological order.

A model's *scope* (``meta: {juesuan_scope: document}`` in its config) tells the incremental build whether it can be
computed for a few documents at a time: evaluated on the rows of a set of documents closed under the document
scope (every document of the same department, all years and revisions: int_document_scopes), it returns exactly
the rows those documents have in a full build. A table declared so must carry ``document_id``. A table whose
rows are per department (``juesuan_scope: department``: one row per department-year, say, with no single
document) is placed by ``department_name`` instead — the scope key of that department's documents — and is
recomputed for the scope keys of the changed documents. Everything else is county-wide and recomputed in full when
one of its inputs changes.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from graphlib import TopologicalSorter
from pathlib import Path
from typing import Any

SCOPE_META_KEY = "juesuan_scope"
DOCUMENT_SCOPE = "document"
DEPARTMENT_SCOPE = "department"
# the column that places a row of a scoped model in its scope, by kind of scope
SCOPE_COLUMNS = {DOCUMENT_SCOPE: "document_id", DEPARTMENT_SCOPE: "department_name"}
# The model mapping every document (all revisions) to its scope key: documents of one key may be related by
# document-scoped models, documents of different keys never are.
SCOPE_MODEL = "int_document_scopes"
PROJECT_FILE = "project.json"
FORMAT_VERSION = 2


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    data_type: str | None = None
    not_null: bool = False


@dataclass(frozen=True, slots=True)
class TestConfig:
    severity: str = "error"
    fail_calc: str = "count(*)"
    warn_if: str = "!= 0"
    error_if: str = "!= 0"


@dataclass(frozen=True, slots=True)
class Node:
    """One source, seed, model or data test of the compiled project."""

    uid: str
    name: str
    resource: str  # source | seed | model | test
    materialized: str  # source | seed | view | table | test
    relation: str = ""  # as the compiled SQL spells it: "warehouse"."schema"."name" (tests: empty)
    database: str = ""
    schema: str = ""
    identifier: str = ""
    sql: str = ""
    depends_on: tuple[str, ...] = ()
    columns: tuple[Column, ...] = ()
    contract: bool = False
    scoped: bool = False
    test: TestConfig | None = None
    scope_column: str = "document_id"  # scoped models: the column that places a row (SCOPE_COLUMNS)

    @property
    def is_table(self) -> bool:
        return self.materialized == "table"

    @property
    def is_view(self) -> bool:
        return self.materialized == "view"


@dataclass(frozen=True, slots=True)
class CompiledProject:
    """Nodes in an order where every node comes after what it depends on (tests after their models)."""

    fingerprint: str
    dbt_version: str
    nodes: tuple[Node, ...]
    format_version: int = FORMAT_VERSION
    _by_uid: dict[str, Node] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_uid.update({n.uid: n for n in self.nodes})

    def node(self, uid: str) -> Node:
        return self._by_uid[uid]

    def by_name(self, name: str) -> Node | None:
        return next((n for n in self.nodes if n.name == name and n.resource == "model"), None)

    def of_kind(self, resource: str) -> list[Node]:
        """The nodes of one dbt resource type (source, seed, model, test), in build order."""
        return [n for n in self.nodes if n.resource == resource]

    @property
    def sources(self) -> list[Node]:
        return self.of_kind("source")

    @property
    def seeds(self) -> list[Node]:
        return self.of_kind("seed")

    @property
    def models(self) -> list[Node]:
        return self.of_kind("model")

    @property
    def tests(self) -> list[Node]:
        return self.of_kind("test")

    def upstream(self, names: frozenset[str]) -> set[str]:
        """uids of the models named and of every node they read, directly or not."""
        todo = [n.uid for n in self.models if n.name in names]
        missing = names - {self.node(u).name for u in todo}
        if missing:
            raise KeyError(f"no such model(s): {', '.join(sorted(missing))}")
        seen: set[str] = set()
        while todo:
            uid = todo.pop()
            if uid not in seen:
                seen.add(uid)
                todo.extend(d for d in self.node(uid).depends_on if d in self._by_uid)
        return seen

    def consumers(self) -> dict[str, list[Node]]:
        """uid → the models that read it directly."""
        out: dict[str, list[Node]] = {n.uid: [] for n in self.nodes}
        for n in self.models:
            for dep in n.depends_on:
                out.setdefault(dep, []).append(n)
        return out

    @property
    def database(self) -> str:
        return next((n.database for n in self.nodes if n.database), "warehouse")

    def to_json(self) -> str:
        data = {"format_version": self.format_version, "fingerprint": self.fingerprint,
                "dbt_version": self.dbt_version, "nodes": [asdict(n) for n in self.nodes]}
        return json.dumps(data, ensure_ascii=False, indent=0)

    @staticmethod
    def from_json(text: str) -> CompiledProject:
        data = json.loads(text)
        nodes = []
        for raw in data["nodes"]:
            raw = dict(raw)
            raw["depends_on"] = tuple(raw["depends_on"])
            raw["columns"] = tuple(Column(**c) for c in raw["columns"])
            raw["test"] = TestConfig(**raw["test"]) if raw.get("test") else None
            nodes.append(Node(**raw))
        return CompiledProject(data["fingerprint"], data["dbt_version"], tuple(nodes),
                               int(data.get("format_version", 0)))


def _columns(entry: dict[str, Any]) -> tuple[Column, ...]:
    cols = []
    for c in entry.get("columns", {}).values():
        not_null = any(k.get("type") == "not_null" for k in c.get("constraints") or [])
        cols.append(Column(c["name"], c.get("data_type"), not_null))
    return tuple(cols)


def _scope(entry: dict[str, Any]) -> str | None:
    """The model's kind of scope (a key of SCOPE_COLUMNS), or None: county-wide."""
    meta = {**(entry.get("meta") or {}), **((entry.get("config") or {}).get("meta") or {})}
    scope = meta.get(SCOPE_META_KEY)
    if scope is not None and scope not in SCOPE_COLUMNS:
        raise ValueError(f"unknown {SCOPE_META_KEY} {scope!r} of {entry.get('unique_id')}")
    return scope


def from_manifest(manifest: dict[str, Any], fingerprint: str) -> CompiledProject:
    """The project of a compiled manifest (pure). Unit tests are left out: they check SQL, not data."""
    nodes: dict[str, Node] = {}
    for uid, s in manifest.get("sources", {}).items():
        nodes[uid] = Node(uid, s["name"], "source", "source", s["relation_name"], s.get("database") or "",
                          s["schema"], s.get("identifier") or s["name"])
    for uid, n in manifest["nodes"].items():
        rtype = n["resource_type"]
        if rtype not in ("seed", "model", "test") or not n["config"].get("enabled", True):
            continue
        deps = tuple(d for d in n["depends_on"].get("nodes", []) if not d.startswith("unit_test."))
        if rtype == "test":
            cfg = n["config"]
            test = TestConfig(str(cfg.get("severity") or "error").lower(), cfg.get("fail_calc") or "count(*)",
                              cfg.get("warn_if") or "!= 0", cfg.get("error_if") or "!= 0")
            nodes[uid] = Node(uid, n["name"], "test", "test", sql=n.get("compiled_code") or "", depends_on=deps,
                              test=test)
            continue
        materialized = "seed" if rtype == "seed" else n["config"]["materialized"]
        if materialized not in ("seed", "view", "table"):
            raise ValueError(f"unsupported materialization {materialized!r} of {uid}")
        scope = _scope(n)
        nodes[uid] = Node(
            uid, n["name"], rtype, materialized, n["relation_name"], n.get("database") or "", n["schema"],
            n.get("alias") or n["name"], n.get("compiled_code") or "", deps, _columns(n),
            bool((n.get("contract") or {}).get("enforced")), scope is not None,
            scope_column=SCOPE_COLUMNS[scope or DOCUMENT_SCOPE],
        )
        if scope == DEPARTMENT_SCOPE and materialized != "table":
            raise ValueError(f"{uid}: only a table can be {SCOPE_META_KEY}: {DEPARTMENT_SCOPE}")
    graph = {uid: [d for d in n.depends_on if d in nodes] for uid, n in nodes.items()}
    order = list(TopologicalSorter(graph).static_order())
    # tests last (in dependency order among themselves they are leaves anyway)
    ordered = [nodes[u] for u in order if nodes[u].resource != "test"] + [
        nodes[u] for u in order if nodes[u].resource == "test"]
    for n in ordered:
        if n.resource == "model" and not n.sql:
            raise ValueError(f"model {n.uid} has no compiled SQL")
        if n.scoped and n.is_table and n.contract and n.scope_column not in {c.name for c in n.columns}:
            raise ValueError(f"scoped table {n.name} has no {n.scope_column} column")
    return CompiledProject(fingerprint, str(manifest.get("metadata", {}).get("dbt_version", "")), tuple(ordered))


def load_project(directory: Path) -> CompiledProject | None:
    path = directory / PROJECT_FILE
    if not path.is_file():
        return None
    try:
        project = CompiledProject.from_json(path.read_text(encoding="utf-8"))
    except (ValueError, KeyError, TypeError):
        return None
    return project if project.format_version == FORMAT_VERSION else None
