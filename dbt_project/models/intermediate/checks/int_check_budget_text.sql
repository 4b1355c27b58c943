{{ config(meta={'juesuan_scope': 'document'}) }}
-- Wording of budget (预算) documents, read from their own text and year:
--   budget.compared_year     a Y budget compares with the Y−1 budget: 比/与/较 N年预算 with N ≠ Y−1;
--   budget.outdated_name     a function-class name the classification gives its code only in other years
--                            (医疗卫生与计划生育支出 in a 2026 budget), written in the narrative;
--   budget.wording_template  a template's alternative left in the text: 增加（减少）, 增长（下降）…;
--   budget.empty_reason      主要原因是 followed by nothing (主要原因是。);
--   budget.level_wording     a 单位预算 calling itself 部门预算 (部门预算安排…, 本部门…);
--   budget.quote_balance     a closing quote ” with no opening “ before it (reading the text in order);
--   budget.sentence_end      a paragraph that ends a sentence without a stop (。；！？): running text with a
--                            clause (，/是/为) ending in a character — in paginated text (lines) only where the
--                            paragraph visibly ends: a heading or a numbered item follows, or the line stops far
--                            short of the page's long lines (< 40 %);
--   budget.blank_page        a page without any text between pages with text (paginated formats).
with texts as (
    select * from {{ ref('stg_raw__text_blocks') }}
),

documents as (
    select * from {{ ref('int_budget_documents') }}
),

functions as (
    select * from {{ ref('function_classification') }}
),

blocks as (
    select
        t.document_id, t.block_index, t.page, t.kind, t.text, d.fiscal_year, d.budget_level, d.file_format,
        d.page_count, 'block:' || cast(t.block_index as varchar) as locator
    from texts as t
    inner join documents as d using (document_id)
    where t.kind in ('paragraph', 'heading')
),

paragraphs as (
    -- running text: not the table of contents (dot leaders) nor a heading
    select * from blocks
    where kind = 'paragraph' and not regexp_matches(text, '(……|\.{6,}|…{3,})')
),

-- budget.compared_year
comparison_lists as (
    select
        p.*,
        regexp_extract_all(regexp_replace(p.text, '\s', '', 'g'), '(?:比|与|较)[0-9]{4}年度?(?:当年)?预算', 0) as phrases
    from paragraphs as p
    where p.fiscal_year is not null
),

comparisons as (
    -- every occurrence, numbered within its block (two in one line are two findings)
    select
        * exclude (phrases, locator),
        unnest(phrases) as phrase,
        locator || '/match:' || unnest(range(1, len(phrases) + 1)) as locator
    from comparison_lists
),

compared_numbered as (
    select *, row_number() over (partition by document_id order by block_index, locator) as occurrence
    from comparisons
),

compared_final as (
    select
        'budget.compared_year' as check_id,
        document_id,
        case when cast(regexp_extract(phrase, '([0-9]{4})', 1) as integer) = fiscal_year - 1 then 'pass' else 'fail' end
            as status,
        fiscal_year - 1 as expected,
        cast(regexp_extract(phrase, '([0-9]{4})', 1) as integer) as actual,
        cast(regexp_extract(phrase, '([0-9]{4})', 1) as integer) - (fiscal_year - 1) as difference,
        {{ chk_page_text('page') }} || '（第' || cast(occurrence as varchar) || '处比较）' || cast(fiscal_year as varchar)
            || '年预算的说明写「' || phrase || '」；与上年比较应为「' || cast(fiscal_year - 1 as varchar)
            || '年预算」，请改正比较年度。' as message,
        text as evidence, page, locator
    from compared_numbered
),

-- budget.outdated_name
outdated as (
    -- a name valid only before (or after) the document's year, and no code's name in that year
    select distinct d.document_id, f.name, f.code
    from documents as d
    inner join functions as f
        on (f.valid_to_year is not null and f.valid_to_year < d.fiscal_year)
        or (f.valid_from_year is not null and f.valid_from_year > d.fiscal_year)
    where length(f.name) >= 6
      and not exists (
          select 1 from functions as g
          where g.name = f.name
            and coalesce(g.valid_from_year, 0) <= d.fiscal_year and coalesce(g.valid_to_year, 9999) >= d.fiscal_year
      )
),

outdated_hits as (
    select p.*, o.name, o.code
    from paragraphs as p
    inner join outdated as o
        on o.document_id = p.document_id and strpos(regexp_replace(p.text, '\s', '', 'g'), o.name) > 0
),

current_names as (
    select f.code, f.name, d.document_id
    from documents as d
    inner join functions as f
        on coalesce(f.valid_from_year, 0) <= d.fiscal_year and coalesce(f.valid_to_year, 9999) >= d.fiscal_year
),

outdated_final as (
    select
        'budget.outdated_name' as check_id,
        h.document_id,
        'fail' as status,
        null as expected, null as actual, null as difference,
        {{ chk_page_text('h.page') }} || '说明中的科目名称「' || h.name || '」（' || h.code || '）是其他年度的名称，'
            || cast(h.fiscal_year as varchar) || '年应为「' || coalesce(c.name, '（见预算表）') || '」；请与预算表统一。'
            as message,
        h.text as evidence, h.page, h.locator
    from outdated_hits as h
    left join current_names as c on c.document_id = h.document_id and c.code = h.code
),

