-- The audit trail of the review: every decision and 整改情况 recorded in the review store, oldest first, with the
-- rule's Chinese title.
with decisions as (
    select * from {{ ref('stg_bureau__review_decisions') }}
),

registry as (
    select * from {{ ref('check_registry') }}
),

final as (
    select
        decisions.event_id,
        decisions.finding_id,
        decisions.action,
        decisions.state_before,
        decisions.state_after,
        decisions.evidence_hash,
        decisions.reason,
        decisions.response,
        decisions.decided_by,
        decisions.decided_at,
        decisions.decision_source,
        decisions.check_id,
        registry.title_zh,
        decisions.department_name,
        decisions.fiscal_year,
        decisions.message
    from decisions
    left join registry on decisions.check_id = registry.check_id
)

select
    cast(event_id as bigint) as event_id,
    cast(finding_id as varchar) as finding_id,
    cast(action as varchar) as action,
    cast(state_before as varchar) as state_before,
    cast(state_after as varchar) as state_after,
    cast(evidence_hash as varchar) as evidence_hash,
    cast(reason as varchar) as reason,
    cast(response as varchar) as response,
    cast(decided_by as varchar) as decided_by,
    cast(decided_at as timestamptz) as decided_at,
    cast(decision_source as varchar) as decision_source,
    cast(check_id as varchar) as check_id,
    cast(title_zh as varchar) as title_zh,
    cast(department_name as varchar) as department_name,
    cast(fiscal_year as integer) as fiscal_year,
    cast(message as varchar) as message
from final
