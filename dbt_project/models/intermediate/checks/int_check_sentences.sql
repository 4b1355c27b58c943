{{ config(meta={'juesuan_scope': 'document'}) }}
-- Checks on the sentences themselves (their own words and arithmetic), read from the text blocks with a
-- window of the next four blocks (a page text wraps a sentence over several lines; a match is reported on the
-- block where it starts):
--   date.year_consistency        headings/titles naming another year than the document's, 截至 dates of
--                                another year, YoY sentences comparing with a year other than the previous one;
--   direction.clause_contradiction  one clause 增加 X 万元，下降 Y% (or 减少 …，增长 …);
--   direction.budget_comparison  年初预算为 B 万元，支出决算为 A 万元。决算数大于/小于/等于预算数 (every 项 line),
--                                and 完成预算 P% against the same sentence's 大于/小于/等于;
--   narrative.parts_sum          X 万元，其中：a 万元、b 万元…: parts above the total, or an exhaustive list
--                                (货物/工程/服务, 人员经费/公用经费, 基本支出/项目支出, the three 三公 items,
--                                公务用车 购置费/运行费, or as many parts as the sentence counts: 项目共 4 个)
--                                that does not add up; a budget's 三公 statement （一）…（三）: total = Σ items in
--                                amount and change (持平 = 0), 公务用车 = 购置费 + 运行费;
--   direction.reason_present     the same 项 lines: 决算 ≠ 预算 is followed by its 原因;
--   percent.share                a share list X 万元，其中：name a 万元，占 p%；… (each line its part and share, not
--                                read as metric facts): p = a / X within the rounding (a list adjusted to 100%: ± 1 unit);
--                                the three 三公 items' shares of the “三公”经费 with no total stated: X = their sum;
--   narrative.count_sum          共有车辆 N 辆，其中：a 辆、b 辆… (or 车辆 N 辆（a 辆，b 辆…）): the kinds add up; 接待 N 批次、M 人次
--                                (团组 N 个、M 人次): both zero or both not, M ≥ N, a 其中 part within its total.
-- Figures are intervals (macros/checks/intervals.sql): a rounding-only difference never fails.
with texts as (
    select * from {{ ref('stg_raw__text_blocks') }}
),

documents as (
    select * from {{ ref('int_check_documents') }}
),

cells as (
    select * from {{ ref('int_check_cells') }}
),

judged_by_figures as (
    select document_id, try_cast(regexp_extract(locator, 'para:([0-9]+)', 1) as integer) as block_index,
        expected, actual
    from {{ ref('int_check_direction') }}
    where check_id = 'direction.budget_comparison' and status in ('pass', 'fail')
),

shares_judged as (
    -- blocks whose shares the metric facts already judge (int_check_percent): not judged twice
    select distinct document_id, try_cast(regexp_extract(locator, 'para:([0-9]+)', 1) as integer) as block_index
    from {{ ref('int_check_percent') }}
    where check_id = 'percent.share' and status in ('pass', 'fail')
),

growth_judged as (
    -- blocks whose growth rate the metric facts already judge (int_check_percent): not judged twice
    select distinct document_id, try_cast(regexp_extract(locator, 'para:([0-9]+)', 1) as integer) as block_index
    from {{ ref('int_check_percent') }}
    where check_id = 'percent.growth' and status in ('pass', 'fail')
),

blocks as (
    select t.document_id, t.block_index, t.page, t.kind, t.text, d.fiscal_year, d.doc_type,
        'block:' || cast(t.block_index as varchar) as locator,
        t.text || coalesce(lead(t.text, 1) over w, '') || coalesce(lead(t.text, 2) over w, '')
            || coalesce(lead(t.text, 3) over w, '') || coalesce(lead(t.text, 4) over w, '') as window_text,
        -- a numbered list of changes printed one part a line runs longer than five lines (1.…；2.…；…6.…。)
        t.text || coalesce(lead(t.text, 1) over w, '') || coalesce(lead(t.text, 2) over w, '')
            || coalesce(lead(t.text, 3) over w, '') || coalesce(lead(t.text, 4) over w, '')
            || coalesce(lead(t.text, 5) over w, '') || coalesce(lead(t.text, 6) over w, '')
            || coalesce(lead(t.text, 7) over w, '') || coalesce(lead(t.text, 8) over w, '')
            || coalesce(lead(t.text, 9) over w, '') as window_long,
        coalesce(lag(t.text, 1) over w, '') as prev_text
    from texts as t
    inner join documents as d using (document_id)
    where t.kind in ('paragraph', 'heading')
    window w as (partition by t.document_id order by t.block_index)
),

