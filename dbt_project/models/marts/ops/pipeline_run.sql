-- One row per nightly run: what it saw, what it did, how long each stage took, what the checks found.
-- A view over the run log table, so the run that published this warehouse is in it too.
{{ config(materialized='view') }}

with runs as (
    select * from {{ ref('stg_ops__pipeline_runs') }}
)

select
    cast(run_id as varchar) as run_id,
    cast(started_at as timestamp with time zone) as started_at,
    cast(ended_at as timestamp with time zone) as ended_at,
    cast(status as varchar) as status,
    cast(reason as varchar) as status_reason,
    cast(executor as varchar) as executor,
    cast(files_seen as integer) as files_seen,
    cast(files_parsed as integer) as files_parsed,
    cast(files_skipped as integer) as files_skipped,
    cast(files_cached as integer) as files_cached,
    cast(files_quarantined as integer) as files_quarantined,
    cast(files_withdrawn as integer) as files_withdrawn,
    cast(documents_added as integer) as documents_added,
    cast(documents_superseded as integer) as documents_superseded,
    cast(findings_error as integer) as findings_error,
    cast(findings_warning as integer) as findings_warning,
    cast(findings_info as integer) as findings_info,
    cast(findings_total as integer) as findings_total,
    cast(parse_seconds as double) as parse_seconds,
    cast(load_seconds as double) as load_seconds,
    cast(dbt_seconds as double) as dbt_seconds,
    cast(publish_seconds as double) as publish_seconds,
    cast(date_diff('millisecond', started_at, ended_at) / 1000.0 as double) as duration_seconds,
    cast(dbt_built as boolean) as dbt_built
from runs
