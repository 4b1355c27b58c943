{{ config(meta={'juesuan_scope': 'document'}) }}
-- Text checks on every paragraph and heading: template residue, impossible dates, units, punctuation,
-- shares without %, percentage precision (from the extracted facts), heading numbering.
with texts as (
    select * from {{ ref('stg_raw__text_blocks') }}
),

documents as (
    select * from {{ ref('int_check_documents') }}
),

facts as (
    select * from {{ ref('int_check_facts') }}
),

blocks as (
    select t.document_id, t.block_index, t.page, t.kind, t.text, d.fiscal_year,
        'block:' || cast(t.block_index as varchar) as locator,
        -- a rendering that gives one block per printed line (page texts, PDF text) wraps 「0万」 / 「元，…」: the
        -- unit goes on with the next line, so the patterns read a block ending in 万 with the 元 that opens the next
        case when regexp_matches(t.text, '万\s*$')
                  and regexp_matches(lead(t.text) over (partition by t.document_id order by t.block_index), '^\s*元')
             then rtrim(t.text) || '元' else t.text end as match_text
    from texts as t
    inner join documents as d using (document_id)
    where t.kind in ('paragraph', 'heading')
),

pattern_hits as (
    -- one select per pattern, the pattern a literal (macros/checks/text_patterns.sql: compiled once, not per block)
    {% call chk_text_pattern_hits('blocks', 'template.residue', 'XX', '占位符「XX」') %}[XＸ]{2,}{% endcall %}
    union all
    {% call chk_text_pattern_hits('blocks', 'template.residue', '***', '占位符「***」') %}[*＊]{3,}{% endcall %}
    union all
    {% call chk_text_pattern_hits('blocks', 'template.residue', '……', '省略号「……」') %}(……|\.{6,}){% endcall %}
    union all
    {% call chk_text_pattern_hits('blocks', 'template.residue', '（注：', '模板注释「（注：…）」') %}[（(]\s*注\s*[：:]{% endcall %}
    union all
    {% call chk_text_pattern_hits('blocks', 'template.residue', '（ ）', '空白括号「（ ）」') %}[（(][\s　_]*[）)]{% endcall %}
    union all
    {% call chk_text_pattern_hits('blocks', 'hygiene.punctuation', '。。', '重复或连用的标点') %}(。。|，，|；；|、、|，。|。，|；。){% endcall %}
    union all
    {% call chk_text_pattern_hits('blocks', 'hygiene.unit', '万', '金额单位「万」（应为「万元」）') %}([0-9]\s*万[，。；、,;]|[0-9]万$){% endcall %}
    union all
    {% call chk_text_pattern_hits('blocks', 'hygiene.unit', '元', '金额单位「元」（报表单位为万元）') %}[0-9]元{% endcall %}
    union all
    -- 占 … p: the words the share is of (占本年支出的, or any words: 占“三公”经费的, 占GDP比重为) and a figure with no
    -- unit; with words other than the usual ones the figure must close its clause (占地约8,347亩 is no share)
    {% call chk_text_pattern_hits('blocks', 'hygiene.share_without_percent', '占', '占比数字后缺少「%」') %}
        占([本年支出收入合计总额政府采购的比重为之\s]{0,14}[0-9]+(\.[0-9]+)?\s*([^0-9.%％万亿元个人辆批次项家\s]|$)
        |[^0-9，。；：、%％,;:第]{0,14}[0-9]+(,[0-9]{3})*(\.[0-9]+)?\s*([，。；;）)]|,[^0-9]|$))
    {% endcall %}
    union all
    -- 增长13.95。 — a rate (two decimals, right after the word, closing its clause) without its %
    {% call chk_text_pattern_hits('blocks', 'hygiene.share_without_percent', '增长', '增减幅度数字后缺少「%」') %}(增长|下降)\s*[0-9]+\.[0-9]{1,2}\s*([。，；,;]|$){% endcall %}
),

hits as (
    select * from pattern_hits
    -- table of contents: a leader before the page number, or a line ending in a leader (a 目录 without numbers)
    where not (token = '……' and regexp_matches(text, '((……|\.{6,})\s*[0-9]+|(……){3,}|\.{12,})\s*$'))
      and not (check_id = 'template.residue' and kind = 'heading' and token = '……')
),

folded as (
    -- one finding per kind of residue and page (a text without pages: per document), with the count and the
    -- first occurrence: a 名词解释 left as 「……」 twenty times is one thing to fix, not twenty
    select check_id, document_id, token, what, page,
        sum(n_hits) as n_hits,
        arg_min(snippet, block_index) as snippet,
        arg_min(text, block_index) as evidence,
        arg_min(locator, block_index) as locator
    from hits
    group by all
),

pattern_final as (
    select
        check_id, document_id, 'fail' as status,
        null as expected, null as actual, null as difference,
        {{ chk_page_text('page') }} || '文字中有' || what
            || case when n_hits > 1 then '共 ' || cast(n_hits as varchar) || ' 处，首处' else '' end
            || '：「' || snippet || '」；请删除或补全。' as message,
        evidence, page, locator
    from folded
),

