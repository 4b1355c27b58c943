{{ config(meta={'juesuan_scope': 'document'}) }}
-- Expenditure by functional classification (支出功能分类), one row per line × measure of every current final account
-- (决算): expenditure tables (T3, T5, T8, T9), the 类 rows of T1/T4, and the narrative's function lines. Budgets
-- (预算) are in marts.fct_budget_by_function (their tables are often printed in 元, converted there exactly).
-- Amounts as printed, in the unit of their table (`unit`; the narrative writes 万元); only 万元 lines are the
-- county's source, so county_function_summary never adds 元 to 万元.
with lines as (
    select * from {{ ref('int_classification_lines_resolved') }}
),

table_units as (
    select * from {{ ref('int_cell_units_resolved') }}
),

documents as (
    select * from {{ ref('int_documents_identified') }}
),

county_sources as (
    select * from {{ ref('int_function_sources_selected') }}
),

final as (
    select
        lines.* exclude (fiscal_year),
        documents.department_name,
        documents.fiscal_year,
        documents.doc_type,
        case when lines.measure in ('share_pct', 'completion_pct') then '%'
             else coalesce(table_units.unit, '万元') end as unit,
        county_sources.document_id is not null and lines.measure in ('total', 'basic', 'project')
            and coalesce(table_units.unit, '万元') = '万元' as is_county_source
    from lines
    inner join documents on lines.document_id = documents.document_id
    left join table_units on lines.document_id = table_units.document_id and lines.locator = table_units.locator
    left join county_sources
        on lines.document_id = county_sources.document_id
        and coalesce(lines.table_key, 'narrative') = county_sources.county_source
        and documents.department_name = county_sources.department_name
        and documents.fiscal_year is not distinct from county_sources.fiscal_year
    where documents.is_in_marts
        and documents.doc_type <> 'budget'
        and lines.classification = 'function'
        and coalesce(lines.table_key, '') not in {{ chk_table_keys(kind='final', side='income') }}
)

select
    {{ document_casts() }},
    cast(doc_type as varchar) as doc_type,
    {{ classification_line_casts('function') }},
    cast(value as decimal(18, 2)) as amount,
    cast(unit as varchar) as unit,
    cast(decimals as integer) as decimals,
    {{ provenance_casts() }},
    cast(is_county_source as boolean) as is_county_source
from final
