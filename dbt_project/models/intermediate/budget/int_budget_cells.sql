-- A table: several budget checks and marts read it; as a view each would recompute it.
{{ config(materialized='table', meta={'juesuan_scope': 'document'}) }}
-- Table cells of current budget documents, with the unit of their table (元 / 万元 / 亿元, as recognised) and
-- the figure as an exact interval in 元 (yuan_lo, yuan_hi: every unit converts to 元 by an integer factor, so
-- comparisons across tables and documents stay exact) and its value in 万元 (value_wan, exact).
-- table_reliable is false when the table was not read unambiguously: its key was recognised twice in the
-- document (two tables taken for one), or a row maps two columns to one measure (the 三公 table excepted, one
-- row whose items are told apart by their labels), or its own identities judged it misread at ingest
-- (parse_reliable). Checks and the budget-vs-final comparison leave such
-- tables out; the marts keep their figures.
with cells as (
    select * from {{ ref('stg_raw__table_cells') }}
),

documents as (
    select * from {{ ref('int_budget_documents') }}
),

tables as (
    select * from {{ ref('stg_raw__recognised_tables') }}
),

units as (
    select * from {{ ref('int_cell_units_resolved') }}
),

ambiguous as (
    select document_id, table_key from tables group by all having count(*) > 1
    union
    select document_id, table_key from cells
    where table_key not in {{ chk_table_keys(kind='budget', layout='sangong') }}
    group by document_id, table_key, regexp_extract(locator, '^(.*)/col:', 1)
    having count(*) > count(distinct measure)
    union
    -- its own identities say it was misread (ingest.table_verify)
    select document_id, table_key from cells where not parse_reliable
),

with_table as (
    -- the unit of the recognised table a cell belongs to (int_cell_units_resolved)
    select
        cells.*,
        units.unit as table_unit
    from cells
    inner join documents on cells.document_id = documents.document_id
    left join units on cells.document_id = units.document_id and cells.cell_index = units.cell_index
),

final as (
    select
        with_table.document_id,
        documents.department_name,
        documents.fiscal_year,
        documents.budget_level,
        documents.unit_name,
        with_table.cell_index,
        with_table.table_key,
        with_table.table_title,
        with_table.row_index,
        regexp_extract(with_table.locator, '^(.*)/col:', 1) as row_key,
        coalesce(try_cast(regexp_extract(with_table.locator, 'block:([0-9]+)', 1) as integer), 0) * 100000
            + with_table.row_index as row_order,
        with_table.col_index,
        with_table.row_label,
        -- 一、一般公共服务支出 → 一般公共服务支出 ; 1、一般公共预算 → 一般公共预算 ; （一）… → …
        regexp_replace(
            regexp_replace(
                with_table.row_label,
                '^\s*([一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十0-9]+[）)]|[0-9]+[、.．])\s*', ''
            ),
            '\s', '', 'g'
        ) as row_name,
        nullif(trim(with_table.code), '') as code,
        case length(nullif(trim(with_table.code), ''))
            when 3 then '类' when 5 then '款' when 7 then '项'
        end as code_level,
        with_table.measure,
        with_table.measure_label,
        with_table.value,
        with_table.decimals,
        coalesce(with_table.table_unit, '万元') as unit_reported,
        {{ budget_yuan_factor("coalesce(with_table.table_unit, '万元')") }} as yuan_factor,
        {{ chk_dec('with_table.value') }} * {{ budget_yuan_factor("coalesce(with_table.table_unit, '万元')") }}
            as yuan_value,
        {{ chk_lo('with_table.value', 'with_table.decimals') }}
            * {{ budget_yuan_factor("coalesce(with_table.table_unit, '万元')") }} as yuan_lo,
        {{ chk_hi('with_table.value', 'with_table.decimals') }}
            * {{ budget_yuan_factor("coalesce(with_table.table_unit, '万元')") }} as yuan_hi,
        {{ budget_to_wan('with_table.value', "coalesce(with_table.table_unit, '万元')") }} as value_wan,
        {{ budget_wan_decimals('with_table.decimals', "coalesce(with_table.table_unit, '万元')") }} as decimals_wan,
        with_table.raw_text,
        with_table.page,
        with_table.locator,
        with_table.evidence,
        ambiguous.table_key is null as table_reliable
    from with_table
    inner join documents on with_table.document_id = documents.document_id
    left join ambiguous
        on with_table.document_id = ambiguous.document_id and with_table.table_key = ambiguous.table_key
)

select * from final
