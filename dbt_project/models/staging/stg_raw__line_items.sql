{{ config(meta={'juesuan_scope': 'document'}) }}
with source as (
    select * from {{ source('raw', 'line_items') }}
),

renamed as (
    select
        document_id,
        line_index,
        classification,
        code,
        level,
        name_reported,
        measure,
        cast(value as decimal(18, 4)) as value,
        decimals,
        raw_text,
        source_kind,
        page,
        locator,
        evidence
    from source
)

select * from renamed
