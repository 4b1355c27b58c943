{{ config(materialized='table', meta={'juesuan_scope': 'department'}) }}
-- One row per department and fiscal year (current final accounts): size, structure, 三公 and 机关运行经费 per
-- staff, growth, budget execution, review findings and completeness — everything of county_department_summary
-- but the ranks, which compare departments. Each row depends on its department's documents only (the years
-- before and after included), so it is recomputed for the departments of the changed documents
-- (juesuan_scope: department, warehouse/build/project.py); the county mart adds the ranks.
-- Two conflicting versions of one department-year are never mixed: that department-year is left out.
-- Every indicator the review reports compare has its last-year value here (<indicator>_prior): last year's row,
-- else the figure this year's disclosure states for last year (上年数), else this year's figure minus its stated
-- change (比上年增减).
{#- indicator column, its type, the metric whose stated 上年数 / 比上年增减 stand in for last year's row (none: the
    row only) -#}
{%- set prior_indicators = [
    ('income_total', 'decimal(18, 2)', 'income_total'),
    ('total_expenditure', 'decimal(18, 2)', 'expenditure_current_year'),
    ('basic_expenditure', 'decimal(18, 2)', 'expenditure_basic'),
    ('project_expenditure', 'decimal(18, 2)', 'expenditure_project'),
    ('fiscal_appropriation_income', 'decimal(18, 2)', 'income_fiscal_appropriation'),
    ('sangong_actual', 'decimal(18, 2)', 'sangong_total'),
    ('admin_operating_cost', 'decimal(18, 2)', 'admin_operating_cost'),
    ('staff_count', 'integer', none),
    ('admin_cost_per_staff', 'decimal(18, 4)', none),
    ('budget_execution_pct', 'decimal(9, 2)', none),
    ('procurement_total', 'decimal(18, 2)', 'procurement_total'),
] %}
with conflicts as (
    select * from {{ ref('int_document_conflicts') }}
),

department_years as (
    -- a department-year with two conflicting versions is left out until one is withdrawn (document.conflict)
    select * from {{ ref('int_department_years') }} as years
    where not exists (
        select 1 from conflicts
        where conflicts.department_name = years.department_name and conflicts.fiscal_year = years.fiscal_year
            and conflicts.doc_type = 'final_account'
    )
),

facts as (
    select * from {{ ref('int_metric_facts_preferred') }}
),

function_lines as (
    select * from {{ ref('fct_expenditure_by_function') }}
),

economic_lines as (
    select * from {{ ref('fct_expenditure_by_economic') }}
),

documents as (
    select * from {{ ref('int_documents_identified') }}
),

recognised_tables as (
    select * from {{ ref('stg_raw__recognised_tables') }}
),

findings as (
    select * from {{ ref('fct_check_result') }}
),

final_table_set as (
    -- the nine tables of a 决算 (T1…T9)
    select key as table_key from {{ ref('standard_table') }} where kind = 'final' and number is not null
),

metric_values as (
    select
        department_name,
        fiscal_year,
        max(value) filter (where metric = 'expenditure_current_year' and basis = 'actual') as expenditure_stated,
        max(value) filter (where metric = 'expenditure_basic' and basis = 'actual') as basic_stated,
        max(value) filter (where metric = 'expenditure_project' and basis = 'actual') as project_stated,
        max(value) filter (where metric = 'basic_personnel' and basis = 'actual') as personnel_stated,
        max(value) filter (where metric = 'staff_actual' and basis = 'actual') as staff_actual,
        max(value) filter (where metric = 'staff_authorized' and basis = 'actual') as staff_authorized,
        max(value) filter (where metric = 'sangong_total' and basis = 'actual') as sangong_actual,
        max(value) filter (where metric = 'admin_operating_cost' and basis = 'actual') as admin_operating_cost,
        max(value) filter (where metric = 'general_budget_expenditure' and basis = 'actual') as gb_actual,
        max(value) filter (where metric = 'general_budget_expenditure' and basis = 'budget') as gb_budget,
        max(value) filter (where metric = 'general_budget_expenditure' and basis = 'completion_pct')
            as gb_completion_stated,
        max(value) filter (where metric = 'income_total' and basis = 'actual') as income_total,
        max(value) filter (where metric = 'income_fiscal_appropriation' and basis = 'actual') as fiscal_income_stated,
        max(value) filter (where metric = 'income_general_budget_appropriation' and basis = 'actual')
            as general_budget_income,
        max(value) filter (where metric = 'income_govfund_appropriation' and basis = 'actual') as govfund_income,
        max(value) filter (where metric = 'income_soe_capital_appropriation' and basis = 'actual')
            as soe_capital_income,
        max(value) filter (where metric = 'procurement_total' and basis = 'actual') as procurement_total,
        {%- for _, _, metric in prior_indicators if metric %}
        max(value) filter (where metric = '{{ metric }}' and basis = 'actual') as {{ metric }}__actual,
        max(value) filter (where metric = '{{ metric }}' and basis = 'prior_year') as {{ metric }}__prior_year,
        max(value) filter (where metric = '{{ metric }}' and basis = 'yoy_change') as {{ metric }}__yoy_change
        {{- ',' if not loop.last }}
        {%- endfor %}
    from facts
    group by department_name, fiscal_year
),