dates as (
    select b.*, unnest(regexp_extract_all(b.text, '([0-9]{3,6})\s*年\s*([0-9]{1,2})\s*月\s*([0-9]{1,2})\s*日', 0)) as d
    from blocks as b
),

dates_parsed as (
    select *,
        regexp_extract(d, '^([0-9]+)', 1) as y,
        cast(regexp_extract(d, '年\s*([0-9]+)', 1) as integer) as m,
        cast(regexp_extract(d, '月\s*([0-9]+)', 1) as integer) as dd
    from dates
),

date_final as (
    select
        'date.impossible' as check_id, document_id,
        case when length(y) <> 4 or m not between 1 and 12
              or try_cast(y || '-' || lpad(cast(m as varchar), 2, '0') || '-' || lpad(cast(dd as varchar), 2, '0') as date) is null
              or abs(cast(y as integer) - fiscal_year) > 30
             then 'fail' else 'pass' end as status,
        null as expected, null as actual, null as difference,
        {{ chk_page_text('page') }} || '日期「' || d || '」不存在或年份有误；请改正。' as message,
        text as evidence, page, locator
    from dates_parsed
),

lone_years as (
    -- a five-digit year such as 20230年 without month/day
    select
        'date.impossible' as check_id, document_id, 'fail' as status,
        null as expected, null as actual, null as difference,
        {{ chk_page_text('page') }} || '年份「' || regexp_extract(text, '(?:^|[^0-9])([0-9]{5}年)', 1)
            || '」不存在；请改正。' as message,
        text as evidence, page, locator
    from blocks
    where regexp_matches(text, '(^|[^0-9.])(19|20)[0-9]{3}年') and not regexp_matches(text, '[0-9]{5}年\s*[0-9]{1,2}\s*月')
),

precision_final as (
    select
        'hygiene.percent_precision' as check_id, document_id,
        case when decimals <> 2 and value not in (0, 100) then 'fail' else 'pass' end as status,
        null as expected, {{ chk_dec('value') }} as actual, null as difference,
        {{ chk_page_text('page') }} || '百分比「' || raw_text || '%」未保留两位小数。' as message,
        evidence, page, locator
    from facts
    where source_kind = 'narrative' and unit = '%'
),

chinese_numerals as (
    select * from (values
        ('一', 1), ('二', 2), ('三', 3), ('四', 4), ('五', 5), ('六', 6), ('七', 7), ('八', 8), ('九', 9), ('十', 10),
        ('十一', 11), ('十二', 12), ('十三', 13), ('十四', 14), ('十五', 15), ('十六', 16), ('十七', 17),
        ('十八', 18), ('十九', 19), ('二十', 20)
    ) as t(word, n)
),

numbered_headings as (
    -- headings numbered 一、 or 1、 (the list marker of the sections of one level)
    select b.document_id, b.block_index, b.page, b.text, b.locator,
        regexp_extract(b.text, '^\s*([0-9]{1,2}|[一二三四五六七八九十]{1,3})\s*、', 1) as marker,
        -- a marker followed by a space is a renderer's list numbering (Tika renders Word's automatic
        -- numbering as "1、 " before the heading text), not characters the author typed: never judged
        regexp_matches(b.text, '^\s*([0-9]{1,2}|[一二三四五六七八九十]{1,3})\s*、\s') as is_rendered
    from blocks as b
    where b.kind = 'heading' and regexp_matches(b.text, '^\s*([0-9]{1,2}|[一二三四五六七八九十]{1,3})\s*、')
),

numbering_sequence as (
    select h.*,
        coalesce(try_cast(h.marker as integer), c.n) as n,
        regexp_matches(h.marker, '^[0-9]') as is_arabic,
        lag(h.marker) over w as prev_marker,
        lag(coalesce(try_cast(h.marker as integer), c.n)) over w as prev_n,
        lag(regexp_matches(h.marker, '^[0-9]')) over w as prev_is_arabic,
        lag(h.is_rendered) over w as prev_is_rendered
    from numbered_headings as h
    left join chinese_numerals as c on h.marker = c.word
    window w as (partition by h.document_id order by h.block_index)
),

numbering_final as (
    -- the next number of the same list written in the other style (3、 followed by 四、): garbled numbering
    select
        'hygiene.list_numbering' as check_id, document_id,
        case when is_arabic <> prev_is_arabic then 'fail' else 'pass' end as status,
        null as expected, null as actual, null as difference,
        {{ chk_page_text('page') }} || '标题编号混用：「' || prev_marker || '、」之后是「' || marker
            || '、」；同一级标题请统一用中文数字（一、二、三、）或阿拉伯数字编号。' as message,
        text as evidence, page, locator
    from numbering_sequence
    where prev_n is not null and n = prev_n + 1 and not is_rendered and not prev_is_rendered
)

select * from pattern_final
union all select * from date_final
union all select * from lone_years
union all select * from precision_final
union all select * from numbering_final
