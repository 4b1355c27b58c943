-- county_function_summary must equal, exactly, the sum of the departments' county-source lines
-- (fct_expenditure_by_function.is_county_source) per year, level, code and measure; returns the differences.
with departments as (
    select
        fiscal_year,
        level,
        function_code,
        measure,
        sum(amount) as amount,
        count(distinct department_name) as department_count
    from {{ ref('fct_expenditure_by_function') }}
    where is_county_source and doc_type = 'final_account'
    group by fiscal_year, level, function_code, measure
),

county as (
    select * from {{ ref('county_function_summary') }}
)

select
    coalesce(county.fiscal_year, departments.fiscal_year) as fiscal_year,
    coalesce(county.level, departments.level) as level,
    coalesce(county.function_code, departments.function_code) as function_code,
    coalesce(county.measure, departments.measure) as measure,
    county.amount as county_amount,
    departments.amount as departments_amount,
    county.department_count as county_departments,
    departments.department_count as departments_count
from county
full outer join departments
    on county.fiscal_year is not distinct from departments.fiscal_year
    and county.level is not distinct from departments.level
    and county.function_code is not distinct from departments.function_code
    and county.measure = departments.measure
where county.amount is distinct from departments.amount
    or county.department_count is distinct from departments.department_count