function_totals as (
    select
        department_name,
        fiscal_year,
        sum(amount) filter (where measure = 'total') as total_from_lines,
        sum(amount) filter (where measure = 'basic') as basic_from_lines,
        sum(amount) filter (where measure = 'project') as project_from_lines
    from function_lines
    where is_county_source and level = '类' and doc_type = 'final_account'
    group by department_name, fiscal_year
),

economic_by_document as (
    select
        department_name,
        fiscal_year,
        document_id,
        coalesce(
            sum(amount) filter (where measure = 'personnel'),
            sum(amount) filter (where measure in ('total', 'actual') and expense_group = 'personnel')
        ) as personnel_from_lines
    from economic_lines
    where level = '类' and doc_type = 'final_account'
    group by department_name, fiscal_year, document_id
),

economic_totals as (
    select department_name, fiscal_year, max(personnel_from_lines) as personnel_from_lines
    from economic_by_document
    group by department_name, fiscal_year
),

tables_present as (
    select
        documents.department_name,
        documents.fiscal_year,
        count(distinct recognised_tables.table_key) as tables_present
    from recognised_tables
    inner join documents on recognised_tables.document_id = documents.document_id
    where documents.is_in_marts and documents.doc_type = 'final_account'
        and recognised_tables.table_key in (select table_key from final_table_set)
    group by documents.department_name, documents.fiscal_year
),

finding_counts as (
    select
        documents.department_name,
        documents.fiscal_year,
        count(*) filter (where findings.severity = 'error') as findings_error,
        count(*) filter (where findings.severity = 'warning') as findings_warning,
        count(*) filter (where findings.severity = 'info') as findings_info
    from findings
    inner join documents on findings.document_id = documents.document_id
    where findings.status = 'fail' and documents.is_in_marts
    group by documents.department_name, documents.fiscal_year
),

combined as (
    select
        department_years.department_name,
        department_years.peer_group,
        department_years.fiscal_year,
        department_years.document_count,
        coalesce(metric_values.expenditure_stated, function_totals.total_from_lines) as total_expenditure,
        case
            when metric_values.expenditure_stated is not null then 'stated'
            when function_totals.total_from_lines is not null then 'function_lines'
        end as total_expenditure_source,
        coalesce(function_totals.basic_from_lines, metric_values.basic_stated) as basic_expenditure,
        coalesce(function_totals.project_from_lines, metric_values.project_stated) as project_expenditure,
        coalesce(economic_totals.personnel_from_lines, metric_values.personnel_stated) as personnel_expenditure,
        coalesce(metric_values.staff_actual, metric_values.staff_authorized) as staff_count,
        metric_values.sangong_actual,
        metric_values.admin_operating_cost,
        metric_values.income_total,
        -- 财政拨款收入 as stated, else the three appropriation kinds it consists of
        coalesce(
            metric_values.fiscal_income_stated,
            case
                when coalesce(metric_values.general_budget_income, metric_values.govfund_income,
                              metric_values.soe_capital_income) is not null
                    then coalesce(metric_values.general_budget_income, 0) + coalesce(metric_values.govfund_income, 0)
                        + coalesce(metric_values.soe_capital_income, 0)
            end
        ) as fiscal_appropriation_income,
        case
            when metric_values.fiscal_income_stated is not null then 'stated'
            when coalesce(metric_values.general_budget_income, metric_values.govfund_income,
                          metric_values.soe_capital_income) is not null then 'appropriation_kinds'
        end as fiscal_appropriation_income_source,
        metric_values.procurement_total,
        {%- for _, _, metric in prior_indicators if metric %}
        metric_values.{{ metric }}__prior_year,
        metric_values.{{ metric }}__actual - metric_values.{{ metric }}__yoy_change as {{ metric }}__from_change,
        {%- endfor %}
        metric_values.gb_actual,
        metric_values.gb_budget,
        coalesce(
            metric_values.gb_completion_stated,
            case when metric_values.gb_budget > 0 then 100 * metric_values.gb_actual / metric_values.gb_budget end
        ) as budget_execution_pct,
        coalesce(finding_counts.findings_error, 0) as findings_error,
        coalesce(finding_counts.findings_warning, 0) as findings_warning,
        coalesce(finding_counts.findings_info, 0) as findings_info,
        coalesce(tables_present.tables_present, 0) as tables_present
    from department_years
    left join metric_values
        on department_years.department_name = metric_values.department_name
        and department_years.fiscal_year = metric_values.fiscal_year
    left join function_totals
        on department_years.department_name = function_totals.department_name
        and department_years.fiscal_year = function_totals.fiscal_year
    left join economic_totals
        on department_years.department_name = economic_totals.department_name
        and department_years.fiscal_year = economic_totals.fiscal_year
    left join finding_counts
        on department_years.department_name = finding_counts.department_name
        and department_years.fiscal_year = finding_counts.fiscal_year
    left join tables_present
        on department_years.department_name = tables_present.department_name
        and department_years.fiscal_year = tables_present.fiscal_year
),

