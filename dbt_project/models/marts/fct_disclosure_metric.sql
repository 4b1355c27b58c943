-- Every scalar fact of every current document (current revision), as displayed, with provenance.
-- All revisions: fct_disclosure_metric_history.
with facts as (
    select * from {{ ref('int_metric_facts_identified') }}
),

final as (
    select
        cast(document_id as varchar) as document_id,
        cast(department_name as varchar) as department_name,
        cast(fiscal_year as integer) as fiscal_year,
        cast(metric as varchar) as metric,
        cast(basis as varchar) as basis,
        cast(value as decimal(18, 2)) as value,
        cast(decimals as integer) as decimals,
        cast(raw_text as varchar) as raw_text,
        cast(unit as varchar) as unit,
        cast(source_kind as varchar) as source_kind,
        cast(page as integer) as page,
        cast(locator as varchar) as locator,
        cast(evidence as varchar) as evidence,
        cast(direction as varchar) as direction,
        cast(has_reason as boolean) as has_reason,
        cast(compared_year as integer) as compared_year
    from facts
    where is_in_marts
)

select * from final
