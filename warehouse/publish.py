"""Atomic publication of the warehouse file, with a short history and one run at a time.

A run never writes the published file. It builds a new DuckDB file in ``data/.build/``
(a copy of the last good warehouse plus this run's changes), runs dbt there and, only
when everything succeeded, swaps it in with ``os.replace`` — atomic on POSIX within
one file system. Analysts' read-only connections keep reading the file they opened;
new connections see the new one; nobody ever sees a partial state. The previous
warehouse is kept (hard link, no copy) in ``data/history/``; the newest ``keep`` stay.
A failed or killed run leaves the published file untouched; its build file is removed
by the next run.
"""

from __future__ import annotations

import fcntl
import glob
import os
import re
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

import duckdb

_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class DataLayout:
    """Where a warehouse keeps its operational files: next to it, in the same file system.

    Everything a run owns is named after the warehouse file (its stem), so two warehouses in one folder never
    share a lock, a build folder, a dbt work folder, a run log or history entries. The parse cache and the
    archive are keyed by content (and parser) and are shared on purpose.
    """

    warehouse: Path

    @property
    def root(self) -> Path:
        return self.warehouse.parent

    @property
    def stem(self) -> str:
        return self.warehouse.stem

    @property
    def build_dir(self) -> Path:
        return self.root / ".build" / self.stem

    @property
    def history_dir(self) -> Path:
        return self.root / "history"

    @property
    def cache_dir(self) -> Path:
        return self.root / "cache"

    @property
    def archive_dir(self) -> Path:
        return self.root / "archive"

    @property
    def runs_log(self) -> Path:
        return self.root / "runs" / f"{self.stem}.runs.jsonl"

    @property
    def legacy_runs_log(self) -> Path:
        """The log that warehouses of one folder shared before logs were per warehouse."""
        return self.root / "runs" / "runs.jsonl"

    @property
    def lock_file(self) -> Path:
        return self.root / f".{self.stem}.juesuan.lock"

    @property
    def dbt_dir(self) -> Path:
        return self.root / "dbt" / self.stem

    def history_entry(self, stamp: str) -> Path:
        return self.history_dir / f"{self.stem}-{stamp}.duckdb"

    def owns_history_entry(self, path: Path) -> bool:
        """Whether ``path`` is a history entry of this warehouse (``<stem>-<UTC stamp>.duckdb``)."""
        match = HISTORY_NAME.fullmatch(path.name)
        return path.parent == self.history_dir and match is not None and match.group(1) == self.stem


HISTORY_STAMP = "%Y%m%dT%H%M%S%f"
HISTORY_NAME = re.compile(r"(.+)-(\d{8}T\d{12})\.duckdb")


class RunLocked(RuntimeError):
    """Another run holds the lock of this warehouse."""


class WarehouseBusy(RuntimeError):
    """Someone holds the published warehouse open read-write (e.g. the DuckDB CLI without -readonly)."""


LOCK_WAIT_SECONDS = 10.0


@contextmanager
def read_published(warehouse: Path, wait_seconds: float = LOCK_WAIT_SECONDS) -> Iterator[duckdb.DuckDBPyConnection]:
    """A short read-only connection to the published warehouse, waiting up to ``wait_seconds`` for a write lock
    someone else holds; then :class:`WarehouseBusy` with a bilingual reason (never a raw DuckDB traceback)."""
    deadline = time.monotonic() + wait_seconds
    delay = 0.05
    while True:
        try:
            con = duckdb.connect(str(warehouse), read_only=True)
            break
        except duckdb.IOException as exc:
            detail = str(exc).splitlines()[0]
            if "lock" not in detail.lower():
                raise
            if time.monotonic() >= deadline:
                raise WarehouseBusy(
                    f"数据仓库被其他程序以读写方式占用，等待 {wait_seconds:g} 秒后放弃；"
                    "请关闭该连接（只读打开：duckdb -readonly） the warehouse is held open read-write by another "
                    f"program; gave up after {wait_seconds:g} s "
                    f"(close it, or open it read-only): {warehouse}: {detail}"
                ) from None
            time.sleep(min(delay, max(0.0, deadline - time.monotonic())))
            delay = min(delay * 2, 1.0)
    try:
        yield con
    finally:
        con.close()


