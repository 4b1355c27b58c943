"""Operations commands: `juesuan server`, `juesuan serve`, `juesuan runs`, `juesuan history`.

`server` runs a real Prefect server on 127.0.0.1 with its state (SQLite) under data/;
`serve` registers the nightly deployment against it and runs its scheduled flow runs
(Prefect's ``flow.serve``). `juesuan run` needs neither.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from flows.options import DEFAULT_INBOX, DEFAULT_WAREHOUSE, RunOptions, add_run_options, fail
from flows.settings import QUIET_PREFECT_ENV, configure_environment

DEFAULT_DATA = Path("data")
DEFAULT_PORT = 4200


def server_env(data_dir: Path, host: str, port: int, base: dict[str, str] | None = None) -> dict[str, str]:
    """Environment of a Prefect server whose whole state lives in ``data_dir/prefect-server`` (pure)."""
    env = dict(os.environ if base is None else base)
    for key, value in QUIET_PREFECT_ENV.items():
        env.setdefault(key, value)
    env["PREFECT_HOME"] = str((data_dir / "prefect-server").resolve())
    env["PREFECT_SERVER_API_HOST"] = host
    env["PREFECT_SERVER_API_PORT"] = str(port)
    env.pop("PREFECT_API_URL", None)  # the server must not talk to another server
    return env


def prefect_executable() -> str:
    candidate = Path(sys.executable).with_name("prefect")
    return str(candidate) if candidate.exists() else "prefect"


def cmd_server(args: argparse.Namespace) -> int:
    data: Path = args.data_dir
    (data / "prefect-server").mkdir(parents=True, exist_ok=True)
    env = server_env(data, args.host, args.port)
    print(f"Prefect 服务器 server on http://{args.host}:{args.port} (state: {env['PREFECT_HOME']})", flush=True)
    exe = prefect_executable()
    argv = [exe, "server", "start", "--host", args.host, "--port", str(args.port), "--no-services"] \
        if args.no_services else [exe, "server", "start", "--host", args.host, "--port", str(args.port)]
    os.execve(exe, argv, env)  # signals (systemd stop, Ctrl-C) go straight to the server
    return 0  # pragma: no cover


def cmd_serve(args: argparse.Namespace) -> int:
    warehouse: Path = args.warehouse
    inbox: Path = args.inbox
    if not inbox.is_dir():
        return fail(f"收件箱不存在 inbox not found: {inbox}")
    os.environ["PREFECT_API_URL"] = args.api_url or f"http://127.0.0.1:{args.port}/api"
    configure_environment(warehouse.parent)
    from prefect.deployments.runner import EntrypointType

    from flows.nightly import nightly

    parameters = {"inbox": str(inbox.resolve()), "warehouse": str(warehouse.resolve()),
                  "options": RunOptions.from_args(args).to_parameters()}
    schedule = f"every {args.interval:g} s" if args.interval else f"cron '{args.cron}'"
    api = os.environ["PREFECT_API_URL"]
    print(f"夜间部署 serving deployment juesuan-nightly/{args.name} ({schedule}) against {api}", flush=True)
    nightly.serve(
        name=args.name,
        cron=None if args.interval else args.cron,
        interval=args.interval or None,
        parameters=parameters,
        print_starting_message=False,
        entrypoint_type=EntrypointType.MODULE_PATH,
        limit=1,
    )
    return 0


def cmd_runs(args: argparse.Namespace) -> int:
    from warehouse.publish import DataLayout, WarehouseBusy, read_published
    from warehouse.runs import published_run_ids, read_records

    published: set[str] = set()
    if args.warehouse.exists():
        try:
            with read_published(args.warehouse, wait_seconds=2.0) as con:
                published = published_run_ids(con)
        except WarehouseBusy as exc:
            print(f"注意 note: {exc}", file=sys.stderr)
    records = read_records(DataLayout(args.warehouse).runs_log, published=published)[-args.last:]
    if not records:
        print("尚无运行记录 no runs yet")
    for r in records:
        took = f"{(r.ended_at - r.started_at).total_seconds():.1f} s" if r.ended_at else "-"
        line = (f"{r.started_at:%Y-%m-%d %H:%M:%S} {r.run_id} {r.status:<9} {took:>8}  seen {r.files_seen} "
                f"parsed {r.files_parsed} skipped {r.files_skipped} quarantined {r.files_quarantined} "
                f"withdrawn {r.files_withdrawn}")
        print(line + (f"  — {r.reason}" if r.reason else ""))
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    from warehouse.publish import DataLayout, history, restore

    layout = DataLayout(args.warehouse)
    entries = history(layout)
    if args.restore:
        match = [e for e in entries if e.name == args.restore or str(e) == args.restore]
        if not match:
            return fail(f"该数据仓库没有这个历史版本 no history entry {args.restore} of {layout.warehouse} "
                        f"(see `juesuan history --warehouse {layout.warehouse}`)")
        from warehouse.publish import RunLocked, run_lock

        try:
            with run_lock(layout):
                restore(layout, match[0])
        except RunLocked as exc:
            return fail(str(exc))
        print(f"已恢复 restored {match[0].name} as {layout.warehouse}")
        return 0
    for e in entries:
        print(f"{e.name}  {e.stat().st_size / 1e6:.1f} MB")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    server = sub.add_parser("server", help="start a local Prefect server (state under data/prefect-server)")
    server.add_argument("--data-dir", type=Path, default=DEFAULT_DATA)
    server.add_argument("--host", default="127.0.0.1")
    server.add_argument("--port", type=int, default=DEFAULT_PORT)
    server.add_argument("--no-services", action="store_true", help=argparse.SUPPRESS)
    server.set_defaults(func=cmd_server)

    serve = sub.add_parser("serve", help="serve the nightly deployment against the Prefect server")
    serve.add_argument("--inbox", type=Path, default=DEFAULT_INBOX)
    serve.add_argument("--warehouse", type=Path, default=DEFAULT_WAREHOUSE)
    serve.add_argument("--cron", default="0 2 * * *", help="schedule (default: 02:00 every night)")
    serve.add_argument("--interval", type=float, default=None, help="seconds between runs (instead of --cron)")
    serve.add_argument("--name", default="nightly")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT)
    serve.add_argument("--api-url", default=None, help="Prefect API (default http://127.0.0.1:<port>/api)")
    add_run_options(serve, one_off=False)
    serve.set_defaults(func=cmd_serve)

    runs = sub.add_parser("runs", help="the last runs: status, counts, reason of failures")
    runs.add_argument("--warehouse", type=Path, default=DEFAULT_WAREHOUSE)
    runs.add_argument("--last", type=int, default=10)
    runs.set_defaults(func=cmd_runs)

    hist = sub.add_parser("history", help="previous warehouses kept in data/history/ (and --restore NAME)")
    hist.add_argument("--warehouse", type=Path, default=DEFAULT_WAREHOUSE)
    hist.add_argument("--restore", default=None)
    hist.set_defaults(func=cmd_history)
