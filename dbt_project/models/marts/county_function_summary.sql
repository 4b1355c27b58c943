-- County-wide expenditure by function class, level and year: the exact sum of the departments' lines that
-- are their county source (fct_expenditure_by_function.is_county_source; see int_function_sources_selected).
with lines as (
    select * from {{ ref('fct_expenditure_by_function') }}
),

county_lines as (
    select * from lines where is_county_source and doc_type = 'final_account'
),

final as (
    select
        fiscal_year,
        level,
        function_code,
        coalesce(max(name_canonical), '未解析 unresolved') as function_name,
        measure,
        sum(amount) as amount,
        min(decimals) as decimals,
        count(distinct department_name) as department_count,
        count(*) as line_count
    from county_lines
    group by fiscal_year, level, function_code, measure
)

select
    cast(fiscal_year as integer) as fiscal_year,
    cast(level as varchar) as level,
    cast(function_code as varchar) as function_code,
    cast(function_name as varchar) as function_name,
    cast(measure as varchar) as measure,
    cast(amount as decimal(18, 2)) as amount,
    cast(decimals as integer) as decimals,
    cast(department_count as integer) as department_count,
    cast(line_count as integer) as line_count
from final
