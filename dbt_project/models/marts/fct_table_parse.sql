{{ config(meta={'juesuan_scope': 'document'}) }}
-- One row per recognised table of a current document: how it was read and whether its own identities hold.
with parses as (
    select * from {{ ref('stg_raw__table_parses') }}
),

documents as (
    select * from {{ ref('int_documents_identified') }}
    where is_in_marts
),

final as (
    select
        parses.document_id,
        documents.department_name,
        documents.fiscal_year,
        documents.doc_type,
        parses.table_seq,
        parses.table_key,
        parses.table_title,
        parses.page,
        parses.layout,
        parses.template_family,
        parses.n_cells,
        parses.n_identities,
        parses.n_held,
        parses.n_failed,
        parses.confidence,
        parses.parse_reliable,
        parses.reason_zh,
        parses.failed_identities,
        parses.column_mapping,
        parses.remapped
    from parses
    inner join documents on parses.document_id = documents.document_id
)

select
    {{ document_casts() }},
    cast(doc_type as varchar) as doc_type,
    cast(table_seq as integer) as table_seq,
    cast(table_key as varchar) as table_key,
    cast(table_title as varchar) as table_title,
    cast(page as integer) as page,
    cast(layout as varchar) as layout,
    cast(template_family as varchar) as template_family,
    cast(n_cells as integer) as n_cells,
    cast(n_identities as integer) as n_identities,
    cast(n_held as integer) as n_held,
    cast(n_failed as integer) as n_failed,
    cast(confidence as double) as confidence,
    cast(parse_reliable as boolean) as parse_reliable,
    cast(reason_zh as varchar) as reason_zh,
    cast(failed_identities as varchar) as failed_identities,
    cast(column_mapping as varchar) as column_mapping,
    cast(remapped as boolean) as remapped
from final
