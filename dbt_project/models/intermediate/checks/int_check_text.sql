-- Text checks on every paragraph and heading: template residue, impossible dates, units, punctuation,
-- shares without %, percentage precision (from the extracted facts).
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
        'block:' || cast(t.block_index as varchar) as locator
    from texts as t
    inner join documents as d using (document_id)
    where t.kind in ('paragraph', 'heading')
),

patterns as (
    select * from (values
        ('template.residue', 'XX', '[XＸ]{2,}', '占位符「XX」'),
        ('template.residue', '***', '[*＊]{3,}', '占位符「***」'),
        ('template.residue', '……', '(……|\.{6,})', '省略号「……」'),
        ('template.residue', '（注：', '[（(]\s*注\s*[：:]', '模板注释「（注：…）」'),
        ('template.residue', '（ ）', '[（(][\s　_]*[）)]', '空白括号「（ ）」'),
        ('hygiene.punctuation', '。。', '(。。|，，|；；|、、|，。|。，|；。)', '重复或连用的标点'),
        ('hygiene.unit', '万', '[0-9]万([，。；、,;]|$)', '金额单位「万」（应为「万元」）'),
        ('hygiene.unit', '元', '[0-9]元', '金额单位「元」（报表单位为万元）'),
        ('hygiene.share_without_percent', '占',
         '占[本年支出收入合计总额政府采购的比重为之\s]{0,14}[0-9]+(\.[0-9]+)?([^0-9.%％万亿元个人辆批次项家]|$)',
         '占比数字后缺少「%」')
    ) as t(check_id, token, pattern, what)
),

hits as (
    select b.*, p.check_id, p.token, p.what, regexp_extract(b.text, p.pattern, 0) as matched
    from blocks as b
    inner join patterns as p on regexp_matches(b.text, p.pattern)
    where not (p.token = '……' and regexp_matches(b.text, '(……|\.{6,})\s*[0-9]+\s*$'))  -- table of contents
      and not (p.check_id = 'template.residue' and b.kind = 'heading' and p.token = '……')
),

pattern_final as (
    select
        check_id, document_id, 'fail' as status,
        null as expected, null as actual, null as difference,
        {{ chk_page_text('page') }} || '文字中有' || what || '：「' || matched || '」；请删除或补全。' as message,
        text as evidence, page, locator
    from hits
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
)

select * from pattern_final
union all select * from date_final
union all select * from lone_years
union all select * from precision_final
