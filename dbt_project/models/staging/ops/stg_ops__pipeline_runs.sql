-- A view: rows written after dbt ran (the current run's own row) are visible at once.
{{ config(materialized='view') }}

with source as (
    select * from {{ source('raw_ops', 'pipeline_runs') }}
),

renamed as (
    select
        run_id,
        started_at,
        ended_at,
        status,
        reason,
        inbox,
        executor,
        coalesce(files_seen, 0) as files_seen,
        coalesce(files_parsed, 0) as files_parsed,
        coalesce(files_skipped, 0) as files_skipped,
        coalesce(files_cached, 0) as files_cached,
        coalesce(files_quarantined, 0) as files_quarantined,
        coalesce(files_withdrawn, 0) as files_withdrawn,
        coalesce(documents_added, 0) as documents_added,
        coalesce(documents_superseded, 0) as documents_superseded,
        findings_error,
        findings_warning,
        findings_info,
        findings_total,
        coalesce(parse_seconds, 0) as parse_seconds,
        coalesce(load_seconds, 0) as load_seconds,
        coalesce(dbt_seconds, 0) as dbt_seconds,
        coalesce(publish_seconds, 0) as publish_seconds,
        coalesce(dbt_built, false) as dbt_built,
        parser_fingerprint,
        dbt_fingerprint
    from source
)

select * from renamed
