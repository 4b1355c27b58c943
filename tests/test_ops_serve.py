"""`juesuan server` + `juesuan serve`: a scheduled nightly run through a real local Prefect server (bounded time)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import duckdb

from flows.ops_cli import server_env
from tests.e2e_support import write_sample_docx

REPO = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _api(url: str, body: dict | None = None) -> object:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"},
                                 method="GET" if body is None else "POST")
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.loads(resp.read() or b"null")


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


def test_server_env_keeps_state_under_data(tmp_path: Path):
    env = server_env(tmp_path / "data", "127.0.0.1", 4300, base={"PREFECT_API_URL": "http://elsewhere/api"})
    assert env["PREFECT_HOME"] == str((tmp_path / "data" / "prefect-server").resolve())
    assert env["PREFECT_SERVER_API_PORT"] == "4300" and "PREFECT_API_URL" not in env
    assert env["PREFECT_SERVER_ANALYTICS_ENABLED"] == "false"


def test_serve_runs_a_scheduled_flow_against_a_local_server(tmp_path: Path):
    port = _free_port()
    data = tmp_path / "data"
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    write_sample_docx(inbox / "示例县测试局2024年度部门决算.docx")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    server_log, serve_log = tmp_path / "server.log", tmp_path / "serve.log"
    server = subprocess.Popen(
        [sys.executable, "-m", "flows.cli", "server", "--data-dir", str(data), "--port", str(port)],
        cwd=REPO, env=env, stdout=server_log.open("w"), stderr=subprocess.STDOUT, start_new_session=True,
    )
    serve = None
    api = f"http://127.0.0.1:{port}/api"
    try:
        deadline = time.monotonic() + 150
        while True:
            assert server.poll() is None, server_log.read_text()
            try:
                _api(f"{api}/health")
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                assert time.monotonic() < deadline, server_log.read_text()
                time.sleep(0.5)
        assert (data / "prefect-server").is_dir()
        serve = subprocess.Popen(
            [sys.executable, "-m", "flows.cli", "serve", "--inbox", str(inbox), "--warehouse",
             str(data / "warehouse.duckdb"), "--interval", "10", "--port", str(port), "--workers", "0"],
            cwd=REPO, env={**env, "PREFECT_RUNNER_POLL_FREQUENCY": "2"}, stdout=serve_log.open("w"),
            stderr=subprocess.STDOUT, start_new_session=True,
        )
        deadline = time.monotonic() + 240
        completed: list = []
        while not completed:
            assert serve.poll() is None, serve_log.read_text()
            assert time.monotonic() < deadline, serve_log.read_text()
            time.sleep(2)
            finished = {"flow_runs": {"state": {"type": {"any_": ["COMPLETED", "FAILED"]}}}}
            runs = _api(f"{api}/flow_runs/filter", finished)
            completed = [r for r in runs if r["state_type"] == "COMPLETED"]
            failed = [r for r in runs if r["state_type"] == "FAILED"]
            assert not failed, serve_log.read_text()
    finally:
        if serve is not None:
            _stop(serve)
        _stop(server)
    assert completed[0]["deployment_id"] is not None  # a scheduled run of the served deployment
    with duckdb.connect(str(data / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from marts.dim_document").fetchall() == [(1,)]
        assert con.execute("select status from marts.pipeline_run").fetchall()[-1] == ("succeeded",)
