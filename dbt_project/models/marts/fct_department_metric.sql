{{ config(meta={'juesuan_scope': 'document'}) }}
-- One figure per department, fiscal year, metric and basis of the current final accounts — the value the
-- county marts and the review reports use (int_metric_facts_preferred: the table figure before the
-- narrative's, then the first document, the first place). Every statement of it: fct_disclosure_metric.
with preferred as (
    select * from {{ ref('int_metric_facts_preferred') }}
),

final as (
    select
        {{ metric_fact_casts() }},
        cast(document_id as varchar) as document_id
    from preferred
)

select * from final
