"""Ingest many files: in worker processes with a per-file timeout, or on a Dask cluster.

``process`` executor (default): a small pool of our own worker processes (forkserver),
one file at a time each, so a file that takes longer than ``limits.timeout_seconds`` is
stopped by killing its worker (quarantined with ``timeout``) and a worker that dies
(segfault in a C library, out of memory) costs only its file (``crashed``); the other
files go on. Each worker's address space is capped (``RLIMIT_AS``, 4 GiB by default), so
one hostile file cannot exhaust the machine's memory. Timeouts and crashes are verdicts on
the file's bytes like any other: cached, tried again only by a new parser.
``workers=0`` parses in this process (tests, debugging; no timeout, no memory cap).

``dask`` executor: the parse stage on a ``distributed`` cluster. File bytes are shipped to
the workers, so the workers need no access to the inbox; the timeout is enforced in the
worker with a thread (a stuck parser thread is abandoned, its file quarantined).
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import tempfile
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from datetime import UTC, datetime
from multiprocessing.connection import Connection, wait
from pathlib import Path

from ingest.cache import ResultCache, archive_file, rebind
from ingest.catalog import MetricCatalog, load_metric_catalog
from ingest.discover import InboxFile
from ingest.identify import parse_file_name
from ingest.pipeline import DEFAULT_FILE_LIMITS, FileLimits, file_sha256, ingest_file
from ingest.records import IngestResult, QuarantineRecord

ProgressFn = Callable[[int, int, IngestResult], None]
ParseFn = Callable[[Path, MetricCatalog, FileLimits, str | None], IngestResult]


@dataclass(frozen=True, slots=True)
class ParseTask:
    path: str
    sha256: str | None = None


def default_workers() -> int:
    return max(1, os.cpu_count() or 1)


def failure_result(task: ParseTask, code: str, zh: str, en: str) -> IngestResult:
    """A quarantine result for a file whose parse did not complete (timeout, crash)."""
    path = Path(task.path)
    dept, year, kind = parse_file_name(path)
    return IngestResult(
        source_file=task.path,
        quarantine=QuarantineRecord(
            source_file=task.path, file_sha256=task.sha256 or "", file_format=path.suffix.lower().lstrip("."),
            department_name=dept, fiscal_year=year, doc_type=kind, reason_code=code, reason_zh=zh, reason_en=en,
            detected_at=datetime.now(UTC),
        ),
    )


def timeout_result(task: ParseTask, seconds: float) -> IngestResult:
    return failure_result(
        task, "timeout", f"解析超时（超过 {seconds:g} 秒），已停止", f"parse timed out (more than {seconds:g} s)"
    )


def crashed_result(task: ParseTask, detail: str) -> IngestResult:
    return failure_result(
        task, "crashed", "解析进程异常退出（可能是文件触发了解析库错误或内存不足）", f"parser process died: {detail}"
    )


def refused_result(f: InboxFile) -> IngestResult:
    """The quarantine result of an inbox entry that is never opened: a link or a special file."""
    task = ParseTask(f.path, f.sha256)
    if f.kind == "symlink":
        return failure_result(task, "symlink", "链接文件（符号链接），出于安全原因不读取其指向的文件",
                              "a symbolic link, not a regular file; its target is not read (safety)")
    return failure_result(task, "not_regular_file", "不是普通文件（管道、套接字或设备文件），不读取",
                          "not a regular file (FIFO, socket or device); not read")


def out_of_memory_result(task: ParseTask, memory: int | None) -> IngestResult:
    cap = f"{memory / 1024**3:g} GiB" if memory else "the machine's memory"
    return failure_result(task, "out_of_memory", f"解析所需内存超过上限（每个解析进程 {cap}）",
                          f"parse needed more memory than a parse worker may use ({cap})")


# --------------------------------------------------------------------------- process executor


WORKER_MEMORY_BYTES = 4 * 1024**3  # address space of one parse worker (RLIMIT_AS); a parse beyond it fails alone


def limit_memory(max_bytes: int | None) -> None:
    """Cap this process's address space (RLIMIT_AS): a hostile file makes its parse fail, not the machine swap."""
    if not max_bytes:
        return
    import resource

    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = max_bytes if hard == resource.RLIM_INFINITY else min(max_bytes, hard)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))


def _worker_main(conn: Connection, parse_fn: ParseFn, limits: FileLimits, memory: int | None = None) -> None:
    limit_memory(memory)
    catalog = load_metric_catalog()
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return
        if msg is None:
            return
        index, path, sha = msg
        try:
            result = parse_fn(Path(path), catalog, limits, sha)
        except MemoryError:
            result = out_of_memory_result(ParseTask(path, sha), memory)
        try:
            conn.send((index, result))
        except (BrokenPipeError, OSError):
            return


@dataclass(slots=True)
class _Worker:
    proc: mp.process.BaseProcess
    conn: Connection
    index: int | None = None
    deadline: float = 0.0


