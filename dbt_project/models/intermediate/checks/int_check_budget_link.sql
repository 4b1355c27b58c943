{{ config(meta={'juesuan_scope': 'document'}) }}
-- 预算 ↔ 决算 and 部门预算 ↔ 单位预算:
--   budget.final_quotes_budget      a 年初预算 the 决算 states (narrative 项 lines and totals; the 三公 预算数 of table 7
--                                   and of the narrative) equals the same department-year's 部门预算 document: a
--                                   quote of its figure (rounded to the 决算's decimals); a line the 预算 does not plan
--                                   (while planning others of its table) was budgeted 0; not_evaluable
--                                   「无法核对：未载入本部门同年度预算」 when no 部门预算 of that year is loaded
--                                   (one row per 决算, counting its quotes);
--   budget.department_equals_units  where a department's 部门预算 and 单位预算 of one year are loaded and their
--                                   totals agree (all units loaded), every line and 三公 item of the 部门预算 is the sum
--                                   of the units'; units exceeding the department is always a finding; totals short
--                                   of the department are not_evaluable (units missing).
-- Compared in 元: exact for 元 and 万元 tables.
with plan_items as (
    select * from {{ ref('int_budget_plan_items') }}
),

final_items as (
    select * from {{ ref('int_budget_final_items') }}
),

documents as (
    select * from {{ ref('int_budget_documents') }}
),

department_plans as (
    select * from plan_items where is_department_plan
),

plan_years as (
    select department_name, fiscal_year,
        max(case when budget_level = 'department' then 1 else 0 end) as has_department,
        min(case when budget_level = 'department' then source_file end) as budget_file
    from documents
    group by all
),

plan_scopes as (
    -- the kinds of item each 部门预算 plans at all (a table it has)
    select distinct department_name, fiscal_year, item_kind, fund_scope,
        case when item_kind = 'metric' and item_code like 'sangong%' then 'sangong' else item_kind end as item_group
    from department_plans
),

quotes as (
    select
        *,
        case when item_kind = 'metric' and item_code like 'sangong%' then 'sangong' else item_kind end as item_group
    from final_items
    where role = 'budget_initial'
       or (role = 'budget_stated' and item_kind = 'metric' and item_code like 'sangong%')
),

quotes_joined as (
    select
        q.*,
        py.has_department,
        regexp_extract(py.budget_file, '[^/\\]+$') as budget_file_name,
        p.amount_wan as plan_value, p.yuan_lo as plan_lo, p.yuan_hi as plan_hi, p.raw_text as plan_text,
        p.unit_reported as plan_unit, p.page as plan_page,
        s.item_kind is not null as plan_has_scope
    from quotes as q
    left join plan_years as py on py.department_name = q.department_name and py.fiscal_year = q.fiscal_year
    left join department_plans as p
        on p.department_name = q.department_name and p.fiscal_year = q.fiscal_year
        and p.item_kind = q.item_kind and p.fund_scope = q.fund_scope and p.item_code = q.item_code
    left join (select distinct department_name, fiscal_year, item_kind, fund_scope, item_group from plan_scopes) as s
        on s.department_name = q.department_name and s.fiscal_year = q.fiscal_year
        and s.item_group = q.item_group and s.fund_scope = q.fund_scope
),

quotes_evaluated as (
    select
        *,
        case
            when coalesce(has_department, 0) = 0 then 'not_evaluable'
            when plan_value is null and not plan_has_scope then 'not_evaluable'
            when plan_value is null
                then case when yuan_lo <= 0 and yuan_hi >= 0 then 'pass' else 'fail' end
            when {{ chk_meets_quote('yuan_lo', 'yuan_hi', 'plan_lo', 'plan_hi') }} then 'pass'
            else 'fail'
        end as status
    from quotes_joined
),

link_final as (
    -- a department-year whose 部门预算 is not loaded: one not_evaluable row per 决算 document, not one per quote
    select
        'budget.final_quotes_budget' as check_id,
        document_id,
        'not_evaluable' as status,
        null as expected,
        null as actual,
        null as difference,
        '无法核对：未载入本部门同年度预算（' || cast(min(fiscal_year) as varchar) || '年决算中'
            || cast(count(*) as varchar) || '处年初预算或预算数'
            || case when max(has_department) = 0 then '；只载入了单位预算' else '' end || '）。' as message,
        string_agg(coalesce(item_name, item_code) || ' ' || raw_text, '；' order by page, locator) as evidence,
        min(page) as page,
        'document' as locator
    from quotes_evaluated
    where coalesce(has_department, 0) = 0
    group by document_id
    union all
    select
        'budget.final_quotes_budget' as check_id,
        document_id,
        status,
        coalesce(plan_value, 0) as expected,
        value_wan as actual,
        value_wan - coalesce(plan_value, 0) as difference,
        case
            when status = 'not_evaluable'
                then '无法核对：本部门' || cast(fiscal_year as varchar) || '年预算未列示「' || coalesce(item_name, item_code)
                    || '」所在的表。'
            else {{ chk_page_text('page') }} || '决算中「' || coalesce(item_name, item_code) || '」的'
                || case role when 'budget_initial' then '年初预算' else '预算数' end || '为' || raw_text || '万元，'
                || '本部门' || cast(fiscal_year as varchar) || '年预算（' || budget_file_name
                || coalesce('，第' || cast(plan_page as varchar) || '页', '') || '）为'
                || coalesce(plan_text || plan_unit, '0（未列此项）')
                || case when plan_unit = '元' then '（' || {{ budget_fmt_wan('(plan_lo + plan_hi) * 0.5') }} || '万元）'
                        else '' end
                || '；请与预算一致。'
        end as message,
        evidence, page, locator
    from quotes_evaluated
    where has_department = 1
),

-- 部门预算 = Σ 单位预算
unit_sums as (
    select
        u.department_name, u.fiscal_year, u.item_kind, u.fund_scope, u.item_code,
        min(u.item_name) as item_name,
        sum(u.yuan_lo) as lo, sum(u.yuan_hi) as hi, sum(u.amount_wan) as value,
        count(distinct u.document_id) as units
    from plan_items as u
    where u.budget_level = 'unit'
    group by all
),

unit_counts as (
    select department_name, fiscal_year, count(*) as units
    from documents
    where budget_level = 'unit'
    group by all
),

consolidation_totals as (
    -- completeness: the units' total expenditure (else 一般公共预算 total) against the department's
    select
        d.document_id, d.department_name, d.fiscal_year,
        d.yuan_lo, d.yuan_hi, d.amount_wan, d.raw_text, d.unit_reported, d.page, d.locator, d.evidence,
        d.item_code,
        u.lo as units_lo, u.hi as units_hi, u.value as units_value, c.units
    from department_plans as d
    inner join unit_sums as u
        on u.department_name = d.department_name and u.fiscal_year = d.fiscal_year
        and u.item_kind = d.item_kind and u.fund_scope = d.fund_scope and u.item_code = d.item_code
    inner join unit_counts as c on c.department_name = d.department_name and c.fiscal_year = d.fiscal_year
    where d.item_kind = 'metric' and d.item_code in ('expenditure_current_year', 'general_budget_expenditure')
    qualify row_number() over (
        partition by d.department_name, d.fiscal_year
        order by case d.item_code when 'expenditure_current_year' then 0 else 1 end
    ) = 1
),

consolidation_state as (
    select
        *,
        case
            when {{ chk_meets('yuan_lo', 'yuan_hi', 'units_lo', 'units_hi') }} then 'complete'
            when units_lo > yuan_hi then 'exceeds'
            else 'incomplete'
        end as state
    from consolidation_totals
),

consolidation_items as (
    select
        coalesce(d.department_name, u.department_name) as department_name,
        coalesce(d.fiscal_year, u.fiscal_year) as fiscal_year,
        coalesce(d.item_kind, u.item_kind) as item_kind,
        coalesce(d.fund_scope, u.fund_scope) as fund_scope,
        coalesce(d.item_code, u.item_code) as item_code,
        coalesce(d.item_name, u.item_name) as item_name,
        d.document_id, d.yuan_lo, d.yuan_hi, d.amount_wan, d.raw_text, d.unit_reported, d.page, d.locator, d.evidence,
        u.lo as units_lo, u.hi as units_hi, u.value as units_value
    from department_plans as d
    full outer join unit_sums as u
        on u.department_name = d.department_name and u.fiscal_year = d.fiscal_year
        and u.item_kind = d.item_kind and u.fund_scope = d.fund_scope and u.item_code = d.item_code
),

consolidation_compared as (
    select
        i.*,
        s.state, s.units, s.document_id as department_document_id,
        case
            when s.state = 'complete'
                 and {{ chk_meets('coalesce(i.yuan_lo, 0)', 'coalesce(i.yuan_hi, 0)',
                                  'coalesce(i.units_lo, 0)', 'coalesce(i.units_hi, 0)') }} then 'pass'
            when s.state = 'complete' then 'fail'
            when coalesce(i.units_lo, 0) > coalesce(i.yuan_hi, 0) then 'fail'
        end as status
    from consolidation_items as i
    inner join consolidation_state as s
        on s.department_name = i.department_name and s.fiscal_year = i.fiscal_year
),

consolidation_final as (
    select
        'budget.department_equals_units' as check_id,
        department_document_id as document_id,
        status,
        coalesce(units_value, 0) as expected,
        coalesce(amount_wan, 0) as actual,
        coalesce(amount_wan, 0) - coalesce(units_value, 0) as difference,
        {{ chk_page_text('page') }} || '部门预算中「' || coalesce(item_code || ' ', '') || coalesce(item_name, '')
            || '」为' || coalesce(raw_text || unit_reported, '0（未列此项）') || '，所属' || cast(units as varchar)
            || '家单位预算之和为' || {{ budget_fmt_wan('coalesce(units_lo + units_hi, 0) * 0.5') }}
            || '万元；部门预算应等于所属单位预算之和。' as message,
        coalesce(evidence, '') as evidence, page, coalesce(locator, 'item:' || item_kind || ':' || item_code) as locator
    from consolidation_compared
    where status is not null
    union all
    select
        'budget.department_equals_units',
        document_id,
        'not_evaluable',
        units_value, amount_wan, amount_wan - units_value,
        '无法核对：本部门单位预算未全部载入（部门预算' || {{ budget_fmt_wan('(yuan_lo + yuan_hi) * 0.5') }}
            || '万元，已载入' || cast(units as varchar) || '家单位预算合计'
            || {{ budget_fmt_wan('(units_lo + units_hi) * 0.5') }} || '万元）。',
        evidence, page, locator
    from consolidation_state
    where state = 'incomplete'
),

results as (
    select * from link_final
    union all select * from consolidation_final
)

-- a pass keeps its message (check_summary counts it) but not its evidence: nobody reads it, and it would weigh
-- on int_check_results, which sorts every evaluation
select
    check_id, document_id, status, expected, actual, difference, message,
    case when status = 'pass' then '' else evidence end as evidence,
    page, locator
from results
