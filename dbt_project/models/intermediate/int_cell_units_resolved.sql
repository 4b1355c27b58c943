{{ config(meta={'juesuan_scope': 'document'}) }}
-- The unit of every table cell: the unit its recognised table states (元 / 万元 / 亿元; 万元 when it states none).
-- A cell belongs to the last recognised table of its key starting on or before the cell's page. Read by the budget
-- models (which convert to 万元 exactly) and by the final-account marts (which state the unit of each line).
with cells as (
    select * from {{ ref('stg_raw__table_cells') }}
),

tables as (
    select * from {{ ref('stg_raw__recognised_tables') }}
),

final as (
    select
        cells.document_id,
        cells.cell_index,
        cells.locator,
        cells.table_key,
        coalesce(tables.unit, '万元') as unit
    from cells
    left join tables
        on cells.document_id = tables.document_id and cells.table_key = tables.table_key
    qualify row_number() over (
        partition by cells.document_id, cells.cell_index
        order by
            case when tables.page is null or cells.page is null or tables.page <= cells.page then 0 else 1 end,
            tables.page desc nulls last
    ) = 1
)

select * from final
