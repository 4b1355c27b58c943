"""``juesuan review``: decide on findings, round-trip 审核意见表 workbooks, read the audit trail.

Decisions go to the review store next to the warehouse (``<warehouse>.review.duckdb``), never into the code
folder; the next ``juesuan run`` builds them into the marts (``juesuan review list`` shows them at once).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from flows.options import DEFAULT_WAREHOUSE
from flows.options import fail as _fail

APPLY_NOTE = "将在下次运行 juesuan run 时写入数据仓库 (the next `juesuan run` builds them into the marts)"


def _errors() -> tuple[type[BaseException], ...]:
    from warehouse.review.findings import ReviewUnavailable
    from warehouse.review.states import TransitionError
    from warehouse.review.store import ConcurrentChange, StoreBusy
    from warehouse.sql import WarehouseUnavailable

    return (WarehouseUnavailable, ReviewUnavailable, TransitionError, ConcurrentChange, StoreBusy)


def cmd_list(args: argparse.Namespace) -> int:
    from warehouse.review.findings import load_findings
    from warehouse.review.states import STATE_LABEL
    from warehouse.sql import QueryResult, format_csv, format_json, format_table

    try:
        findings = load_findings(args.warehouse, include_fixed=args.status in ("fixed", "all"))
    except _errors() as exc:
        return _fail(str(exc))
    rows = []
    for f in findings:
        if (args.department and f.department_name != args.department) or (args.year and f.fiscal_year != args.year):
            continue
        if args.status == "todo" and (f.lifecycle not in ("open", "reopened") or f.status == "not_evaluable"):
            continue
        if args.status not in ("todo", "all") and f.lifecycle != args.status:
            continue
        state = STATE_LABEL.get(f.lifecycle, f.lifecycle) + ("（待生效）" if f.pending else "")
        rows.append((f.finding_id, state, f.severity, f.department_name, f.fiscal_year, f.title_zh or f.check_id,
                     f.page, f.message, f.reason))
    result = QueryResult(("编号 id", "状态 state", "级别 severity", "部门 department", "年度 year", "检查 check",
                          "页码 page", "说明 message", "处理意见 reason"),
                         ("VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR", "INTEGER", "VARCHAR", "INTEGER", "VARCHAR",
                          "VARCHAR"), rows)
    if args.format == "csv":
        sys.stdout.write(format_csv(result))
    elif args.format == "json":
        sys.stdout.write(format_json(result))
    else:
        print(format_table(result, max_rows=args.max_rows))
    return 0


def cmd_decide(args: argparse.Namespace) -> int:
    from warehouse.review.findings import decide, load_findings
    from warehouse.review.states import STATE_LABEL
    from warehouse.review.store import ReviewStore

    try:
        findings = {f.finding_id: f for f in load_findings(args.warehouse, include_fixed=True)}
        unknown = [i for i in args.finding if i not in findings]
        if unknown:
            return _fail(f"未知的问题编号 unknown finding id(s): {', '.join(unknown)}（juesuan review list 查看 "
                         "see `juesuan review list`）")
        events = [decide(findings[i], args.action, args.by, args.reason, "cli") for i in args.finding]
        recorded = ReviewStore.of(args.warehouse).record(
            events, seen={i: findings[i].last_event_id for i in args.finding})
    except _errors() as exc:
        return _fail(str(exc))
    for d in recorded:
        print(f"已记录 recorded: {d.finding_id} {STATE_LABEL[d.state_before]} → {STATE_LABEL[d.state_after]} "
              f"({d.decided_by}, {d.decided_at:%Y-%m-%d %H:%M})")
    print(APPLY_NOTE)
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    from warehouse.review.states import ACTION_LABEL, STATE_LABEL
    from warehouse.review.store import ReviewStore
    from warehouse.sql import QueryResult, format_table

    events = [d for d in ReviewStore.of(args.warehouse).decisions() if not args.finding or d.finding_id in args.finding]
    rows = [(d.event_id, d.finding_id, f"{d.decided_at:%Y-%m-%d %H:%M}", d.decided_by, ACTION_LABEL[d.action],
             f"{STATE_LABEL.get(d.state_before, d.state_before)} → {STATE_LABEL.get(d.state_after, d.state_after)}",
             d.reason, d.response, d.source) for d in events]
    print(format_table(QueryResult(
        ("序号 event", "编号 id", "时间 at", "处理人 by", "操作 action", "状态 state", "处理意见 reason",
         "整改情况 response", "来源 source"), ("BIGINT",) + ("VARCHAR",) * 8, rows)))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from warehouse.review.workbook import export_workbooks

    try:
        written = export_workbooks(args.warehouse, args.out, department=args.department, year=args.year)
    except _errors() as exc:
        return _fail(str(exc))
    if not written.departments:
        return _fail("没有可导出的审核发现 no findings to export" + (f": {args.department}" if args.department else ""))
    print(f"审核意见表已导出 review workbooks written to {args.out.resolve()}")
    county = written.county.name if written.county else "—"
    print(f"  部门 departments: {len(written.departments)}; 全县汇总 county workbook: {county}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from warehouse.review.workbook import import_workbook

    try:
        outcome = import_workbook(args.warehouse, args.file, by=args.by)
    except _errors() as exc:
        return _fail(str(exc))
    if outcome.errors:
        print(f"juesuan: 审核意见表有 {len(outcome.errors)} 处错误，未记录任何决定 "
              f"{len(outcome.errors)} error(s) in the workbook, nothing recorded:", file=sys.stderr)
        for e in outcome.errors:
            print(f"  {e}", file=sys.stderr)
        return 2
    print(f"已导入 imported {args.file.name}: {len(outcome.recorded)} 条决定 decision(s), "
          f"{outcome.unchanged} 行未变化 row(s) unchanged")
    if outcome.recorded:
        print(APPLY_NOTE)
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from warehouse.review.store import ReviewStore

    try:
        decisions, sightings = ReviewStore.of(args.warehouse).restore_from(args.source)
    except _errors() as exc:
        return _fail(str(exc))
    print(f"审核记录库已从 {args.source} 恢复 review store restored: {decisions} decision(s), {sightings} sighting(s)")
    return 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``review`` (list, accept, reject, reopen, history, export, import, restore) to ``juesuan``."""
    review = sub.add_parser("review", help="review findings: decisions, 审核意见表 workbooks, audit trail")
    rsub = review.add_subparsers(dest="review_command", required=True)

    def common(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument("--warehouse", type=Path, default=DEFAULT_WAREHOUSE)
        return p

    lst = common(rsub.add_parser("list", help="findings with their review state"))
    lst.add_argument("--department", default=None)
    lst.add_argument("--year", type=int, default=None)
    lst.add_argument("--status", default="todo",
                     choices=("todo", "open", "accepted", "rejected", "reopened", "fixed", "all"),
                     help="todo (default: open and reopened failures) or one lifecycle state, or all")
    lst.add_argument("--format", choices=("table", "csv", "json"), default="table")
    lst.add_argument("--max-rows", type=int, default=500)
    lst.set_defaults(func=cmd_list)

    for action, text in (("accept", "认可 accept: explained or immaterial, nothing to correct"),
                         ("reject", "不成立 reject: a false alarm of the check"),
                         ("reopen", "重新打开 reopen an accepted or rejected finding")):
        p = common(rsub.add_parser(action, help=text))
        p.add_argument("finding", nargs="+", help="finding id(s), e.g. F3a9c0e12bd (juesuan review list)")
        p.add_argument("--reason", required=True, help="处理意见 (Chinese)")
        p.add_argument("--by", required=True, help="reviewer's name")
        p.set_defaults(func=cmd_decide, action=action)

    hist = common(rsub.add_parser("history", help="the audit trail (every decision), or of some findings"))
    hist.add_argument("finding", nargs="*")
    hist.set_defaults(func=cmd_history)

    exp = common(rsub.add_parser("export", help="one 审核意见表 per department and a county workbook"))
    exp.add_argument("--out", type=Path, required=True)
    exp.add_argument("--department", default=None)
    exp.add_argument("--year", type=int, default=None, help="fiscal year (default: each department's latest)")
    exp.set_defaults(func=cmd_export)

    imp = common(rsub.add_parser("import", help="record the decisions of a returned 审核意见表 (all or nothing)"))
    imp.add_argument("file", type=Path)
    imp.add_argument("--by", default=None, help="reviewer for rows without 处理人")
    imp.set_defaults(func=cmd_import)

    res = common(rsub.add_parser("restore", help="rebuild a lost review store from a warehouse or history entry"))
    res.add_argument("--from", dest="source", type=Path, required=True)
    res.set_defaults(func=cmd_restore)