-- every match of a pattern that starts in its own block (instr of the first occurrence)
{%- set num = "[0-9][0-9,]*(?:\\.[0-9]+)?" %}
{#- a rate's direction word: 增长/下降 (Shanghai), 增幅/降幅, or 增加/减少 R% (江苏: 减少1311.6万元，减少35.77%) -#}
{%- set rate_word = "(?:增长|下降|增幅|降幅|增加|减少)" %}

years_in_headings as (
    -- a heading or title (short, no sentence punctuation) of a 决算 or a budget naming a year 年度 other than the
    -- fiscal year (a budget's 绩效目标填报表（2023年度）)
    select b.*, unnest(regexp_extract_all(b.text, '((?:19|20)[0-9]{2})\s*年度', 1)) as y
    from blocks as b
    where b.doc_type in ('final_account', 'budget') and length(b.text) <= 60 and not regexp_matches(b.text, '[，。；]')
      and not regexp_matches(b.text, '(与|比|较|上|同比)\s*(19|20)[0-9]{2}\s*年度')
),

years_dated as (
    -- 截至 Y 年 12 月 31 日 in a 决算: the end of the fiscal year
    select b.*, unnest(regexp_extract_all(b.window_text, '截[至止]\s*((?:19|20)[0-9]{2})\s*年\s*12\s*月', 1)) as y
    from blocks as b
    where b.doc_type = 'final_account' and regexp_matches(b.text, '截')
),

budget_years_dated as (
    -- 截至 Y 年 M 月 D 日 in a budget's 国有资产占有使用 sentence: the budget is drawn up in the year before
    select b.*, unnest(regexp_extract_all(b.window_text,
        '截[至止]\s*((?:19|20)[0-9]{2})\s*年\s*[0-9]{1,2}\s*月\s*[0-9]{1,2}\s*日[^。]{0,60}?(?:车辆|资产|设备)', 1)) as y
    from blocks as b
    where b.doc_type = 'budget' and regexp_matches(b.text, '截')
),

years_compared as (
    -- 与 Y 年（度）相比 / 比 Y 年度 / 较 Y 年: the previous year
    select b.*, unnest(regexp_extract_all(b.window_text,
        '(?:与|比|较|同)\s*((?:19|20)[0-9]{2})\s*年度?\s*(?:相比|同期|比较|决算|支出|增加|减少|增长|下降|(?:基本)?持平|[，,])', 1)) as y
    from blocks as b
    where regexp_matches(b.text, '(与|比|较|同)')
),

year_rows as (
    select document_id, page, locator, text, fiscal_year, y, '标题' as what, fiscal_year as want
    from years_in_headings
    union all
    select document_id, page, locator, text, fiscal_year, y, '截至日期', fiscal_year
    from years_dated
    where instr(window_text, y) <= length(text)
    union all
    select document_id, page, locator, text, fiscal_year, y, '截至日期', fiscal_year - 1
    from budget_years_dated
    where instr(window_text, y) <= length(text)
    union all
    select document_id, page, locator, text, fiscal_year, y, '同比对比年份', fiscal_year - 1
    from years_compared
    where instr(window_text, y) <= length(text) + 4
),

year_final as (
    select
        'date.year_consistency' as check_id, document_id,
        case when cast(y as integer) = want then 'pass' else 'fail' end as status,
        {{ chk_dec('want') }} as expected, {{ chk_dec('cast(y as integer)') }} as actual,
        {{ chk_dec('cast(y as integer)') }} - {{ chk_dec('want') }} as difference,
        {{ chk_page_text('page') }} || what || '中的年份为' || y || '年，本文件为' || cast(fiscal_year as varchar)
            || '年度' || case when what = '同比对比年份' then '决算，应与' || cast(want as varchar) || '年相比'
                              else '，应为' || cast(want as varchar) || '年' end
            || '；请改正年份。' as message,
        text as evidence, page, locator
    from year_rows
    where fiscal_year is not null
),

clauses as (
    -- 增加 X 万元，下降 Y%; and a subject's direction restated with its amount in the next clause:
    -- 项目支出增加，较上年度减少 X 万元
    select b.*, unnest(regexp_extract_all(b.window_text,
        '(?:增加|减少)了?\s*{{ num }}\s*万\s*元\s*[，,]\s*{{ rate_word }}\s*[0-9.]+\s*[%％]'
        || '|(?:增加|减少|增长|下降)\s*[，,]\s*(?:较|比)上一?年?度?\s*(?:增加|减少|增长|下降)\s*{{ num }}\s*万\s*元', 0)) as clause
    from blocks as b
    where regexp_matches(b.text, '(增加|减少|增长|下降)')
),

clause_final as (
    select
        'direction.clause_contradiction' as check_id, document_id,
        case when (regexp_matches(clause, '^(增加|增长)') and regexp_matches(clause, '(下降|减少|降幅)'))
                or (regexp_matches(clause, '^(减少|下降)') and regexp_matches(clause, '(增长|增加|增幅)'))
             then 'fail' else 'pass' end as status,
        null as expected, null as actual, null as difference,
        {{ chk_page_text('page') }} || '同一分句的增减用词相互矛盾：「' || regexp_replace(clause, '\s+', '', 'g')
            || '」；增减额与增减幅度的方向应一致，请改正。' as message,
        clause as evidence, page, locator
    from clauses
    where instr(window_text, clause) <= length(text)
),

budget_sentences as (
    -- 预算为 B 万元，（支出）决算为 A 万元。决算数大于/小于/等于预算数
    select b.*, unnest(regexp_extract_all(b.window_text,
        '预算(?:数)?(?:为)?\s*{{ num }}\s*万\s*元\s*[，,]\s*(?:支出)?决算(?:数)?(?:为)?\s*{{ num }}\s*万\s*元\s*[。，,；]?\s*'
        -- an optional completion clause between the figures and the word: 完成年初预算的98.61%。
        || '(?:完成[^。，；0-9]{0,10}[0-9.]+\s*[%％]\s*[。，,；]?\s*)?决\s*算\s*数?\s*(?:大于|小于|等于)\s*(?:年初|全年|调整后?的?)?\s*预', 0)) as sentence
    from blocks as b
    where regexp_matches(b.window_text, '决\s*算\s*数?\s*(大于|小于|等于)')
),

budget_parsed as (
    select *,
        replace(regexp_extract(sentence, '预算(?:数)?(?:为)?\s*({{ num }})', 1), ',', '') as b_text,
        replace(regexp_extract(sentence, '决算(?:数)?(?:为)?\s*({{ num }})', 1), ',', '') as a_text,
        regexp_extract(sentence, '(大于|小于|等于)\s*(?:年初|全年|调整后?的?)?\s*预$', 1) as word
    from budget_sentences
    where instr(window_text, sentence) <= length(text)
),

budget_bounds as (
    select *,
        {{ chk_lo('cast(a_text as decimal(38, 6))', "length(split_part(a_text || '.', '.', 2))") }} as a_lo,
        {{ chk_hi('cast(a_text as decimal(38, 6))', "length(split_part(a_text || '.', '.', 2))") }} as a_hi,
        {{ chk_lo('cast(b_text as decimal(38, 6))', "length(split_part(b_text || '.', '.', 2))") }} as b_lo,
        {{ chk_hi('cast(b_text as decimal(38, 6))', "length(split_part(b_text || '.', '.', 2))") }} as b_hi
    from budget_parsed
),

budget_text_final as (
    select
        'direction.budget_comparison' as check_id, document_id,
        case
            when word = '大于' and a_hi > b_lo and {{ chk_dec('a_text') }} <> {{ chk_dec('b_text') }} then 'pass'
            when word = '小于' and a_lo < b_hi and {{ chk_dec('a_text') }} <> {{ chk_dec('b_text') }} then 'pass'
            when word = '等于' and {{ chk_meets('a_lo', 'a_hi', 'b_lo', 'b_hi') }} then 'pass'
            else 'fail'
        end as status,
        {{ chk_dec('b_text') }} as expected, {{ chk_dec('a_text') }} as actual,
        {{ chk_dec('a_text') }} - {{ chk_dec('b_text') }} as difference,
        {{ chk_page_text('page') }} || '说明称决算数' || word || '预算数，但支出决算 ' || a_text || ' 万元、预算 '
            || b_text || ' 万元；请改正比较用词。' as message,
        sentence as evidence, page, locator
    from budget_bounds
    -- a sentence int_check_direction already judged from the same two figures: not a second finding
    where not exists (
        select 1 from judged_by_figures as j
        where j.document_id = budget_bounds.document_id
          and j.block_index between budget_bounds.block_index and budget_bounds.block_index + 4
          and j.expected = {{ chk_dec('b_text') }} and j.actual = {{ chk_dec('a_text') }})
),

budget_reason_final as (
    -- every line whose 决算 differs from its 预算 (beyond rounding) says why: 决算数小于预算数的主要原因：…
    select
        'direction.reason_present' as check_id, document_id,
        case when not regexp_matches(substr(window_text, instr(window_text, sentence) + length(sentence), 24),
                                     '^[^。；]{0,12}原因')
             then 'fail' else 'pass' end as status,
        {{ chk_dec('b_text') }} as expected, {{ chk_dec('a_text') }} as actual,
        {{ chk_dec('a_text') }} - {{ chk_dec('b_text') }} as difference,
        {{ chk_page_text('page') }} || '决算数 ' || a_text || ' 万元与预算数 ' || b_text
            || ' 万元不一致，但未说明原因；请补充“主要原因是……”。' as message,
        sentence as evidence, page, locator
    from budget_bounds
    where word in ('大于', '小于') and not {{ chk_meets('a_lo', 'a_hi', 'b_lo', 'b_hi') }}
),

completion_sentences as (
    -- 完成（年初）预算的 P%，决算数大于/小于/等于预算数 — in one sentence
    select b.*, unnest(regexp_extract_all(b.window_text,
        '完成[^，。；0-9]{0,6}预算[^，。；0-9]{0,3}[0-9.]+\s*[%％][^。]{0,40}?。?\s*决\s*算\s*数?\s*(?:大于|小于|等于)\s*预', 0))
        as sentence
    from blocks as b
    where regexp_matches(b.window_text, '决\s*算\s*数?\s*(大于|小于|等于)')
),

completion_parsed as (
    select *,
        regexp_extract(sentence, '([0-9.]+)\s*[%％]', 1) as p_text,
        regexp_extract(sentence, '(大于|小于|等于)\s*(?:年初|全年|调整后?的?)?\s*预$', 1) as word
    from completion_sentences
    where instr(window_text, sentence) <= length(text)
      -- a sentence stating its budget (in the clauses just before the rate): the word is judged against the
      -- figures (budget_text_final, int_check_direction), a wrong rate by percent.completion — not twice
      and not regexp_matches(
          substr(window_text, greatest(instr(window_text, sentence) - 40, 1),
                 instr(window_text, sentence) - greatest(instr(window_text, sentence) - 40, 1)),
          '预算(?:数为|为|数)\s*[0-9][^。]*$')
      -- a sentence int_check_direction already judged from its figures (direction.budget_comparison)
      and not exists (
          select 1 from judged_by_figures as j
          where j.document_id = completion_sentences.document_id
            and j.block_index between completion_sentences.block_index and completion_sentences.block_index + 4)
),

completion_text_final as (
    -- a rate displayed with d decimals may be rounded or truncated: 100% stands for [99.5, 101)
    select
        'direction.budget_comparison' as check_id, document_id,
        case
            -- 完成预算100% with 大于/小于: the rate says equal (a rounded 99.7% would be written 99.7%)
            when word = '大于' and cast(p_text as decimal(38, 6)) > 100 then 'pass'
            when word = '小于' and cast(p_text as decimal(38, 6)) < 100 then 'pass'
            when word = '等于' and cast(p_text as decimal(38, 6)) = 100 then 'pass'
            else 'fail'
        end as status,
        cast(100 as decimal(38, 6)) as expected, {{ chk_dec('p_text') }} as actual,
        {{ chk_dec('p_text') }} - 100 as difference,
        {{ chk_page_text('page') }} || '说明称完成预算的 ' || p_text || '%，又称决算数' || word
            || '预算数，两者矛盾；请改正比较用词或完成率。' as message,
        sentence as evidence, page, locator
    from completion_parsed
),

parts_sentences as (
    -- X 万元，其中：name a 万元、name b 万元 …（up to the end of the sentence）; the total may be followed by its
    -- completion rate (支出决算为 19.86 万元，完成预算的 63.11%，其中：…；…；…) or end its sentence (0.39 万元。其中：…),
    -- and the list may run over ；. A part with its own 含 (0.39 万（含外宾接待支出 0.00 万元）) is checked below.
    select b.*, unnest(regexp_extract_all(b.window_text,
        '{{ num }}\s*万\s*元(?:[^。；0-9]{0,6}|。\s*)其中[：:，,]?[^。；]*'
        || '|{{ num }}\s*万\s*元[，,]\s*完成[^。；，0-9]{0,10}[0-9.]+\s*[%％]\s*[，,]?其中[：:，,]?[^。]*', 0)) as sentence
    from blocks as b
    where regexp_matches(b.window_text, '其中')
    union all
    -- a figure and what it contains: X 万（元）（含 name Y 万元）
    select b.*, unnest(regexp_extract_all(b.window_text,
        '{{ num }}\s*万\s*元?\s*[（(]\s*其中[：:]?\s*含?[^）)0-9]{0,16}{{ num }}\s*万\s*元\s*[）)]'
        || '|{{ num }}\s*万\s*元?\s*[（(]\s*含[^）)0-9]{0,16}{{ num }}\s*万\s*元\s*[）)]', 0)) as sentence
    from blocks as b
    where regexp_matches(b.window_text, '[（(]\s*(其中|含)')
    union all
    -- a list of parts each with its share, one a line: X 万元，其中（：）name a 万元，占 p%；name b 万元，占 q%；…
    -- (its shares tell whether it is exhaustive: below); the list ends with its sentence (a share list of the next
    -- sentence, 按照支出功能科目划分，教育支出 …，占总支出的 p%；…, is no part of this one)
    select b.*, unnest(regexp_extract_all(b.window_text,
        '{{ num }}\s*万\s*元[^。；0-9]{0,6}其中[：:]?\s*'
        || '(?:[^。；0-9%％]{1,24}?{{ num }}\s*万\s*元\s*[，,]\s*占[^。；0-9]{0,12}[0-9.]+\s*[%％]\s*[；;]?\s*){2,}', 0))
    from blocks as b
    where regexp_matches(b.window_text, '其中') and regexp_matches(b.window_text, '占[^。；0-9]{0,12}[0-9.]+\s*[%％]\s*[；;]')
),

parts_split as (
    select document_id, block_index, page, locator, text, sentence, doc_type,
        -- the sentence counts its parts before the total: 编报绩效目标的项目共 4 个，涉及项目预算资金 X 万元。其中：…
        try_cast(regexp_extract(substr(window_text, 1, instr(window_text, sentence) - 1),
                                '共\s*([0-9]+)\s*个[^。；0-9]{0,20}$', 1) as integer) as n_counted,
        replace(regexp_extract(sentence, '^({{ num }})', 1), ',', '') as total_text,
        -- the list ends where a numbered heading starts (a page text may lack the full stop)
        regexp_replace(coalesce(nullif(regexp_extract(sentence, '其中[：:，,]?(.*)$', 1), ''),
                                regexp_extract(sentence, '[（(]\s*含(.*)$', 1)),
                       '([一二三四五六七八九十]+、|（[一二三四五六七八九十]+）).*$', '') as list_text
    from parts_sentences
    where instr(window_text, sentence) <= length(text)
      -- a change is no total of the levels listed after it (比上年预算增加 0.02 万元。其中：因公出国（境）费 0.13 万元)
      and not regexp_matches(
          substr(window_text, greatest(instr(window_text, sentence) - 4, 1),
                 instr(window_text, sentence) - greatest(instr(window_text, sentence) - 4, 1)),
          '(增加|减少|增长|下降)\s*$')
),

parts as (
    -- each part: a figure 万元 not introduced as a change, a budget or a rate
    select s.*, unnest(regexp_extract_all(s.list_text,
        '([^、，,0-9]{0,14}?)\s*({{ num }})\s*万\s*元', 0)) as part
    from parts_split as s
),

parts_valued as (
    select *,
        replace(regexp_extract(part, '({{ num }})\s*万\s*元$', 1), ',', '') as part_text
    from parts
    where not regexp_matches(part, '(增加|减少|增长|下降|年初预算|上年|同比|较上|比上|占)')
      -- a 决算's 预算为/预算数 is the budget beside the actual; in a budget every figure is 预算
      and (doc_type = 'budget' or not regexp_matches(part, '(预算为|预算数)'))
      -- a figure split by the rendering (减少3 40.49万元: 340.49 printed as two text objects) is no part
      and not regexp_matches(list_text, '[0-9]\s+' || replace(replace(regexp_extract(part, '({{ num }})\s*万\s*元$', 1),
                                                               '.', '\.'), ',', ',') || '\s*万')
),

parts_sum as (
    select document_id, block_index, page, locator, text, sentence, total_text, list_text, n_counted,
        count(*) as n_parts,
        -- parts that are procurement kinds (拟采购货物支出 a 万元、拟购买服务支出 b 万元)
        count(*) filter (where regexp_matches(part,
            '^[\s：:]*(?:拟)?(?:政府)?(?:采购|购买)?(?:货物|工程|服务)类?(?:采购)?(?:支出|预算)?(?:为|是)?\s*[0-9]'))
            as n_kinds,
        sum({{ chk_lo('cast(part_text as decimal(38, 6))', "length(split_part(part_text || '.', '.', 2))") }}) as sum_lo,
        sum({{ chk_hi('cast(part_text as decimal(38, 6))', "length(split_part(part_text || '.', '.', 2))") }}) as sum_hi,
        sum(cast(part_text as decimal(38, 6))) as sum_shown,
        string_agg(part_text, ' + ') as parts_shown
    from parts_valued
    group by all
),

parts_shares as (
    select *,
        len(share_texts) as n_shares,
        list_sum(list_transform(share_texts, lambda x: cast(x as decimal(38, 6))
            - {{ chk_half("length(split_part(x || '.', '.', 2))") }})) as shares_lo,
        list_sum(list_transform(share_texts, lambda x: cast(x as decimal(38, 6))
            + 2 * {{ chk_half("length(split_part(x || '.', '.', 2))") }})) as shares_hi
    from (select *, regexp_extract_all(list_text, '占[^。；0-9%％]{0,12}?([0-9]+(?:\.[0-9]+)?)\s*[%％]', 1) as share_texts
          from parts_sum)
),

parts_judged as (
    select *,
        {{ chk_lo('cast(total_text as decimal(38, 6))', "length(split_part(total_text || '.', '.', 2))") }} as t_lo,
        {{ chk_hi('cast(total_text as decimal(38, 6))', "length(split_part(total_text || '.', '.', 2))") }} as t_hi,
        (regexp_matches(list_text, '货物') and regexp_matches(list_text, '工程') and regexp_matches(list_text, '服务'))
        -- a 政府采购 total is 货物 + 工程 + 服务: a list of two kinds and nothing else leaves the third at 0
        or (n_kinds = n_parts and n_parts >= 2 and regexp_matches(text, '政府采购'))
        or (regexp_matches(list_text, '人员经费') and regexp_matches(list_text, '公用经费'))
        or (regexp_matches(list_text, '基本支出') and regexp_matches(list_text, '项目支出'))
        or (regexp_matches(list_text, '因公出国') and regexp_matches(list_text, '公务用车')
            and regexp_matches(list_text, '公务接待'))
        -- 公务用车购置及运行费 X 万元，其中：公务用车购置费 a 万元，公务用车运行费 b 万元
        or (regexp_matches(list_text, '购置费') and regexp_matches(list_text, '运行(维护)?费')
            and not regexp_matches(list_text, '购置及运行'))
        -- as many parts as the sentence counts (项目共 4 个 … 其中：four figures)
        or n_counted = n_parts
        -- each part with its share of the total, and the shares add up to 100% (each p% stands for [p − ½u, p + u])
        or (n_shares = n_parts and shares_lo <= 100 and shares_hi >= 100) as exhaustive
    from parts_shares
    where total_text <> ''
),

parts_final as (
    select
        'narrative.parts_sum' as check_id, document_id,
        case
            when sum_lo > t_hi then 'fail'
            when exhaustive and n_parts >= 2 and not {{ chk_meets('sum_lo', 'sum_hi', 't_lo', 't_hi') }} then 'fail'
            else 'pass'
        end as status,
        {{ chk_dec('total_text') }} as expected, {{ chk_dec('sum_shown') }} as actual,
        {{ chk_dec('sum_shown') }} - {{ chk_dec('total_text') }} as difference,
        {{ chk_page_text('page') }} || '句中总数 ' || total_text || ' 万元，「其中」所列各项 ' || parts_shown
            || ' = ' || {{ chk_fmt('sum_shown') }} || ' 万元'
            || case when sum_lo > t_hi then '，超过总数' else '，与总数不符' end
            || '；请核对总数或分项。' as message,
        sentence as evidence, page, locator
    from parts_judged
),

change_sentences as (
    -- a total, its change and the change of each part: 收入总计 X 万元，与2022年度相比，减少 C 万元，降低 r%。
    -- 其中：财政拨款收入增加 a 万元，事业收入增加 b 万元，其他收入减少 c 万元 (each part with its direction word)
    select b.*, unnest(regexp_extract_all(b.window_text,
        '{{ num }}\s*万\s*元(?:[^。；0-9]|(?:19|20)[0-9]{2}\s*年度?){0,24}?(?:增加|减少)了?\s*{{ num }}\s*万\s*元'
        || '[^。；其0-9]{0,12}(?:[0-9.]+\s*[%％])?\s*[。；，,]\s*其中[：:，,]?[^。]*', 0)) as sentence
    from blocks as b
    where regexp_matches(b.window_text, '其中') and regexp_matches(b.window_text, '(增加|减少)')
),

change_split as (
    select document_id, block_index, page, locator, text, sentence, doc_type,
        replace(regexp_extract(sentence, '^({{ num }})', 1), ',', '') as total_text,
        regexp_extract(sentence, '(增加|减少)了?\s*{{ num }}\s*万\s*元', 1) as total_word,
        replace(regexp_extract(sentence, '(?:增加|减少)了?\s*({{ num }})\s*万\s*元', 1), ',', '') as change_text,
        regexp_replace(regexp_extract(sentence, '其中[：:，,]?(.*)$', 1),
                       '([一二三四五六七八九十]+、|（[一二三四五六七八九十]+）).*$', '') as list_text
    from change_sentences
    where instr(window_text, sentence) <= length(text)
),

change_parts as (
    select *,
        {{ chk_change_part_fields(num, ' 　和及以') }}
    from (
        select *, unnest(parts_list) as part, unnest(generate_series(1, len(parts_list))) as part_index
        from (
            select *, regexp_extract_all(list_text,
                '[^，,、；;。0-9]{1,24}?(?:增加|减少|增长|下降)了?\s*{{ num }}\s*万\s*元', 0) as parts_list
            from change_split
        )
        -- every figure of the list is a part with its direction word (no 持平, no amount among the changes)
        where len(regexp_extract_all(list_text, '{{ num }}\s*万\s*元', 0)) = len(parts_list)
    )
),

named_figures as (
    -- what the tables state for a part's name, per table: a 类 row (教育支出) or a catalogue metric (事业收入)
    select f.filing_key, f.document_id, f.table_key, f.name as name_key, f.value, f.lo, f.hi
    from {{ ref('int_check_table_figures') }} as f
    where f.metric like 'function_%' and (f.code is null or length(f.code) = 3) and f.name is not null
      and f.basis in ('actual', 'budget')
    union all
    select f.filing_key, f.document_id, f.table_key, a.alias, f.value, f.lo, f.hi
    from {{ ref('int_check_table_figures') }} as f
    inner join (
        select key, unnest(string_split(aliases, '|')) as alias from {{ ref('metric_catalog') }}
    ) as a on a.key = f.metric
    where f.basis in ('actual', 'budget')
),

class_names as (
    select distinct name from {{ ref('function_classification') }} where level = '类'
),

table_named as (
    select filing_key, table_key, name_key, arg_min(value, value) as value, arg_min(lo, value) as lo,
        arg_min(hi, value) as hi
    from named_figures
    group by all
),

change_candidates as (
    -- the tables of the filing that state at least one of the parts
    select distinct p.document_id, p.block_index, p.sentence, d.filing_key, t.table_key
    from change_parts as p
    inner join documents as d on d.document_id = p.document_id
    inner join table_named as t on t.filing_key = d.filing_key and t.name_key = p.part_name
),

change_tables as (
    -- the list is exhaustive when, in one table of the filing, the parts it names add up to the sentence's total
    -- (a part the table does not state must be a 类 name — a class that is 0 this year counts 0 — so a nested
    -- 其中 part or a name no table knows never makes a list look complete)
    select c.document_id, c.block_index, c.sentence, c.table_key,
        count(*) as n_parts,
        count(t.value) as n_found,
        count(*) filter (where t.value is null and p.part_name in (select name from class_names)) as n_classes_absent,
        sum(t.lo) as amounts_lo, sum(t.hi) as amounts_hi
    from change_candidates as c
    inner join change_parts as p
        on p.document_id = c.document_id and p.block_index = c.block_index and p.sentence = c.sentence
    left join table_named as t
        on t.filing_key = c.filing_key and t.table_key = c.table_key and t.name_key = p.part_name
    group by all
),

change_sums as (
    select document_id, block_index, page, locator, text, sentence, total_text, total_word, change_text,
        count(*) as n_parts,
        count(distinct part_name) as n_names,
        sum({{ chk_signed_part('part_word', 'part_text', 'lo') }}) as s_a,
        sum({{ chk_signed_part('part_word', 'part_text', 'hi') }}) as s_b,
        sum(case when part_word in ('增加', '增长') then 1 else -1 end * cast(part_text as decimal(38, 6))) as s_shown,
        string_agg(case when part_word in ('增加', '增长') then '+' else '−' end || part_text, ' ' order by part_index)
            as parts_shown,
        list(part_name) as names
    from change_parts
    where part_name <> ''
    group by all
),

change_judged as (
    select s.*,
        least(s.s_a, s.s_b) as sum_lo, greatest(s.s_a, s.s_b) as sum_hi,
        case when s.total_word = '增加' then 1 else -1 end
            * {{ chk_lo('cast(s.change_text as decimal(38, 6))', "length(split_part(s.change_text || '.', '.', 2))") }}
            as c_a,
        case when s.total_word = '增加' then 1 else -1 end
            * {{ chk_hi('cast(s.change_text as decimal(38, 6))', "length(split_part(s.change_text || '.', '.', 2))") }}
            as c_b,
        case when s.total_word = '增加' then 1 else -1 end * cast(s.change_text as decimal(38, 6)) as c_shown,
        {{ chk_lo('cast(s.total_text as decimal(38, 6))', "length(split_part(s.total_text || '.', '.', 2))") }} as t_lo,
        {{ chk_hi('cast(s.total_text as decimal(38, 6))', "length(split_part(s.total_text || '.', '.', 2))") }} as t_hi
    from change_sums as s
    where s.n_parts >= 2 and s.n_names = s.n_parts and s.total_text <> '' and s.change_text <> ''
),

change_exhaustive as (
    select j.*,
        exists (
            select 1 from change_tables as t
            where t.document_id = j.document_id and t.block_index = j.block_index and t.sentence = j.sentence
              and t.n_found >= 2 and t.n_found + t.n_classes_absent = t.n_parts
              and {{ chk_meets('t.amounts_lo', 't.amounts_hi', 'j.t_lo', 'j.t_hi') }}
        ) as exhaustive
    from change_judged as j
),

change_final as (
    select
        'narrative.parts_sum' as check_id, document_id,
        case when {{ chk_meets('sum_lo', 'sum_hi', 'least(c_a, c_b)', 'greatest(c_a, c_b)') }} then 'pass' else 'fail' end
            as status,
        c_shown as expected, s_shown as actual, s_shown - c_shown as difference,
        {{ chk_page_text('page') }} || '句中总数 ' || total_text || ' 万元' || total_word || ' ' || change_text
            || ' 万元，而「其中」所列各项（报表中各项金额之和即为总数）的增减 ' || parts_shown || ' = '
            || {{ chk_fmt('s_shown') }} || ' 万元，与总数的增减不符；请核对增减额或增减用词。' as message,
        sentence as evidence, page, locator
    from change_exhaustive
    where exhaustive
),

change_word_sentences as (
    -- a change and the changes of its parts, with or without the total's amount: …相比增加 C 万元。其中：1.A 比上年增加
    -- a 万元；2.B 比上年减少 b 万元；… (each part with its direction word; the list may run over ten lines)
    select b.*, unnest(regexp_extract_all(b.window_long,
        '(?:增加|减少)了?\s*{{ num }}\s*万\s*元[^。；其0-9]{0,12}(?:[0-9.]+\s*[%％])?\s*[。；，,]\s*其中[：:，,]?[^。]*', 0))
        as sentence
    from blocks as b
    where regexp_matches(b.window_long, '其中') and regexp_matches(b.text, '(增加|减少)')
),

change_word_terms as (
    -- each part's signed change as an interval (增加 +a, 减少 −a), and the total's
    select *,
        {{ chk_signed_part('part_word', 'part_text', 'lo') }} as p_a,
        {{ chk_signed_part('part_word', 'part_text', 'hi') }} as p_b,
        case when total_word = '增加' then 1 else -1 end
            * {{ chk_lo('cast(change_text as decimal(38, 6))', "length(split_part(change_text || '.', '.', 2))") }} as c_a,
        case when total_word = '增加' then 1 else -1 end
            * {{ chk_hi('cast(change_text as decimal(38, 6))', "length(split_part(change_text || '.', '.', 2))") }} as c_b
    from (
        select *,
            {{ chk_change_part_fields(num, ' 　和及以.．、0123456789') }}
        from (
            select *, unnest(parts_list) as part, unnest(generate_series(1, len(parts_list))) as part_index
            from (
                select document_id, block_index, page, locator, sentence,
                    regexp_extract(sentence, '^(增加|减少)', 1) as total_word,
                    replace(regexp_extract(sentence, '^(?:增加|减少)了?\s*({{ num }})', 1), ',', '') as change_text,
                    regexp_extract_all(list_text,
                        '[^，,、；;。0-9]{1,24}?(?:增加|减少|增长|下降)了?\s*{{ num }}\s*万\s*元', 0) as parts_list
                from (
                    select *, regexp_replace(regexp_extract(sentence, '其中[：:，,]?(.*)$', 1),
                                             '([一二三四五六七八九十]+、|（[一二三四五六七八九十]+）).*$', '') as list_text
                    from change_word_sentences
                    where instr(window_long, sentence) <= length(text)
                )
                -- every figure of the list is a part with its direction word (no 持平, no amount among the changes)
                where len(regexp_extract_all(list_text, '{{ num }}\s*万\s*元', 0)) = len(parts_list)
            )
        )
    )
),

change_word_sums as (
    select *,
        sum(p_a) over l as s_lo, sum(p_b) over l as s_hi, count(*) over l as n_parts,
        count(distinct part_name) over l as n_names
    from change_word_terms
    where part_name <> ''
    window l as (partition by document_id, block_index, sentence)
),

change_word_flips as (
    -- the stated words do not add up to the total's change, but one word the other way does: that word is wrong
    -- (a list that leaves a part out does not add up under one flip but by chance — within the rounding)
    select document_id, block_index, page, locator, sentence, total_word, change_text, n_parts,
        string_agg(case when part_word in ('增加', '增长') then '+' else '−' end || part_text, ' ' order by part_index)
            as parts_shown,
        sum(case when part_word in ('增加', '增长') then 1 else -1 end * cast(part_text as decimal(38, 6))) as s_shown,
        {{ chk_meets('any_value(s_lo)', 'any_value(s_hi)', 'least(any_value(c_a), any_value(c_b))',
                     'greatest(any_value(c_a), any_value(c_b))') }} as adds_up,
        count(*) filter (where {{ chk_meets('s_lo - p_a - p_b', 's_hi - p_a - p_b', 'least(c_a, c_b)',
                                            'greatest(c_a, c_b)') }}) as n_flips,
        -- the part as a reviewer names it: 「…比上年」 / 「…较上年度」 left out of the name quoted
        arg_min(coalesce(nullif(regexp_replace(part_name, '\s*[比较与同](?:上年|去年|上一年)[^增减]*$', ''), ''), part_name)
                || '」的「' || part_word, part_index) filter (
            where {{ chk_meets('s_lo - p_a - p_b', 's_hi - p_a - p_b', 'least(c_a, c_b)', 'greatest(c_a, c_b)') }})
            as flipped,
        {{ chk_meets('any_value(s_lo)', 'any_value(s_hi)', 'least(-any_value(c_a), -any_value(c_b))',
                     'greatest(-any_value(c_a), -any_value(c_b))') }} as total_flipped
    from change_word_sums
    where n_parts >= 2 and n_names = n_parts and change_text <> '' and cast(change_text as decimal(38, 6)) > 0
    group by document_id, block_index, page, locator, sentence, total_word, change_text, n_parts
),

change_word_final as (
    select
        'narrative.parts_sum' as check_id, f.document_id,
        case when f.adds_up then 'pass' else 'fail' end as status,
        {{ chk_dec("case when f.total_word = '增加' then 1 else -1 end * cast(f.change_text as decimal(38, 6))") }}
            as expected,
        f.s_shown as actual,
        f.s_shown - case when f.total_word = '增加' then 1 else -1 end * cast(f.change_text as decimal(38, 6))
            as difference,
        {{ chk_page_text('page') }} || '说明总数' || f.total_word || ' ' || f.change_text || ' 万元，「其中」所列各项的增减 '
            || f.parts_shown || ' = ' || {{ chk_fmt('f.s_shown') }} || ' 万元，'
            || case when f.adds_up then '与总数的增减一致。'
                    else '与总数的增减不符，而「' || f.flipped || '」改为相反方向后正好相符；请核对该项的增减用词。' end
            as message,
        f.sentence as evidence, f.page, f.locator
    from change_word_flips as f
    anti join (select document_id, block_index from change_exhaustive where exhaustive) as e
        on e.document_id = f.document_id and e.block_index = f.block_index
    -- (the total's word the other way is no finding: a list that leaves a part out can match −C as well as C;
    -- when it matches too, the one flip is ambiguous and stays silent)
    where f.adds_up or (f.n_flips = 1 and not f.total_flipped)
),

vehicle_sentences as (
    select b.*, unnest(regexp_extract_all(b.window_text,
        '(?:共有|拥有|保有|安排购置)[^0-9。；]{0,8}?车辆?\s*[0-9]+\s*辆[，,。]?\s*其中[：:，,]?[^。；]*'
        -- the kinds in brackets: 车辆 7 辆（一般公务用车 3 辆，执法执勤用车 4 辆，…）
        || '|车辆\s*[0-9]+\s*辆\s*[（(][^）)。]*辆[^）)。]*[）)]', 0)) as sentence
    from blocks as b
    where regexp_matches(b.window_text, '辆')
),

vehicle_parts as (
    select document_id, block_index, page, locator, text, sentence,
        -- a budget's 预算安排购置车辆 N 辆，其中：… plans purchases: its kinds add up too, but it is no holding
        starts_with(sentence, '安排购置') as is_purchase,
        cast(regexp_extract(sentence, '([0-9]+)\s*辆', 1) as integer) as total_n,
        list_sum(list_transform(regexp_extract_all(kinds_text, '([0-9]+)\s*辆', 1),
            lambda x: cast(x as integer))) as parts_n,
        len(regexp_extract_all(kinds_text, '([0-9]+)\s*辆', 1)) as n_parts,
        array_to_string(regexp_extract_all(kinds_text, '([0-9]+)\s*辆', 1), ' + ') as parts_list
    from (
        select *, coalesce(nullif(regexp_extract(sentence, '其中[：:，,]?(.*)$', 1), ''),
                           regexp_extract(sentence, '[（(]([^）)]*)[）)]$', 1)) as kinds_text
        from vehicle_sentences
    )
    where instr(window_text, sentence) <= length(text)
),

outdated_names as (
    -- a classification name the seed gives its code only up to some year, and the name that replaced it
    select distinct o.code, o.name as old_name, o.valid_to_year, c.name as current_name
    from {{ ref('function_classification') }} as o
    inner join {{ ref('function_classification') }} as c
        on c.code = o.code and c.valid_from_year > o.valid_to_year
    where o.valid_to_year is not null and length(o.name) >= 6 and not contains(c.name, o.name)
),

outdated_mentions as (
    -- in the narrative, and in table rows without a code (收入支出决算总表 …, with or without figures: the grid
    -- text keeps a row that has none); coded rows are judged by int_check_classification. quote: the words around
    select b.document_id, b.page, b.locator, b.text, b.fiscal_year, n.old_name, n.current_name,
        regexp_extract(b.text, '[^。；，,]{0,12}' || n.old_name || '[^。；，,]{0,8}', 0) as quote
    from blocks as b
    inner join outdated_names as n on contains(b.text, n.old_name)
    where b.fiscal_year > n.valid_to_year
    union all
    select c.document_id, min(c.page), min(c.locator), c.row_label, d.fiscal_year, n.old_name, n.current_name,
        trim(c.row_label)
    from cells as c
    inner join documents as d using (document_id)
    inner join outdated_names as n on contains(c.row_label, n.old_name)
    where c.code is null and d.fiscal_year > n.valid_to_year
    group by all
    union all
    select l.document_id, l.page, 'block:' || cast(l.block_index as varchar), l.line, d.fiscal_year, n.old_name,
        n.current_name, trim(list_filter(string_split(l.line, ' | '), lambda x: contains(x, n.old_name))[1])
    from (
        select document_id, block_index, page, unnest(string_split(text, chr(10))) as line
        from texts where kind = 'table'
    ) as l
    inner join documents as d using (document_id)
    inner join outdated_names as n on contains(l.line, n.old_name)
    where d.fiscal_year > n.valid_to_year
      and not regexp_matches(l.line, '(^|\| )[0-9]{3}([0-9]{2}){0,2}\s*\|')
),

outdated_longest as (
    -- an old name inside a longer old name found at the same place (国土资源事务 in 其他国土资源事务支出) is the
    -- longer name's mention, reported once — unless the text holds the shorter one more often than the longer
    select m.* from outdated_mentions as m
    where not exists (
        select 1 from outdated_mentions as o
        where o.document_id = m.document_id and o.locator = m.locator and o.text = m.text
          and o.old_name <> m.old_name and contains(o.old_name, m.old_name)
          and length(m.text) - length(replace(m.text, m.old_name, ''))
              <= (length(m.text) - length(replace(m.text, o.old_name, ''))) // length(o.old_name) * length(m.old_name)
    )
),

outdated_final as (
    select
        'classification.outdated_name' as check_id, document_id, 'fail' as status,
        null as expected, null as actual, null as difference,
        {{ chk_page_text('page') }} || '科目名称「' || old_name || '」已停用（「' || quote || '」），'
            || cast(fiscal_year as varchar) || '年度应为「' || current_name || '」；请改正科目名称。' as message,
        text as evidence, page, locator
    from outdated_longest
),

visit_pairs as (
    -- 接待 2 批次、26 人次 / 团组 0 个、累计 0 人次 / 接待批次 1 次、接待 15 人次: a count of batches and one of
    -- persons stated together; a part after 其中 (接待外宾 0 批次、0 人次) belongs to the pair before it
    select b.*, unnest(regexp_extract_all(b.window_text,
        '(?:[0-9]+\s*(?:个)?批次|(?:团组|批次)\s*[0-9]+\s*[个次])\s*[、，,]\s*(?:累计|接待|共计?)?\s*[0-9]+\s*人次'
        || '(?:[^。；]{0,12}其中[：:，,]?[^。；0-9]{0,12}(?:[0-9]+\s*(?:个)?批次|(?:团组|批次)\s*[0-9]+\s*[个次])'
        || '\s*[、，,]\s*(?:累计|接待|共计?)?\s*[0-9]+\s*人次)?', 0)) as sentence
    from blocks as b
    where regexp_matches(b.window_text, '人次')
),

visit_counts as (
    select *,
        regexp_extract_all(sentence, '([0-9]+)\s*(?:个)?批次|(?:团组|批次)\s*([0-9]+)\s*[个次]', 0) as batch_texts,
        regexp_extract_all(sentence, '([0-9]+)\s*人次', 1) as person_texts
    from visit_pairs
    where instr(window_text, sentence) <= length(text)
),

visit_numbers as (
    select *,
        list_transform(batch_texts, lambda x: cast(regexp_extract(x, '([0-9]+)', 1) as integer)) as batches,
        list_transform(person_texts, lambda x: cast(x as integer)) as persons
    from visit_counts
),

visit_final as (
    -- batches and persons are both zero or both not; every batch has at least one person; a part (其中) never
    -- exceeds its total
    select
        'narrative.count_sum' as check_id, document_id,
        case when (batches[1] = 0) <> (persons[1] = 0) or persons[1] < batches[1]
                  or (len(batches) = 2 and ((batches[2] = 0) <> (persons[2] = 0) or persons[2] < batches[2]
                                            or batches[2] > batches[1] or persons[2] > persons[1]))
             then 'fail' else 'pass' end as status,
        null as expected, null as actual, null as difference,
        {{ chk_page_text('page') }} || '接待（出访）批次与人次不一致：「' || regexp_replace(sentence, '\s+', '', 'g')
            || '」——批次为 0 时人次也应为 0（反之亦然），人次不少于批次，「其中」部分不超过总数；请核对批次和人次。' as message,
        sentence as evidence, page, locator
    from visit_numbers
    where len(batches) = len(persons) and len(batches) between 1 and 2
),

growth_sentences as (
    -- X 万元，比 Y 年度增加/减少 C 万元，增长/下降 P%: the sentence's own arithmetic (any subject: 机关运行经费 …)
    select b.*, unnest(regexp_extract_all(b.window_text,
        -- the change may open the next sentence (X 万元。与上年相比增加 C 万元), after a clause with no other amount
        -- (X 万元，主要用于…。 / X 万元，占本年支出合计的100%。与上年相比…): a sentence without a subject continues
        -- the one before
        '{{ num }}\s*万\s*元\s*(?:[，,]|[，,。](?:[^。；万]{0,80}。)?)\s*'
        || '(?:比|较|与)[^，。；0-9]{0,12}?(?:(?:19|20)[0-9]{2}\s*年度?)?[^，。；0-9]{0,8}?'
        -- the subject restated after the comparison: 与上年相比，财政拨款支出增加 C 万元
        || '(?:[，,][^，。；0-9%％]{1,16}?)?(?:增加|减少)了?\s*{{ num }}\s*万\s*元\s*[，,]\s*{{ rate_word }}\s*[0-9]+(?:\.[0-9]+)?\s*[%％]', 0)) as sentence
    from blocks as b
    where regexp_matches(b.window_text, '{{ rate_word }}\s*[0-9.]+\s*[%％]')
      and not exists (select 1 from growth_judged as g
                      where g.document_id = b.document_id and g.block_index = b.block_index)
),

growth_parsed as (
    select *,
        replace(regexp_extract(sentence, '^({{ num }})', 1), ',', '') as x_text,
        regexp_extract(sentence, '(增加|减少)了?\s*{{ num }}\s*万', 1) as word,
        replace(regexp_extract(sentence, '(?:增加|减少)了?\s*({{ num }})\s*万', 1), ',', '') as c_text,
        -- the rate's own direction word: 增长/增幅/增加 R% up, 下降/降幅/减少 R% down
        case when regexp_matches(sentence, '(增长|增幅|增加)\s*[0-9.]+\s*[%％]$') then '增长' else '下降' end
            as rate_word,
        regexp_extract(sentence, '([0-9]+(?:\.[0-9]+)?)\s*[%％]$', 1) as p_text
    from growth_sentences
    where instr(window_text, sentence) <= length(text)
),

growth_bounds as (
    select *,
        {{ chk_lo('cast(x_text as decimal(38, 6))', "length(split_part(x_text || '.', '.', 2))") }} as x_lo,
        {{ chk_hi('cast(x_text as decimal(38, 6))', "length(split_part(x_text || '.', '.', 2))") }} as x_hi,
        {{ chk_lo('cast(c_text as decimal(38, 6))', "length(split_part(c_text || '.', '.', 2))") }} as c_lo,
        {{ chk_hi('cast(c_text as decimal(38, 6))', "length(split_part(c_text || '.', '.', 2))") }} as c_hi,
        {{ chk_lo('cast(p_text as decimal(38, 6))', "length(split_part(p_text || '.', '.', 2))") }} as p_lo,
        -- a displayed rate may be rounded or truncated: [p − ½u, p + u]
        {{ chk_dec('p_text') }} + 2 * {{ chk_half("length(split_part(p_text || '.', '.', 2))") }} as p_hi
    from growth_parsed
    -- a contradictory clause (增加 …，下降 …) is direction.clause_contradiction's finding
    where (word = '增加') = (rate_word = '增长')
),

growth_prior as (
    select *,
        case when word = '增加' then x_lo - c_hi else x_lo + c_lo end as prior_lo,
        case when word = '增加' then x_hi - c_lo else x_hi + c_hi end as prior_hi,
        case when word = '增加' then {{ chk_dec('x_text') }} - {{ chk_dec('c_text') }}
             else {{ chk_dec('x_text') }} + {{ chk_dec('c_text') }} end as prior_value
    from growth_bounds
),

growth_final as (
    select
        'percent.growth' as check_id, document_id,
        case
            -- last year's figure implied to be zero (a new item): only 增长100% is customary
            when prior_lo <= 0 and prior_hi >= 0 and word = '增加'
                then case when {{ chk_dec('p_text') }} = 100 then 'pass' else 'fail' end
            when prior_hi < 0 then 'fail'
            when {{ chk_pct_meets('c_lo', 'c_hi', 'greatest(prior_lo, 0.000001)', 'prior_hi', 'p_lo', 'p_hi') }} then 'pass'
            else 'fail'
        end as status,
        {{ chk_pct_display('c_text', 'prior_value') }} as expected, {{ chk_dec('p_text') }} as actual,
        {{ chk_dec('p_text') }} - coalesce({{ chk_pct_display('c_text', 'prior_value') }}, 0) as difference,
        {{ chk_page_text('page') }} || '「' || regexp_replace(sentence, '\s+', '', 'g') || '」：按本年数 ' || x_text
            || ' 万元与变动额 ' || c_text || ' 万元，上年数为 ' || {{ chk_fmt('prior_value') }} || ' 万元，'
            || case when prior_value <= 0 then '增减幅度无从成立'
                    else '增减幅度应为 ' || {{ chk_fmt(chk_pct_display('c_text', 'prior_value')) }} || '%' end
            || '，与所填 ' || p_text || '% 不符；请核对金额、变动额或百分比。' as message,
        sentence as evidence, page, locator
    from growth_prior
),

prior_sentences as (
    -- X 万元，比上年增加/减少 C 万元（上年…Y 万元）: a change stated with last year's figure beside it — the
    -- sentence's own arithmetic, X − Y = ±C (any subject: 单位预留机动经费 …)
    select b.*, unnest(regexp_extract_all(b.window_text,
        '{{ num }}\s*万\s*元\s*(?:[，,]|[，,。](?:[^。；万]{0,80}。)?)\s*'
        || '(?:比|较|与)[^，。；0-9]{0,12}?(?:(?:19|20)[0-9]{2}\s*年度?)?[^，。；0-9]{0,8}?'
        || '(?:[，,][^，。；0-9%％]{1,16}?)?(?:增加|减少)了?\s*{{ num }}\s*万\s*元\s*'
        -- last year's figure in the parenthesis, the only amount there: （上年财政仅安排…预留机动 140.2 万元）
        || '[（(][^）)0-9]{0,40}?(?:上年|去年|上一年)[^）)0-9]{0,40}?{{ num }}\s*万\s*元[^）)0-9]{0,20}[）)]', 0))
        as sentence
    from blocks as b
    where regexp_matches(b.window_text, '[（(][^）)0-9]{0,40}?(?:上年|去年|上一年)')
),

prior_parsed as (
    select *,
        replace(regexp_extract(sentence, '^({{ num }})', 1), ',', '') as x_text,
        regexp_extract(sentence, '(增加|减少)了?\s*{{ num }}\s*万', 1) as word,
        replace(regexp_extract(sentence, '(?:增加|减少)了?\s*({{ num }})\s*万', 1), ',', '') as c_text,
        replace(regexp_extract(sentence, '[（(][^）)0-9]*({{ num }})\s*万\s*元[^）)0-9]*[）)]$', 1), ',', '')
            as y_text
    from prior_sentences
    where instr(window_text, sentence) <= length(text)
),

prior_bounds as (
    -- the difference X − Y and the signed change (增加 +C, 减少 −C), each an interval of the stated roundings
    select *,
        {{ chk_lo('cast(x_text as decimal(38, 6))', "length(split_part(x_text || '.', '.', 2))") }}
            - {{ chk_hi('cast(y_text as decimal(38, 6))', "length(split_part(y_text || '.', '.', 2))") }} as d_lo,
        {{ chk_hi('cast(x_text as decimal(38, 6))', "length(split_part(x_text || '.', '.', 2))") }}
            - {{ chk_lo('cast(y_text as decimal(38, 6))', "length(split_part(y_text || '.', '.', 2))") }} as d_hi,
        {{ chk_signed_part('word', 'c_text', 'lo') }} as c_lo,
        {{ chk_signed_part('word', 'c_text', 'hi') }} as c_hi,
        {{ chk_dec('x_text') }} - {{ chk_dec('y_text') }} as d_value,
        case when word = '增加' then 1 else -1 end * {{ chk_dec('c_text') }} as c_value
    from prior_parsed
    where x_text <> '' and y_text <> '' and c_text <> ''
),

prior_final as (
    select
        'narrative.change_vs_prior' as check_id, document_id,
        case when {{ chk_meets('d_lo', 'd_hi', 'c_lo', 'c_hi') }} then 'pass' else 'fail' end as status,
        d_value as expected, c_value as actual, c_value - d_value as difference,
        {{ chk_page_text('page') }} || '「' || regexp_replace(sentence, '\s+', '', 'g') || '」：本年数 ' || x_text
            || ' 万元与所述上年数 ' || y_text || ' 万元相差 ' || {{ chk_fmt('d_value') }} || ' 万元，与所填' || word
            || ' ' || c_text || ' 万元不符，超出舍入误差；请核对本年数、上年数或增减额。' as message,
        sentence as evidence, page, locator
    from prior_bounds
),

vehicle_holdings as (
    -- 开支财政拨款的公务用车保有量为 N 辆: the vehicles paid from 财政拨款, a subset of all the department's vehicles
    select b.document_id, b.page, b.locator, b.text,
        cast(regexp_extract(b.window_text, '保有量[^0-9。；]{0,4}([0-9]+)\s*辆', 1) as integer) as held_n
    from blocks as b
    where regexp_matches(b.window_text, '保有量[^0-9。；]{0,4}[0-9]+\s*辆')
      and instr(b.window_text, regexp_extract(b.window_text, '保有量[^0-9。；]{0,4}[0-9]+\s*辆', 0)) <= length(b.text)
),

vehicle_scope_final as (
    -- the two scopes differ (共有车辆: every vehicle of the department, 保有量: those paid from 财政拨款), so they
    -- need not be equal — but the part never exceeds the whole
    select
        'narrative.count_sum' as check_id, h.document_id,
        case when h.held_n > v.total_n then 'fail' else 'pass' end as status,
        {{ chk_dec('v.total_n') }} as expected, {{ chk_dec('h.held_n') }} as actual,
        {{ chk_dec('h.held_n') }} - {{ chk_dec('v.total_n') }} as difference,
        {{ chk_page_text('h.page') }} || '财政拨款开支的公务用车保有量 ' || cast(h.held_n as varchar) || ' 辆，'
            || '多于国有资产占有使用情况中的共有车辆 ' || cast(v.total_n as varchar) || ' 辆（第'
            || coalesce(cast(v.page as varchar), '?') || '页）；前者是后者的一部分，请核对车辆数。' as message,
        h.text as evidence, h.page, h.locator
    from vehicle_holdings as h
    inner join vehicle_parts as v using (document_id)
    where not v.is_purchase
),

sangong_change_sentences as (
    -- 三公经费 … 减少 X 万元 …，其中：因公出国（境）费 … 持平；公务用车 … 持平；公务接待费 … 减少 Y 万元: the total's
    -- change is the sum of the three items' changes (持平 = 0)
    select b.*, unnest(regexp_extract_all(b.window_text,
        '三公[^。]{0,40}?(?:增加|减少)\s*{{ num }}\s*万\s*元[^。]*?其中[：:]?[^。]*', 0)) as sentence
    from blocks as b
    where regexp_matches(b.window_text, '三公') and regexp_matches(b.window_text, '持平|增加|减少')
),

sangong_change_items as (
    select document_id, page, locator, sentence,
        regexp_extract(sentence, '(增加|减少)\s*{{ num }}\s*万', 1) as total_word,
        replace(regexp_extract(sentence, '(?:增加|减少)\s*({{ num }})\s*万', 1), ',', '') as total_text,
        unnest(string_split(regexp_extract(sentence, '其中[：:]?(.*)$', 1), '；')) as item
    from sangong_change_sentences
    where instr(window_text, sentence) <= length(text)
),

sangong_change_valued as (
    select *,
        case when regexp_matches(item, '因公出国') then 'overseas' when regexp_matches(item, '公务用车') then 'vehicle'
             when regexp_matches(item, '公务接待') then 'reception' end as item_kind,
        case when regexp_matches(item, '(增加|减少)\s*{{ num }}\s*万') then
                 replace(regexp_extract(item, '(?:增加|减少)\s*({{ num }})\s*万', 1), ',', '')
             -- 持平: no change at the displayed precision
             when regexp_matches(item, '持平') then '0.00' end as item_text,
        case when regexp_matches(item, '减少\s*[0-9]') then -1 else 1 end as item_sign
    from sangong_change_items
),

sangong_change_sum as (
    select document_id, page, locator, sentence, total_word, total_text,
        count(distinct item_kind) as n_kinds, count(item_text) as n_valued, count(*) as n_items,
        sum(item_sign * cast(item_text as decimal(38, 6))) as parts_value,
        sum(case when item_sign > 0
                 then {{ chk_lo('cast(item_text as decimal(38, 6))', "length(split_part(item_text || '.', '.', 2))") }}
                 else -{{ chk_hi('cast(item_text as decimal(38, 6))', "length(split_part(item_text || '.', '.', 2))") }}
            end) as parts_lo,
        sum(case when item_sign > 0
                 then {{ chk_hi('cast(item_text as decimal(38, 6))', "length(split_part(item_text || '.', '.', 2))") }}
                 else -{{ chk_lo('cast(item_text as decimal(38, 6))', "length(split_part(item_text || '.', '.', 2))") }}
            end) as parts_hi
    from sangong_change_valued
    where item_kind is not null
    group by all
),

sangong_change_bounds as (
    select *,
        case when total_word = '减少'
             then -{{ chk_hi('cast(total_text as decimal(38, 6))', "length(split_part(total_text || '.', '.', 2))") }}
             else {{ chk_lo('cast(total_text as decimal(38, 6))', "length(split_part(total_text || '.', '.', 2))") }}
        end as t_lo,
        case when total_word = '减少'
             then -{{ chk_lo('cast(total_text as decimal(38, 6))', "length(split_part(total_text || '.', '.', 2))") }}
             else {{ chk_hi('cast(total_text as decimal(38, 6))', "length(split_part(total_text || '.', '.', 2))") }}
        end as t_hi,
        case when total_word = '减少' then -1 else 1 end * {{ chk_dec('total_text') }} as t_value
    from sangong_change_sum
    where n_kinds = 3 and n_valued = n_items
),

sangong_change_final as (
    select
        'narrative.parts_sum' as check_id, document_id,
        case when {{ chk_meets('t_lo', 't_hi', 'parts_lo', 'parts_hi') }} then 'pass' else 'fail' end as status,
        {{ chk_dec('parts_value') }} as expected, t_value as actual, t_value - {{ chk_dec('parts_value') }} as difference,
        {{ chk_page_text('page') }} || '“三公”经费合计' || total_word || ' ' || total_text || ' 万元，而三项分项的增减合计为 '
            || {{ chk_fmt('parts_value') }} || ' 万元（持平计为 0），两者不符；请核对合计或分项的增减额。' as message,
        sentence as evidence, page, locator
    from sangong_change_bounds
),

sangong_budget_heads as (
    -- a budget's 三公 statement: 「“三公”经费预算数为 X 万元，比（与）Y 年预算增加（减少）N 万元（持平）。其中：」 and its
    -- items as （一）因公出国（境）费 a 万元…（二）公务用车购置及运行费 b 万元…，其中：公务用车购置费 b1 万元…；
    -- 公务用车运行费 b2 万元…（三）公务接待费 c 万元…, each with its own change against last year's budget (持平 = 0)
    select b.document_id, b.block_index, b.page, b.locator, b.text
    from blocks as b
    where b.doc_type = 'budget' and regexp_matches(b.text, '三公[^。]{0,6}经费预算数?为\s*[0-9]')
),

sangong_budget_sections as (
    -- the statement and the blocks after it, up to the next numbered part (二、…) of the explanation
    select h.document_id, h.block_index, h.page, h.locator,
        regexp_extract(string_agg(t.text, '' order by t.block_index),
            '(?s)(三公[^。]{0,6}经费预算数?为.*?)(?:[一二三四五六七八九十]+、|（四）|$)', 1) as section
    from sangong_budget_heads as h
    inner join texts as t
        on t.document_id = h.document_id and t.block_index between h.block_index and h.block_index + 12
       and t.kind in ('paragraph', 'heading')
    group by all
),

sangong_budget_items as (
    select document_id, block_index, page, locator, section,
        regexp_extract(section, '(?s)^(.*?)其中', 1) as head,
        regexp_extract(section, '(?s)（一）、?(.*?)（二）', 1) as item_1,
        regexp_extract(section, '(?s)（二）、?(.*?)（三）', 1) as item_2,
        regexp_extract(section, '(?s)（三）、?(.*)$', 1) as item_3
    from sangong_budget_sections
    where regexp_matches(section, '（一）') and regexp_matches(section, '（二）') and regexp_matches(section, '（三）')
),

sangong_budget_statements as (
    -- one row per statement (whole or part) of the section: its own words before its 其中 / 原因 / a later item
    select document_id, block_index, page, locator, 'total' as node, '“三公”经费' as label, head as stated
    from sangong_budget_items
    union all
    select document_id, block_index, page, locator, 'item' as node,
        case when regexp_matches(item, '因公出国') then '因公出国（境）费' when regexp_matches(item, '公务用车')
             then '公务用车购置及运行费' when regexp_matches(item, '公务接待') then '公务接待费' end as label,
        regexp_replace(item, '(?s)(其中|主要原因|原因是|截[至止]).*$', '') as stated
    from (select *, unnest([item_1, item_2, item_3]) as item from sangong_budget_items)
    union all
    -- the vehicle item's 其中: 公务用车购置费 …；公务用车运行费 …
    select document_id, block_index, page, locator, 'vehicle_part' as node,
        case when regexp_matches(part, '购置费') then '公务用车购置费' else '公务用车运行费' end as label,
        regexp_replace(part, '(?s)(主要原因|原因是).*$', '') as stated
    from (select *, unnest(string_split(regexp_extract(item_2, '(?s)其中[：:，,]?(.*)$', 1), '；')) as part
          from sangong_budget_items
          where regexp_matches(item_2, '公务用车'))
    where regexp_matches(part, '购置费') or regexp_matches(part, '运行(维护)?费')
),

sangong_budget_figures as (
    select *,
        replace(regexp_extract(stated, '^[^0-9]*?({{ num }})\s*万\s*元', 1), ',', '') as amount_text,
        case when regexp_matches(stated, '(增加|减少)\s*{{ num }}\s*万')
                 then replace(regexp_extract(stated, '(?:增加|减少)\s*({{ num }})\s*万', 1), ',', '')
             when regexp_matches(stated, '持平|一致|相等|相同') then '0' end as change_text,
        case when regexp_matches(stated, '减少\s*[0-9]') then -1 else 1 end as change_sign,
        regexp_extract(stated, '(增加|减少)\s*{{ num }}\s*万', 1) as change_word
    from sangong_budget_statements
    where label is not null
),

sangong_budget_terms as (
    -- the four identities: the total (its amount, its change) = Σ the three items; 公务用车 = 购置费 + 运行费
    select f.document_id, f.block_index, f.page, f.locator, f.label, m.measure, i.identity,
        case when m.measure = 'change' then f.change_sign else 1 end as sign,
        case when m.measure = 'change' then f.change_text else f.amount_text end as value_text,
        (i.identity = '三公' and f.node = 'total') or (i.identity = '公务用车' and f.node = 'item') as is_whole
    from sangong_budget_figures as f
    cross join (values ('amount'), ('change')) as m(measure)
    inner join (values ('三公'), ('公务用车')) as i(identity)
        on (i.identity = '三公' and f.node in ('total', 'item'))
        or (i.identity = '公务用车' and (f.node = 'vehicle_part' or f.label = '公务用车购置及运行费'))
),

sangong_budget_bounds as (
    select *,
        sign * {{ chk_dec('value_text') }} as v,
        case when sign > 0 then {{ chk_lo('value_text', "length(split_part(value_text || '.', '.', 2))") }}
             else -{{ chk_hi('value_text', "length(split_part(value_text || '.', '.', 2))") }} end as v_lo,
        case when sign > 0 then {{ chk_hi('value_text', "length(split_part(value_text || '.', '.', 2))") }}
             else -{{ chk_lo('value_text', "length(split_part(value_text || '.', '.', 2))") }} end as v_hi
    from sangong_budget_terms
    where nullif(value_text, '') is not null
),

sangong_budget_sum as (
    select document_id, block_index, page, locator, measure, identity,
        count(*) filter (where is_whole) as n_whole,
        count(distinct label) filter (where not is_whole) as n_parts,
        count(*) filter (where not is_whole) as n_part_rows,
        max(v) filter (where is_whole) as whole_value,
        max(v_lo) filter (where is_whole) as whole_lo, max(v_hi) filter (where is_whole) as whole_hi,
        sum(v) filter (where not is_whole) as parts_value,
        sum(v_lo) filter (where not is_whole) as parts_lo, sum(v_hi) filter (where not is_whole) as parts_hi,
        string_agg(label || ' ' || {{ chk_fmt('v') }}, '、' order by label) filter (where not is_whole) as parts_shown
    from sangong_budget_bounds
    group by all
),

sangong_budget_final as (
    select
        'narrative.parts_sum' as check_id, s.document_id,
        case when {{ chk_meets('whole_lo', 'whole_hi', 'parts_lo', 'parts_hi') }} then 'pass' else 'fail' end as status,
        {{ chk_dec('parts_value') }} as expected, {{ chk_dec('whole_value') }} as actual,
        {{ chk_dec('whole_value') }} - {{ chk_dec('parts_value') }} as difference,
        {{ chk_page_text('s.page') }} || case when identity = '三公' then '“三公”经费预算' else '公务用车购置及运行费预算' end
            || case when measure = 'amount' then '数 ' || {{ chk_fmt('whole_value') }} || ' 万元，而'
                    when whole_value = 0 then '与上年预算持平，而'
                    else '比上年预算' || case when whole_value < 0 then '减少 ' else '增加 ' end
                        || {{ chk_fmt('abs(whole_value)') }} || ' 万元，而' end
            || case when identity = '三公' then '（一）至（三）各项' else '其中购置费与运行费' end
            || case when measure = 'amount' then '之和为 ' else '的增减合计为 ' end
            || {{ chk_fmt('parts_value') }} || ' 万元（' || parts_shown
            || case when measure = 'change' then '；持平计为 0' else '' end
            || '），两者不符；请核对合计或分项。' as message,
        i.section as evidence, s.page, s.locator
    from sangong_budget_sum as s
    inner join sangong_budget_sections as i using (document_id, block_index)
    where n_whole = 1 and n_parts = n_part_rows
      and n_parts = case when identity = '三公' then 3 else 2 end
),

share_items as (
    -- the parts of a share list (X 万元，其中：name a 万元，占 p%；…): each share is a / X
    select s.document_id, s.block_index, s.page, s.locator, s.total_text, s.list_text,
        replace(regexp_extract(item, '^([^0-9]*?)\s*{{ num }}', 1), ' ', '') as name,
        replace(regexp_extract(item, '({{ num }})\s*万', 1), ',', '') as a_text,
        regexp_extract(item, '([0-9]+(?:\.[0-9]+)?)\s*[%％]$', 1) as p_text, item
    from (
        select *, unnest(regexp_extract_all(list_text,
            '[^。；;、，,0-9%％]{0,24}?{{ num }}\s*万\s*元\s*[，,]\s*占[^。；0-9%％]{0,12}?[0-9]+(?:\.[0-9]+)?\s*[%％]', 0)) as item
        from parts_split
        where total_text <> ''
    ) as s
    anti join shares_judged as j on j.document_id = s.document_id and j.block_index = s.block_index
    qualify row_number() over (partition by s.document_id, s.block_index, item order by length(s.list_text) desc) = 1
),

bare_share_items as (
    -- a share list with no total in its sentence (按照支出功能科目划分，教育支出 a 万元，占总支出的 p%；科学技术支出 b 万元，
    -- 占总支出的 q%；…): each part with the same base words (占总支出的)
    select s.*,
        replace(regexp_extract(item, '^([^0-9]*?)\s*{{ num }}', 1), ' ', '') as name,
        replace(regexp_extract(item, '({{ num }})\s*万', 1), ',', '') as a_text,
        regexp_extract(item, '([0-9]+(?:\.[0-9]+)?)\s*[%％]$', 1) as p_text,
        regexp_extract(item, '(占[^。；0-9%％]{0,12}?)[0-9]+(?:\.[0-9]+)?\s*[%％]$', 1) as base
    from (
        select b.document_id, b.block_index, b.page, b.locator, b.text,
            b.prev_text as before_text,
            unnest(regexp_extract_all(b.text,
                '[^。；;、，,0-9%％]{0,24}?{{ num }}\s*万\s*元\s*[，,]\s*占[^。；0-9%％]{0,12}?[0-9]+(?:\.[0-9]+)?\s*[%％]', 0)) as item
        from blocks as b
        where regexp_matches(b.text, '占[^。；0-9%％]{0,12}?[0-9.]+\s*[%％]')
    ) as s
    anti join shares_judged as j on j.document_id = s.document_id and j.block_index = s.block_index
),

bare_share_lists as (
    -- three parts or more of one base, with their sum and the sum of their shares
    select document_id, block_index, base, any_value(before_text) as before_text, any_value(text) as text,
        any_value(page) as page, any_value(locator) as locator,
        min(instr(text, item)) as list_start, count(*) as n_parts,
        sum({{ chk_lo('cast(a_text as decimal(38, 6))', "length(split_part(a_text || '.', '.', 2))") }}) as sum_lo,
        sum({{ chk_hi('cast(a_text as decimal(38, 6))', "length(split_part(a_text || '.', '.', 2))") }}) as sum_hi,
        sum(cast(a_text as decimal(38, 6))) as sum_shown,
        string_agg(a_text, ' + ' order by instr(text, item)) as parts_shown,
        sum(cast(p_text as decimal(38, 6))) = 100 as forced,
        sum(cast(p_text as decimal(38, 6)) - {{ chk_half("length(split_part(p_text || '.', '.', 2))") }}) <= 100
            and sum(cast(p_text as decimal(38, 6)) + 2 * {{ chk_half("length(split_part(p_text || '.', '.', 2))") }})
                >= 100 as shares_whole
    from bare_share_items
    group by document_id, block_index, base
    having count(*) >= 3
),

bare_share_candidates as (
    -- the figures stated just before the list (in the block before, or before the list in its block)
    select distinct document_id, block_index, base, total_text
    from (
        select l.*, replace(unnest(regexp_extract_all(l.before_text || substr(l.text, 1, l.list_start - 1),
                                                      '({{ num }})\s*万\s*元', 1)), ',', '') as total_text
        from bare_share_lists as l
    )
),

bare_share_fits as (
    -- a figure is the list's total when the parts add up to it (within the rounding), or when the shares add up to
    -- 100% (the list is every part) and each share is its part over that figure
    select c.document_id, c.block_index, c.base, c.total_text,
        {{ chk_meets(chk_lo('cast(c.total_text as decimal(38, 6))', "length(split_part(c.total_text || '.', '.', 2))"),
                     chk_hi('cast(c.total_text as decimal(38, 6))', "length(split_part(c.total_text || '.', '.', 2))"),
                     'any_value(l.sum_lo)', 'any_value(l.sum_hi)') }} as sum_match,
        any_value(l.shares_whole) and bool_and({{ chk_pct_meets(
            chk_lo('cast(i.a_text as decimal(38, 6))', "length(split_part(i.a_text || '.', '.', 2))"),
            chk_hi('cast(i.a_text as decimal(38, 6))', "length(split_part(i.a_text || '.', '.', 2))"),
            chk_lo('cast(c.total_text as decimal(38, 6))', "length(split_part(c.total_text || '.', '.', 2))"),
            chk_hi('cast(c.total_text as decimal(38, 6))', "length(split_part(c.total_text || '.', '.', 2))"),
            "cast(i.p_text as decimal(38, 6)) - 3 * " ~ chk_half("length(split_part(i.p_text || '.', '.', 2))"),
            "cast(i.p_text as decimal(38, 6)) + 4 * " ~ chk_half("length(split_part(i.p_text || '.', '.', 2))")) }})
            as shares_fit
    from bare_share_candidates as c
    inner join bare_share_lists as l using (document_id, block_index, base)
    inner join bare_share_items as i using (document_id, block_index, base)
    where cast(c.total_text as decimal(38, 6)) > 0
    group by c.document_id, c.block_index, c.base, c.total_text
),

bare_share_totals as (
    select f.*, l.page, l.locator, l.text, l.sum_shown, l.parts_shown, l.sum_lo, l.sum_hi
    from bare_share_fits as f
    inner join bare_share_lists as l using (document_id, block_index, base)
    where f.sum_match or f.shares_fit
    qualify row_number() over (partition by f.document_id, f.block_index, f.base
                               order by f.sum_match desc, length(f.total_text) desc) = 1
),

bare_sum_final as (
    -- the shares say the list is whole and what its total is, the parts do not add up to it
    select
        'narrative.parts_sum' as check_id, document_id, 'fail' as status,
        {{ chk_dec('total_text') }} as expected, sum_shown as actual, sum_shown - {{ chk_dec('total_text') }} as difference,
        {{ chk_page_text('page') }} || '各项「' || base || '」的比例合计为 100%（所列即全部），各项 ' || parts_shown || ' = '
            || {{ chk_fmt('sum_shown') }} || ' 万元，而各项占比所依据的总数为 ' || total_text
            || ' 万元，两者不符；请核对总数或分项。' as message,
        text as evidence, page, locator
    from bare_share_totals
    where not sum_match
),

sangong_share_items as (
    -- a share list of the three 三公 items with no total stated (因公出国（境）费支出 a 万元，占“三公”经费的 p%；公务用车购置及
    -- 运行费支出 b 万元，占…；公务接待费支出 c 万元，占…): the “三公”经费 is by definition the sum of its three items, so
    -- each share is its item over a + b + c (the sum's interval: each item's rounding added up)
    select i.*, l.sum_lo, l.sum_hi, l.sum_shown,
        sum(cast(i.p_text as decimal(38, 6))) over (partition by i.document_id, i.block_index, i.base) = 100 as forced,
        {{ chk_half("length(split_part(i.p_text || '.', '.', 2))") }} as p_half
    from bare_share_items as i
    inner join bare_share_lists as l using (document_id, block_index, base)
    anti join bare_share_totals as t using (document_id, block_index, base)
    where regexp_matches(i.base, '三公') and l.n_parts = 3
      and regexp_matches(l.text, '因公出国') and regexp_matches(l.text, '公务用车') and regexp_matches(l.text, '公务接待')
      and l.sum_lo > 0
),

sangong_share_final as (
    select
        'percent.share' as check_id, document_id,
        case when {{ chk_pct_meets(
                chk_lo('cast(a_text as decimal(38, 6))', "length(split_part(a_text || '.', '.', 2))"),
                chk_hi('cast(a_text as decimal(38, 6))', "length(split_part(a_text || '.', '.', 2))"),
                'sum_lo', 'sum_hi',
                'cast(p_text as decimal(38, 6)) - p_half - case when forced then 2 * p_half else 0 end',
                'cast(p_text as decimal(38, 6)) + 2 * p_half + case when forced then 2 * p_half else 0 end') }}
             then 'pass' else 'fail' end as status,
        {{ chk_pct_display('a_text', 'sum_shown') }} as expected, {{ chk_dec('p_text') }} as actual,
        {{ chk_dec('p_text') }} - {{ chk_pct_display('a_text', 'sum_shown') }} as difference,
        {{ chk_page_text('page') }} || '「' || name || '」占“三公”经费比例填报 ' || p_text || '%，“三公”经费为三项之和 '
            || {{ chk_fmt('sum_shown') }} || ' 万元，按 ' || a_text || ' ÷ ' || {{ chk_fmt('sum_shown') }} || ' 计算应为 '
            || cast({{ chk_pct_display('a_text', 'sum_shown') }} as varchar) || '%，超出舍入误差；请改正百分比。'
            as message,
        item as evidence, page, locator
    from sangong_share_items
),

share_lists as (
    -- shares that add up to exactly 100% were adjusted to do so (the largest remainder gets the unit the rounding
    -- took from the others): each may then be one unit of its last place off its own quotient — rounding still
    select *,
        count(*) over (partition by document_id, block_index, total_text) as n_items,
        sum(cast(p_text as decimal(38, 6))) over (partition by document_id, block_index, total_text) = 100 as forced,
        {{ chk_half("length(split_part(p_text || '.', '.', 2))") }} as p_half
    from (
        select document_id, block_index, page, locator, total_text, list_text, name, a_text, p_text, item
        from share_items
        union all
        select i.document_id, i.block_index, i.page, i.locator, t.total_text, i.text as list_text, i.name, i.a_text,
            i.p_text, i.item
        from bare_share_items as i
        inner join (select * from bare_share_totals where sum_match) as t using (document_id, block_index, base)
        anti join share_items as s on s.document_id = i.document_id and s.block_index = i.block_index
    ) as u
),

share_final as (
    select
        'percent.share' as check_id, document_id,
        case when {{ chk_pct_meets(
                chk_lo('cast(a_text as decimal(38, 6))', "length(split_part(a_text || '.', '.', 2))"),
                chk_hi('cast(a_text as decimal(38, 6))', "length(split_part(a_text || '.', '.', 2))"),
                chk_lo('cast(total_text as decimal(38, 6))', "length(split_part(total_text || '.', '.', 2))"),
                chk_hi('cast(total_text as decimal(38, 6))', "length(split_part(total_text || '.', '.', 2))"),
                'cast(p_text as decimal(38, 6)) - p_half - case when forced then 2 * p_half else 0 end',
                'cast(p_text as decimal(38, 6)) + 2 * p_half + case when forced then 2 * p_half else 0 end') }}
             then 'pass' else 'fail' end as status,
        {{ chk_pct_display('a_text', 'total_text') }} as expected, {{ chk_dec('p_text') }} as actual,
        {{ chk_dec('p_text') }} - {{ chk_pct_display('a_text', 'total_text') }} as difference,
        {{ chk_page_text('page') }} || '「' || name || '」占比填报 ' || p_text || '%，按 ' || a_text || ' ÷ ' || total_text
            || ' 计算应为 ' || cast({{ chk_pct_display('a_text', 'total_text') }} as varchar)
            || '%，超出舍入误差；请改正百分比。' as message,
        item as evidence, page, locator
    from share_lists
    -- one part alone is judged when its share names no other base (X 万元，其中：a 万元，占 p%): a share of X
    where (n_items >= 2 or regexp_matches(item, '占\s*[0-9]')) and cast(total_text as decimal(38, 6)) > 0
),

vehicle_final as (
    select
        'narrative.count_sum' as check_id, document_id,
        case when parts_n = total_n then 'pass' else 'fail' end as status,
        {{ chk_dec('total_n') }} as expected, {{ chk_dec('parts_n') }} as actual,
        {{ chk_dec('parts_n') }} - {{ chk_dec('total_n') }} as difference,
        {{ chk_page_text('page') }} || '车辆总数 ' || cast(total_n as varchar) || ' 辆，「其中」各类车辆 '
            || parts_list || ' = ' || cast(parts_n as varchar) || ' 辆，两者不等；请核对车辆数。' as message,
        sentence as evidence, page, locator
    from vehicle_parts
    where n_parts >= 2
)

select * from year_final
union all select * from clause_final
union all select * from budget_text_final
union all select * from budget_reason_final
union all select * from completion_text_final
union all select * from parts_final
union all select * from change_final
union all select * from change_word_final
union all select * from vehicle_final
union all select * from share_final
union all select * from sangong_share_final
union all select * from bare_sum_final
union all select * from growth_final
union all select * from prior_final
union all select * from sangong_change_final
union all select * from sangong_budget_final
union all select * from vehicle_scope_final
union all select * from visit_final
union all select * from outdated_final
