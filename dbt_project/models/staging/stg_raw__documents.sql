{{ config(meta={'juesuan_scope': 'document'}) }}
with source as (
    select * from {{ source('raw', 'documents') }}
),

renamed as (
    select
        document_id,
        logical_key,
        revision,
        is_current,
        status as revision_status,
        department_name,
        fiscal_year,
        doc_type,
        coalesce(doc_level, 'unknown') as doc_level,
        nullif(trim(unit_name), '') as unit_name,
        identification_confidence,
        source_file,
        file_sha256,
        file_size,
        file_format,
        page_count,
        encoding,
        department_source,
        year_source,
        parser_version,
        ingested_at,
        run_id
    from source
)

select * from renamed
