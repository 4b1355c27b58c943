{{ config(meta={'juesuan_scope': 'document'}) }}
-- Completeness of a budget (预算) against its own table of contents and against its template family (seed
-- template_family: the family extraction chose for the document's tables, by the family's detect words):
--   budget.required_tables          every table its 目录 lists is in the document; every table its family requires
--                                   (Shanghai's nine, Jiangsu's 公开01–11表, the 高等学校 four) is there, and has
--                                   figures when the family's other tables were read — a table that may be empty
--                                   (may_be_empty: the fund tables) excepted;
--   budget.empty_table_statement    a table that may be empty (政府性基金 / 国有资本经营预算) and has no figure says the
--                                   unit has none (本表为空表, 无…预算);
--   budget.required_sections        the explanations the family requires (seed template_family_section: the Shanghai
--                                   template's 名词解释, 预算编制说明, 三公经费, 机关运行经费, 政府采购, 绩效目标, 国有资产占有使用,
--                                   and 项目经费情况说明 in a 部门预算).
--   budget.table_rows_missing       a table whose 合计 is not the sum of its 类 rows (budget.rollup) and whose title
--                                   stands on an earlier page than its first row: that page's rows are gone; a 收支总表
--                                   printing its 总计 rows and no other row.
-- A table is present when it was recognised or when its title stands in the text after the 目录.
with texts as (
    select * from {{ ref('stg_raw__text_blocks') }}
),

documents as (
    select * from {{ ref('int_budget_documents') }}
),

recognised as (
    select * from {{ ref('stg_raw__recognised_tables') }}
),

cells as (
    select * from {{ ref('int_budget_cells') }}
),

families as (
    select * from {{ ref('template_family') }}
    where doc_type = 'budget'
),

default_family as (
    -- the budgets' family that detects nothing (a document none of whose tables was parsed)
    select arg_min(family, priority) as family from families where coalesce(detect, '') = ''
),

document_family as (
    -- the family extraction chose for the document's tables (ingest.templates), else the default family
    select d.document_id, coalesce(p.family, df.family) as family
    from documents as d
    left join (
        select document_id, mode(template_family) as family
        from {{ ref('stg_raw__table_parses') }}
        where nullif(template_family, '') is not null
        group by all
    ) as p using (document_id)
    cross join default_family as df
),

document_tables as (
    -- what the document's family says of each table; a table its family does not name, what the default family says
    select df.document_id, t.table_key,
        coalesce(own.may_be_empty, dflt.may_be_empty, false) as may_be_empty
    from document_family as df
    cross join (select distinct table_key from families) as t
    left join families as own on own.family = df.family and own.table_key = t.table_key
    left join families as dflt
        on dflt.table_key = t.table_key and dflt.family = (select family from default_family)
),

blocks as (
    select
        t.document_id, t.block_index, t.page, t.kind, t.text,
        regexp_replace(regexp_replace(t.text, '[\s“”"‘’]', '', 'g'), '[(]', '（', 'g') as compact,
        d.budget_level
    from texts as t
    inner join documents as d using (document_id)
),

toc_start as (
    select document_id, min(block_index) as toc_block, min(page) as toc_page
    from blocks
    where kind <> 'table' and regexp_matches(compact, '^目录$')
    group by document_id
),

