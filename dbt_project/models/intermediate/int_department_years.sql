{{ config(meta={'juesuan_scope': 'document'}) }}
-- One row per department and fiscal year with a current final-account disclosure (决算), over all its files
-- (a disclosure split into 情况说明 + 报表 files is one department-year).
with documents as (
    select * from {{ ref('int_documents_identified') }}
),

final as (
    select
        department_name,
        fiscal_year,
        any_value(peer_group) as peer_group,
        bool_or(in_registry) as in_registry,
        count(*) as document_count,
        string_agg(document_id, ',' order by document_id) as document_ids
    from documents
    where is_in_marts and doc_type = 'final_account' and fiscal_year is not null
    group by department_name, fiscal_year
)

select * from final
