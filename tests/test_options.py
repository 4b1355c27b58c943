"""Run options defined once (flows/options.py): flags, defaults and deployment parameters agree; no import cycle."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from flows.cli import build_parser
from flows.options import RunOptions

FLOWS = Path(__file__).resolve().parents[1] / "flows"


def test_no_flags_give_the_default_options() -> None:
    parser = build_parser()
    assert RunOptions.from_args(parser.parse_args(["run"])) == RunOptions()
    assert RunOptions.from_args(parser.parse_args(["serve"])) == RunOptions()


def test_flags_become_options() -> None:
    args = build_parser().parse_args([
        "run", "--workers", "0", "--file-timeout", "0", "--keep", "2", "--force", "--allow-withdraw",
        "--max-withdraw-share", "0.5", "--lock-wait", "1.5", "--registry", "r.csv", "--executor", "dask",
        "--dask-address", "tcp://127.0.0.1:8786",
    ])
    assert RunOptions.from_args(args) == RunOptions(
        workers=0, executor="dask", dask_address="tcp://127.0.0.1:8786", file_timeout=None, keep=2, force=True,
        allow_withdraw=True, max_withdraw_share=0.5, lock_wait=1.5, registry=Path("r.csv"))


def test_serve_has_no_one_off_flags() -> None:
    parser = build_parser()
    for flag in ("--force", "--allow-withdraw", "--registry", "--lock-wait"):
        with pytest.raises(SystemExit):
            parser.parse_args(["serve", flag])


def test_deployment_parameters_round_trip() -> None:
    options = RunOptions(workers=1, file_timeout=None, keep=3, registry=Path("data/名录.csv"), force=True)
    parameters = options.to_parameters()
    assert parameters == {"workers": 1, "file_timeout": None, "keep": 3, "registry": "data/名录.csv", "force": True}
    assert RunOptions.from_parameters(parameters) == options
    assert RunOptions.from_parameters(None) == RunOptions() and RunOptions().to_parameters() == {}
    with pytest.raises(ValueError, match="unknown run options: colour"):
        RunOptions.from_parameters({"colour": "red"})


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    return found | {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}


def test_no_module_of_flows_imports_the_command_line() -> None:
    for path in sorted(FLOWS.glob("*.py")):
        if path.name != "cli.py":
            assert "flows.cli" not in _imports(path), f"{path.name} imports flows.cli (an import cycle)"
