{{ config(meta={'juesuan_scope': 'document'}) }}
-- Per filing (department + year): the nine tables, the required explanations, the 三公 breakdown, and a
-- statement wherever T8/T9 has no amount.
with cells as (
    select * from {{ ref('int_check_cells') }}
),

texts as (
    select t.*, d.filing_key
    from {{ ref('stg_raw__text_blocks') }} as t
    inner join {{ ref('int_check_documents') }} as d using (document_id)
),

documents as (
    -- the 决算 template's tables and explanations: budgets are not checked against them
    select * from {{ ref('int_check_documents') }}
    where doc_type = 'final_account'
),

filings as (
    -- the finding goes to the filing's document with the most table cells (else its first document)
    select d.filing_key,
        arg_min(d.document_id, struct_pack(n := -coalesce(c.n, 0), id := d.document_id)) as document_id
    from documents as d
    left join (select document_id, count(*) as n from cells group by all) as c using (document_id)
    group by all
),

filing_text as (
    select filing_key, string_agg(text, '\n' order by document_id, block_index) as text,
        string_agg(text, '\n' order by document_id, block_index) filter (where kind <> 'table') as prose,
        -- for title and statement matching: no spaces, no quotes of any kind
        regexp_replace(string_agg(text, '\n' order by document_id, block_index), '[\s"“”‘’「」]', '', 'g') as flat
    from texts group by all
),

title_blocks as (
    -- blocks that are a table's own title (numbering or a department/year prefix allowed), not a line of the
    -- table of contents (which ends with its page number) nor a sentence referring to the table
    select filing_key, page, regexp_replace(text, '[\s"“”‘’「」]', '', 'g') as flat_block
    from texts
    where length(text) <= 80 and not regexp_matches(text, '[，。；]')
),

parses as (
    select * from {{ ref('stg_raw__table_parses') }}
),

families as (
    select * from {{ ref('template_family') }}
),

default_families as (
    -- the family of a document type that detects nothing (used when no table of the document was parsed)
    select doc_type, arg_min(family, priority) as family
    from (select distinct family, doc_type, priority from families where coalesce(detect, '') = '')
    group by all
),

filing_family as (
    -- the template family the extraction chose for the filing's tables, else the default of the document type
    select f.filing_key, f.document_id,
        coalesce(p.family, df.family) as family
    from filings as f
    inner join documents as d on d.document_id = f.document_id
    left join (
        select pa.document_id, mode(pa.template_family) as family
        from parses as pa where pa.template_family is not null group by all
    ) as p on p.document_id = f.document_id
    left join default_families as df on df.doc_type = d.doc_type
),

required_tables as (
    -- the family's required tables, numbered 第N张 within the family; title_re: the title as printed (quotes and
    -- spaces removed), e.g. Shanghai 财政拨款“三公”经费支出决算表, 高等学校收支决算总表
    select ff.filing_key, ff.document_id, ff.family, fa.table_key, fa.number, fa.title_zh as title,
        coalesce(fa.may_be_empty, false) as may_be_empty, fa.title_re,
        count(*) over (partition by ff.filing_key) as n_required
    from filing_family as ff
    inner join families as fa on fa.family = ff.family
    where fa.required
),

title_hits as (
    -- a block that is the table's own title: before the title only numbering (表2：, 三、) or a department / year
    -- prefix; when the titles of two tables match (支出决算表 in 财政拨款支出决算表) the longer title wins
    select filing_key, table_key, page
    from (
        select tb.filing_key, tb.page, r.table_key,
            regexp_extract(regexp_replace(tb.flat_block, '（[^）]*）$', ''), '(' || r.title_re || ')$', 1) as hit,
            regexp_replace(tb.flat_block, '（[^）]*）$', '') as flat
        from title_blocks as tb
        inner join required_tables as r using (filing_key)
    )
    where hit <> ''
      and regexp_matches(left(flat, length(flat) - length(hit)),
        '^([0-9一二三四五六七八九十]+[、.．]?|表[0-9一二三四五六七八九十]+[:：]?|[^。，]{0,40}年度?|[^。，]{0,40}(一般公共预算|财政拨款))?$')
    qualify length(hit) = max(length(hit)) over (partition by filing_key, flat)
),