@dataclass(slots=True)
class _Pool:
    ctx: mp.context.ForkServerContext
    parse_fn: ParseFn
    limits: FileLimits
    memory: int | None = WORKER_MEMORY_BYTES
    workers: list[_Worker] = field(default_factory=list)

    def start(self) -> _Worker:
        parent, child = self.ctx.Pipe()
        proc = self.ctx.Process(target=_worker_main, args=(child, self.parse_fn, self.limits, self.memory),
                                daemon=True)
        proc.start()
        child.close()
        worker = _Worker(proc, parent)
        self.workers.append(worker)
        return worker

    def retire(self, worker: _Worker, kill: bool) -> None:
        if kill and worker.proc.is_alive():
            worker.proc.kill()
        worker.proc.join(timeout=5)
        worker.conn.close()
        self.workers.remove(worker)

    def close(self) -> None:
        for w in list(self.workers):
            with contextlib.suppress(OSError):
                w.conn.send(None)
        for w in list(self.workers):
            w.proc.join(timeout=2)
            self.retire(w, kill=True)


# what the forkserver imports before it forks workers: this module (the workers' target) and, through it, the
# parser — once, not once per worker (``__main__`` is multiprocessing's own default)
WORKER_PRELOAD = ("__main__", __name__)


def prestart_workers() -> None:
    """Start the parse workers' forkserver now, importing the parser, while the caller does other work (a run:
    before it scans the inbox): the first worker then forks with the parser loaded instead of starting an
    interpreter and importing it after the scan (≈ 0.3 s before the first file of a one-file run is parsed)."""
    from multiprocessing import forkserver

    _add_worker_preload()
    forkserver.ensure_running()


def _add_worker_preload() -> None:
    """:data:`WORKER_PRELOAD` added to what the forkserver preloads (modules others asked for are kept: a test's
    hooks, an embedding program's own). No effect once the forkserver runs."""
    from multiprocessing import forkserver

    current = list(getattr(forkserver._forkserver, "_preload_modules", ["__main__"]))  # type: ignore[attr-defined]
    mp.get_context("forkserver").set_forkserver_preload(current + [m for m in WORKER_PRELOAD if m not in current])


def _parse_in_processes(
    tasks: Sequence[ParseTask], workers: int, limits: FileLimits, parse_fn: ParseFn,
    on_result: Callable[[int, IngestResult], None], memory: int | None = WORKER_MEMORY_BYTES,
) -> None:
    ctx = mp.get_context("forkserver")
    _add_worker_preload()  # no effect when it already runs (prestart_workers)
    pool = _Pool(ctx, parse_fn, limits, memory)
    pending = deque(range(len(tasks)))
    timeout = limits.timeout_seconds
    try:
        for _ in range(min(workers, len(tasks))):
            pool.start()
        while pending or any(w.index is not None for w in pool.workers):
            for w in pool.workers:
                if w.index is None and pending:
                    w.index = pending.popleft()
                    t = tasks[w.index]
                    w.conn.send((w.index, t.path, t.sha256))
                    w.deadline = time.monotonic() + timeout if timeout else float("inf")
            busy = [w for w in pool.workers if w.index is not None]
            wait_for = max(0.0, min(w.deadline for w in busy) - time.monotonic()) if busy else 0.0
            ready = wait([w.conn for w in busy], timeout=min(wait_for, 3600.0))
            now = time.monotonic()
            for w in busy:
                assert w.index is not None
                index = w.index
                if w.conn in ready:
                    try:
                        got, result = w.conn.recv()
                    except (EOFError, OSError):
                        pool.retire(w, kill=True)
                        on_result(index, crashed_result(tasks[index], f"exit code {w.proc.exitcode}"))
                        if pending:
                            pool.start()
                        continue
                    w.index = None
                    on_result(got, result)
                elif now >= w.deadline:
                    pool.retire(w, kill=True)
                    on_result(index, timeout_result(tasks[index], float(timeout or 0)))
                    if pending:
                        pool.start()
    finally:
        pool.close()


# --------------------------------------------------------------------------- dask executor


def _dask_parse(name: str, data: bytes, sha: str, limits: FileLimits) -> IngestResult:
    """Runs on a Dask worker: parse shipped bytes under the original file name, with a timeout."""
    with tempfile.TemporaryDirectory(prefix="juesuan-") as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        runner = ThreadPoolExecutor(max_workers=1)
        future = runner.submit(ingest_file, path, load_metric_catalog(), limits, sha)
        try:
            return future.result(timeout=limits.timeout_seconds)
        except FutureTimeout:
            return timeout_result(ParseTask(str(path), sha), float(limits.timeout_seconds or 0))
        finally:
            runner.shutdown(wait=False, cancel_futures=True)


def _parse_on_dask(
    tasks: Sequence[ParseTask], address: str, limits: FileLimits, on_result: Callable[[int, IngestResult], None],
) -> None:
    from distributed import Client, as_completed

    with Client(address, timeout="30s") as client:
        futures = {}
        for i, t in enumerate(tasks):
            path = Path(t.path)
            sha = t.sha256 or file_sha256(path)
            fut = client.submit(_dask_parse, path.name, path.read_bytes(), sha, limits, key=f"juesuan-parse-{sha}-{i}",
                                pure=False)
            futures[fut] = i
        for fut in as_completed(list(futures)):
            i = futures[fut]
            try:
                result = rebind(fut.result(), tasks[i].path)
            except Exception as exc:  # a lost worker, a pickling error: this file only
                result = crashed_result(tasks[i], f"{type(exc).__name__}: {exc}"[:300])
            on_result(i, result)


