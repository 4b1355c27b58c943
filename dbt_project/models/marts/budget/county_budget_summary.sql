-- The county's budgets by department and function: per fiscal year, department, fund scope (all_funds from the
-- 支出预算总表, general_budget from the 一般公共预算支出功能分类预算表) and function code (类 / 款 / 项), the
-- 合计 / 基本支出 / 项目支出 budget in 万元. One source per department-year: its 部门预算, else the sum of its
-- loaded 单位预算 (source 'unit_budgets').
with lines as (
    select * from {{ ref('int_budget_lines') }}
),

coded as (
    select *
    from lines
    where classification = 'function' and source_kind = 'table' and code is not null
      and table_key in {{ chk_table_keys(kind='budget', numbered=true, layout='lines', side='expenditure',
                                         fund_scope=['all_funds', 'general_budget']) }}
      and measure in ('total', 'basic', 'project')
    qualify row_number() over (partition by document_id, table_key, code, measure order by line_order) = 1
),

department_years as (
    select department_name, fiscal_year, max(case when budget_level = 'department' then 1 else 0 end) as has_dept
    from coded
    group by all
),

chosen as (
    -- the first 部门预算 of a department-year, or every 单位预算 when it has none
    select coded.*
    from coded
    inner join department_years using (department_name, fiscal_year)
    where (has_dept = 1 and budget_level = 'department') or (has_dept = 0 and budget_level = 'unit')
    qualify dense_rank() over (
        partition by coded.department_name, coded.fiscal_year, coded.budget_level
        order by case when has_dept = 1 then coded.document_id else '' end
    ) = 1
),

final as (
    select
        fiscal_year,
        department_name,
        fund_scope,
        code as function_code,
        min(level) as level,
        min(coalesce(name_canonical, name_reported)) as function_name,
        sum(value_wan) filter (where measure = 'total') as budget_total,
        sum(value_wan) filter (where measure = 'basic') as budget_basic,
        sum(value_wan) filter (where measure = 'project') as budget_project,
        max(decimals_wan) as decimals,
        case when min(budget_level) = 'department' then 'department_budget' else 'unit_budgets' end as source,
        count(distinct document_id) as documents
    from chosen
    group by fiscal_year, department_name, fund_scope, code
)

select
    cast(fiscal_year as integer) as fiscal_year,
    cast(department_name as varchar) as department_name,
    cast(fund_scope as varchar) as fund_scope,
    cast(function_code as varchar) as function_code,
    cast(level as varchar) as level,
    cast(function_name as varchar) as function_name,
    cast(budget_total as decimal(18, 6)) as budget_total,
    cast(budget_basic as decimal(18, 6)) as budget_basic,
    cast(budget_project as decimal(18, 6)) as budget_project,
    cast(decimals as integer) as decimals,
    cast(source as varchar) as source,
    cast(documents as integer) as documents
from final