@contextmanager
def run_lock(layout: DataLayout) -> Iterator[None]:
    """One run per warehouse at a time (an flock: released by the kernel if the process dies)."""
    layout.root.mkdir(parents=True, exist_ok=True)
    fd = os.open(layout.lock_file, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise RunLocked(
                f"另一次运行正在进行 another run is in progress on {layout.warehouse} (lock {layout.lock_file})"
            ) from exc
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield
    finally:
        os.close(fd)


def retry_io(fn: Callable[[], _T], attempts: int = 3, delay: float = 0.5) -> _T:
    """Retry a file-system operation on OSError only (a busy network share, a transient error)."""
    for attempt in range(attempts):
        try:
            return fn()
        except OSError:
            if attempt == attempts - 1:
                raise
            time.sleep(delay * (attempt + 1))
    raise AssertionError("unreachable")


def clean_stale_builds(layout: DataLayout) -> int:
    """Remove build files left by failed or killed runs (we hold the run lock, so none is live)."""
    if not layout.build_dir.is_dir():
        return 0
    stale = list(layout.build_dir.iterdir())
    for path in stale:
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    return len(stale)


def prepare_build(layout: DataLayout) -> Path:
    """A new build file: a copy of the published warehouse (when there is one).

    Its name is the same for every run (the run lock allows one build at a time), so dbt's profile
    does not change between runs and dbt can reuse its parsed project (partial parsing).
    """
    clean_stale_builds(layout)
    layout.build_dir.mkdir(parents=True, exist_ok=True)
    build = layout.build_dir / "warehouse.duckdb"
    if layout.warehouse.exists():
        retry_io(lambda: shutil.copyfile(layout.warehouse, build))
    return build


class PendingBuild:
    """:func:`prepare_build` in a background thread, started as soon as the run holds its lock: the copy of the
    published warehouse (hundreds of MB for a large county) is made while the inbox is scanned and parsed.

    :meth:`path` waits for it (and raises what the copy raised); :meth:`discard` waits and removes it (a run that
    fails or is refused before it loads anything). We hold the run lock, so the published file does not change
    while it is copied."""

    def __init__(self, layout: DataLayout) -> None:
        import threading

        self._result: Path | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._copy, args=(layout,), name="juesuan-prepare-build", daemon=True)
        self._thread.start()

    def _copy(self, layout: DataLayout) -> None:
        try:
            build = prepare_build(layout)
            if build.exists():  # on disk now, so that publishing has only this run's changes left to sync
                with build.open("rb+") as fh:
                    os.fsync(fh.fileno())
            self._result = build
        except BaseException as exc:  # handed to the run by path()
            self._error = exc

    def path(self) -> Path:
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._result is not None
        return self._result

    def discard(self) -> None:
        self._thread.join()
        if self._result is not None:
            discard_build(self._result)


def discard_build(build: Path) -> None:
    for path in (build, build.with_name(build.name + ".wal")):
        path.unlink(missing_ok=True)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish(layout: DataLayout, build: Path, keep: int = 5, archive_previous: bool = True) -> Path | None:
    """Swap the build in as the warehouse; returns the history entry of the previous one (if any).

    ``archive_previous`` off: the previous warehouse holds the same data (an idle run that only adds its run
    record), so it is not kept — history stays a list of distinct versions.
    """
    wal = build.with_name(build.name + ".wal")
    if wal.exists():  # fold the WAL into the file before it is published (a clean close leaves none)
        with duckdb.connect(str(build)) as con:
            con.execute("CHECKPOINT")
    if wal.exists():
        raise RuntimeError(f"build file still has a write-ahead log: {wal}")
    with build.open("rb+") as fh:
        os.fsync(fh.fileno())
    previous: Path | None = None
    if layout.warehouse.exists() and keep > 0 and archive_previous:
        layout.history_dir.mkdir(parents=True, exist_ok=True)
        stamp = datetime.fromtimestamp(layout.warehouse.stat().st_mtime, UTC).strftime(HISTORY_STAMP)
        previous = layout.history_entry(stamp)
        try:
            os.link(layout.warehouse, previous)
        except FileExistsError:
            pass
        except OSError:
            shutil.copyfile(layout.warehouse, previous)
    os.replace(build, layout.warehouse)
    _fsync_dir(layout.root)
    prune_history(layout, keep)
    return previous


def prune_history(layout: DataLayout, keep: int) -> list[Path]:
    entries = history(layout)
    drop = entries[: max(0, len(entries) - keep)]
    for path in drop:
        path.unlink(missing_ok=True)
    return drop


def history(layout: DataLayout) -> list[Path]:
    """This warehouse's history entries, oldest first (another warehouse's entries in the folder are not)."""
    if not layout.history_dir.is_dir():
        return []
    return sorted(p for p in layout.history_dir.glob(f"{glob.escape(layout.stem)}-*.duckdb")
                  if layout.owns_history_entry(p))


def restore(layout: DataLayout, entry: Path) -> None:
    """Publish a history entry again (rollback), atomically; the current file goes to history."""
    if not layout.owns_history_entry(entry):
        raise ValueError(f"不是该数据仓库的历史版本 not a history entry of {layout.warehouse}: {entry}")
    layout.build_dir.mkdir(parents=True, exist_ok=True)
    build = layout.build_dir / f"restore-{entry.name}"
    shutil.copyfile(entry, build)
    publish(layout, build, keep=len(history(layout)) + 1)
