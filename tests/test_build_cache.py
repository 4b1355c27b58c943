"""The compiled-project cache and dbt's partial-parse state: one working folder per checkout."""

from __future__ import annotations

from pathlib import Path

import pytest

from warehouse.build import compile as build_compile


def test_two_checkouts_sharing_a_cache_get_their_own_dbt_working_folder(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    # dbt's partial-parse file records absolute seed paths: a checkout served another checkout's state failed
    # `dbt seed` once the other checkout was removed
    root = tmp_path / "cache"
    monkeypatch.setattr(build_compile, "DBT_PROJECT_DIR", tmp_path / "one" / "dbt_project")
    first = build_compile.work_dir(root)
    assert build_compile.work_dir(root) == first
    monkeypatch.setattr(build_compile, "DBT_PROJECT_DIR", tmp_path / "two" / "dbt_project")
    second = build_compile.work_dir(root)
    assert second != first and first.parent == second.parent == root / "work"
