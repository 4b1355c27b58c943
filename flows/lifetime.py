"""Process lifetime of a run: whatever a run starts dies with it, even under ``kill -9``.

A run starts processes we do not fully control: Prefect's temporary API server (≈ 200 MB), the forkserver and
the parse workers, dbt. A normal end stops them; a killed run cannot. So, before anything is started, the run
marks its environment with a token (every child inherits it) and starts a tiny watchdog (``python -m
flows.lifetime TOKEN``) holding the other end of a pipe. When the run ends normally it disarms the watchdog;
when the run dies the pipe closes without that, and the watchdog kills every process whose environment carries
the token, then exits.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

RUN_MARK = "JUESUAN_RUN_MARK"
DISARM = b"d"
PROC = Path("/proc")


def marked_processes(token: str) -> list[int]:
    """Pids of the processes whose environment carries ``token`` (this one excluded)."""
    needle = f"{RUN_MARK}={token}\0".encode()
    pids = []
    for entry in PROC.iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        with contextlib.suppress(OSError):
            if needle in (entry / "environ").read_bytes():
                pids.append(int(entry.name))
    return pids


def reap(token: str, rounds: int = 20) -> int:
    """SIGKILL the processes marked with ``token``, again while new ones appear; returns how many were killed."""
    killed = 0
    for _ in range(rounds):
        pids = marked_processes(token)
        if not pids:
            break
        for pid in pids:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
                killed += 1
        time.sleep(0.1)
    return killed


@contextlib.contextmanager
def run_lifetime() -> Iterator[str]:
    """Mark this run's children and guard them with a watchdog; yields the token ('' where there is no /proc)."""
    if not (PROC / "self" / "environ").exists():
        yield ""
        return
    token = uuid.uuid4().hex
    previous = os.environ.get(RUN_MARK)
    env = {k: v for k, v in os.environ.items() if k != RUN_MARK}
    watchdog = subprocess.Popen(
        [sys.executable, "-m", "flows.lifetime", token], stdin=subprocess.PIPE, env=env, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    os.environ[RUN_MARK] = token
    try:
        yield token
    finally:
        if previous is None:
            os.environ.pop(RUN_MARK, None)
        else:
            os.environ[RUN_MARK] = previous
        assert watchdog.stdin is not None
        with contextlib.suppress(OSError):
            watchdog.stdin.write(DISARM)
            watchdog.stdin.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            watchdog.wait(timeout=5)


def main(argv: list[str]) -> int:
    """The watchdog: wait for the run to disarm us or to die; a dead run's marked processes are killed."""
    if sys.stdin.buffer.read(1) == DISARM:
        return 0
    reap(argv[0])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
