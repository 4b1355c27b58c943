-- A table: several budget checks and marts read it; as a view each would recompute it.
{{ config(materialized='table', meta={'juesuan_scope': 'document'}) }}
-- Classification lines (支出功能分类 / 部门预算支出经济分类) of current budget documents, resolved like the final
-- accounts' lines (int_classification_lines_resolved), with each line's fund scope and its amount in 万元 and
-- as an exact interval in 元 (table lines carry their table's unit; narrative lines are in 万元), and whether
-- their table was read unambiguously (int_budget_cells.table_reliable).
--   fund_scope: the table's (seed standard_table: all_funds, fiscal, general_budget, govfund, soe_capital,
--   admin_operating — 机关运行经费支出预算表, a part of the 一般公共预算基本支出, not to be added to it); a fiscal
--   summary's fund column (财政拨款收支预算总表: 一般公共预算 / 政府性基金 / 国有资本经营) gives its own fund; a narrative
--   line has the scope of the list it stands in (支出预算总计 X 万元。包括： → all_funds; else fiscal).
with lines as (
    select * from {{ ref('int_classification_lines_resolved') }}
),

documents as (
    select * from {{ ref('int_budget_documents') }}
),

cells as (
    select * from {{ ref('int_budget_cells') }}
),

texts as (
    select * from {{ ref('stg_raw__text_blocks') }}
),

introductions as (
    -- a narrative block that introduces a list (ends with ：/:) — 支出预算总计 X 万元。包括： — and the fund scope it
    -- speaks of (a section heading too): all funds when it names the budget's 总计 (收入/支出/收支预算总计, 本年收入/支出合计) and no fund
    -- (财政拨款, 一般公共预算, 政府性基金, 国有资本经营); the lines listed after it share its scope
    select document_id, block_index,
        case when regexp_matches(text, '(收入|支出|收支)\s*(预算)?\s*总计|本年\s*(收入|支出)\s*(预算)?\s*合计')
                  and not regexp_matches(text, '财政拨款|一般公共预算|政府性基金|国有资本')
             then 'all_funds' else 'fiscal' end as intro_scope
    from texts
    -- a section heading (二、财政拨款支出预算情况说明) ends the list before it
    where regexp_matches(text, '[：:]\s*$') or regexp_matches(text, '^\s*[一二三四五六七八九十]+\s*[、．.]')
),

narrative_scopes as (
    -- each narrative line's scope: that of the last introduction at or before its block (fiscal when none)
    select l.document_id, l.locator, arg_max(i.intro_scope, i.block_index) as intro_scope
    from lines as l
    inner join introductions as i
        on i.document_id = l.document_id
        and i.block_index <= try_cast(regexp_extract(l.locator, 'para:([0-9]+)', 1) as integer)
    where l.source_kind = 'narrative'
    group by all
),

standard_tables as (
    select * from {{ ref('standard_table') }}
),

joined as (
    select
        lines.*,
        scopes.intro_scope,
        documents.department_name,
        documents.budget_level,
        documents.unit_name,
        cells.unit_reported,
        cells.yuan_factor,
        cells.row_order,
        standard_tables.layout as table_layout,
        standard_tables.fund_scope as table_fund_scope,
        coalesce(cells.table_reliable, true) as table_reliable,
        case when lines.source_kind = 'narrative'
            then {{ budget_clause_before('before.text', 'block.text', 'lines.locator') }} end as clause
    from lines
    inner join documents on lines.document_id = documents.document_id
    left join cells on lines.document_id = cells.document_id and lines.locator = cells.locator
    left join standard_tables on lines.table_key = standard_tables.key
    left join texts as block
        on lines.source_kind = 'narrative' and block.document_id = lines.document_id
        and block.block_index = try_cast(regexp_extract(lines.locator, 'para:([0-9]+)', 1) as integer)
    left join texts as before
        on before.document_id = block.document_id and before.block_index = block.block_index - 1
    left join narrative_scopes as scopes
        on lines.source_kind = 'narrative' and scopes.document_id = lines.document_id
        and scopes.locator = lines.locator
),

final as (
    select
        document_id,
        line_key,
        line_order,
        department_name,
        fiscal_year,
        budget_level,
        unit_name,
        classification,
        table_key,
        case
            when table_layout = 'summary' and table_fund_scope = 'fiscal'
                 and measure in ('general_budget', 'govfund', 'soe_capital') then measure
            when table_fund_scope is not null then table_fund_scope
            when source_kind = 'narrative' then coalesce(intro_scope, 'fiscal')
        end as fund_scope,
        code,
        code_reported,
        level,
        name_reported,
        name_canonical,
        resolution_method,
        resolution_confidence,
        resolution_reason,
        reported_name_status,
        -- a narrative figure about another year (2025年当年预算执行数为…) is not this budget's line
        case
            when source_kind = 'narrative' and measure in ('total', 'budget')
                 and {{ budget_clause_other_year('clause', 'fiscal_year') }} then 'prior_year'
            else measure
        end as measure,
        value as value_reported,
        decimals as decimals_reported,
        coalesce(unit_reported, '万元') as unit_reported,
        {{ budget_to_wan('value', "coalesce(unit_reported, '万元')") }} as value_wan,
        {{ budget_wan_decimals('decimals', "coalesce(unit_reported, '万元')") }} as decimals_wan,
        {{ chk_lo('value', 'decimals') }} * {{ budget_yuan_factor("coalesce(unit_reported, '万元')") }} as yuan_lo,
        {{ chk_hi('value', 'decimals') }} * {{ budget_yuan_factor("coalesce(unit_reported, '万元')") }} as yuan_hi,
        raw_text,
        source_kind,
        page,
        locator,
        evidence,
        table_reliable
    from joined
)

select * from final
