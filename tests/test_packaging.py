"""The product's core install: the sample generator's libraries are an optional extra, never imported by it."""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from pathlib import Path

import samplegen

ROOT = Path(__file__).resolve().parents[1]
CORE_PACKAGES = ("ingest", "warehouse", "flows")

_IMPORT_ALL = """
import importlib, pkgutil, sys
extra = {extra!r}
for name in {packages!r}:
    pkg = importlib.import_module(name)
    for info in pkgutil.walk_packages(pkg.__path__, name + "."):
        if not info.name.endswith("__main__"):
            importlib.import_module(info.name)
print(",".join(sorted(m for m in extra if m in sys.modules)))
"""


def test_core_packages_import_without_the_sample_extra() -> None:
    code = _IMPORT_ALL.format(extra=sorted(samplegen.EXTRA_MODULES), packages=CORE_PACKAGES)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "", f"core modules import the [sample] extra: {out.stdout.strip()}"


def test_extra_declared_in_pyproject_and_not_in_core() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = {d.split("==")[0] for d in project["dependencies"]}
    sample = {d.split("==")[0] for d in project["optional-dependencies"]["sample"]}
    assert sample == set(samplegen.EXTRA_MODULES.values())
    assert not names & sample
    lock = {line.split("==")[0] for line in (ROOT / "requirements.lock").read_text().splitlines() if "==" in line}
    assert sample <= lock  # make setup / CI install the extra from the lock


def test_samplegen_imports_nothing_of_the_product() -> None:
    for path in sorted((ROOT / "samplegen").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert node.module.split(".")[0] not in CORE_PACKAGES, f"{path.name} imports {node.module}"
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    assert alias.name.split(".")[0] not in CORE_PACKAGES, f"{path.name} imports {alias.name}"


def test_missing_dependencies_empty_when_installed() -> None:
    assert samplegen.missing_dependencies() == []


def test_sample_county_without_the_extra_says_which(monkeypatch, tmp_path: Path, capsys) -> None:
    import importlib.util

    from flows.cli import main

    real = importlib.util.find_spec
    monkeypatch.setattr(samplegen, "find_spec", lambda name: None if name == "reportlab" else real(name))
    assert main(["sample-county", "--out", str(tmp_path / "county")]) == 2
    err = capsys.readouterr().err
    assert "reportlab" in err and "juesuan[sample]" in err and "运行失败" in err
    assert not (tmp_path / "county").exists()
