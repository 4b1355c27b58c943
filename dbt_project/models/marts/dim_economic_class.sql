-- The economic classification (部门预算支出经济分类): 类 and 款 with their group (人员经费 / 公用经费).
with classes as (
    select * from {{ ref('economic_classification') }}
),

final as (
    select
        classes.code as economic_code,
        classes.level,
        classes.name,
        classes.parent_code,
        substr(classes.code, 1, 3) as class_code,
        class_rows.name as class_name,
        classes.expense_group,
        classes.source
    from classes
    left join classes as class_rows on class_rows.code = substr(classes.code, 1, 3)
)

select
    cast(economic_code as varchar) as economic_code,
    cast(level as varchar) as level,
    cast(name as varchar) as name,
    cast(parent_code as varchar) as parent_code,
    cast(class_code as varchar) as class_code,
    cast(class_name as varchar) as class_name,
    cast(expense_group as varchar) as expense_group,
    cast(source as varchar) as source
from final
