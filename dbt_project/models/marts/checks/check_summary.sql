{{ config(meta={'juesuan_scope': 'document'}) }}
-- Per check and document: how many times the rule was evaluated, passed, failed, could not be evaluated,
-- and how many of the failures a reviewer accepted or rejected (as of the review store copied in by the run).
with results as (
    select * from {{ ref('int_check_results') }}
),

findings as (
    select * from {{ ref('fct_check_result') }}
),

documents as (
    select * from {{ ref('int_check_documents') }}
),

decided as (
    select
        check_id,
        document_id,
        sum(occurrences) filter (where status = 'accepted') as accepted,
        sum(occurrences) filter (where status = 'rejected') as rejected
    from findings
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
        cast(coalesce(decided.accepted, 0) as bigint) as accepted,
        cast(coalesce(decided.rejected, 0) as bigint) as rejected
    from counts
    inner join documents on counts.document_id = documents.document_id
    left join decided on counts.check_id = decided.check_id and counts.document_id = decided.document_id
)

select * from final