title_pages as (
    -- the page of a table's title (the finding of a table with a title and no figures points at it): where the
    -- table was recognised, else its last title block (the first may be the 目录's line)
    select h.filing_key, h.table_key, coalesce(min(r.page), max(h.page)) as page
    from title_hits as h
    left join (
        select f.filing_key, rt.table_key, rt.page
        from {{ ref('stg_raw__recognised_tables') }} as rt
        inner join {{ ref('int_check_documents') }} as f using (document_id)
    ) as r on r.filing_key = h.filing_key and r.table_key = h.table_key
    group by all
),

present as (
    select filing_key, table_key, count(*) as n_cells, count(*) filter (where value <> 0) as n_nonzero
    from cells group by all
),

read_share as (
    -- how many of the family's required tables were read: more than half = the filing was read confidently
    -- (the Shanghai nine: at least five)
    select r.filing_key, count(p.table_key) as n_read, max(r.n_required) as n_required
    from required_tables as r
    left join present as p using (filing_key, table_key)
    group by all
),

tables_final as (
    select
        'completeness.required_tables' as check_id, r.document_id,
        case
            when p.n_cells > 0 then 'pass'
            -- half or fewer of the family's tables read: table extraction failed for this filing, not the filing
            when rs.n_read * 2 <= rs.n_required then 'not_evaluable'
            -- the title is in the text but no cell was extracted: the table exists, its figures were not read
            -- (or, for T7–T9, it is an empty table: pass when the filing states it has no such spending)
            when regexp_matches(ft.flat, r.title_re) and r.may_be_empty
                 and regexp_matches(ft.flat, case r.table_key
                     when 'govfund' then '(无|没有|未发生|未安排)[^。]{0,20}政府性基金'
                     when 'soe_capital' then '(无|没有|未发生|未安排)[^。]{0,20}国有资本经营'
                     else '(无|没有|未发生|未安排)[^。]{0,20}三公' end) then 'pass'
            else 'fail'
        end as status,
        null as expected, null as actual, null as difference,
        case when rs.n_read * 2 > rs.n_required and th.table_key is not null
            then '第' || cast(r.number as varchar) || '张决算表《' || r.title || '》只有标题、没有数据（其余报表均已读取）；'
                || '请补充该表的数据' || case when r.may_be_empty then '，如本部门无此项收支，应在表后或说明中注明。' else '。' end
        when p.n_cells > 0 or rs.n_read * 2 > rs.n_required
            then '缺少第' || cast(r.number as varchar) || '张决算表《' || r.title || '》（其余报表均已读取）；请补充该表'
                || case when r.may_be_empty then '，如本部门无此项收支，应公开空表并说明。' else '。' end
            else '无法核对：缺少第' || cast(r.number as varchar) || '张决算表《' || r.title
                || '》的可读数据——本文件的报表未能可靠读取（' || cast(rs.n_required as varchar) || '张表中只识别出 '
                || cast(rs.n_read as varchar) || ' 张），无法判断该表是否齐全。'
        end as message,
        null as evidence, th.page, 'table:' || r.table_key as locator
    from required_tables as r
    inner join read_share as rs using (filing_key)
    left join present as p on p.filing_key = r.filing_key and p.table_key = r.table_key
    left join filing_text as ft on ft.filing_key = r.filing_key
    left join title_pages as th on th.filing_key = r.filing_key and th.table_key = r.table_key
),

explained_filings as (
    -- the explanations of 机关运行经费, 政府采购, 国有资产 and 三公 go with the templates that carry a 三公 table
    -- (the Shanghai and Sichuan 决算); the four-table 高等学校 template has none of them
    select ff.filing_key, ff.document_id
    from filing_family as ff
    where exists (select 1 from families as fa where fa.family = ff.family and fa.table_key = 'sangong')
),

explanations as (
    select * from (values
        ('机关运行经费', '机关运行经费[^。]{0,40}([0-9][0-9,.]*\s*万元|无|未)', '机关运行经费支出情况'),
        ('政府采购', '政府采购[^。]{0,40}([0-9][0-9,.]*\s*万元|无|未)', '政府采购支出情况'),
        ('国有资产', '(国有资产|车辆|公务用车)[^。]{0,60}([0-9]+\s*辆|无)', '国有资产占有使用情况')
    ) as t(topic, pattern, title)
),

explanations_final as (
    select
        'completeness.required_explanations' as check_id, f.document_id,
        case when regexp_matches(coalesce(ft.prose, ''), e.pattern) then 'pass' else 'fail' end as status,
        null, null, null,
        '情况说明缺少「' || e.title || '」（应说明金额或写明无此项）；请补充。' as message,
        null, null, 'section:其他重要事项/' || e.topic
    from explained_filings as f
    cross join explanations as e
    left join filing_text as ft on ft.filing_key = f.filing_key
),

sangong_breakdown as (
    select
        'completeness.sangong_breakdown' as check_id, f.document_id,
        case when regexp_matches(coalesce(ft.prose, ''), '因公出国')
              and regexp_matches(coalesce(ft.prose, ''), '公务用车')
              and regexp_matches(coalesce(ft.prose, ''), '公务接待') then 'pass' else 'fail' end,
        null, null, null,
        '三公经费说明未分别说明因公出国（境）费、公务用车购置及运行费、公务接待费；请补充分项情况。',
        null, null, 'section:三公'
    from explained_filings as f
    left join filing_text as ft on ft.filing_key = f.filing_key
),

empty_statement as (
    select
        'completeness.empty_table_statement' as check_id, f.document_id,
        case when coalesce(p.n_nonzero, 0) > 0 then 'pass'
             when regexp_matches(coalesce(ft.text, ''),
                  case r.table_key when 'govfund' then '(无|没有|未发生|未安排)[^。]{0,20}政府性基金|政府性基金[^。]{0,30}(空表|为零|为0|无|未发生|(支出|收入)为?\s*0(\.0+)?\s*万元)'
                                   when 'soe_capital' then '(无|没有|未发生|未安排)[^。]{0,20}国有资本经营|国有资本经营[^。]{0,30}(空表|为零|为0|无|未发生|(支出|收入)为?\s*0(\.0+)?\s*万元)'
                                   else '(无|没有|未发生|未安排)[^。]{0,20}[“"]?三公' end) then 'pass'
             else 'fail' end,
        null, null, null,
        '《' || r.title || '》无数据，但未说明“本部门无相关收支，故本表为空表”；请补充说明。',
        null, null, 'table:' || r.table_key
    from filings as f
    inner join (select * from required_tables where may_be_empty) as r on r.filing_key = f.filing_key
    left join present as p on p.filing_key = f.filing_key and p.table_key = r.table_key
    left join filing_text as ft on ft.filing_key = f.filing_key
    where r.table_key <> 'sangong' or p.n_cells > 0
)

select * from tables_final
union all select * from explanations_final
union all select * from sangong_breakdown
union all select * from empty_statement
