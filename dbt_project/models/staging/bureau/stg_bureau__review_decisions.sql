with source as (
    select * from {{ source('raw_bureau', 'review_decisions') }}
),

renamed as (
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
        cast(source as varchar) as decision_source,
        cast(check_id as varchar) as check_id,
        cast(department_name as varchar) as department_name,
        cast(fiscal_year as integer) as fiscal_year,
        cast(message as varchar) as message
    from source
)

select * from renamed
