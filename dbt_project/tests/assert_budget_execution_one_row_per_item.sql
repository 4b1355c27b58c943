-- fct_budget_execution: one row per department, year, item kind, fund scope and item (a line or a metric).
select department_name, fiscal_year, item_kind, fund_scope, item_code, count(*) as rows_per_item
from {{ ref('fct_budget_execution') }}
group by all
having count(*) > 1
