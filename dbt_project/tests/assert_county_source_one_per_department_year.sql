-- A department-year feeds the county views from exactly one document and one source (no double counting of a
-- disclosure split over two files).
select department_name, fiscal_year, count(distinct document_id) as documents,
    count(distinct coalesce(table_key, 'narrative')) as sources
from {{ ref('fct_expenditure_by_function') }}
where is_county_source
group by department_name, fiscal_year
having count(distinct document_id) > 1 or count(distinct coalesce(table_key, 'narrative')) > 1
