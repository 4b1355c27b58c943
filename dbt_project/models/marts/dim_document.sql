-- Every file the bureau received: parsed documents and quarantined files alike.
with documents as (
    select * from {{ ref('int_documents_identified') }}
),

quarantine as (
    select * from {{ ref('stg_raw__quarantine') }}
),

loaded as (
    select
        document_id,
        department_name,
        fiscal_year,
        doc_type,
        doc_level,
        unit_name,
        identification_confidence,
        source_file,
        file_sha256,
        file_format,
        'loaded' as status,
        cast(null as varchar) as status_reason,
        page_count,
        ingested_at,
        logical_key,
        revision,
        is_current,
        revision_status,
        department_name_reported,
        peer_group,
        in_registry
    from documents
),

quarantined as (
    select
        quarantine.document_id,
        coalesce(quarantine.department_name, '未识别部门') as department_name,
        quarantine.fiscal_year,
        coalesce(quarantine.doc_type, 'unknown') as doc_type,
        'unknown' as doc_level,
        cast(null as varchar) as unit_name,
        cast(null as double) as identification_confidence,
        quarantine.source_file,
        quarantine.file_sha256,
        quarantine.file_format,
        'quarantined' as status,
        quarantine.reason_zh || ' / ' || quarantine.reason_en as status_reason,
        cast(null as integer) as page_count,
        quarantine.detected_at as ingested_at,
        quarantine.logical_key,
        cast(null as integer) as revision,
        false as is_current,
        'quarantined' as revision_status,
        quarantine.department_name as department_name_reported,
        cast(null as varchar) as peer_group,
        cast(null as boolean) as in_registry
    from quarantine
    where quarantine.document_id not in (select document_id from documents)
    qualify row_number() over (partition by quarantine.document_id order by quarantine.source_file) = 1
),

final as (
    select * from loaded
    union all
    select * from quarantined
)

select
    {{ document_casts() }},
    cast(doc_type as varchar) as doc_type,
    cast(doc_level as varchar) as doc_level,
    cast(unit_name as varchar) as unit_name,
    cast(identification_confidence as double) as identification_confidence,
    cast(source_file as varchar) as source_file,
    cast(file_sha256 as varchar) as file_sha256,
    cast(file_format as varchar) as file_format,
    cast(status as varchar) as status,
    cast(status_reason as varchar) as status_reason,
    cast(page_count as integer) as page_count,
    cast(ingested_at as timestamp with time zone) as ingested_at,
    cast(logical_key as varchar) as logical_key,
    cast(revision as integer) as revision,
    cast(is_current as boolean) as is_current,
    cast(revision_status as varchar) as revision_status,
    cast(department_name_reported as varchar) as department_name_reported,
    cast(peer_group as varchar) as peer_group,
    cast(in_registry as boolean) as in_registry
from final
