-- A table: several budget checks and marts read it; as a view each would recompute it.
{{ config(materialized='table', meta={'juesuan_scope': 'document'}) }}
{%- set t = chk_standard_set('final') %}
-- What each current final account (决算) states about the items its year's budget plans (int_budget_plan_items),
-- one row per figure, with its role:
--   final            the 决算 figure (T5 一般公共预算财政拨款支出 / T3 支出决算 / T6 基本支出 lines, the 高等学校
--                    财政拨款支出决算表 (fiscal), metrics' actual);
--   budget_initial   a budget the document calls 年初预算 (narrative, locator …/budget:initial);
--   budget_adjusted  a budget it calls 调整预算 / 全年预算 (…/budget:adjusted);
--   budget_stated    a budget without either word (预算数; the 预算数 column of the 三公 table T7).
-- Narrative function lines belong to 一般公共预算财政拨款 (the section that states them). Amounts in 万元 (exact)
-- and as an interval in 元.
with lines as (
    select * from {{ ref('int_classification_lines_resolved') }}
),

facts as (
    select * from {{ ref('int_metric_facts_identified') }}
),

documents as (
    select * from {{ ref('int_documents_identified') }}
    where doc_type = 'final_account' and is_in_marts
),

catalog as (
    select * from {{ ref('metric_catalog') }}
),

standard_tables as (
    select * from {{ ref('standard_table') }}
),

line_figures as (
    select
        lines.document_id,
        documents.department_name,
        documents.fiscal_year,
        lines.classification as item_kind,
        case when lines.source_kind = 'narrative' then 'general_budget' else standard_tables.fund_scope end
            as fund_scope,
        lines.code as item_code,
        lines.level as item_level,
        coalesce(lines.name_canonical, lines.name_reported) as item_name,
        case
            when lines.measure = 'total' then 'final'
            when lines.measure = 'budget' and lines.locator like '%/budget:initial' then 'budget_initial'
            when lines.measure = 'budget' and lines.locator like '%/budget:adjusted' then 'budget_adjusted'
            when lines.measure = 'budget' then 'budget_stated'
        end as role,
        {{ chk_dec('lines.value') }} as value_wan,
        lines.decimals as decimals_wan,
        {{ budget_wan_lo_yuan('lines.value', 'lines.decimals') }} as yuan_lo,
        {{ budget_wan_hi_yuan('lines.value', 'lines.decimals') }} as yuan_hi,
        lines.raw_text,
        lines.source_kind,
        lines.table_key,
        lines.page,
        lines.locator,
        lines.evidence,
        lines.line_order as item_order
    from lines
    inner join documents on lines.document_id = documents.document_id
    left join standard_tables on lines.table_key = standard_tables.key
    where lines.code is not null
      and lines.measure in ('total', 'budget')
      and (
          lines.source_kind = 'narrative' and lines.classification = 'function'
          -- the expenditure function tables of the money that holds 一般公共预算 (T3, T5, 财政拨款支出决算表)
          or lines.table_key in {{ chk_table_keys(kind='final', layout='lines', side='expenditure',
                                                  fund_scope=['all_funds', 'fiscal', 'general_budget']) }}
              and lines.classification = 'function'
          or lines.table_key = {{ t[6] }} and lines.classification = 'economic'
      )
),

metric_figures as (
    select
        facts.document_id,
        documents.department_name,
        documents.fiscal_year,
        'metric' as item_kind,
        case when facts.metric = 'expenditure_current_year' then 'all_funds' else 'general_budget' end
            as fund_scope,
        facts.metric as item_code,
        cast(null as varchar) as item_level,
        catalog.label_zh as item_name,
        case
            when facts.basis = 'actual' then 'final'
            when facts.locator like '%/budget:initial' then 'budget_initial'
            when facts.locator like '%/budget:adjusted' then 'budget_adjusted'
            else 'budget_stated'
        end as role,
        {{ budget_to_wan('facts.value', "case when coalesce(facts.unit, '') in ('', '万') then '万元' else facts.unit end") }}
            as value_wan,
        {{ budget_wan_decimals('facts.decimals', "case when coalesce(facts.unit, '') in ('', '万') then '万元' else facts.unit end") }}
            as decimals_wan,
        {{ chk_lo('facts.value', 'facts.decimals') }}
            * {{ budget_yuan_factor("case when coalesce(facts.unit, '') in ('', '万') then '万元' else facts.unit end") }}
            as yuan_lo,
        {{ chk_hi('facts.value', 'facts.decimals') }}
            * {{ budget_yuan_factor("case when coalesce(facts.unit, '') in ('', '万') then '万元' else facts.unit end") }}
            as yuan_hi,
        facts.raw_text,
        facts.source_kind,
        case when facts.source_kind = 'table' then regexp_extract(facts.locator, '^table:([^/]+)', 1) end
            as table_key,
        facts.page,
        facts.locator,
        facts.evidence,
        facts.fact_index as item_order
    from facts
    inner join documents on facts.document_id = documents.document_id
    left join catalog on facts.metric = catalog.key
    where facts.basis in ('actual', 'budget')
      and coalesce(facts.unit, '') in ('万元', '万', '元', '')
      and facts.metric in (
          'general_budget_expenditure', 'expenditure_current_year', 'sangong_total', 'sangong_overseas',
          'sangong_vehicle', 'sangong_vehicle_purchase', 'sangong_vehicle_operation', 'sangong_reception',
          'admin_operating_cost'
      )
),

final as (
    select * from line_figures where fund_scope is not null and role is not null
    union all
    select * from metric_figures
)

select * from final
