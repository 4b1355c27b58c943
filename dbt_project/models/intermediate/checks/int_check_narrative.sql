{{ config(meta={'juesuan_scope': 'document'}) }}
-- which claims it keeps depends on the metrics any table of the county states (int_check_table_figure_metrics)
-- Every amount the narrative claims against the tables of the same filing (三公 amounts: int_check_sangong).
-- A claim passes when any table stating that figure agrees (an inconsistency between two tables is an
-- identity finding, not a narrative one); not_evaluable when the filing has no table stating it.
-- narrative.restated_figure: a figure the narrative states again (same metric, basis, name, compared year and
-- the same words just before it) with another value — the second statement against the first.
with facts as (
    select * from {{ ref('int_check_facts') }}
),

metric_labels as (
    select key as metric, label_zh from {{ ref('metric_catalog') }}
),

figures as (
    select * from {{ ref('int_check_table_figures') }}
),

blocks as (
    select document_id, block_index, text from {{ ref('stg_raw__text_blocks') }}
),

located as (
    -- narrative locators: section:…/para:<block_index>/chars:<a>-<b>[/budget:…], a 0-based into the block's text
    select facts.*,
        try_cast(regexp_extract(facts.locator, 'para:([0-9]+)', 1) as integer) as block_index,
        try_cast(regexp_extract(facts.locator, 'chars:([0-9]+)', 1) as integer) as chars_start
    from facts
),

claims as (
    select located.*, metric_labels.label_zh,
        -- 一般公共服务（类）行政事业单位养老支出（款）行政单位离退休（项） → parts
        regexp_extract(located.name_reported, '^(.*?)（类）', 1) as class_name,
        regexp_extract(located.name_reported, '（类）(.*?)（款）', 1) as kuan_name,
        regexp_extract(located.name_reported, '（款）(.*?)（项）', 1) as item_name,
        -- the (up to six) characters just before the figure in its own text block: an income metric read
        -- after 支出 is an extraction slip (no lead text without a block and chars: span)
        case when located.chars_start is not null then
            substr(blocks.text, greatest(located.chars_start - 5, 1),
                   located.chars_start - greatest(located.chars_start - 5, 1) + 1)
        end as lead_text,
        -- 收入支出总计 / 收支总计: one figure for both sides (收入总计 = 支出总计), no slip
        coalesce(regexp_matches(substr(blocks.text, greatest(located.chars_start - 9, 1),
                                       located.chars_start - greatest(located.chars_start - 9, 1) + 1),
                                '收入?支出?总计[为是：:]?\s*$'), false) as total_wording
    from located
    left join metric_labels on located.metric = metric_labels.metric
    left join blocks
        on located.document_id = blocks.document_id and located.block_index = blocks.block_index
    where located.source_kind = 'narrative' and located.basis = 'actual' and located.unit in ('万元', '万', '元')
      and located.metric not like 'sangong%'
      and (located.fact_kind = 'line'
           or located.metric in (select metric from {{ ref('int_check_table_figure_metrics') }}))
),

metric_matches as (
    select c.document_id, c.fact_index, c.fact_kind, f.value, f.decimals, f.lo, f.hi, f.locator as table_locator,
        f.table_key
    from claims as c
    inner join figures as f
        on f.filing_key = c.filing_key and f.metric = c.metric and f.basis = c.basis
    where c.fact_kind = 'metric'
),

line_matches as (
    -- a 类 claim (一般公共服务（类）) is the 类 row whose name starts with it; a 项 claim matches 项 and 款 names
    select c.document_id, c.fact_index, c.fact_kind, f.value, f.decimals, f.lo, f.hi, f.locator as table_locator,
        f.table_key
    from claims as c
    inner join figures as f
        on f.filing_key = c.filing_key and f.metric in ('function_line:general_budget_expenditure',
                                                        'function_line:govfund', 'function_class:fiscal_summary')
        and (
            (c.item_name = '' and length(f.code) = 3 and starts_with(f.name, c.class_name))
            or (c.item_name = '' and c.class_name <> '' and f.code is null and starts_with(f.name, c.class_name))
            or (c.item_name <> '' and length(f.code) = 7 and f.name = c.item_name
                and exists (
                    select 1 from figures as k
                    where k.filing_key = f.filing_key and k.metric = f.metric and k.code = left(f.code, 5)
                      and k.name = c.kuan_name))
        )
    where c.fact_kind = 'line'
),

matches as (
    select * from metric_matches
    union all
    select * from line_matches
),

