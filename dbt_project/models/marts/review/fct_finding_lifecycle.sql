-- One row per finding ever seen in a document lineage (department + fiscal year + kind) that is still loaded:
-- the current findings with their review state, and the findings an earlier run saw that the current revision
-- no longer has (lifecycle 'fixed').
with current_findings as (
    select * from {{ ref('fct_check_result') }}
),

sightings as (
    select * from {{ ref('stg_bureau__finding_sightings') }}
),

decisions as (
    select * from {{ ref('int_review_decisions_latest') }}
),

registry as (
    select * from {{ ref('check_registry') }}
),

documents as (
    select * from {{ ref('int_documents_identified') }}
),

inputs as (
    select * from {{ ref('stg_bureau__inputs') }}
),

lineages as (
    select department_name, fiscal_year, doc_type, string_agg(document_id, ',' order by document_id) as document_ids
    from documents
    where is_current
    group by all
),

fixed as (
    select
        sightings.finding_id,
        sightings.check_id,
        registry.title_zh,
        coalesce(sightings.severity, registry.severity) as severity,
        sightings.department_name,
        sightings.fiscal_year,
        sightings.doc_type,
        'fixed' as lifecycle,
        'fixed' as status,
        sightings.message,
        sightings.locator,
        cast(null as integer) as page,
        sightings.evidence_hash,
        sightings.first_seen_run_id,
        sightings.last_seen_run_id,
        sightings.last_document_id,
        lineages.document_ids as current_document_ids,
        decisions.decision_reason as disposition_reason,
        decisions.decided_by as disposition_by,
        decisions.decided_at as disposition_at,
        decisions.response,
        coalesce(decisions.event_count, 0) as decision_count
    from sightings
    inner join lineages
        on sightings.department_name = lineages.department_name
        and sightings.fiscal_year is not distinct from lineages.fiscal_year
        and sightings.doc_type is not distinct from lineages.doc_type
    left join registry on sightings.check_id = registry.check_id
    left join decisions on sightings.finding_id = decisions.finding_id
    where sightings.finding_id not in (select finding_id from current_findings)
        and sightings.last_seen_run_id is distinct from (select any_value(run_id) from inputs)
),

current_rows as (
    select
        finding_id,
        check_id,
        title_zh,
        severity,
        department_name,
        fiscal_year,
        doc_type,
        lifecycle,
        status,
        message,
        locator,
        page,
        evidence_hash,
        first_seen_run_id,
        last_seen_run_id,
        document_id as last_document_id,
        document_id as current_document_ids,
        disposition_reason,
        disposition_by,
        disposition_at,
        response,
        decision_count
    from current_findings
),

final as (
    select * from current_rows
    union all
    select * from fixed
)

select
    cast(finding_id as varchar) as finding_id,
    cast(check_id as varchar) as check_id,
    cast(title_zh as varchar) as title_zh,
    cast(severity as varchar) as severity,
    cast(department_name as varchar) as department_name,
    cast(fiscal_year as integer) as fiscal_year,
    cast(doc_type as varchar) as doc_type,
    cast(lifecycle as varchar) as lifecycle,
    cast(status as varchar) as status,
    cast(message as varchar) as message,
    cast(locator as varchar) as locator,
    cast(page as integer) as page,
    cast(evidence_hash as varchar) as evidence_hash,
    cast(first_seen_run_id as varchar) as first_seen_run_id,
    cast(last_seen_run_id as varchar) as last_seen_run_id,
    cast(last_document_id as varchar) as last_document_id,
    cast(current_document_ids as varchar) as current_document_ids,
    cast(disposition_reason as varchar) as disposition_reason,
    cast(disposition_by as varchar) as disposition_by,
    cast(disposition_at as timestamptz) as disposition_at,
    cast(response as varchar) as response,
    cast(decision_count as integer) as decision_count
from final
