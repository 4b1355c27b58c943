{{ config(meta={'juesuan_scope': 'document'}) }}
-- Every expenditure line by functional or economic classification, from all sources, in one shape:
--   * line_items (table rows of T2/T3/T5/T6/T8/T9 and budget tables, narrative 类/项 lines);
--   * the 类 rows of the summary tables T1/T4, which carry a class name but no code ("八、社会保障和就业支出").
-- Each line gets the name parts to resolve (类/款/项 from a narrative path, or the row's own name at its
-- level) and code hints from the preceding coded rows of the same table, plus a resolve_key.
with line_items as (
    select * from {{ ref('stg_raw__line_items') }}
),

table_cells as (
    select * from {{ ref('stg_raw__table_cells') }}
),

documents as (
    select * from {{ ref('int_documents_identified') }}
),

standard_tables as (
    select * from {{ ref('standard_table') }}
),

from_line_items as (
    select
        document_id,
        'line:' || line_index as line_key,
        line_index as line_order,
        classification,
        case when source_kind = 'table' then regexp_extract(locator, '^table:([^/]+)', 1) end as table_key,
        nullif(trim(code), '') as code_reported,
        level,
        name_reported,
        measure,
        value,
        decimals,
        raw_text,
        source_kind,
        page,
        locator,
        evidence
    from line_items
),

summary_class_rows as (
    select
        document_id,
        'cell:' || cell_index as line_key,
        cell_index as line_order,
        'function' as classification,
        table_key,
        cast(null as varchar) as code_reported,
        '类' as level,
        row_label as name_reported,
        case measure
            when 'expenditure' then 'total'
            when 'expenditure_total' then 'total'
            when 'expenditure_general_budget' then 'general_budget'
            when 'expenditure_govfund' then 'govfund'
            when 'expenditure_soe_capital' then 'soe_capital'
        end as measure,
        value,
        decimals,
        raw_text,
        'table' as source_kind,
        page,
        locator,
        evidence
    from table_cells
    where table_key in (select key from standard_tables where layout = 'summary')  -- T1/T4 and the budgets' 总表
        and measure in (
            'expenditure', 'expenditure_total', 'expenditure_general_budget', 'expenditure_govfund',
            'expenditure_soe_capital'
        )
        -- the class rows are the numbered ones (八、社会保障和就业支出); 合计/总计/结转 rows are metrics
        and regexp_matches(trim(row_label), '^[一二三四五六七八九十]+[、.．]')
),

unioned as (
    select * from from_line_items
    union all
    select * from summary_class_rows
),

with_parts as (
    select
        unioned.*,
        documents.fiscal_year,
        replace(replace(unioned.name_reported, '(', '（'), ')', '）') as name_fw
    from unioned
    inner join documents on unioned.document_id = documents.document_id
),

parts as (
    select
        *,
        regexp_matches(name_fw, '（[类款项]）') as is_path,
        -- code hints: the code's own prefixes, else the last coded row above in the same table
        case
            when length(code_reported) >= 5 then substr(code_reported, 1, 3)
            when code_reported is null and table_key is not null then last_value(
                case when length(code_reported) >= 3 then substr(code_reported, 1, 3) end ignore nulls
            ) over (
                partition by document_id, table_key order by line_order
                rows between unbounded preceding and 1 preceding
            )
        end as class_hint,
        case
            when length(code_reported) = 7 then substr(code_reported, 1, 5)
            when code_reported is null and table_key is not null then last_value(
                case when length(code_reported) >= 5 then substr(code_reported, 1, 5) end ignore nulls
            ) over (
                partition by document_id, table_key order by line_order
                rows between unbounded preceding and 1 preceding
            )
        end as kuan_hint
    from with_parts
),

normalised as (
    select
        *,
        {{ normalise_classification_name(
            "case when is_path then regexp_extract(name_fw, '^(.*?)（类）', 1)
                  when level = '类' then name_fw else '' end") }} as class_part,
        {{ normalise_classification_name(
            "case when is_path then regexp_extract(name_fw, '（类）(.*?)（款）', 1)
                  when level = '款' then name_fw else '' end") }} as kuan_part,
        {{ normalise_classification_name(
            "case when is_path then regexp_extract(name_fw, '（款）(.*?)（项）', 1)
                  when level = '项' then name_fw else '' end") }} as item_part
    from parts
),

final as (
    select
        document_id,
        line_key,
        line_order,
        classification,
        table_key,
        fiscal_year,
        code_reported,
        coalesce(level, case length(code_reported) when 3 then '类' when 5 then '款' when 7 then '项' end)
            as level,
        name_reported,
        measure,
        value,
        decimals,
        raw_text,
        source_kind,
        page,
        locator,
        evidence,
        class_part,
        kuan_part,
        item_part,
        class_hint,
        kuan_hint,
        md5(concat_ws('|',
            classification, coalesce(cast(fiscal_year as varchar), ''), coalesce(level, ''),
            coalesce(code_reported, ''), class_part, kuan_part, item_part,
            coalesce(class_hint, ''), coalesce(kuan_hint, '')
        )) as resolve_key
    from normalised
)

select * from final
