{{ config(meta={'juesuan_scope': 'document'}) }}
{%- set t = chk_standard_set('final') %}
-- Every figure a table states, keyed by metric (and function code / name for function lines), per filing:
-- the summary / 三公 rows the ingest already maps to metrics, plus the 合计 cells of T2, T3, T5, T6 (Tn: the table
-- numbered n in the 决算's standard set, seed standard_table).
with facts as (
    select * from {{ ref('int_check_facts') }}
),

cells as (
    select * from {{ ref('int_check_cells') }}
),

metric_rows as (
    select filing_key, document_id, metric, basis, cast(null as varchar) as code, cast(null as varchar) as name,
        value, decimals, lo, hi, page, locator, evidence,
        regexp_extract(locator, 'table:([a-z_]+)', 1) as table_key
    from facts
    where source_kind = 'table' and fact_kind = 'metric'
),

total_cells as (
    select filing_key, document_id,
        case
            when table_key = {{ t[2] }} and measure = 'total' then 'income_current_year'
            when table_key = {{ t[2] }} and measure = 'fiscal_appropriation' then 'income_fiscal_appropriation'
            when table_key = {{ t[3] }} and measure = 'total' then 'expenditure_current_year'
            when table_key = {{ t[3] }} and measure = 'basic' then 'expenditure_basic'
            when table_key = {{ t[3] }} and measure = 'project' then 'expenditure_project'
            when table_key = {{ t[5] }} and measure = 'total' then 'general_budget_expenditure'
            when table_key = {{ t[5] }} and measure = 'basic' then 'general_budget_basic_expenditure'
            when table_key = {{ t[5] }} and measure = 'project' then 'general_budget_project_expenditure'
        end as metric,
        'actual' as basis, cast(null as varchar) as code, cast(null as varchar) as name,
        value, decimals, lo, hi, page, locator, evidence, table_key
    from cells
    where code is null and row_name in ('合计', '总计')
),

t6_cells as (
    select filing_key, document_id,
        case when row_name like '人员经费%' then 'basic_personnel' else 'basic_public' end as metric,
        'actual' as basis, null as code, null as name,
        value, decimals, lo, hi, page, locator, evidence, table_key
    from cells
    where table_key = {{ t[6] }} and code is null and row_name in ('人员经费合计', '公用经费合计')
      and measure in ('personnel', 'public', 'total')
),

function_cells as (
    -- function lines of T5 (一般公共预算) and T3: by code and by name, for the narrative's 类/款/项 claims
    select filing_key, document_id, 'function_line:' || table_key as metric, 'actual' as basis, code, row_name as name,
        value, decimals, lo, hi, page, locator, evidence, table_key
    from cells
    where code is not null and measure = 'total'
      and table_key in ({{ t[5] }}, {{ t[3] }}, {{ t[8] }})
),

class_cells as (
    -- function classes of T4 (一般公共预算 column) and T1, by name, for the narrative's 类 claims
    select filing_key, document_id, 'function_class:' || table_key as metric, 'actual' as basis,
        null as code, row_name as name, value, decimals, lo, hi, page, locator, evidence, table_key
    from cells
    where (table_key = {{ t[4] }} and measure = 'expenditure_general_budget'
           or table_key = {{ t[1] }} and measure = 'expenditure')
      and regexp_matches(row_label, '^\s*[一二三四五六七八九十]+、') and row_name like '%支出'
),

final as (
    select * from metric_rows
    union all select * from total_cells where metric is not null
    union all select * from t6_cells
    union all select * from function_cells
    union all select * from class_cells
)

select * from final
