{{ config(meta={'juesuan_scope': 'document'}) }}
-- Cell validity: amounts that cannot be negative, shares over 100%.
with cells as (
    select * from {{ ref('int_check_cells') }}
),

facts as (
    select * from {{ ref('int_check_facts') }}
),

negatives as (
    select
        'validity.negative_amount' as check_id, document_id,
        case when value < 0 then 'fail' else 'pass' end as status,
        null as expected, {{ chk_dec('value') }} as actual, null as difference,
        {{ chk_page_text('page') }} || '《' || {{ chk_table_zh('table_key') }} || '》「' || row_label || '」「'
            || measure_label || '」为负数 ' || {{ chk_fmt('value') }} || '；请核对。' as message,
        evidence, page, locator
    from cells
    where table_key not in ('performance') and row_name not like '%结余%' and row_name not like '%结转%'
      and measure not like '%carryover%'
),

shares as (
    select
        'validity.percent_over_100' as check_id, document_id,
        case when value > 100 then 'fail' else 'pass' end,
        100, {{ chk_dec('value') }}, {{ chk_dec('value') }} - 100,
        {{ chk_page_text('page') }} || '占比「' || raw_text || '%」超过100%；请核对。',
        evidence, page, locator
    from facts
    where source_kind = 'narrative' and basis = 'share_pct'
)

select * from negatives
union all select * from shares
