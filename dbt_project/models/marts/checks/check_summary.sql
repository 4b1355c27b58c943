-- Per check and document: how many times the rule was evaluated, passed, failed, could not be evaluated,
-- and how many of the failures a reviewer accepted.
with results as (
    select * from {{ ref('int_check_results') }}
),

findings as (
    select * from {{ ref('fct_check_result') }}
),

documents as (
    select * from {{ ref('int_check_documents') }}
),

accepted as (
    select check_id, document_id, count(*) as accepted
    from findings
    where status = 'accepted'
    group by all
),

counts as (
    select
        check_id,
        document_id,
        count(*) filter (where status in ('pass', 'fail')) as evaluated,
        count(*) filter (where status = 'pass') as passed,
        count(*) filter (where status = 'fail') as failed,
        count(*) filter (where status = 'not_evaluable') as not_evaluable
    from results
    group by all
),

final as (
    select
        counts.check_id,
        counts.document_id,
        documents.department_name,
        documents.fiscal_year,
        cast(counts.evaluated as bigint) as evaluated,
        cast(counts.passed as bigint) as passed,
        cast(counts.failed as bigint) as failed,
        cast(counts.not_evaluable as bigint) as not_evaluable,
        cast(coalesce(accepted.accepted, 0) as bigint) as accepted
    from counts
    inner join documents on counts.document_id = documents.document_id
    left join accepted on counts.check_id = accepted.check_id and counts.document_id = accepted.document_id
)

select * from final
