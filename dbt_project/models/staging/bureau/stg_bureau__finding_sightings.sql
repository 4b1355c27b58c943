with source as (
    select * from {{ source('raw_bureau', 'finding_sightings') }}
),

renamed as (
    select
        cast(finding_id as varchar) as finding_id,
        cast(check_id as varchar) as check_id,
        cast(department_name as varchar) as department_name,
        cast(fiscal_year as integer) as fiscal_year,
        cast(doc_type as varchar) as doc_type,
        cast(locator as varchar) as locator,
        cast(evidence_hash as varchar) as evidence_hash,
        cast(severity as varchar) as severity,
        cast(message as varchar) as message,
        cast(first_seen_run_id as varchar) as first_seen_run_id,
        cast(last_seen_run_id as varchar) as last_seen_run_id,
        cast(last_seen_at as timestamptz) as last_seen_at,
        cast(last_document_id as varchar) as last_document_id
    from source
)

select * from renamed
