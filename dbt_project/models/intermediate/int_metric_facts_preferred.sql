{{ config(meta={'juesuan_scope': 'document'}) }}
-- One value per department-year, metric and basis among the current final-account documents: the table
-- figure first, the narrative second (then the first document, the first place) — so a disclosure split
-- over two files, or a figure restated in the narrative, is never counted twice.
with facts as (
    select * from {{ ref('int_metric_facts_identified') }}
),

final as (
    select *
    from facts
    where is_in_marts and doc_type = 'final_account'
    qualify row_number() over (
        partition by department_name, fiscal_year, metric, basis
        order by case source_kind when 'table' then 0 else 1 end, document_id, fact_index
    ) = 1
)

select * from final
