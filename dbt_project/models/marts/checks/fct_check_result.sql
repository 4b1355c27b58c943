-- One row per finding: every failed or not evaluable check (passes are counted in check_summary),
-- with the reviewer's disposition when one applies to unchanged evidence (status 'accepted').
with results as (
    select * from {{ ref('int_check_results') }}
),

registry as (
    select * from {{ ref('check_registry') }}
),

documents as (
    select * from {{ ref('int_check_documents') }}
),

dispositions as (
    select * from {{ ref('check_dispositions') }}
),

findings as (
    select
        documents.run_id,
        results.check_id,
        registry.family,
        registry.severity,
        results.status as raw_status,
        documents.department_name,
        documents.fiscal_year,
        results.document_id,
        results.message,
        results.expected,
        results.actual,
        results.difference,
        results.evidence,
        results.page,
        results.locator,
        left(md5(coalesce(results.evidence, '')), 16) as evidence_hash
    from results
    inner join registry on results.check_id = registry.check_id
    inner join documents on results.document_id = documents.document_id
    where results.status <> 'pass'
),

with_disposition as (
    select
        findings.*,
        d.reason as disposition_reason,
        d.accepted_by as disposition_by,
        d.accepted_at as disposition_at
    from findings
    left join dispositions as d
        on d.check_id = findings.check_id
        and (d.document_id = findings.document_id
             or (coalesce(d.document_id, '') = '' and d.department_name = findings.department_name
                 and d.fiscal_year = findings.fiscal_year))
        and coalesce(d.locator, '') = coalesce(findings.locator, '')
        and d.evidence_hash = findings.evidence_hash
    qualify row_number() over (
        partition by findings.check_id, findings.document_id, findings.locator, findings.message
        order by d.accepted_at desc nulls last
    ) = 1
),

final as (
    select
        run_id,
        check_id,
        family,
        severity,
        case when disposition_reason is not null then 'accepted' else raw_status end as status,
        department_name,
        fiscal_year,
        document_id,
        message,
        cast(expected as decimal(38, 6)) as expected,
        cast(actual as decimal(38, 6)) as actual,
        cast(difference as decimal(38, 6)) as difference,
        evidence,
        page,
        locator,
        evidence_hash,
        disposition_reason,
        disposition_by,
        disposition_at
    from with_disposition
)

select * from final
