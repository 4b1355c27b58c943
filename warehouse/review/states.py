"""The lifecycle of a finding and the reviewer's actions: one vocabulary for the store, dbt, workbooks, reports.

A finding is ``open`` when first found; a reviewer ``accept``s it (认可: explained or immaterial, nothing to
correct) or ``reject``s it (不成立: the check is wrong here, a false alarm). Either decision is pinned to the
evidence hash it was made on: when a later run finds the same finding with other evidence, or a reviewer
``reopen``s it, it is ``reopened`` (to do again). A finding that a later revision of the document no longer has
is ``fixed`` (已整改). ``comment`` records the department's 整改情况 without changing the state.
"""

from __future__ import annotations

OPEN = "open"
ACCEPTED = "accepted"
REJECTED = "rejected"
REOPENED = "reopened"
FIXED = "fixed"

LIFECYCLE: tuple[str, ...] = (OPEN, ACCEPTED, REJECTED, REOPENED, FIXED)
CLOSED: frozenset[str] = frozenset({ACCEPTED, REJECTED})  # a reviewer's decision, nothing to do
TO_DO: frozenset[str] = frozenset({OPEN, REOPENED})

STATE_LABEL: dict[str, str] = {
    OPEN: "待处理", ACCEPTED: "已认可", REJECTED: "不成立", REOPENED: "重新打开", FIXED: "已整改",
}
# the statuses a reviewer may write into the 状态 column of a 审核意见表 (已整改 is the system's to set)
SETTABLE_LABELS: tuple[str, ...] = (STATE_LABEL[OPEN], STATE_LABEL[ACCEPTED], STATE_LABEL[REJECTED],
                                    STATE_LABEL[REOPENED])
LABEL_STATE: dict[str, str] = {label: state for state, label in STATE_LABEL.items()}

ACCEPT = "accept"
REJECT = "reject"
REOPEN = "reopen"
COMMENT = "comment"
ACTIONS: tuple[str, ...] = (ACCEPT, REJECT, REOPEN, COMMENT)
ACTION_LABEL: dict[str, str] = {ACCEPT: "认可", REJECT: "不成立", REOPEN: "重新打开", COMMENT: "整改情况"}
ACTION_STATE: dict[str, str] = {ACCEPT: ACCEPTED, REJECT: REJECTED, REOPEN: REOPENED}


class TransitionError(ValueError):
    """An action that the finding's current state does not allow (message in Chinese and English)."""


def next_state(current: str, action: str) -> str:
    """The state after ``action`` on a finding in state ``current`` (pure); raises TransitionError."""
    if action not in ACTIONS:
        raise TransitionError(f"未知操作 unknown action: {action}")
    if current == FIXED and action != COMMENT:
        raise TransitionError("该问题已在新修订版中消失（已整改），无需再处理 the finding is fixed (gone in a later "
                              "revision): nothing to decide")
    if action == COMMENT:
        return current
    if action == REOPEN and current not in CLOSED:
        raise TransitionError(f"只有已认可或不成立的问题可以重新打开，当前状态为{STATE_LABEL.get(current, current)} "
                              f"only an accepted or rejected finding can be reopened (state: {current})")
    return ACTION_STATE[action]


def action_for(current: str, wanted: str) -> str | None:
    """The action that takes a finding from ``current`` to the state ``wanted`` (a workbook's 状态), or None."""
    if wanted == current or (wanted == OPEN and current == REOPENED) or (wanted == REOPENED and current == OPEN):
        return None
    if wanted in (OPEN, REOPENED):
        return REOPEN
    if wanted == ACCEPTED:
        return ACCEPT
    if wanted == REJECTED:
        return REJECT
    raise TransitionError(f"状态不能设为{STATE_LABEL.get(wanted, wanted)} status cannot be set to {wanted}")


def effective_state(evidence_hash: str | None, last_state: str | None, decision_hash: str | None) -> str:
    """The lifecycle of a current finding given the store's last event on it — the rule of marts.fct_check_result
    (there for the published warehouse; here for decisions recorded since it was built)."""
    if last_state is None:
        return OPEN
    if last_state in CLOSED:
        return last_state if decision_hash == evidence_hash else REOPENED
    return REOPENED if last_state == REOPENED else OPEN
