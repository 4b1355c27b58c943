-- Current documents of the latest run, with the filing they belong to (department + year: a 情况说明
-- file and a 报表 file of the same department and year form one filing). Two conflicting versions
-- (int_document_conflicts) are never one filing: each is checked on its own, and document.conflict reports them.
with source as (
    select * from {{ ref('stg_raw__documents') }}
),

conflicts as (
    select * from {{ ref('int_document_conflicts') }}
),

latest_run as (
    select run_id from source order by ingested_at desc limit 1
),

renamed as (
    select
        source.document_id,
        source.department_name,
        source.fiscal_year,
        source.doc_type,
        source.source_file,
        source.page_count,
        -- a 预算 and a 决算 of the same department and year are two filings: one is never checked as the other
        source.department_name || '|' || coalesce(cast(source.fiscal_year as varchar), '?') || '|' || source.doc_type
            || coalesce('|' || conflicts.document_id, '') as filing_key,
        (select run_id from latest_run) as run_id
    from source
    left join conflicts on source.document_id = conflicts.document_id
    where source.is_current
)

select * from renamed
