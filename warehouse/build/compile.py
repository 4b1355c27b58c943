"""Compile the dbt project once per project fingerprint and cache what running it needs.

``dbt seed`` + ``dbt compile`` run in a child process (one dbt start-up: dbt's Python API, partial parsing kept
between compilations) against an empty *skeleton* warehouse named like every build file (``warehouse.duckdb``),
so the compiled SQL names the same database. The cache entry ``<cache>/<fingerprint>/`` holds ``project.json``
(warehouse/build/project.py) and ``seeds.duckdb`` (the seeds as dbt loaded them: the reference catalogues are
copied from it into each build). An entry is written to a temporary folder and renamed into place, so a killed
compilation leaves nothing half-written; compilations of one cache are serialised by a lock file.

The cache is ``$JUESUAN_BUILD_CACHE``, else the installation's ``data/cache/dbt`` (the compiled project depends on
the code only, like a ``__pycache__``: every warehouse of the installation, in any data folder, shares it — a new
county's first run does not compile again), else, when the installation is not writable, ``<data folder>/cache/
dbt``. A run that finds no entry starts the compilation at once and parses meanwhile.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import functools
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from warehouse.build.project import PROJECT_FILE, CompiledProject, from_manifest, load_project
from warehouse.dbt import DBT_PROJECT_DIR, dbt_env, die_with_parent, write_profile

CACHE_ENV = "JUESUAN_BUILD_CACHE"
SEEDS_FILE = "seeds.duckdb"
COMPILE_TIMEOUT = 900


class CompileFailed(RuntimeError):
    """dbt could not compile the project (a model that does not compile, a broken YAML file)."""


INSTALLATION_CACHE = Path(__file__).resolve().parents[2] / "data" / "cache" / "dbt"


def cache_root(data_cache_dir: Path) -> Path:
    """Where compiled projects are kept: $JUESUAN_BUILD_CACHE, else the installation's cache (when it can be
    written), else ``<data cache>/dbt``."""
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override)
    try:
        INSTALLATION_CACHE.mkdir(parents=True, exist_ok=True)
        if os.access(INSTALLATION_CACHE, os.W_OK):
            return INSTALLATION_CACHE
    except OSError:
        pass
    return data_cache_dir / "dbt"


def entry_dir(root: Path, fingerprint: str) -> Path:
    return root / fingerprint


def work_dir(root: Path) -> Path:
    """dbt's working folder for compilations of this checkout's project: stable, so partial parsing survives from
    one compilation to the next, and one per project folder, because dbt's partial-parse state records absolute
    paths (a cache shared by two checkouts would otherwise serve one checkout's seed paths to the other)."""
    import hashlib

    key = hashlib.sha256(str(DBT_PROJECT_DIR.resolve()).encode()).hexdigest()[:12]
    return root / "work" / key


@functools.cache
def dbt_version() -> str:
    """The installed dbt-core's version (looked up once per process: the metadata scan costs ≈ 50 ms)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("dbt-core")
    except PackageNotFoundError:
        return ""


def cached(root: Path, fingerprint: str) -> CompiledProject | None:
    """The compiled project of ``fingerprint`` in the cache, if it was compiled by the installed dbt."""
    entry = entry_dir(root, fingerprint)
    project = load_project(entry)
    if (project is None or project.fingerprint != fingerprint or not (entry / SEEDS_FILE).is_file()
            or project.dbt_version != dbt_version()):
        return None
    return project


@dataclass
class CompileJob:
    """A compilation started in the background (or an entry found in the cache)."""

    root: Path
    fingerprint: str
    proc: subprocess.Popen | None = None
    started: float = 0.0
    seconds: float = 0.0
    found: CompiledProject | None = None  # the cache entry found at the start (no compilation needed)

    @property
    def seeds_file(self) -> Path:
        return entry_dir(self.root, self.fingerprint) / SEEDS_FILE

    def result(self, timeout: float = COMPILE_TIMEOUT) -> CompiledProject:
        if self.proc is not None:
            try:
                out, _ = self.proc.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.communicate()
                raise CompileFailed(f"dbt 编译超时 dbt compile timed out after {timeout:g} s") from None
            self.seconds = time.monotonic() - self.started
            code, self.proc = self.proc.returncode, None
            if code != 0:
                lines = [ln.strip() for ln in (out or "").splitlines() if ln.strip()]
                detail = " ".join(lines[-4:])[:600] if lines else f"exit code {code}"
                raise CompileFailed(f"dbt 项目编译失败 dbt project failed to compile: {detail}")
        project = self.found or cached(self.root, self.fingerprint)
        if project is None:
            missing = entry_dir(self.root, self.fingerprint)
            raise CompileFailed(f"dbt 编译结果缺失 compiled project missing in {missing}")
        return project

    def cancel(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.communicate()
        self.proc = None


def start_compile(root: Path, fingerprint: str) -> CompileJob:
    """The compiled project of ``fingerprint``: from the cache, or a child process compiling it now."""
    if (found := cached(root, fingerprint)) is not None:
        return CompileJob(root, fingerprint, found=found)
    root.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen(
        [sys.executable, "-m", "warehouse.build.compile", "--cache", str(root.resolve()), "--fingerprint", fingerprint],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=dbt_env(),
        preexec_fn=die_with_parent if sys.platform.startswith("linux") else None,
    )
    return CompileJob(root, fingerprint, proc, time.monotonic())


def compiled_project(root: Path, fingerprint: str) -> CompiledProject:
    return start_compile(root, fingerprint).result()


@contextlib.contextmanager
def _locked(root: Path):
    fd = os.open(root / ".compile.lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _dbt_args(work: Path) -> list[str]:
    return [
        "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(work), "--target-path", str(work / "target"),
        "--log-path", str(work / "logs"), "--quiet", "--no-use-colors", "--no-send-anonymous-usage-stats",
        "--no-version-check",
    ]


def _compile_into(root: Path, fingerprint: str) -> None:
    """In the child: seed + compile into a fresh skeleton, then publish the cache entry atomically."""
    import duckdb
    from dbt.cli.main import dbtRunner
    from dbt.contracts.graph.manifest import Manifest

    from warehouse.runs import dbt_fingerprint
    from warehouse.schema import create_raw_schema_sql

    work = work_dir(root)
    work.mkdir(parents=True, exist_ok=True)
    skeleton = work / "warehouse.duckdb"
    for stale in (skeleton, skeleton.with_name(skeleton.name + ".wal")):
        stale.unlink(missing_ok=True)
    with duckdb.connect(str(skeleton)) as con:
        for statement in create_raw_schema_sql():
            con.execute(statement)
    write_profile(work, skeleton, threads=1)
    args = _dbt_args(work)
    parsed = dbtRunner().invoke(["parse", *args])
    if not parsed.success:
        raise CompileFailed(f"dbt parse: {parsed.exception or 'failed'}")
    manifest = parsed.result
    if not isinstance(manifest, Manifest):
        raise CompileFailed(f"dbt parse returned no manifest: {type(manifest).__name__}")
    runner = dbtRunner(manifest=manifest)
    for command in ("seed", "compile"):
        res = runner.invoke([command, *args])
        if not res.success:
            raise CompileFailed(f"dbt {command}: {res.exception or _failures(work / 'target')}")
    manifest = json.loads((work / "target" / "manifest.json").read_text(encoding="utf-8"))
    if dbt_fingerprint(DBT_PROJECT_DIR) != fingerprint:
        raise CompileFailed("dbt 项目在编译期间被修改 the dbt project changed while it was compiled; run again")
    project = from_manifest(manifest, fingerprint)
    tmp = root / f".tmp-{fingerprint}-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    (tmp / PROJECT_FILE).write_text(project.to_json(), encoding="utf-8")
    os.replace(skeleton, tmp / SEEDS_FILE)
    final = entry_dir(root, fingerprint)
    shutil.rmtree(final, ignore_errors=True)
    os.replace(tmp, final)


def _failures(target: Path) -> str:
    path = target / "run_results.json"
    if not path.is_file():
        return "failed"
    bad = [f"{r['unique_id']}: {(r.get('message') or '').strip()[:200]}"
           for r in json.loads(path.read_text(encoding="utf-8")).get("results", [])
           if r.get("status") in ("error", "fail")]
    return "; ".join(bad[:3]) or "failed"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="compile the dbt project into the build cache")
    ap.add_argument("--cache", type=Path, required=True)
    ap.add_argument("--fingerprint", required=True)
    args = ap.parse_args(argv)
    args.cache.mkdir(parents=True, exist_ok=True)
    with _locked(args.cache):
        if cached(args.cache, args.fingerprint) is not None:  # another run compiled it while we waited
            return 0
        try:
            _compile_into(args.cache, args.fingerprint)
        except CompileFailed as exc:
            print(str(exc), flush=True)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
