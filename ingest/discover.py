"""Find the files of an inbox: every regular file below it, in a stable order."""

from __future__ import annotations

from pathlib import Path

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
