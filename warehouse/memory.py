"""The memory of a run: DuckDB's limit on every connection that writes the build, and the run process's own heap.

One setting: ``--memory-limit`` (flows/options.py), else ``$JUESUAN_DBT_MEMORY_LIMIT``, else
:data:`DEFAULT_MEMORY_LIMIT`. It caps DuckDB's buffer manager in the load, the build (the compiled project run
in DuckDB) and ``builder=dbt`` (the profile dbt reads). DuckDB keeps blocks of the database file it has read in
that memory until it is needed, so a larger limit mostly caches what the page cache holds anyway; below what a
query's hash tables and sorts need it spills to the build's temporary directory (slower, never wrong). Measured on
a 1,000-department county (bench/results.md, "Issue 15 memory round 6"): the build's DuckDB grew to 1.6 GB
uncapped, and took the same time capped at 1 GB; 768 MB was ≈ 17 % slower.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import os
import sys

DEFAULT_MEMORY_LIMIT = "1GB"
MEMORY_LIMIT_ENV = "JUESUAN_DBT_MEMORY_LIMIT"


def memory_limit(given: str | None = None) -> str:
    """DuckDB's memory limit for a run: the option given, else the environment's, else the default."""
    return given or os.environ.get(MEMORY_LIMIT_ENV) or DEFAULT_MEMORY_LIMIT


def release_freed_memory() -> None:
    """Give the heap that freed Python objects and Arrow buffers leave behind back to the system.

    Called once the parse results are loaded and dropped, before the build: the run process otherwise keeps the
    pages of ≈ 0.4 GB of results (1,000 departments) mapped while DuckDB fills its own limit beside them.
    """
    gc.collect()
    if "pyarrow" in sys.modules:
        import pyarrow as pa

        pa.default_memory_pool().release_unused()
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):  # not glibc (musl): nothing to trim
            ctypes.CDLL("libc.so.6").malloc_trim(0)
