-- marts.fct_department_metric: at most one figure per department, fiscal year, metric and basis.
select department_name, fiscal_year, metric, basis, count(*) as n
from {{ ref('fct_department_metric') }}
group by all
having count(*) > 1
