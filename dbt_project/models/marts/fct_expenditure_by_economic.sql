{{ config(meta={'juesuan_scope': 'document'}) }}
-- Expenditure by economic classification (部门预算支出经济分类), one row per line × measure of every current final
-- account (T6 一般公共预算财政拨款基本支出决算表). Budgets are in marts.fct_budget_by_economic. Amounts as printed,
-- in the unit of their table (`unit`).
with lines as (
    select * from {{ ref('int_classification_lines_resolved') }}
),

table_units as (
    select * from {{ ref('int_cell_units_resolved') }}
),

documents as (
    select * from {{ ref('int_documents_identified') }}
),

economic_classes as (
    select * from {{ ref('economic_classification') }}
),

final as (
    select
        lines.* exclude (fiscal_year),
        documents.department_name,
        documents.fiscal_year,
        documents.doc_type,
        coalesce(economic_classes.expense_group, 'other') as expense_group,
        coalesce(table_units.unit, '万元') as unit
    from lines
    inner join documents on lines.document_id = documents.document_id
    left join economic_classes on substr(lines.code, 1, 3) = economic_classes.code
    left join table_units on lines.document_id = table_units.document_id and lines.locator = table_units.locator
    where documents.is_in_marts
        and documents.doc_type <> 'budget'
        and lines.classification = 'economic'
)

select
    {{ document_casts() }},
    cast(doc_type as varchar) as doc_type,
    {{ classification_line_casts('economic', groups=['expense_group']) }},
    cast(value as decimal(18, 2)) as amount,
    cast(unit as varchar) as unit,
    cast(decimals as integer) as decimals,
    {{ provenance_casts() }}
from final
