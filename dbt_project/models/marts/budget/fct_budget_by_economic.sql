{{ config(meta={'juesuan_scope': 'document'}) }}
-- Budgets by economic classification (部门预算支出经济分类): one row per line × measure of the 一般公共预算基本支出
-- 经济分类预算表 (and any other economic budget table) of every current budget document, with the 款's group
-- (人员经费 / 公用经费). Amounts in 万元, exact; as printed in amount_reported / unit_reported.
with lines as (
    select * from {{ ref('int_budget_lines') }}
),

economic_classes as (
    select * from {{ ref('economic_classification') }}
),

final as (
    select
        lines.*,
        coalesce(economic_classes.expense_group, 'other') as expense_group
    from lines
    left join economic_classes on substr(lines.code, 1, 3) = economic_classes.code
    where lines.classification = 'economic'
)

select
    {{ document_casts() }},
    cast(budget_level as varchar) as budget_level,
    cast(unit_name as varchar) as unit_name,
    cast(fund_scope as varchar) as fund_scope,
    {{ classification_line_casts('economic', groups=['expense_group']) }},
    cast(value_wan as decimal(18, 6)) as amount,
    cast(decimals_wan as integer) as decimals,
    cast(value_reported as decimal(18, 2)) as amount_reported,
    cast(unit_reported as varchar) as unit_reported,
    {{ provenance_casts() }}
from final
