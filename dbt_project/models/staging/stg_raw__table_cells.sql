{{ config(meta={'juesuan_scope': 'document'}) }}
with source as (
    select * from {{ source('raw', 'table_cells') }}
),

renamed as (
    select
        document_id,
        cell_index,
        table_key,
        table_title,
        row_index,
        col_index,
        row_label,
        code,
        measure,
        measure_label,
        cast(value as decimal(18, 4)) as value,
        decimals,
        raw_text,
        page,
        locator,
        evidence,
        coalesce(parse_reliable, true) as parse_reliable
    from source
)

select * from renamed
