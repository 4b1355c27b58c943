-- Per finding, the reviewers' latest word: the state after the last event, the last decision (accept / reject /
-- reopen: its reason, who, when, the evidence hash it was made on), the last 整改情况 and the number of events.
with decisions as (
    select * from {{ ref('stg_bureau__review_decisions') }}
),

ranked as (
    select
        finding_id,
        arg_max(state_after, event_id) as state_after,
        arg_max(evidence_hash, event_id) filter (where action <> 'comment') as decision_evidence_hash,
        arg_max(action, event_id) filter (where action <> 'comment') as decision_action,
        arg_max(reason, event_id) filter (where action <> 'comment') as decision_reason,
        arg_max(decided_by, event_id) filter (where action <> 'comment') as decided_by,
        max(decided_at) filter (where action <> 'comment') as decided_at,
        arg_max(response, event_id) filter (where response is not null) as response,
        count(*) as event_count,
        max(event_id) as last_event_id
    from decisions
    group by finding_id
)

select * from ranked