-- text patterns
patterns as (
    select * from (values
        ('budget.wording_template', '(增加|增长|上升|大于)[（(](减少|下降|降低|小于)[）)]|(减少|下降|小于)[（(](增加|增长|大于)[）)]',
         '模板的备选用词未删除', '请按实际情况保留其一', 'any'),
        ('budget.empty_reason', '原因(是|为)[：:]?\s*[。；，]', '原因说明缺失', '请写明原因', 'any'),
        ('budget.level_wording', '部门预算安排|本部门', '单位预算中写作「部门」', '单位预算应写作「单位预算」「本单位」', 'unit')
    ) as t(check_id, pattern, what, fix, level)
),

pattern_final as (
    select
        pt.check_id,
        p.document_id,
        'fail' as status,
        null as expected, null as actual, null as difference,
        {{ chk_page_text('p.page') }} || pt.what || '：「' || regexp_extract(p.text, pt.pattern, 0) || '」；' || pt.fix
            || '。' as message,
        p.text as evidence, p.page, p.locator
    from paragraphs as p
    inner join patterns as pt
        on regexp_matches(p.text, pt.pattern) and (pt.level = 'any' or pt.level = p.budget_level)
),

-- budget.quote_balance: the first closing quote that closes nothing
quote_lists as (
    select b.*, regexp_extract_all(b.text, '[“”]') as marks
    from blocks as b
    where not regexp_matches(b.text, '(……|\.{6,}|…{3,})') and regexp_matches(b.text, '[“”]')
),

quote_marks as (
    select
        document_id, block_index, page, text, locator,
        unnest(marks) as mark,
        unnest(range(1, len(marks) + 1)) as position
    from quote_lists
),

quote_running as (
    select
        *,
        sum(case when mark = '“' then 1 else -1 end) over (
            partition by document_id order by block_index, position rows between unbounded preceding and current row
        ) as balance
    from quote_marks
),

quote_final as (
    select
        'budget.quote_balance' as check_id,
        document_id,
        'fail' as status,
        null as expected, null as actual, null as difference,
        {{ chk_page_text('page') }} || '引号不成对：右引号「”」前没有对应的左引号「“」；请删除多余的引号或补全。'
            as message,
        text as evidence, page, locator
    from quote_running
    where balance < 0
    qualify row_number() over (partition by document_id order by block_index, position) = 1
),

-- budget.sentence_end
page_widths as (
    -- a long line of the page (80th percentile of its paragraph blocks)
    select document_id, page, quantile_disc(length(text), 0.8) as full_width
    from paragraphs
    group by all
),

with_next as (
    select
        b.*,
        lead(b.kind) over (partition by b.document_id order by b.block_index) as next_kind,
        lead(b.text) over (partition by b.document_id order by b.block_index) as next_text,
        lead(b.page) over (partition by b.document_id order by b.block_index) as next_page
    from blocks as b
),

unfinished as (
    select p.*, w.full_width
    from with_next as p
    inner join paragraphs using (document_id, block_index)
    left join page_widths as w on w.document_id = p.document_id and w.page = p.page
    where length(trim(p.text)) >= 12
      and regexp_matches(p.text, '[，；是为]')
      and regexp_matches(trim(p.text), '[\p{Han}0-9]$')
      -- a line whose last word is a figure standing apart (其中：财政拨款 5.00) is a table row, no sentence
      and not regexp_matches(trim(p.text), '\s[0-9][0-9,]*(\.[0-9]+)?$')
      and (
          p.file_format not in ('pdf', 'page_json')
          -- paginated text comes in lines: the paragraph ends here when a heading or a new item follows,
          -- or when the line stops far short of the page's long lines
          or p.next_kind = 'heading'
          or regexp_matches(coalesce(p.next_text, ''),
                            '^\s*([一二三四五六七八九十]+、|[（(][一二三四五六七八九十0-9]+[）)]|[0-9]+([、．]|\.[^0-9]))')
          or length(trim(p.text)) < 0.4 * w.full_width
      )
),

sentence_final as (
    select
        'budget.sentence_end' as check_id,
        document_id,
        'fail' as status,
        null as expected, null as actual, null as difference,
        {{ chk_page_text('page') }} || '句末缺少句号：「' || right(trim(text), 20) || '」；请补上标点。' as message,
        text as evidence, page, locator
    from unfinished
),

-- budget.blank_page
pages as (
    select d.document_id, d.page_count, unnest(generate_series(1, d.page_count)) as page
    from documents as d
    where d.file_format in ('pdf', 'page_json') and d.page_count >= 3
),

pages_with_text as (
    select distinct document_id, page from texts where length(trim(text)) > 0
),

blank_final as (
    select
        'budget.blank_page' as check_id,
        p.document_id,
        'fail' as status,
        null as expected, null as actual, null as difference,
        '第' || cast(p.page as varchar) || '页为空白页（无任何文字）；请删除多余的空白页。' as message,
        '' as evidence, p.page, 'page:' || cast(p.page as varchar) as locator
    from pages as p
    anti join pages_with_text as t using (document_id, page)
    where p.page > 1 and p.page < p.page_count
      and exists (select 1 from pages_with_text as a where a.document_id = p.document_id and a.page < p.page)
      and exists (select 1 from pages_with_text as z where z.document_id = p.document_id and z.page > p.page)
),

results as (
    select * from compared_final
    union all select * from outdated_final
    union all select * from pattern_final
    union all select * from quote_final
    union all select * from sentence_final
    union all select * from blank_final
)

-- a pass keeps its message (check_summary counts it) but not its evidence: nobody reads it, and it would weigh
-- on int_check_results, which sorts every evaluation
select
    check_id, document_id, status, expected, actual, difference, message,
    case when status = 'pass' then '' else evidence end as evidence,
    page, locator
from results
