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
"""

from __future__ import annotations

import functools
import hashlib
import os
import stat
import time
from dataclasses import dataclass, field
from pathlib import Path

from ingest.pipeline import DEFAULT_FILE_LIMITS, FileLimits, file_sha256, with_io_retries

IGNORED_NAMES = frozenset({"truth.json", "county.csv", "manifest.json", ".DS_Store", "Thumbs.db", "desktop.ini"})
SETTLE_SECONDS = 1.0


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


def _identity(st: os.stat_result) -> tuple[int, int]:
    return st.st_size, st.st_mtime_ns


def _refused_sha(entry: InboxEntry) -> str:
    """A stable stand-in hash for an entry that is never read: its kind and (for a link) its target text."""
    target = os.readlink(entry.path) if entry.kind == "symlink" else ""
    return hashlib.sha256(f"{entry.kind}:{target}".encode()).hexdigest()


def scan(inbox: Path, limits: FileLimits = DEFAULT_FILE_LIMITS, settle_seconds: float = SETTLE_SECONDS) -> InboxScan:
    """Every entry with its logical key (path relative to the inbox) and sha256; files being written deferred."""
    files: list[InboxFile] = []
    deferred: list[str] = []
    recent: list[tuple[InboxFile, tuple[int, int], float]] = []
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
            sha = with_io_retries(functools.partial(file_sha256, entry.path), limits)
            after = entry.path.stat()
        except OSError:
            continue  # vanished or unreadable while scanning: seen again next run
        if _identity(before) != _identity(after):
            deferred.append(key)
            continue
        found = InboxFile(key, str(entry.path), sha)
        if time.time() - after.st_mtime < settle_seconds:
            recent.append((found, _identity(after), after.st_mtime))
        else:
            files.append(found)
    if recent:
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
    return InboxScan(sorted(files, key=lambda f: f.logical_key), sorted(deferred))


def scan_inbox(inbox: Path, limits: FileLimits = DEFAULT_FILE_LIMITS) -> list[InboxFile]:
    """The files of :func:`scan` (deferred ones left out)."""
    return scan(inbox, limits).files