with_prior as (
    select
        current_year.*,
        prior_year.total_expenditure as prior_year_total_expenditure
    from combined as current_year
    left join combined as prior_year
        on current_year.department_name = prior_year.department_name
        and prior_year.fiscal_year = current_year.fiscal_year - 1
),

final as (
    select
        *,
        case when total_expenditure > 0 then 100 * basic_expenditure / total_expenditure end as basic_share_pct,
        case when total_expenditure > 0 then 100 * project_expenditure / total_expenditure end as project_share_pct,
        case when basic_expenditure > 0 then 100 * personnel_expenditure / basic_expenditure end
            as personnel_share_pct,
        case when staff_count > 0 then sangong_actual / staff_count end as sangong_per_staff,
        case when staff_count > 0 then admin_operating_cost / staff_count end as admin_cost_per_staff,
        case when prior_year_total_expenditure > 0
            then 100 * (total_expenditure - prior_year_total_expenditure) / prior_year_total_expenditure
        end as yoy_growth_pct,
        100.0 * tables_present / (select count(*) from final_table_set) as completeness_pct
    from with_prior
),

with_prior_values as (
    select
        current_year.*,
        {%- for column, _, metric in prior_indicators %}
        {%- if metric %}
        coalesce(
            prior_year.{{ column }}, current_year.{{ metric }}__prior_year, current_year.{{ metric }}__from_change
        ) as {{ column }}_prior
        {%- else %}
        prior_year.{{ column }} as {{ column }}_prior
        {%- endif %}{{ ',' if not loop.last }}
        {%- endfor %}
    from final as current_year
    left join final as prior_year
        on current_year.department_name = prior_year.department_name
        and prior_year.fiscal_year = current_year.fiscal_year - 1
)

select
    cast(department_name as varchar) as department_name,
    cast(peer_group as varchar) as peer_group,
    cast(fiscal_year as integer) as fiscal_year,
    cast(document_count as integer) as document_count,
    cast(total_expenditure as decimal(18, 2)) as total_expenditure,
    cast(total_expenditure_source as varchar) as total_expenditure_source,
    cast(basic_expenditure as decimal(18, 2)) as basic_expenditure,
    cast(project_expenditure as decimal(18, 2)) as project_expenditure,
    cast(basic_share_pct as decimal(9, 2)) as basic_share_pct,
    cast(project_share_pct as decimal(9, 2)) as project_share_pct,
    cast(personnel_expenditure as decimal(18, 2)) as personnel_expenditure,
    cast(personnel_share_pct as decimal(9, 2)) as personnel_share_pct,
    cast(staff_count as integer) as staff_count,
    cast(sangong_actual as decimal(18, 2)) as sangong_actual,
    cast(sangong_per_staff as decimal(18, 4)) as sangong_per_staff,
    cast(admin_operating_cost as decimal(18, 2)) as admin_operating_cost,
    cast(admin_cost_per_staff as decimal(18, 4)) as admin_cost_per_staff,
    cast(prior_year_total_expenditure as decimal(18, 2)) as prior_year_total_expenditure,
    cast(yoy_growth_pct as decimal(9, 2)) as yoy_growth_pct,
    cast(gb_actual as decimal(18, 2)) as general_budget_actual,
    cast(gb_budget as decimal(18, 2)) as general_budget_budget,
    cast(budget_execution_pct as decimal(9, 2)) as budget_execution_pct,
    cast(findings_error as integer) as findings_error,
    cast(findings_warning as integer) as findings_warning,
    cast(findings_info as integer) as findings_info,
    cast(tables_present as integer) as tables_present,
    cast(completeness_pct as decimal(5, 2)) as completeness_pct,
    cast(income_total as decimal(18, 2)) as income_total,
    cast(fiscal_appropriation_income as decimal(18, 2)) as fiscal_appropriation_income,
    cast(fiscal_appropriation_income_source as varchar) as fiscal_appropriation_income_source,
    cast(procurement_total as decimal(18, 2)) as procurement_total,
    {%- for column, data_type, _ in prior_indicators %}
    cast({{ column }}_prior as {{ data_type }}) as {{ column }}_prior{{ ',' if not loop.last }}
    {%- endfor %}
from with_prior_values
