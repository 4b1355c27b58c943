"""The findings a reviewer works on: the published warehouse's findings with the review store's latest word.

Decisions recorded since the warehouse was built (pending until the next run rebuilds the marts) already count
here, so ``juesuan review list`` and a fresh 审核意见表 show what reviewers decided a minute ago.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from warehouse.review.states import (
    ACTION_STATE,
    CLOSED,
    COMMENT,
    FIXED,
    TransitionError,
    effective_state,
    next_state,
)
from warehouse.review.store import Decision, ReviewStore
from warehouse.sql import list_marts, one_row, read_only

FINDING_COLUMNS = (
    "finding_id", "check_id", "title_zh", "severity", "status", "lifecycle", "department_name", "fiscal_year",
    "doc_type", "document_id", "message", "expected", "actual", "difference", "evidence", "page", "locator",
    "occurrences", "evidence_hash", "first_seen_run_id", "last_seen_run_id", "disposition_reason",
    "disposition_by", "disposition_at", "response",
)


@dataclass(frozen=True, slots=True)
class ReviewFinding:
    finding_id: str
    check_id: str
    title_zh: str | None
    severity: str
    status: str  # fail | not_evaluable | accepted | rejected | fixed
    lifecycle: str
    department_name: str
    fiscal_year: int | None
    doc_type: str | None
    document_id: str | None
    message: str
    expected: Decimal | None
    actual: Decimal | None
    difference: Decimal | None
    evidence: str | None
    page: int | None
    locator: str | None
    occurrences: int
    evidence_hash: str | None
    first_seen_run_id: str | None
    last_seen_run_id: str | None
    reason: str | None
    decided_by: str | None
    decided_at: datetime | None
    response: str | None
    last_event_id: int = 0  # the store's last event on it when read (0: none)
    pending: bool = False  # the store holds a decision the published warehouse does not show yet

    @property
    def raw_status(self) -> str:
        return "fail" if self.status in CLOSED else self.status


class ReviewUnavailable(RuntimeError):
    """The warehouse has no findings with ids (built before the review loop, or no check marts)."""


def load_findings(warehouse: Path, include_fixed: bool = False) -> list[ReviewFinding]:
    """Every current finding (and, with ``include_fixed``, the fixed ones) with the store's latest decision."""
    with read_only(warehouse) as con:
        marts = list_marts(con)
        cols = {r[0] for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = 'marts' "
            "AND table_name = 'fct_check_result'").fetchall()}
        if "finding_id" not in cols:
            raise ReviewUnavailable(
                "数据仓库中没有带编号的审核发现，请先运行 juesuan run "
                "the warehouse has no finding ids: run `juesuan run`")
        rows = con.execute(f"SELECT {', '.join(FINDING_COLUMNS)} FROM marts.fct_check_result "
                           "ORDER BY department_name, fiscal_year, page NULLS LAST, locator, finding_id").fetchall()
        fixed = []
        if include_fixed and "fct_finding_lifecycle" in marts:
            fixed = con.execute("""
                SELECT finding_id, check_id, title_zh, severity, status, lifecycle, department_name, fiscal_year,
                       doc_type, last_document_id, message, NULL, NULL, NULL, NULL, page, locator, 1, evidence_hash,
                       first_seen_run_id, last_seen_run_id, disposition_reason, disposition_by, disposition_at,
                       response
                FROM marts.fct_finding_lifecycle WHERE lifecycle = 'fixed'
                ORDER BY department_name, fiscal_year, locator, finding_id""").fetchall()
        built_upto = 0
        if "fct_review_decision" in marts:
            built_upto = one_row(con, "SELECT coalesce(max(event_id), 0) FROM marts.fct_review_decision")[0]
    decisions = ReviewStore.of(warehouse).decisions()
    return overlay([ReviewFinding(*r) for r in rows + fixed], decisions, int(built_upto))


def overlay(findings: Sequence[ReviewFinding], decisions: Sequence[Decision], built_upto: int) -> list[ReviewFinding]:
    """Apply the store's events after ``built_upto`` (the last event the warehouse was built with) — pure."""
    last: dict[str, Decision] = {}
    last_decision: dict[str, Decision] = {}
    for d in decisions:
        last[d.finding_id] = d
        if d.action != COMMENT:
            last_decision[d.finding_id] = d
    out = []
    for f in findings:
        event = last.get(f.finding_id)
        f = replace(f, last_event_id=event.event_id if event else 0)
        if event is None or event.event_id <= built_upto or f.lifecycle == FIXED:
            out.append(f)
            continue
        decided = last_decision.get(f.finding_id)
        state = effective_state(f.evidence_hash, event.state_after, decided.evidence_hash if decided else None)
        status = state if state in CLOSED else f.raw_status
        out.append(replace(
            f, lifecycle=state, status=status, pending=True,
            reason=decided.reason if decided else f.reason, decided_by=decided.decided_by if decided else f.decided_by,
            decided_at=decided.decided_at if decided else f.decided_at,
            response=event.response if event.response is not None else f.response,
        ))
    return out


def decide(
    finding: ReviewFinding, action: str, by: str, reason: str | None, source: str, response: str | None = None,
) -> Decision:
    """The event that records ``action`` on ``finding`` (event id and time assigned by the store); raises
    TransitionError for an action the state does not allow or a decision without a reason or a reviewer."""
    if not by.strip():
        raise TransitionError("缺少处理人 missing reviewer (--by)")
    if action in ACTION_STATE and not (reason or "").strip():
        raise TransitionError("缺少处理意见 missing reason (--reason)")
    after = next_state(finding.lifecycle, action)
    return Decision(
        event_id=0, finding_id=finding.finding_id, action=action, state_before=finding.lifecycle, state_after=after,
        evidence_hash=finding.evidence_hash, reason=(reason or "").strip() or None,
        response=(response or "").strip() or None, decided_by=by.strip(), decided_at=datetime.min, source=source,
        check_id=finding.check_id, department_name=finding.department_name, fiscal_year=finding.fiscal_year,
        message=finding.message,
    )
