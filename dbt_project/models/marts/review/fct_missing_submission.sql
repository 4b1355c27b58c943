-- 未提交部门: per fiscal year of the county, every department the registry expects to file (应报送 = 是) that has
-- no current final account (决算) for that year. The years are those in which at least one department filed.
with registry as (
    select * from {{ ref('stg_bureau__department_registry') }}
),

filed as (
    select * from {{ ref('int_department_years') }}
),

county_years as (
    select fiscal_year, count(distinct department_name) as departments_filed
    from filed
    group by fiscal_year
),

expected as (
    select
        county_years.fiscal_year,
        county_years.departments_filed,
        registry.department_name,
        registry.department_code,
        coalesce(registry.peer_group, {{ infer_peer_group('registry.department_name') }}) as peer_group,
        registry.parent,
        count(*) over (partition by county_years.fiscal_year) as departments_expected
    from county_years
    cross join registry
    where registry.expected_to_file
),

final as (
    select
        expected.fiscal_year,
        expected.department_name,
        expected.department_code,
        expected.peer_group,
        expected.parent,
        (
            select max(f.fiscal_year) from filed as f
            where f.department_name = expected.department_name and f.fiscal_year < expected.fiscal_year
        ) as last_filed_year,
        expected.departments_expected,
        expected.departments_filed
    from expected
    where not exists (
        select 1 from filed
        where filed.department_name = expected.department_name and filed.fiscal_year = expected.fiscal_year
    )
)

select
    cast(fiscal_year as integer) as fiscal_year,
    cast(department_name as varchar) as department_name,
    cast(department_code as varchar) as department_code,
    cast(peer_group as varchar) as peer_group,
    cast(parent as varchar) as parent,
    cast(last_filed_year as integer) as last_filed_year,
    cast(departments_expected as integer) as departments_expected,
    cast(departments_filed as integer) as departments_filed
from final
