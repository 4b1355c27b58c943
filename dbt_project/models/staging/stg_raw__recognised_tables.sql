{{ config(meta={'juesuan_scope': 'document'}) }}
with source as (
    select * from {{ source('raw', 'recognised_tables') }}
),

renamed as (
    select
        document_id,
        table_key,
        title as table_title,
        page,
        n_rows,
        unit,
        unit_stated
    from source
)

select * from renamed
