"""The one door from tests to the real documents in ../shared/realdata (never copied into the repo)."""

from __future__ import annotations

import os
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
