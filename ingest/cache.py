"""On-disk cache of parse results, keyed by file content and parser fingerprint.

A file whose bytes (sha256) were already parsed by the same parser is never parsed
again: its :class:`~ingest.records.IngestResult` is read back from
``<root>/<fingerprint>/<sha[:2]>/<sha>.pkl``. The fingerprint covers the declared
``PARSER_VERSION``, the metric catalogue and the extraction source code, so a new
parser (or catalogue) invalidates the cache by construction. Entries are written
atomically (temp file + ``os.replace``), so a killed run never leaves a torn entry.

A timeout or a crashed parser is a verdict on these bytes like any other and is cached: a
hostile file costs its timeout once, not every night, and is tried again when the parser
changes (a new fingerprint). Only failures of the moment (I/O errors, a file that vanished)
are never cached: the next run tries the file again.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
from dataclasses import dataclass, replace
from pathlib import Path

from ingest.records import IngestResult

TRANSIENT_CODES = frozenset({"io_error", "missing"})
_INGEST_DIR = Path(__file__).resolve().parent
# modules whose code does not change what a file parses to
_NOT_PARSER = frozenset({"batch.py", "cache.py", "discover.py", "executors.py", "__init__.py"})


def parser_fingerprint(parser_version: str, catalog_path: Path | None = None) -> str:
    """A short hash of everything that decides what a file parses to."""
    digest = hashlib.sha256(parser_version.encode())
    for path in _source_paths(catalog_path):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return f"{parser_version}-{digest.hexdigest()[:12]}"


def is_cacheable(result: IngestResult) -> bool:
    return result.quarantine is None or result.quarantine.reason_code not in TRANSIENT_CODES


def rebind(result: IngestResult, source_file: str) -> IngestResult:
    """The same parse result for the same bytes found under another path."""
    if result.source_file == source_file:
        return result
    doc = replace(result.document, source_file=source_file) if result.document else None
    q = replace(result.quarantine, source_file=source_file) if result.quarantine else None
    return replace(result, source_file=source_file, document=doc, quarantine=q)


@dataclass(frozen=True, slots=True)
class ResultCache:
    root: Path
    fingerprint: str

    def has(self, sha256: str) -> bool:
        """Whether a result for these bytes, from this parser, is cached."""
        return self._path(sha256).exists()

    def _path(self, sha256: str) -> Path:
        return self.root / self.fingerprint / sha256[:2] / f"{sha256}.pkl"

    def get(self, sha256: str, source_file: str) -> IngestResult | None:
        path = self._path(sha256)
        try:
            with path.open("rb") as fh:
                result = pickle.load(fh)
        except FileNotFoundError:
            return None
        except Exception:  # a damaged entry is a miss, and is dropped
            path.unlink(missing_ok=True)
            return None
        return rebind(result, source_file) if isinstance(result, IngestResult) else None

    def put(self, sha256: str, result: IngestResult) -> bool:
        if not is_cacheable(result):
            return False
        path = self._path(sha256)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with tmp.open("wb") as fh:
                pickle.dump(result, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except OSError:  # a full disk: the cache is an optimisation, the run goes on (and says so at load)
            tmp.unlink(missing_ok=True)
            return False
        return True

    def prune_other_fingerprints(self) -> int:
        """Drop entries of older parsers; returns how many fingerprint folders were removed."""
        if not self.root.is_dir():
            return 0
        stale = [p for p in self.root.iterdir() if p.is_dir() and p.name != self.fingerprint]
        for p in stale:
            shutil.rmtree(p, ignore_errors=True)
        return len(stale)


def archive_file(archive_root: Path, path: Path, sha256: str) -> Path:
    """Keep the raw bytes by content hash: ``<root>/<sha[:2]>/<sha><.ext>`` (written once, atomically)."""
    target = archive_root / sha256[:2] / f"{sha256}{path.suffix.lower()}"
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    shutil.copyfile(path, tmp)
    os.replace(tmp, target)
    return target


def _source_paths(catalog_path: Path | None = None) -> list[Path]:
    """The files :func:`parser_fingerprint` hashes, in its order."""
    from ingest.catalog import DEFAULT_CATALOG_PATH
    from ingest.templates import DEFAULT_TEMPLATE_PATH

    sources = [p for p in sorted(_INGEST_DIR.glob("*.py")) if p.name not in _NOT_PARSER]
    sources += sorted((_INGEST_DIR / "readers").glob("*.py"))
    return [*sources, catalog_path or DEFAULT_CATALOG_PATH, DEFAULT_TEMPLATE_PATH]


def current_parser_fingerprint(memo_dir: Path | None = None, min_age: float = 2.0) -> str:
    """:func:`parser_fingerprint` of the parser on disk (``PARSER_VERSION`` included), remembered in ``memo_dir``
    by the stat identity (size, mtime, ctime, inode) of every source it hashes: a run whose parser did not
    change neither reads the sources nor imports the parser (≈ 0.1 s) to know it. Any change of a source (a new,
    removed or edited file) is a new key, so the fingerprint is computed again; sources modified less than
    ``min_age`` seconds ago are never remembered (a write within the timestamp granularity)."""
    import time

    paths = _source_paths()
    digest = hashlib.sha256()
    newest = 0.0
    for path in paths:
        st = path.stat()
        newest = max(newest, st.st_mtime, st.st_ctime)
        digest.update(f"{path}|{st.st_size}|{st.st_mtime_ns}|{st.st_ctime_ns}|{st.st_ino}\n".encode())
    memo = memo_dir / f"parser-{digest.hexdigest()[:24]}.txt" if memo_dir is not None else None
    if memo is not None:
        try:
            return memo.read_text(encoding="utf-8").strip()
        except OSError:
            pass
    from ingest.pipeline import PARSER_VERSION

    fingerprint = parser_fingerprint(PARSER_VERSION)
    if memo is not None and newest < time.time() - min_age:
        try:
            memo.parent.mkdir(parents=True, exist_ok=True)
            tmp = memo.with_name(f".{memo.name}.{os.getpid()}.tmp")
            tmp.write_text(fingerprint, encoding="utf-8")
            os.replace(tmp, memo)
        except OSError:
            pass  # a read-only cache: computed again next time
    return fingerprint