after_toc as (
    -- the blocks after 目录, and whether each still looks like an entry (dot leaders, or a short line without
    -- sentence punctuation, on the 目录's page or the next)
    select
        b.*,
        s.toc_block,
        (regexp_matches(b.compact, '(…|\.{4,}|·{4,})') or (length(b.compact) <= 40 and not regexp_matches(b.compact, '[，。；：]')))
            and b.kind <> 'table'
            and (b.page is null or s.toc_page is null or b.page <= s.toc_page + 1) as entry_like
    from blocks as b
    inner join toc_start as s on s.document_id = b.document_id and b.block_index > s.toc_block
),

toc_runs as (
    select
        *,
        count(*) filter (where not entry_like) over (
            partition by document_id order by block_index rows between unbounded preceding and current row
        ) as breaks
    from after_toc
),

toc_entries as (
    -- the 目录: the entries up to the first block that is not one; numbering, leaders and page numbers removed
    select
        document_id, block_index, page, text,
        regexp_replace(
            regexp_replace(compact, '^([0-9一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十0-9]+[）)])', ''),
            '(…|\.|·)+[0-9]*$', ''
        ) as title
    from toc_runs
    where breaks = 0
),

toc_end as (
    select s.document_id, coalesce(max(e.block_index), s.toc_block) as last_entry
    from toc_start as s
    left join toc_entries as e on e.document_id = s.document_id
    group by s.document_id, s.toc_block
),

toc_tables as (
    -- a table's entry, not the part heading (五、部门预算表); matched without 预算, years and brackets, so
    -- 政府性基金财政拨款支出预算表 (目录) finds 政府性基金预算财政拨款支出预算表 (the table's title); a fund's table
    -- is named with or without 财政拨款 (目录 政府性基金财政拨款支出预算表, title 政府性基金支出预算表)
    select
        *,
        {{ budget_table_title_key('title') }} as title_key
    from toc_entries
    where regexp_matches(title, '预算.*表$') and not regexp_matches(title, '^(部门|单位)?预算(报)?表$')
),

body as (
    -- everything after the table of contents (tables included: a sheet's title can stand in its grid)
    select b.*, {{ budget_table_title_key('b.compact') }} as compact_key
    from blocks as b
    left join toc_end as e on e.document_id = b.document_id
    where e.last_entry is null or b.block_index > e.last_entry
),

recognised_titles as (
    select
        document_id,
        regexp_replace(regexp_replace(table_title, '[\s“”"‘’]', '', 'g'), '[(]', '（', 'g') as compact,
        {{ budget_table_title_key("regexp_replace(regexp_replace(table_title, '[\\s“”\"‘’]', '', 'g'), '[(]', '（', 'g')") }}
            as compact_key
    from recognised
),

toc_present as (
    select
        t.*,
        exists (
            select 1 from body as b
            where b.document_id = t.document_id and strpos(b.compact_key, t.title_key) > 0
        ) or exists (
            select 1 from recognised_titles as r
            where r.document_id = t.document_id
              and (strpos(r.compact_key, t.title_key) > 0 or strpos(t.title_key, r.compact_key) > 0)
        ) as present
    from toc_tables as t
),

toc_final as (
    select
        'budget.required_tables' as check_id,
        document_id,
        case when present then 'pass' else 'fail' end as status,
        null as expected, null as actual, null as difference,
        {{ chk_page_text('page') }} || '目录列有《' || title || '》，正文中未找到该表；请补上该表或更正目录。' as message,
        text as evidence, page, 'block:' || cast(block_index as varchar) as locator
    from toc_present
),

template_tables as (
    -- the tables the document's family requires, numbered within the family; title_re: the table's title as printed
    -- (searched in a text block without spaces or quotes)
    select df.document_id, fa.number, fa.table_key, fa.title_zh, fa.title_re as pattern,
        coalesce(fa.may_be_empty, false) as may_be_empty,
        count(*) over (partition by df.document_id) as n_required
    from document_family as df
    inner join families as fa on fa.family = df.family
    where fa.required
),

template_titles as (
    -- the blocks after the 目录 that print a template table's title
    select t.document_id, t.table_key, min(b.page) as title_page, count(b.block_index) as n_titles
    from template_tables as t
    left join body as b
        on b.document_id = t.document_id and b.kind <> 'table' and regexp_matches(b.compact, t.pattern)
    group by all
),

template_checked as (
    select
        t.*,
        exists (select 1 from recognised as r where r.document_id = t.document_id and r.table_key = t.table_key)
            as recognised,
        h.title_page,
        h.n_titles > 0 as title_found
    from template_tables as t
    inner join template_titles as h using (document_id, table_key)
),

template_read as (
    -- a template table that is there: were any of its figures read? (a table that may be empty is no finding here)
    select t.*,
        t.recognised or t.title_found as present,
        exists (select 1 from cells as c where c.document_id = t.document_id and c.table_key = t.table_key)
            as has_cells,
        (select min(r.page) from recognised as r where r.document_id = t.document_id and r.table_key = t.table_key)
            as table_page,
        (select count(*) from template_checked as o
         where o.document_id = t.document_id and (o.recognised or o.title_found)
           and exists (select 1 from cells as c where c.document_id = o.document_id and c.table_key = o.table_key))
            as n_read
    from template_checked as t
),

tables_part as (
    -- the heading of the document's part of tables after the 目录 (二、部门预算报表, 第二部分 2019年度部门预算表)
    select document_id, min(page) as page
    from body
    where kind <> 'table'
      and regexp_matches(compact, '^([一二三四五六七八九十]+、|第[一二三四五六七八九十]+部分)([0-9]{4}年度?)?(部门|单位)?预算(报)?表$')
    group by document_id
),

template_placed as (
    -- where a missing table should stand: after the template table before it that is there, else under the
    -- heading of the part of tables, else before the template table after it that is there
    select t.*,
        coalesce(
            (select max(coalesce(o.table_page, o.title_page)) from template_read as o
             where o.document_id = t.document_id and o.present and o.number < t.number),
            (select p.page from tables_part as p where p.document_id = t.document_id),
            (select min(coalesce(o.table_page, o.title_page)) from template_read as o
             where o.document_id = t.document_id and o.present and o.number > t.number)) as expected_page
    from template_read as t
),

template_final as (
    select
        'budget.required_tables' as check_id,
        document_id,
        case when not present then 'fail'
             -- its title kept (recognised, or standing in the text), no figure read while more than half of the
             -- family's tables were read
             when not has_cells and n_read * 2 > n_required and not may_be_empty then 'fail'
             else 'pass' end as status,
        null as expected, null as actual, null as difference,
        -- its title stands (recognised or in the text) and no figure under it was read: its rows are gone, or
        -- its figures do not make a table whose own sums hold (the reader reads no such table)
        case when present
            then '预算公开模板的第' || cast(number as varchar) || '张表《' || title_zh || '》只有标题，未读取到该表的数据'
                || '（其余报表均已读取）：数据行缺失，或其数字不能构成各项合计自洽的表；请核对该表。'
            else '缺少预算公开模板的第' || cast(number as varchar) || '张表《' || title_zh || '》；请补上（无数据时保留空表并说明）。'
        end as message,
        '' as evidence,
        -- a table recognised: its page; a title with no table read: the title's page
        case when not present then expected_page
             when table_page is null and not has_cells and n_read * 2 > n_required and not may_be_empty
            then title_page else table_page end as page,
        'template:' || table_key as locator
    from template_placed
),

empty_tables as (
    select r.document_id, r.table_key, r.page, r.table_title
    from recognised as r
    inner join document_tables as t on t.document_id = r.document_id and t.table_key = r.table_key
    where t.may_be_empty
      and not exists (
          select 1 from cells as c
          where c.document_id = r.document_id and c.table_key = r.table_key and c.value <> 0
      )
),

empty_final as (
    select
        'budget.empty_table_statement' as check_id,
        e.document_id,
        case when exists (
            select 1 from blocks as b
            where b.document_id = e.document_id
              and (b.page = e.page or b.page = e.page + 1 or e.page is null)
              and regexp_matches(b.compact, '空表|此表为空|无(政府性基金|国有资本经营)?预算|没有.*预算|不涉及')
        ) then 'pass' else 'fail' end as status,
        null as expected, null as actual, null as difference,
        {{ chk_page_text('e.page') }} || '《' || {{ budget_table_zh('e.table_key') }} || '》没有数据，也没有说明本单位无此项预算；'
            || '请注明「本单位无…预算，故本表为空表」。' as message,
        e.table_title as evidence, e.page, 'table:' || e.table_key as locator
    from empty_tables as e
),

sections_checked as (
    -- the explanations the document's family requires (a 部门预算's own ones only in a 部门预算)
    select
        s.document_id, x.section_zh,
        exists (
            select 1 from body as b
            where b.document_id = s.document_id and b.kind <> 'table' and regexp_matches(b.compact, x.section_re)
        ) as present
    from document_family as s
    inner join documents as d using (document_id)
    inner join {{ ref('template_family_section') }} as x
        on x.family = s.family and (coalesce(x.budget_level, '') = '' or x.budget_level = d.budget_level)
),

sections_final as (
    select
        'budget.required_sections' as check_id,
        document_id,
        case when present then 'pass' else 'fail' end as status,
        null as expected, null as actual, null as difference,
        '缺少预算公开模板要求的说明「' || section_zh || '」；请补上。' as message,
        '' as evidence, cast(null as integer) as page, 'section:' || section_zh as locator
    from sections_checked
),

total_failures as (
    -- the 合计 rows that are not the sum of their table's 类 rows (budget.rollup, identity model), per table
    select document_id, regexp_extract(locator, '^table:([a-z_]+)', 1) as table_key, min(page) as total_page
    from {{ ref('int_check_budget_identity') }}
    where check_id = 'budget.rollup' and status = 'fail' and strpos(message, '「合计」') > 0
    group by all
),

titles_before_rows as (
    -- the table's own title printed on a page before the table's first row (its first page held no row)
    select f.document_id, f.table_key, f.total_page, r.page as first_row_page, r.table_title,
        max(b.page) as title_page, min(b.block_index) as block_index
    from total_failures as f
    inner join recognised as r on r.document_id = f.document_id and r.table_key = f.table_key
    inner join body as b
        on b.document_id = f.document_id and b.kind <> 'table' and b.page < r.page
        and b.compact = regexp_replace(regexp_replace(r.table_title, '[\s“”"‘’]', '', 'g'), '[(]', '（', 'g')
    group by all
),

totals_only as (
    -- a 收支总表 that prints its 总计 with a figure and no other row at all: a total of nothing (its rows removed)
    select r.document_id, r.table_key, r.page, r.table_title,
        string_agg(distinct c.row_name, '」「') as total_rows
    from recognised as r
    inner join cells as c on c.document_id = r.document_id and c.table_key = r.table_key
    where r.table_key in {{ chk_table_keys(kind='budget', layout='summary') }}
    group by all
    having bool_and(regexp_matches(c.row_name, '(总计|合计)$')) and bool_or(c.yuan_value <> 0)
),

rows_missing_final as (
    select
        'budget.table_rows_missing' as check_id,
        document_id,
        'fail' as status,
        null as expected, null as actual, null as difference,
        {{ chk_page_text('page') }} || '《' || table_title || '》只有「' || total_rows || '」行、没有任何收支明细行：'
            || '该表的数据行缺失；请补上。' as message,
        table_title as evidence, page, 'table:' || table_key as locator
    from totals_only
    union all
    select
        'budget.table_rows_missing' as check_id,
        document_id,
        'fail' as status,
        null as expected, null as actual, null as difference,
        {{ chk_page_text('title_page') }} || '《' || table_title || '》的标题之后没有数据行（数据行自第'
            || cast(first_row_page as varchar) || '页起），而第' || cast(total_page as varchar)
            || '页的「合计」不等于其余各类之和：该表第' || cast(title_page as varchar) || '页的数据行可能缺失；请核对。'
            as message,
        table_title as evidence, title_page as page, 'block:' || cast(block_index as varchar) as locator
    from titles_before_rows
    union all
    -- every other table with figures has its rows (the rule's evaluations, counted in check_summary)
    select
        'budget.table_rows_missing' as check_id,
        r.document_id,
        'pass' as status,
        null as expected, null as actual, null as difference,
        {{ chk_page_text('min(r.page)') }} || '《' || min(r.table_title) || '》有数据行' as message,
        '' as evidence, min(r.page) as page, 'table:' || r.table_key as locator
    from recognised as r
    inner join documents as d using (document_id)
    where exists (select 1 from cells as c where c.document_id = r.document_id and c.table_key = r.table_key)
      and not exists (select 1 from totals_only as o where o.document_id = r.document_id and o.table_key = r.table_key)
      and not exists (
          select 1 from titles_before_rows as t where t.document_id = r.document_id and t.table_key = r.table_key)
    group by r.document_id, r.table_key
),

results as (
    select * from toc_final
    union all select * from rows_missing_final
    union all select * from template_final
    union all select * from empty_final
    union all select * from sections_final
)

-- a pass keeps its message (check_summary counts it) but not its evidence: nobody reads it, and it would weigh
-- on int_check_results, which sorts every evaluation
select
    check_id, document_id, status, expected, actual, difference, message,
    case when status = 'pass' then '' else evidence end as evidence,
    page, locator
from results
