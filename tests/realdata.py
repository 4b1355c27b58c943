"""The one door from tests to the real documents in ../shared/realdata (never copied into the repo)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REALDATA_ROOT = Path(
    os.environ.get("JUESUAN_REALDATA", Path(__file__).resolve().parents[1].parent / "shared" / "realdata")
)


def realdata_path(relative: str) -> Path:
    """Path of a real document; skips the calling test with the reason when it is not there."""
    path = REALDATA_ROOT / relative
    if not path.exists():
        pytest.skip(f"real data not available: {path} (../shared/realdata is absent on this checkout)")
    return path


def copy_real(relatives: tuple[str, ...] | list[str], inbox: Path) -> list[Path]:
    """Copy real documents into a test's inbox (created if needed), never into the repo; skips the calling test
    before copying anything when one of them is not there."""
    sources = [realdata_path(rel) for rel in relatives]
    inbox.mkdir(parents=True, exist_ok=True)
    copies = []
    for src in sources:
        copies.append(inbox / src.name)
        shutil.copy(src, copies[-1])
    return copies
