"""Find the files of an inbox: every entry below it, in a stable order, never following a link.

An inbox is written by people and scripts we do not control, so discovery trusts nothing:

* symbolic links (to files or folders) and special files (FIFOs, sockets, devices) are not opened — they are
  reported as *refused* and the run quarantines them (a link could point at any file of the machine, a FIFO
  would block the reader forever);
* a file whose size or modification time changes while the inbox is scanned — or that was modified within
  ``settle_seconds`` and changes during a short wait — is still being written: it is *deferred* to the next run
  (its current document, if any, stays as it is);
* hidden entries (a name starting with one ``.``), Office lock files (``~$``) and generator side files are
  skipped; a name starting with ``..`` (e.g. ``..\\..\\x.txt``, a legal file name) is an ordinary file and read.

Hashing every file is most of a quiet night's scan, so a scan can be given the hashes of the last one (a
:data:`HashMemo`: path → the file's stat identity and its sha256). A file whose size, modification time, change
time and inode are all what the memo holds is not read again; any change re-hashes it. Only files modified (or
changed: ctime) at least ``MEMO_MIN_AGE`` seconds before they were hashed enter the memo, so a write within the
file system's timestamp granularity cannot hide behind an unchanged stat.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import stat
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ingest.pipeline import FileLimits

IGNORED_NAMES = frozenset({"truth.json", "county.csv", "manifest.json", ".DS_Store", "Thumbs.db", "desktop.ini"})
SETTLE_SECONDS = 1.0
MEMO_MIN_AGE = 2.0
Identity = tuple[int, int, int, int]  # size, mtime_ns, ctime_ns, inode
HashMemo = Mapping[str, tuple[Identity, str]]  # file path → (identity when hashed, sha256)


def is_hidden(name: str) -> bool:
    """Hidden or temporary: ``.name`` (but not ``..name``) and Office lock files ``~$name``."""
    return (name.startswith(".") and not name.startswith("..")) or name.startswith("~$")


@dataclass(frozen=True, slots=True)
class InboxEntry:
    """One entry found below the inbox: a regular file, or one that must not be opened (``kind``)."""

    path: Path
    kind: str  # regular | symlink | special


def walk_inbox(inbox: Path) -> list[InboxEntry]:
    """Every candidate entry below ``inbox``, sorted; links are reported, never followed."""
    if not inbox.is_dir():
        raise FileNotFoundError(f"inbox is not a directory: {inbox}")
    out: list[InboxEntry] = []
    stack = [inbox]
    while stack:
        folder = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue  # unreadable folder: seen again next run
        for entry in entries:
            if is_hidden(entry.name) or entry.name in IGNORED_NAMES:
                continue
            path = Path(entry.path)
            try:
                mode = entry.stat(follow_symlinks=False).st_mode
            except OSError:
                continue  # vanished while scanning
            if stat.S_ISLNK(mode):
                out.append(InboxEntry(path, "symlink"))
            elif stat.S_ISDIR(mode):
                stack.append(path)
            elif stat.S_ISREG(mode):
                out.append(InboxEntry(path, "regular"))
            else:
                out.append(InboxEntry(path, "special"))
    return sorted(out, key=lambda e: e.path)


def discover_files(inbox: Path) -> list[Path]:
    """The regular files below ``inbox`` (hidden files, temp files, generator side files and links skipped)."""
    return [e.path for e in walk_inbox(inbox) if e.kind == "regular"]


@dataclass(frozen=True, slots=True)
class InboxFile:
    """A file found in the inbox this run: its identity (logical key) and content hash.

    ``kind`` is ``regular`` for a file to parse; ``symlink``/``special`` entries are quarantined without being
    opened (their ``sha256`` is a hash of what they are, not of any content).
    """

    logical_key: str
    path: str
    sha256: str
    kind: str = "regular"


@dataclass(frozen=True, slots=True)
class InboxScan:
    files: list[InboxFile]
    deferred: list[str] = field(default_factory=list)  # logical keys still being written
    hashes: dict[str, tuple[Identity, str]] = field(default_factory=dict)  # the memo for the next scan
    hashed: int = 0  # files read this scan (the others came from the memo)


def _identity(st: os.stat_result) -> tuple[int, int]:
    return st.st_size, st.st_mtime_ns


def _full_identity(st: os.stat_result) -> Identity:
    return st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino


def _hash(path: Path, limits: FileLimits | None) -> str:
    """sha256 of the file; an I/O error is retried as the readers retry it (the parser is imported only then)."""
    try:
        with path.open("rb") as fh:
            return hashlib.file_digest(fh, "sha256").hexdigest()
    except OSError:
        from ingest.pipeline import DEFAULT_FILE_LIMITS, file_sha256, with_io_retries

        return with_io_retries(functools.partial(file_sha256, path), limits or DEFAULT_FILE_LIMITS)


def read_hash_memo(path: Path) -> dict[str, tuple[Identity, str]]:
    """The memo a scan wrote (empty when missing or unreadable: every file is hashed)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {k: ((int(v[0]), int(v[1]), int(v[2]), int(v[3])), str(v[4])) for k, v in data.items()}
    except (OSError, ValueError, TypeError, IndexError, AttributeError):
        return {}


