"""Find the files of an inbox: every regular file below it, in a stable order."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ingest.pipeline import DEFAULT_FILE_LIMITS, FileLimits, file_sha256, with_io_retries

IGNORED_NAMES = frozenset({"truth.json", "county.csv", "manifest.json", ".DS_Store", "Thumbs.db", "desktop.ini"})


def discover_files(inbox: Path) -> list[Path]:
    """All candidate files below ``inbox`` (hidden files, temp files and generator side files skipped)."""
    if not inbox.is_dir():
        raise FileNotFoundError(f"inbox is not a directory: {inbox}")
    files = []
    for path in inbox.rglob("*"):
        rel = path.relative_to(inbox)
        if any(part.startswith((".", "~$")) for part in rel.parts):
            continue
        if path.is_file() and path.name not in IGNORED_NAMES:
            files.append(path)
    return sorted(files)


@dataclass(frozen=True, slots=True)
class InboxFile:
    """A file found in the inbox this run: its identity (logical key) and content hash."""

    logical_key: str
    path: str
    sha256: str


def scan_inbox(inbox: Path, limits: FileLimits = DEFAULT_FILE_LIMITS) -> list[InboxFile]:
    """Every candidate file with its logical key (path relative to the inbox) and sha256 (I/O retried)."""
    out = []
    for path in discover_files(inbox):
        try:
            sha = with_io_retries(lambda p=path: file_sha256(p), limits)
        except OSError:
            continue  # vanished or unreadable while scanning: seen again next run
        out.append(InboxFile(path.relative_to(inbox).as_posix(), str(path), sha))
    return out
