{{ config(meta={'juesuan_scope': 'document'}) }}
-- Every scalar figure of every current budget document (tables and narrative): metric × basis, money in 万元
-- (exact). In a 预算 a figure stated for the year is a budget (basis budget); yoy_change / yoy_pct compare with
-- the previous year's budget; basis_reported keeps the extractor's reading. A sibling of fct_disclosure_metric
-- (which keeps every document's figures as stated, in their own unit) — see docs/marts.md.
with facts as (
    select * from {{ ref('int_budget_facts') }}
)

select
    {{ document_casts() }},
    cast(budget_level as varchar) as budget_level,
    cast(unit_name as varchar) as unit_name,
    cast(metric as varchar) as metric,
    cast(metric_label as varchar) as metric_label,
    cast(basis as varchar) as basis,
    cast(basis_reported as varchar) as basis_reported,
    cast(value as decimal(18, 6)) as value,
    cast(decimals as integer) as decimals,
    cast(unit as varchar) as unit,
    cast(value_reported as decimal(18, 2)) as value_reported,
    cast(unit_reported as varchar) as unit_reported,
    {{ provenance_casts() }},
    cast(direction as varchar) as direction,
    cast(compared_year as integer) as compared_year
from facts