# --------------------------------------------------------------------------- entry point


def parse_tasks(
    tasks: Sequence[ParseTask],
    workers: int | None = None,
    progress: ProgressFn | None = None,
    limits: FileLimits = DEFAULT_FILE_LIMITS,
    executor: str = "process",
    dask_address: str | None = None,
    parse_fn: ParseFn = ingest_file,
    on_result: Callable[[ParseTask, IngestResult], None] | None = None,
    memory: int | None = WORKER_MEMORY_BYTES,
) -> list[IngestResult]:
    """Parse every task; results keep the input order; one bad file never stops the others.

    ``memory`` caps each worker process's address space (process executor; not in-process parsing).

    ``on_result`` is called as each file completes (the cache writes there, so a run
    killed later keeps the work done).
    """
    results: list[IngestResult | None] = [None] * len(tasks)
    done = 0

    def collect(index: int, result: IngestResult) -> None:
        nonlocal done
        results[index] = result
        done += 1
        if on_result:
            on_result(tasks[index], result)
        if progress:
            progress(done, len(tasks), result)

    if not tasks:
        return []
    if executor == "dask":
        if not dask_address:
            raise ValueError("the dask executor needs a scheduler address (tcp://host:8786)")
        _parse_on_dask(tasks, dask_address, limits, collect)
    elif executor == "process":
        n = default_workers() if workers is None else workers
        if n <= 0:
            catalog = load_metric_catalog()
            for i, t in enumerate(tasks):
                collect(i, parse_fn(Path(t.path), catalog, limits, t.sha256))
        else:
            _parse_in_processes(tasks, n, limits, parse_fn, collect, memory)
    else:
        raise ValueError(f"unknown executor {executor!r} (process | dask)")
    assert all(r is not None for r in results)
    return [r for r in results if r is not None]


def ingest_files(
    paths: Sequence[Path], workers: int | None = None, progress: ProgressFn | None = None,
    limits: FileLimits = DEFAULT_FILE_LIMITS,
) -> list[IngestResult]:
    """Ingest every file (see :func:`parse_tasks`); results keep the input order."""
    return parse_tasks([ParseTask(str(p)) for p in paths], workers=workers, progress=progress, limits=limits)


# --------------------------------------------------------------------------- the incremental parse stage


@dataclass(frozen=True, slots=True)
class ParseOutcome:
    results: dict[str, IngestResult]  # logical_key -> result, for files that were not unchanged
    parsed: int
    cached: int
    unchanged: int
    seconds: float

    @property
    def skipped(self) -> int:
        return self.cached + self.unchanged


def _cache_put(cache: ResultCache) -> Callable[[ParseTask, IngestResult], None]:
    """Store each parsed result under its file's hash as soon as it arrives (a file without one is not cached)."""
    def put(task: ParseTask, result: IngestResult) -> None:
        if task.sha256:
            cache.put(task.sha256, result)
    return put


def parse_inbox(
    files: Sequence[InboxFile],
    unchanged: set[str],
    cache: ResultCache,
    archive_root: Path | None = None,
    workers: int | None = None,
    progress: ProgressFn | None = None,
    limits: FileLimits = DEFAULT_FILE_LIMITS,
    executor: str = "process",
    dask_address: str | None = None,
    parse_fn: ParseFn = ingest_file,
) -> ParseOutcome:
    """Parse what changed: unchanged keys are skipped, cached contents are read back, the rest parsed.

    Every new result is cached as soon as it arrives, and every file's bytes are archived
    by content hash, so a run killed later loses no parsing work and no source file.
    """
    started = time.monotonic()
    results: dict[str, IngestResult] = {}
    todo: list[InboxFile] = []
    cached = 0
    for f in files:
        if f.kind != "regular":  # never opened, never archived
            if f.logical_key not in unchanged:
                results[f.logical_key] = refused_result(f)
            continue
        if archive_root is not None:
            with contextlib.suppress(OSError):  # the archive is best effort; the parse goes on
                if Path(f.path).stat().st_size <= limits.max_bytes:  # refused files are not copied
                    archive_file(archive_root, Path(f.path), f.sha256)
        if f.logical_key in unchanged:
            continue
        hit = cache.get(f.sha256, f.path)
        if hit is not None:
            results[f.logical_key] = hit
            cached += 1
        else:
            todo.append(f)
    tasks = [ParseTask(f.path, f.sha256) for f in todo]
    parsed = parse_tasks(
        tasks, workers=workers, progress=progress, limits=limits, executor=executor, dask_address=dask_address,
        parse_fn=parse_fn, on_result=_cache_put(cache),
    )
    for f, res in zip(todo, parsed, strict=True):
        results[f.logical_key] = res
    return ParseOutcome(results, len(todo), cached, len(unchanged & {f.logical_key for f in files}),
                        time.monotonic() - started)