judged as (
    select
        c.*,
        count(m.value) as n_tables,
        -- the narrative quotes a table figure: at equal precision the quote must be exact (half-open intervals)
        bool_or({{ chk_meets_quote('c.lo', 'c.hi', 'm.lo', 'm.hi') }}) as any_meets,
        arg_min(m.value, abs(m.value - c.value)) as nearest,
        -- ties (several tables state the figure) name the first table key: the same message every build
        arg_min(m.table_key, (abs(m.value - c.value), m.table_key))
            filter (where m.value is not null and c.value is not null) as nearest_table
    from claims as c
    left join matches as m
        on m.document_id = c.document_id and m.fact_index = c.fact_index and m.fact_kind = c.fact_kind
    group by all
),

{%- set num = "[0-9][0-9,]*(?:\\.[0-9]+)?" %}
coded_quotes as (
    -- a narrative line that names its classification code: 小学教育（2050202），2023年度决算数为7,970.38万元 — the
    -- code finds the table row (a name may be shortened or renamed; the code is the row's key). Not read as a fact.
    select b.document_id, b.block_index, b.text, p.page,
        regexp_extract_all(b.text,
            '[^\s，,。；;、0-9（()）.．]{2,30}\s*[（(]\s*[0-9]{3}(?:[0-9]{2}){0,2}\s*[）)]\s*[，,：:]?\s*'
            || '(?:(?:19|20)[0-9]{2}\s*年度?)?\s*(?:支出)?决算数?\s*为?\s*{{ num }}\s*万\s*元', 0) as quotes
    from blocks as b
    inner join {{ ref('stg_raw__text_blocks') }} as p
        on p.document_id = b.document_id and p.block_index = b.block_index
    where p.kind = 'paragraph' and regexp_matches(b.text, '[（(]\s*[0-9]{3}(?:[0-9]{2}){0,2}\s*[）)]')
),

coded_parsed as (
    select document_id, block_index, page, quote,
        regexp_extract(quote, '^([^\s（(]*)', 1) as line_name,
        regexp_extract(quote, '[（(]\s*([0-9]+)\s*[）)]', 1) as code,
        replace(regexp_extract(quote, '({{ num }})\s*万\s*元$', 1), ',', '') as value_text
    from (select *, unnest(quotes) as quote from coded_quotes)
),

coded_bounds as (
    select *,
        {{ chk_lo('cast(value_text as decimal(38, 6))', "length(split_part(value_text || '.', '.', 2))") }} as lo,
        {{ chk_hi('cast(value_text as decimal(38, 6))', "length(split_part(value_text || '.', '.', 2))") }} as hi,
        'section:narrative/para:' || cast(block_index as varchar) || '/code:' || code as locator
    from coded_parsed
    -- a line the facts already read (a 类/款/项 line fact of the same block) is judged above
    where not exists (
        select 1 from claims as c
        where c.document_id = coded_parsed.document_id and c.block_index = coded_parsed.block_index
          and c.fact_kind = 'line')
),

coded_rows as (
    -- the total column of every table row with that code in the same document
    select l.document_id, l.code, l.value, l.locator,
        regexp_extract(l.locator, '^table:([^/]+)', 1) as table_key,
        {{ chk_lo('l.value', 'l.decimals') }} as lo, {{ chk_hi('l.value', 'l.decimals') }} as hi
    from {{ ref('stg_raw__line_items') }} as l
    where l.source_kind = 'table' and l.classification = 'function' and l.measure = 'total'
),

coded_judged as (
    select q.document_id, q.block_index, q.page, q.quote, q.line_name, q.code, q.value_text, q.locator,
        bool_or({{ chk_meets_quote('q.lo', 'q.hi', 'r.lo', 'r.hi') }}) as any_meets,
        arg_min(r.value, (abs(r.value - cast(q.value_text as decimal(38, 6))), r.table_key)) as nearest,
        arg_min(r.table_key, (abs(r.value - cast(q.value_text as decimal(38, 6))), r.table_key)) as nearest_table
    from coded_bounds as q
    inner join coded_rows as r on r.document_id = q.document_id and r.code = q.code
    group by all
),

coded_final as (
    -- a code no table of the document lists: the line quotes no table figure — silent, not not_evaluable
    select
        'narrative.amount_vs_table' as check_id,
        document_id,
        case when any_meets then 'pass' else 'fail' end as status,
        {{ chk_dec('nearest') }} as expected,
        {{ chk_dec('value_text') }} as actual,
        {{ chk_dec('value_text') }} - {{ chk_dec('nearest') }} as difference,
        {{ chk_page_text('page') }} || '说明中「' || line_name || '（' || code || '）」为' || value_text
            || '万元，而《' || {{ chk_table_zh('nearest_table') }} || '》中该科目为 ' || {{ chk_fmt('nearest') }}
            || ' 万元，差额 ' || {{ chk_fmt('cast(value_text as decimal(38, 6)) - nearest') }}
            || ' 万元；请以报表为准改正说明（或改正报表）。' as message,
        quote as evidence,
        page,
        locator
    from coded_judged
),

statements as (
    -- money figures of the narrative with the eight characters just before them in their block
    select located.*,
        substr(blocks.text, greatest(located.chars_start - 7, 1),
               located.chars_start - greatest(located.chars_start - 7, 1) + 1) as lead8
    from located
    inner join blocks
        on located.document_id = blocks.document_id and located.block_index = blocks.block_index
    where located.source_kind = 'narrative' and located.basis in ('actual', 'budget', 'yoy_change')
      and located.unit in ('万元', '万', '元') and located.chars_start >= 4
      -- the department's own figures: a metric stated once per project or per item (绩效项目预算数) recurs with
      -- other values by design
      and located.fact_kind = 'metric'
      and located.metric in (select key from {{ ref('metric_catalog') }} where category <> 'performance')
),

restated_pairs as (
    select a.document_id, a.fact_index, a.value, a.raw_text, a.unit, a.evidence, a.page, a.locator, a.lead8,
        coalesce(a.name_reported, ml.label_zh, a.metric) as what,
        b.value as earlier_value, b.raw_text as earlier_text, b.page as earlier_page,
        {{ chk_meets('a.lo', 'a.hi', 'b.lo', 'b.hi') }} as meets
    from statements as a
    inner join statements as b
        on b.document_id = a.document_id and b.fact_kind = a.fact_kind and b.metric = a.metric
        and b.basis = a.basis and coalesce(b.name_reported, '') = coalesce(a.name_reported, '')
        and coalesce(b.compared_year, 0) = coalesce(a.compared_year, 0)
        and b.lead8 = a.lead8 and b.fact_index < a.fact_index and b.block_index <> a.block_index
    left join metric_labels as ml on ml.metric = a.metric
),

restated as (
    select document_id, fact_index, value, raw_text, unit, evidence, page, locator, lead8, what,
        bool_or(meets) as any_meets,
        arg_min(earlier_value, meets) as other_value,
        arg_min(earlier_text, meets) as other_text,
        arg_min(earlier_page, meets) as other_page
    from restated_pairs
    group by all
),

restated_final as (
    select
        'narrative.restated_figure' as check_id,
        document_id,
        case when any_meets then 'pass' else 'fail' end as status,
        {{ chk_dec('other_value') }} as expected,
        {{ chk_dec('value') }} as actual,
        {{ chk_dec('value') }} - {{ chk_dec('other_value') }} as difference,
        {{ chk_page_text('page') }} || '说明中「' || what || '」写作「' || lead8 || raw_text || unit || '」，而'
            || coalesce('第' || cast(other_page as varchar) || '页', '前文') || '同一说法为 ' || other_text || unit
            || '，前后不一致；请核对改正。' as message,
        evidence, page, locator
    from restated
),

final as (
    select
        'narrative.amount_vs_table' as check_id,
        document_id,
        case when n_tables = 0 then 'not_evaluable' when any_meets then 'pass'
             when metric like 'income%' and lead_text like '%支出%' and not total_wording then 'not_evaluable'
             else 'fail' end as status,
        {{ chk_dec('nearest') }} as expected,
        {{ chk_dec('value') }} as actual,
        {{ chk_dec('value') }} - {{ chk_dec('nearest') }} as difference,
        case when n_tables > 0 and not any_meets and metric like 'income%' and lead_text like '%支出%'
                  and not total_wording then
            '无法核对：缺少可对应的指标——' || {{ chk_page_text('page') }} || '说明中 ' || raw_text || unit
            || ' 前为「支出」，与收入指标对应不上。'
        when n_tables = 0 then
            '无法核对：缺少对应的报表数——' || {{ chk_page_text('page') }} || '说明中「'
            || coalesce(name_reported, label_zh, '该项') || '」' || raw_text || unit || '，本文件已读取的报表中没有列出该数。'
        else
            {{ chk_page_text('page') }} || '说明中「' || coalesce(name_reported, label_zh, '该项') || '」为' || raw_text || unit
            || '，而《' || {{ chk_table_zh('nearest_table') }} || '》为 ' || {{ chk_fmt('nearest') }}
            || ' 万元，差额 ' || {{ chk_fmt('value - nearest') }} || ' 万元；请以报表为准改正说明（或改正报表）。'
        end as message,
        evidence,
        page,
        locator
    from judged
)

select * from final
union all
select * from restated_final
union all
select * from coded_final
