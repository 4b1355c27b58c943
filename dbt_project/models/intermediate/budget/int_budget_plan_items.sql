-- A table: several budget checks and marts read it; as a view each would recompute it.
{{ config(materialized='table', meta={'juesuan_scope': 'document'}) }}
{%- set b = chk_standard_set('budget') %}
-- What each current budget document plans, item by item, in the shape the final accounts are compared with:
--   * function lines (支出功能分类, every level) of 一般公共预算支出功能分类预算表 (fund_scope general_budget),
--     支出预算总表 (all_funds) and 财政拨款支出预算表 (fiscal), column 合计;
--   * economic lines (款 and 类) of 一般公共预算基本支出经济分类预算表 (general_budget), column 合计;
--   * metrics: general_budget_expenditure (合计 of the 一般公共预算 table, else 支出总计 of the 财政拨款收支预算总表),
--     expenditure_current_year (合计 of 支出预算总表), the 三公 items and 机关运行经费 (the 三公 table first, else
--     the narrative).
-- One row per document and item (the first row when a table repeats a code); amounts exact in 万元 and in 元.
-- Only tables read unambiguously (int_budget_cells.table_reliable): a figure taken from the wrong table would
-- be compared as if it were the budget. Table n: the table numbered n in the 预算's standard set (seed
-- standard_table).
with lines as (
    select * from {{ ref('int_budget_lines') }}
),

cells as (
    select * from {{ ref('int_budget_cells') }}
),

facts as (
    select * from {{ ref('int_budget_facts') }}
),

catalog as (
    select * from {{ ref('metric_catalog') }}
),

line_items as (
    select
        document_id, department_name, fiscal_year, budget_level, unit_name,
        classification as item_kind,
        fund_scope,
        code as item_code,
        level as item_level,
        coalesce(name_canonical, name_reported) as item_name,
        value_wan as amount_wan, decimals_wan, yuan_lo, yuan_hi,
        raw_text, unit_reported, table_key, page, locator, evidence,
        line_order as item_order
    from lines
    where source_kind = 'table' and measure = 'total' and code is not null and table_reliable
      and (
          (classification = 'function'
           and table_key in {{ chk_table_keys(kind='budget', layout='lines', side='expenditure',
                                              fund_scope=['all_funds', 'fiscal', 'general_budget']) }})
          or (classification = 'economic' and table_key = {{ b[8] }})
      )
    qualify row_number() over (partition by document_id, table_key, code order by line_order) = 1
),

total_cells as (
    select
        *,
        case
            when table_key = {{ b[5] }} and measure = 'total' and row_name in ('合计', '总计')
                then 1
            when table_key = {{ b[4] }} and measure = 'expenditure_general_budget'
                and row_name in ('支出总计', '支出合计', '合计', '总计') then 2
        end as general_rank,
        table_key = {{ b[3] }} and measure = 'total' and row_name in ('合计', '总计')
            as is_expenditure_total
    from cells
    where code is null and table_reliable
),

general_total as (
    select *, 'general_budget_expenditure' as metric, 'general_budget' as fund_scope
    from total_cells
    where general_rank is not null
    qualify row_number() over (partition by document_id order by general_rank, row_order) = 1
),

expenditure_total as (
    select *, 'expenditure_current_year' as metric, 'all_funds' as fund_scope
    from total_cells
    where is_expenditure_total
    qualify row_number() over (partition by document_id order by row_order) = 1
),

cell_metrics as (
    select
        document_id, department_name, fiscal_year, budget_level, unit_name,
        'metric' as item_kind, fund_scope, metric as item_code, cast(null as varchar) as item_level,
        cast(null as varchar) as item_name,
        value_wan as amount_wan, decimals_wan, yuan_lo, yuan_hi,
        raw_text, unit_reported, table_key, page, locator, evidence, row_order as item_order
    from general_total
    union all
    select
        document_id, department_name, fiscal_year, budget_level, unit_name,
        'metric', fund_scope, metric, null, null,
        value_wan, decimals_wan, yuan_lo, yuan_hi,
        raw_text, unit_reported, table_key, page, locator, evidence, row_order
    from expenditure_total
),

fact_metrics as (
    select
        document_id, department_name, fiscal_year, budget_level, unit_name,
        'metric' as item_kind, 'general_budget' as fund_scope, metric as item_code,
        cast(null as varchar) as item_level, metric_label as item_name,
        value as amount_wan, decimals as decimals_wan, yuan_lo, yuan_hi,
        raw_text, unit_reported, table_key, page, locator, evidence, fact_index as item_order
    from facts
    where basis = 'budget' and is_amount
      and metric in (
          'sangong_total', 'sangong_overseas', 'sangong_vehicle', 'sangong_vehicle_purchase',
          'sangong_vehicle_operation', 'sangong_reception', 'admin_operating_cost'
      )
    qualify row_number() over (
        partition by document_id, metric
        order by case source_kind when 'table' then 0 else 1 end, fact_index
    ) = 1
),

unioned as (
    select * from line_items
    union all
    select * from cell_metrics
    union all
    select * from fact_metrics
),

final as (
    select
        unioned.* exclude (item_name),
        coalesce(unioned.item_name, catalog.label_zh) as item_name,
        -- the 部门预算 a department-year's plan is read from: one per department-year (the first document when two
        -- are current); the execution mart and the 预算 ↔ 决算 checks compare with it
        unioned.budget_level = 'department' and dense_rank() over (
            partition by unioned.department_name, unioned.fiscal_year, unioned.budget_level
            order by unioned.document_id) = 1 as is_department_plan
    from unioned
    left join catalog on unioned.item_kind = 'metric' and unioned.item_code = catalog.key
)

select * from final