def write_hash_memo(path: Path, memo: HashMemo) -> None:
    """Atomically (temp file + ``os.replace``): a killed run leaves the old memo or the new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps({k: [*ident, sha] for k, (ident, sha) in memo.items()}), encoding="utf-8")
    os.replace(tmp, path)


def _refused_sha(entry: InboxEntry) -> str:
    """A stable stand-in hash for an entry that is never read: its kind and (for a link) its target text."""
    target = os.readlink(entry.path) if entry.kind == "symlink" else ""
    return hashlib.sha256(f"{entry.kind}:{target}".encode()).hexdigest()


def scan(
    inbox: Path, limits: FileLimits | None = None, settle_seconds: float = SETTLE_SECONDS,
    memo: HashMemo | None = None, wait: bool = True,
) -> InboxScan:
    """Every entry with its logical key (path relative to the inbox) and sha256; files being written deferred.

    ``memo`` (the ``hashes`` of an earlier scan) spares reading a file whose stat identity is unchanged.
    ``wait`` off (a look that only asks whether anything changed): a file modified within ``settle_seconds`` is
    deferred at once instead of being waited for.
    """
    files: list[InboxFile] = []
    deferred: list[str] = []
    recent: list[tuple[InboxFile, tuple[int, int], float]] = []
    hashes: dict[str, tuple[Identity, str]] = {}
    hashed = 0
    for entry in walk_inbox(inbox):
        key = entry.path.relative_to(inbox).as_posix()
        if entry.kind != "regular":
            try:
                files.append(InboxFile(key, str(entry.path), _refused_sha(entry), entry.kind))
            except OSError:
                continue
            continue
        try:
            before = entry.path.stat()
            known = (memo or {}).get(str(entry.path))
            if known is not None and known[0] == _full_identity(before):
                sha, after = known[1], before
            else:
                started = time.time()
                sha = _hash(entry.path, limits)
                hashed += 1
                after = entry.path.stat()
                changed_at = max(after.st_mtime, after.st_ctime)
                fresh = changed_at >= started - MEMO_MIN_AGE or _full_identity(after) != _full_identity(before)
                known = None if fresh else (_full_identity(after), sha)
        except OSError:
            continue  # vanished or unreadable while scanning: seen again next run
        if _identity(before) != _identity(after):
            deferred.append(key)
            continue
        if known is not None:
            hashes[str(entry.path)] = known
        found = InboxFile(key, str(entry.path), sha)
        if time.time() - after.st_mtime < settle_seconds:
            recent.append((found, _identity(after), after.st_mtime))
        else:
            files.append(found)
    if recent and not wait:
        deferred.extend(found.logical_key for found, _, _ in recent)
    elif recent:
        newest = max(m for _, _, m in recent)
        time.sleep(max(0.0, min(settle_seconds, newest + settle_seconds - time.time())))
        for found, seen, _ in recent:
            try:
                still = _identity(Path(found.path).stat())
            except OSError:
                continue
            if still == seen:
                files.append(found)
            else:
                deferred.append(found.logical_key)
    return InboxScan(sorted(files, key=lambda f: f.logical_key), sorted(deferred), hashes, hashed)


def scan_inbox(inbox: Path, limits: FileLimits | None = None) -> list[InboxFile]:
    """The files of :func:`scan` (deferred ones left out)."""
    return scan(inbox, limits).files
