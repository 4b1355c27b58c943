with source as (
    select * from {{ source('raw', 'quarantine') }}
),

renamed as (
    select
        substr(file_sha256, 1, 16) as document_id,
        logical_key,
        source_file,
        file_sha256,
        file_format,
        department_name,
        fiscal_year,
        doc_type,
        reason_code,
        reason_zh,
        reason_en,
        detected_at,
        run_id
    from source
)

select * from renamed
