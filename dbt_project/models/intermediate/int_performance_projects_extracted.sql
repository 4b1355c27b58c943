{{ config(meta={'juesuan_scope': 'document'}) }}
-- Project rows of the performance tables (项目支出绩效目标完成情况表 / 绩效自评表): each numeric cell with
-- what it is (budget / execution / score, from the label just before it in its row) and the project's name
-- and indicator rows, read from the table's text block.
with cells as (
    select * from {{ ref('stg_raw__table_cells') }}
),

blocks as (
    select * from {{ ref('stg_raw__text_blocks') }}
),

performance_cells as (
    select
        cells.*,
        cast(regexp_extract(cells.locator, '/block:([0-9]+)', 1) as integer) as block_index,
        trim(coalesce(list_extract(string_split(cells.evidence, ' | '), cells.col_index), '')) as label_before
    from cells
    where cells.table_key in (select key from {{ ref('standard_table') }} where kind = 'performance')
),

final as (
    select
        performance_cells.document_id,
        performance_cells.cell_index,
        performance_cells.block_index,
        nullif(trim(regexp_extract(blocks.text, '项目名称\s*\|\s*([^|\n]+)', 1)), '') as project_name,
        case
            when regexp_matches(performance_cells.label_before, '预算|年初|全年') then 'budget'
            when regexp_matches(performance_cells.label_before, '执行|实际') then 'execution'
            when regexp_matches(performance_cells.label_before || performance_cells.row_label, '得分|分值|评分') then 'score'
            when regexp_matches(performance_cells.label_before || performance_cells.row_label, '执行率') then 'execution_pct'
            else 'other'
        end as item,
        coalesce(nullif(performance_cells.label_before, ''), performance_cells.row_label) as item_label,
        performance_cells.value,
        performance_cells.decimals,
        performance_cells.raw_text,
        performance_cells.page,
        performance_cells.locator,
        performance_cells.evidence,
        nullif(left(regexp_extract(blocks.text, '(一级指标[\s\S]*)', 1), 2000), '') as indicators
    from performance_cells
    left join blocks
        on performance_cells.document_id = blocks.document_id
        and performance_cells.block_index = blocks.block_index
)

select * from final
