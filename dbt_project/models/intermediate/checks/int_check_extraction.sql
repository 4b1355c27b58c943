{{ config(meta={'juesuan_scope': 'document'}) }}
-- Extraction family: a recognised table whose own identities fail in a way no single wrong figure explains
-- (ingest.table_verify) is reported once, instead of a cascade of identity findings on misread figures; a total
-- or parent row that the table prints but whose figures were not read is reported too (never silence).
with parses as (
    select * from {{ ref('stg_raw__table_parses') }}
),

documents as (
    select * from {{ ref('int_check_documents') }}
),

evaluated as (
    select
        'extraction.table_unreliable' as check_id,
        p.document_id,
        case when p.parse_reliable then 'pass' else 'fail' end as status,
        cast(p.n_identities as decimal(38, 6)) as expected,
        cast(p.n_held as decimal(38, 6)) as actual,
        cast(p.n_held - p.n_identities as decimal(38, 6)) as difference,
        case when p.parse_reliable
            then '第' || coalesce(cast(p.page as varchar), '?') || '页《' || p.table_title || '》勾稽关系成立 '
                 || cast(p.n_held as varchar) || '/' || cast(p.n_identities as varchar)
            else '第' || coalesce(cast(p.page as varchar), '?') || '页《' || p.table_title || '》未能可靠识别（'
                 || p.reason_zh || '）'
        end as message,
        p.failed_identities as evidence,
        p.page,
        'table:' || p.table_key || '/seq:' || cast(p.table_seq as varchar) as locator
    from parses as p
    inner join documents as d using (document_id)
    where p.n_identities > 0
),

-- rows of the read tables: the grid as the reader rebuilt it (one line per row, cells joined by ' | ')
table_lines as (
    select t.document_id, t.block_index, t.page,
        unnest(string_split(t.text, chr(10))) as line,
        generate_subscripts(string_split(t.text, chr(10)), 1) as line_no
    from {{ ref('stg_raw__text_blocks') }} as t
    inner join documents as d using (document_id)
    where t.kind = 'table'
),

table_rows as (
    select *,
        list_filter(string_split(line, ' | '), lambda x: trim(x) <> '') as fields
    from table_lines
),

row_figures as (
    select *,
        -- amounts in the row's cells: the first cell (a code, or the row's name) is not one
        len(list_filter(fields[2:], lambda x: regexp_matches(trim(x), '^[-−]?[0-9][0-9,]*(\.[0-9]+)?$'))) as n_figures,
        trim(fields[1]) as head,
        max(len(list_filter(fields, lambda x: regexp_matches(trim(x), '^[-−]?[0-9][0-9,]*\.[0-9]+$'))))
            over (partition by document_id, block_index) as block_figures
    from table_rows
),

unread_rows as (
    -- a 合计 / 本年…合计 / 总计 row, a 类/款 row whose 款/项 rows carry figures, or a function 款/项 row whose
    -- parent carries figures, printed with its name only (no other cell) in a table that has figures: its figures
    -- were not read (or the table left it blank)
    select r.*
    from row_figures as r
    where r.n_figures = 0 and r.block_figures > 0 and len(r.fields) <= 2
      and (r.head in ('合计', '总计', '本年收入合计', '本年支出合计', '收入总计', '支出总计')
           or (regexp_matches(r.head, '^[0-9]{3}([0-9]{2})?$')
               and exists (
                   select 1 from row_figures as c
                   where c.document_id = r.document_id and c.block_index = r.block_index and c.n_figures > 0
                     and length(c.head) = length(r.head) + 2 and starts_with(c.head, r.head)))
           -- a function 款/项 row under a 类/款 row with figures (economic lines may be blank: not these)
           or (regexp_matches(r.head, '^2[0-9]{4}([0-9]{2})?$')
               and exists (
                   select 1 from row_figures as p
                   where p.document_id = r.document_id and p.block_index = r.block_index and p.n_figures > 0
                     and p.head = left(r.head, length(r.head) - 2))))
),

unread_tables as (
    -- one finding per table (a table block), listing its unread rows: a misread table is one warning, not one
    -- per row (issue 12: at most one extraction warning per table)
    select
        document_id, block_index,
        min(page) as page,
        count(*) as n_rows,
        string_agg('「' || array_to_string(fields, ' ') || '」', '' order by line_no) as rows_zh,
        string_agg(line, ' / ' order by line_no) as lines,
        min(line_no) as first_line
    from unread_rows as r
    -- a table already reported as unreliable on that page is not reported a second time
    where not exists (
        select 1 from parses as p
        where p.document_id = r.document_id and p.page = r.page and p.n_identities > 0 and not p.parse_reliable)
    group by document_id, block_index
),

unread as (
    select
        'extraction.row_unread' as check_id,
        u.document_id,
        'fail' as status,
        null as expected, null as actual, null as difference,
        '第' || coalesce(cast(u.page as varchar), '?') || '页'
            || coalesce('《' || t.table_title || '》', '报表') || u.rows_zh
            || case when u.n_rows > 1
                    then '共' || cast(u.n_rows as varchar) || '行没有读到任何金额，而同表其他行有金额：这些行的数字'
                        || '未能识别，无法核对这些行及其勾稽关系（如原表确实空白，则为漏填）；请核对原表。'
                    else '行没有读到任何金额，而同表其他行有金额：该行的数字未能识别，无法核对该行及其勾稽关系'
                        || '（如原表该行确实空白，则为漏填）；请核对原表。'
               end as message,
        u.lines as evidence,
        u.page,
        'block:' || cast(u.block_index as varchar) || '/line:' || cast(u.first_line as varchar) as locator
    from unread_tables as u
    left join (
        select document_id, page, arg_max(table_title, table_seq) as table_title
        from parses group by all
    ) as t on t.document_id = u.document_id and t.page = u.page
),

read_tables as (
    -- the tables the rule read and found whole: every row that should carry figures does (its evaluations,
    -- counted in check_summary)
    select
        'extraction.row_unread' as check_id,
        r.document_id,
        'pass' as status,
        null as expected, null as actual, null as difference,
        '第' || coalesce(cast(min(r.page) as varchar), '?') || '页报表各行金额均已读到' as message,
        '' as evidence,
        min(r.page) as page,
        'block:' || cast(r.block_index as varchar) as locator
    from row_figures as r
    where r.block_figures > 0
      and not exists (
          select 1 from unread_rows as u where u.document_id = r.document_id and u.block_index = r.block_index)
    group by r.document_id, r.block_index
)

select * from evaluated
union all
select * from unread
union all
select * from read_tables
