{{ config(meta={'juesuan_scope': 'document'}) }}
-- Facts joined to the identity of their document (all revisions) and to the metric catalogue's label.
with facts as (
    select * from {{ ref('stg_raw__metric_facts') }}
),

documents as (
    select * from {{ ref('int_documents_identified') }}
),

catalog as (
    select * from {{ ref('metric_catalog') }}
),

final as (
    select
        facts.document_id,
        documents.logical_key,
        documents.revision,
        documents.is_current,
        documents.revision_status,
        documents.is_in_marts,
        documents.doc_type,
        documents.department_name,
        documents.fiscal_year,
        facts.fact_index,
        facts.metric,
        catalog.label_zh as metric_label,
        catalog.category as metric_category,
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
