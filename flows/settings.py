"""Process settings for a quiet, local, server-less Prefect run (set before prefect is imported)."""

from __future__ import annotations

import os
from pathlib import Path

QUIET_PREFECT_ENV: dict[str, str] = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_LOGGING_INTERNAL_LEVEL": "ERROR",
    "PREFECT_SERVER_LOGGING_LEVEL": "WARNING",
    "PREFECT_LOGGING_TO_API_ENABLED": "false",
    "PREFECT_CLI_PROMPT": "false",
    "PREFECT_RESULTS_PERSIST_BY_DEFAULT": "false",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    "DO_NOT_TRACK": "1",
    "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
}


def configure_environment(data_dir: Path) -> None:
    """Point Prefect at a persistent home under ``data_dir`` and silence telemetry.

    Values already set in the environment win, so an operator can still turn
    logging up (e.g. PREFECT_LOGGING_LEVEL=INFO) or point at a real server.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("PREFECT_HOME", str((data_dir / "prefect").resolve()))
    for key, value in QUIET_PREFECT_ENV.items():
        os.environ.setdefault(key, value)
