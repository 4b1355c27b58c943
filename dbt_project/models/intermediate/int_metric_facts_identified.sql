-- Facts joined to the identity of their document and to the metric catalogue's unit.
with facts as (
    select * from {{ ref('stg_raw__metric_facts') }}
),

documents as (
    select * from {{ ref('stg_raw__documents') }}
),

catalog as (
    select * from {{ ref('metric_catalog') }}
),

final as (
    select
        facts.document_id,
        documents.department_name,
        documents.fiscal_year,
        facts.fact_index,
        facts.metric,
        catalog.label_zh as metric_label,
        facts.basis,
        facts.value,
        facts.decimals,
        facts.raw_text,
        facts.unit,
        facts.source_kind,
        facts.page,
        facts.locator,
        facts.evidence,
        facts.direction,
        facts.has_reason,
        facts.compared_year
    from facts
    inner join documents on facts.document_id = documents.document_id
    left join catalog on facts.metric = catalog.key
)

select * from final
