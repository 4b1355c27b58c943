{{ config(meta={'juesuan_scope': 'document'}) }}
with source as (
    select * from {{ source('raw', 'table_parses') }}
),

renamed as (
    select
        document_id,
        table_seq,
        table_key,
        title as table_title,
        page,
        layout,
        template_family,
        n_cells,
        n_identities,
        n_held,
        n_identities - n_held as n_failed,
        confidence,
        parse_reliable,
        reason_zh,
        failed_identities,
        column_mapping,
        remapped
    from source
)

select * from renamed
