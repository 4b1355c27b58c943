{{ config(meta={'juesuan_scope': 'document'}) }}
-- Budgets by functional classification (支出功能分类), one row per line × measure of every current budget document:
-- the expenditure tables (支出预算总表, 一般公共预算 / 政府性基金 / 国有资本经营预算支出功能分类预算表, 财政拨款支出预算表),
-- the 类 rows of the summary tables and the narrative's lines. Amounts in 万元, exact (a table printed in 元 keeps
-- its cents: 6 decimals in 万元); the figure as printed is in amount_reported / unit_reported.
with lines as (
    select * from {{ ref('int_budget_lines') }}
),

final as (
    select *
    from lines
    where classification = 'function'
      and coalesce(table_key, '') not in {{ chk_table_keys(kind='budget', side='income') }}
)

select
    {{ document_casts() }},
    cast(budget_level as varchar) as budget_level,
    cast(unit_name as varchar) as unit_name,
    cast(fund_scope as varchar) as fund_scope,
    {{ classification_line_casts('function') }},
    cast(value_wan as decimal(18, 6)) as amount,
    cast(decimals_wan as integer) as decimals,
    cast(value_reported as decimal(18, 2)) as amount_reported,
    cast(unit_reported as varchar) as unit_reported,
    {{ provenance_casts() }}
from final
