-- The functional classification (支出功能分类) per code and fiscal year: the name valid that year and the
-- names of its 类 and 款 that year, so a join on (function_code, fiscal_year) gives the year's wording.
with classes as (
    select * from {{ ref('function_classification') }}
),

years as (
    select unnest(range({{ var('first_fiscal_year', 2010) }}, {{ var('last_fiscal_year', 2030) }} + 1)) as fiscal_year
),

named as (
    select
        classes.code,
        classes.level,
        classes.parent_code,
        classes.source,
        years.fiscal_year,
        classes.name
    from classes
    inner join years
        on years.fiscal_year between coalesce(classes.valid_from_year, 0) and coalesce(classes.valid_to_year, 9999)
),

renamed as (
    select code, count(distinct name) > 1 as was_renamed from classes group by code
),

final as (
    select
        named.code as function_code,
        named.fiscal_year,
        named.level,
        named.name,
        named.parent_code,
        substr(named.code, 1, 3) as class_code,
        class_names.name as class_name,
        case when length(named.code) >= 5 then substr(named.code, 1, 5) end as kuan_code,
        kuan_names.name as kuan_name,
        renamed.was_renamed,
        named.source
    from named
    left join named as class_names
        on class_names.code = substr(named.code, 1, 3) and class_names.fiscal_year = named.fiscal_year
    left join named as kuan_names
        on length(named.code) >= 5
        and kuan_names.code = substr(named.code, 1, 5) and kuan_names.fiscal_year = named.fiscal_year
    inner join renamed on named.code = renamed.code
)

select
    cast(function_code as varchar) as function_code,
    cast(fiscal_year as integer) as fiscal_year,
    cast(level as varchar) as level,
    cast(name as varchar) as name,
    cast(parent_code as varchar) as parent_code,
    cast(class_code as varchar) as class_code,
    cast(class_name as varchar) as class_name,
    cast(kuan_code as varchar) as kuan_code,
    cast(kuan_name as varchar) as kuan_name,
    cast(was_renamed as boolean) as was_renamed,
    cast(source as varchar) as source
from final
