-- Current documents of the latest run, with the filing they belong to (department + year: a 情况说明
-- file and a 报表 file of the same department and year form one filing).
with source as (
    select * from {{ ref('stg_raw__documents') }}
),

latest_run as (
    select run_id from source order by ingested_at desc limit 1
),

renamed as (
    select
        document_id,
        department_name,
        fiscal_year,
        doc_type,
        source_file,
        page_count,
        -- a 预算 and a 决算 of the same department and year are two filings: one is never checked as the other
        department_name || '|' || coalesce(cast(fiscal_year as varchar), '?') || '|' || doc_type as filing_key,
        (select run_id from latest_run) as run_id
    from source
    where is_current
)

select * from renamed
