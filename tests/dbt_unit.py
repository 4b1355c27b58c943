"""The dbt project's YAML unit tests, run as one child process that the test session starts as soon as its tests are
known (tests/conftest.py), so that the other tests run while dbt parses and tests (most of a minute, one core).

dbt needs the tested models' parents to exist: they are built, empty, from the compiled project (warehouse/build,
cached per project fingerprint), every view as a table (dbt reads each parent's columns; a table's are read without
binding the view's SQL). ``python -m tests.dbt_unit WORK`` writes the outcome to ``WORK/outcome.json``.
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

OUTCOME_FILE = "outcome.json"


@dataclass(frozen=True, slots=True)
class UnitRun:
    """The background run of the unit tests: its process and the folder it writes in."""

    work: Path
    process: subprocess.Popen[bytes]

    @classmethod
    def start(cls, work: Path) -> UnitRun:
        log = (work / "run.log").open("wb")
        process = subprocess.Popen([sys.executable, "-m", "tests.dbt_unit", str(work)], stdout=log,
                                   stderr=subprocess.STDOUT, cwd=Path(__file__).resolve().parents[1])
        log.close()
        return cls(work, process)

    def outcome(self, timeout: float = 1800) -> dict[str, object]:
        """The outcome of the run (waits for it): ``success``, ``tests``, ``message``."""
        returncode = self.process.wait(timeout)
        path = self.work / OUTCOME_FILE
        if not path.exists():
            log = (self.work / "run.log").read_text(encoding="utf-8", errors="replace")
            return {"success": False, "tests": 0, "message": f"exit {returncode} without an outcome:\n{log[-4000:]}"}
        outcome: dict[str, object] = json.loads(path.read_text(encoding="utf-8"))
        return outcome

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def run_unit_tests(work: Path) -> dict[str, object]:
    """Build the empty warehouse and run ``dbt test --select test_type:unit`` on it."""
    import duckdb

    from warehouse.build.compile import cache_root, start_compile
    from warehouse.build.runner import build
    from warehouse.dbt import DBT_PROJECT_DIR, dbt_build
    from warehouse.runs import dbt_fingerprint
    from warehouse.schema import create_raw_schema_sql

    warehouse = work / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        for statement in create_raw_schema_sql():
            con.execute(statement)
    job = start_compile(cache_root(work / "cache"), dbt_fingerprint(DBT_PROJECT_DIR))
    built = build(warehouse, job.result(), job.seeds_file, full_refresh=True, data_tests=False, keep_state=False,
                  views_as_tables=True)
    if not built.success:
        return {"success": False, "tests": 0, "message": f"the empty warehouse: {built.message}"}
    outcome = dbt_build(warehouse, work / "dbt-unit", select="test_type:unit", exclude=None, command="test")
    return {key: value for key, value in dataclasses.asdict(outcome).items() if key in {"success", "tests", "message"}}


if __name__ == "__main__":
    folder = Path(sys.argv[1])
    (folder / OUTCOME_FILE).write_text(json.dumps(run_unit_tests(folder), ensure_ascii=False), encoding="utf-8")
