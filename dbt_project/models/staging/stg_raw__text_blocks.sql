{{ config(meta={'juesuan_scope': 'document'}) }}
with source as (
    select * from {{ source('raw', 'text_blocks') }}
),

renamed as (
    select
        document_id,
        block_index,
        page,
        kind,
        text
    from source
)

select * from renamed
