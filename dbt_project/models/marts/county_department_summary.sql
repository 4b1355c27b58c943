-- One row per department and fiscal year (current final accounts): size, structure, 三公 and 机关运行经费 per
-- staff, growth, budget execution, review findings, completeness (int_department_years_summarised, computed per
-- department) and rank in the county and the peer group (across departments: this model is county-wide).
{%- set prior_columns = [
    'income_total', 'total_expenditure', 'basic_expenditure', 'project_expenditure', 'fiscal_appropriation_income',
    'sangong_actual', 'admin_operating_cost', 'staff_count', 'admin_cost_per_staff', 'budget_execution_pct',
    'procurement_total',
] %}
with summarised as (
    select * from {{ ref('int_department_years_summarised') }}
),

ranked as (
    select
        *,
        cast(rank() over (partition by fiscal_year order by total_expenditure desc nulls last) as integer)
            as rank_in_county,
        cast(rank() over (partition by fiscal_year, peer_group order by total_expenditure desc nulls last) as integer)
            as rank_in_peer_group
    from summarised
)

select
    department_name,
    peer_group,
    fiscal_year,
    document_count,
    total_expenditure,
    total_expenditure_source,
    basic_expenditure,
    project_expenditure,
    basic_share_pct,
    project_share_pct,
    personnel_expenditure,
    personnel_share_pct,
    staff_count,
    sangong_actual,
    sangong_per_staff,
    admin_operating_cost,
    admin_cost_per_staff,
    prior_year_total_expenditure,
    yoy_growth_pct,
    general_budget_actual,
    general_budget_budget,
    budget_execution_pct,
    findings_error,
    findings_warning,
    findings_info,
    tables_present,
    completeness_pct,
    rank_in_county,
    rank_in_peer_group,
    income_total,
    fiscal_appropriation_income,
    fiscal_appropriation_income_source,
    procurement_total,
    {%- for column in prior_columns %}
    {{ column }}_prior{{ ',' if not loop.last }}
    {%- endfor %}
from ranked
