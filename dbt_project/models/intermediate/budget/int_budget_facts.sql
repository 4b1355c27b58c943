-- A table: several budget checks and marts read it; as a view each would recompute it.
{{ config(materialized='table', meta={'juesuan_scope': 'document'}) }}
-- Scalar facts of current budget documents (tables and narrative), with money in 万元 and as an exact interval
-- in 元. In a 预算 a figure stated for the document's own year is a budget figure: basis 'actual' (the
-- extractor's reading of an unqualified figure) becomes 'budget'; a figure whose clause is about another year
-- (2025年当年预算执行数为…, 上年决算) becomes 'prior_year'; changes (yoy_change, yoy_pct) compare with the previous
-- year's budget; shares stay shares. basis_reported keeps what the extractor read, clause the words before it.
with facts as (
    select * from {{ ref('stg_raw__metric_facts') }}
),

documents as (
    select * from {{ ref('int_budget_documents') }}
),

catalog as (
    select * from {{ ref('metric_catalog') }}
),

texts as (
    select * from {{ ref('stg_raw__text_blocks') }}
),

joined as (
    select
        facts.*,
        case when facts.source_kind = 'narrative'
            then {{ budget_clause_before('before.text', 'block.text', 'facts.locator') }} end as clause,
        documents.department_name,
        documents.fiscal_year,
        documents.budget_level,
        documents.unit_name,
        catalog.label_zh as metric_label,
        catalog.unit as metric_unit,
        -- money: a 万元 metric written in 万元 / 元 / 亿元 (or with no unit)
        catalog.unit = '万元' and coalesce(facts.unit, '') in ('万元', '万', '元', '千元', '亿元', '') as is_money,
        case when facts.unit = '万' or coalesce(facts.unit, '') = '' then '万元' else facts.unit end as money_unit
    from facts
    inner join documents on facts.document_id = documents.document_id
    left join catalog on facts.metric = catalog.key
    left join texts as block
        on facts.source_kind = 'narrative' and block.document_id = facts.document_id
        and block.block_index = try_cast(regexp_extract(facts.locator, 'para:([0-9]+)', 1) as integer)
    left join texts as before
        on before.document_id = block.document_id and before.block_index = block.block_index - 1
),

final as (
    select
        document_id,
        fact_index,
        department_name,
        fiscal_year,
        budget_level,
        unit_name,
        metric,
        metric_label,
        case
            when basis in ('actual', 'budget') and {{ budget_clause_other_year('clause', 'fiscal_year') }}
                then 'prior_year'
            when basis = 'actual' then 'budget'
            else basis
        end as basis,
        basis as basis_reported,
        case when is_money and basis not in ('yoy_pct', 'share_pct', 'completion_pct')
            then {{ budget_to_wan('value', 'money_unit') }} else cast(value as decimal(38, 6)) end as value,
        case when is_money and basis not in ('yoy_pct', 'share_pct', 'completion_pct')
            then {{ budget_wan_decimals('decimals', 'money_unit') }} else decimals end as decimals,
        case when is_money and basis not in ('yoy_pct', 'share_pct', 'completion_pct')
            then '万元' else unit end as unit,
        is_money and basis not in ('yoy_pct', 'share_pct', 'completion_pct') as is_amount,
        case when is_money and basis not in ('yoy_pct', 'share_pct', 'completion_pct')
            then {{ chk_lo('value', 'decimals') }} * {{ budget_yuan_factor('money_unit') }} end as yuan_lo,
        case when is_money and basis not in ('yoy_pct', 'share_pct', 'completion_pct')
            then {{ chk_hi('value', 'decimals') }} * {{ budget_yuan_factor('money_unit') }} end as yuan_hi,
        value as value_reported,
        decimals as decimals_reported,
        unit as unit_reported,
        raw_text,
        source_kind,
        case when source_kind = 'table' then regexp_extract(locator, '^table:([^/]+)', 1) end as table_key,
        page,
        locator,
        evidence,
        direction,
        has_reason,
        compared_year,
        clause
    from joined
)

select * from final
