{{ config(meta={'juesuan_scope': 'document'}) }}
-- Every scalar fact of every current document (current revision), as displayed, with provenance.
-- All revisions: fct_disclosure_metric_history.
with facts as (
    select * from {{ ref('int_metric_facts_identified') }}
),

final as (
    select
        cast(document_id as varchar) as document_id,
        {{ metric_fact_casts() }},
        cast(direction as varchar) as direction,
        cast(has_reason as boolean) as has_reason,
        cast(compared_year as integer) as compared_year
    from facts
    where is_in_marts
)

select * from final
