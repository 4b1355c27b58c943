{{ config(meta={'juesuan_scope': 'department'}) }}
-- 预算 ↔ 决算, item by item: per department, fiscal year and item (a function or economic line, or a metric) the
-- budget as the year's 预算 document plans it, the 年初预算 / 调整预算 / 预算数 the 决算 states, the 决算 figure and
-- the execution rate. The budget comes from the department's 部门预算; without one, from the sum of its loaded
-- 单位预算 (budget_source 'unit_budgets', which may be incomplete).
with plan_items as (
    select * from {{ ref('int_budget_plan_items') }}
),

final_items as (
    select * from {{ ref('int_budget_final_items') }}
),

department_plans as (
    select * from plan_items where is_department_plan
),

unit_plan_years as (
    select department_name, fiscal_year
    from plan_items
    where budget_level = 'unit'
    except
    select department_name, fiscal_year from department_plans
),

unit_plans as (
    select
        p.department_name, p.fiscal_year, p.item_kind, p.fund_scope, p.item_code,
        min(p.item_level) as item_level,
        min(p.item_name) as item_name,
        cast(null as varchar) as document_id,
        'unit_budgets' as budget_source,
        count(distinct p.document_id) as budget_units,
        sum(p.amount_wan) as amount_wan,
        max(p.decimals_wan) as decimals_wan,
        cast(null as integer) as page,
        cast(null as varchar) as evidence
    from plan_items as p
    inner join unit_plan_years using (department_name, fiscal_year)
    where p.budget_level = 'unit'
    group by p.department_name, p.fiscal_year, p.item_kind, p.fund_scope, p.item_code
),

plans as (
    select
        department_name, fiscal_year, item_kind, fund_scope, item_code, item_level, item_name,
        document_id, 'department_budget' as budget_source, 1 as budget_units,
        amount_wan, decimals_wan, page, evidence
    from department_plans
    union all
    select * from unit_plans
),

finals_ranked as (
    select
        *,
        row_number() over (
            partition by department_name, fiscal_year, item_kind, fund_scope, item_code, role
            order by case source_kind when 'table' then 0 else 1 end, document_id, item_order
        ) as pick
    from final_items
),

finals as (
    select
        department_name, fiscal_year, item_kind, fund_scope, item_code,
        min(item_level) as item_level,
        min(item_name) as item_name,
        min(document_id) filter (where role = 'final') as final_document_id,
        max(value_wan) filter (where role = 'final') as final_amount,
        max(decimals_wan) filter (where role = 'final') as final_decimals,
        max(page) filter (where role = 'final') as final_page,
        max(evidence) filter (where role = 'final') as final_evidence,
        max(value_wan) filter (where role = 'budget_initial') as budget_initial_stated,
        max(decimals_wan) filter (where role = 'budget_initial') as budget_initial_decimals,
        max(value_wan) filter (where role = 'budget_adjusted') as budget_adjusted_stated,
        max(value_wan) filter (where role = 'budget_stated') as budget_stated,
        max(decimals_wan) filter (where role = 'budget_stated') as budget_stated_decimals
    from finals_ranked
    where pick = 1
    group by department_name, fiscal_year, item_kind, fund_scope, item_code
),

joined as (
    select
        coalesce(plans.department_name, finals.department_name) as department_name,
        coalesce(plans.fiscal_year, finals.fiscal_year) as fiscal_year,
        coalesce(plans.item_kind, finals.item_kind) as item_kind,
        coalesce(plans.fund_scope, finals.fund_scope) as fund_scope,
        coalesce(plans.item_code, finals.item_code) as item_code,
        coalesce(plans.item_level, finals.item_level) as item_level,
        coalesce(plans.item_name, finals.item_name) as item_name,
        plans.document_id as budget_document_id,
        plans.budget_source,
        plans.budget_units,
        plans.amount_wan as budget_amount,
        plans.decimals_wan as budget_decimals,
        plans.page as budget_page,
        plans.evidence as budget_evidence,
        finals.budget_initial_stated,
        finals.budget_initial_decimals,
        finals.budget_adjusted_stated,
        finals.budget_stated,
        finals.budget_stated_decimals,
        finals.final_document_id,
        finals.final_amount,
        finals.final_decimals,
        finals.final_page,
        finals.final_evidence
    from plans
    full outer join finals
        on plans.department_name = finals.department_name
        and plans.fiscal_year = finals.fiscal_year
        and plans.item_kind = finals.item_kind
        and plans.fund_scope = finals.fund_scope
        and plans.item_code = finals.item_code
),

final as (
    select
        *,
        case
            when budget_amount > 0 and final_amount is not null then 'budget_document'
            when budget_initial_stated > 0 and final_amount is not null then 'stated_initial'
            when budget_adjusted_stated > 0 and final_amount is not null then 'stated_adjusted'
            when budget_stated > 0 and final_amount is not null then 'stated'
        end as execution_basis,
        case
            when budget_amount > 0 and final_amount is not null
                then {{ chk_pct_display('final_amount', 'budget_amount') }}
            when budget_initial_stated > 0 and final_amount is not null
                then {{ chk_pct_display('final_amount', 'budget_initial_stated') }}
            when budget_adjusted_stated > 0 and final_amount is not null
                then {{ chk_pct_display('final_amount', 'budget_adjusted_stated') }}
            when budget_stated > 0 and final_amount is not null
                then {{ chk_pct_display('final_amount', 'budget_stated') }}
        end as execution_rate_pct,
        case
            when budget_amount is not null and budget_initial_stated is not null
                then {{ chk_meets_quote(
                    chk_lo('budget_amount', 'budget_decimals'), chk_hi('budget_amount', 'budget_decimals'),
                    chk_lo('budget_initial_stated', 'budget_initial_decimals'),
                    chk_hi('budget_initial_stated', 'budget_initial_decimals')) }}
        end as initial_matches_budget
    from joined
)

select
    cast(department_name as varchar) as department_name,
    cast(fiscal_year as integer) as fiscal_year,
    cast(item_kind as varchar) as item_kind,
    cast(fund_scope as varchar) as fund_scope,
    cast(item_code as varchar) as item_code,
    cast(item_level as varchar) as item_level,
    cast(item_name as varchar) as item_name,
    cast(budget_document_id as varchar) as budget_document_id,
    cast(budget_source as varchar) as budget_source,
    cast(budget_units as integer) as budget_units,
    cast(budget_amount as decimal(18, 6)) as budget_amount,
    cast(budget_decimals as integer) as budget_decimals,
    cast(budget_page as integer) as budget_page,
    cast(budget_evidence as varchar) as budget_evidence,
    cast(budget_initial_stated as decimal(18, 2)) as budget_initial_stated,
    cast(budget_adjusted_stated as decimal(18, 2)) as budget_adjusted_stated,
    cast(budget_stated as decimal(18, 2)) as budget_stated,
    cast(final_document_id as varchar) as final_document_id,
    cast(final_amount as decimal(18, 2)) as final_amount,
    cast(final_decimals as integer) as final_decimals,
    cast(final_page as integer) as final_page,
    cast(final_evidence as varchar) as final_evidence,
    cast(execution_rate_pct as decimal(18, 2)) as execution_rate_pct,
    cast(execution_basis as varchar) as execution_basis,
    cast(initial_matches_budget as boolean) as initial_matches_budget
from final
