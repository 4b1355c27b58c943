{{ config(meta={'juesuan_scope': 'document'}) }}
with source as (
    select * from {{ source('raw', 'metric_facts') }}
),

renamed as (
    select
        document_id,
        fact_index,
        metric,
        basis,
        cast(value as decimal(18, 4)) as value,
        decimals,
        raw_text,
        unit,
        source_kind,
        page,
        locator,
        evidence,
        direction,
        has_reason,
        compared_year
    from source
)

select * from renamed
