{{ config(meta={'juesuan_scope': 'document'}) }}
-- Every parsed document (all revisions) with its department resolved to the registry (name, then alias).
with documents as (
    select * from {{ ref('stg_raw__documents') }}
),

registry as (
    select * from {{ ref('int_department_registry_names') }}
),

matched as (
    select
        documents.document_id,
        registry.department_name as registry_name,
        registry.peer_group,
        registry.match_kind
    from documents
    inner join registry on documents.department_name = registry.name_variant
    qualify row_number() over (
        partition by documents.document_id
        order by case registry.match_kind when 'name' then 0 else 1 end, registry.department_name
    ) = 1
),

final as (
    select
        documents.document_id,
        documents.logical_key,
        documents.revision,
        documents.is_current,
        documents.revision_status,
        documents.department_name as department_name_reported,
        coalesce(matched.registry_name, documents.department_name) as department_name,
        coalesce(matched.peer_group, {{ infer_peer_group('documents.department_name') }}) as peer_group,
        matched.registry_name is not null as in_registry,
        documents.fiscal_year,
        documents.doc_type,
        documents.doc_level,
        documents.unit_name,
        documents.identification_confidence,
        documents.source_file,
        documents.file_sha256,
        documents.file_format,
        documents.page_count,
        documents.ingested_at,
        documents.is_current and documents.revision_status = 'current' as is_in_marts
    from documents
    left join matched on documents.document_id = matched.document_id
)

select * from final
