{{ config(meta={'juesuan_scope': 'document'}) }}
{%- set t = chk_standard_set('final') %}
-- The same figure in two tables: T1↔T2, T1↔T3 (合计 and each class), T2↔T4, T4↔T5 (合计 and each class),
-- T5↔T6. The finding sits on the second table's cell. Tn is the table numbered n in the 决算's standard set
-- (seed standard_table, `chk_standard_set`: T1 收入支出决算总表 … T6 一般公共预算财政拨款基本支出决算表).
{%- set class_row = "regexp_matches(row_label, '^\\s*[一二三四五六七八九十]+、') and row_name like '%支出'" %}
{#- the cells compared: (table, key of the point, which cells of the table) -#}
{%- set point_cells = [
    (t[1], "'T1.income_current'", "measure = 'income' and row_name like '本年收入%'"),
    (t[1], "'T1.expenditure_current'", "measure = 'expenditure' and row_name like '本年支出%'"),
    (t[1], "'T1.class:' || row_name", "measure = 'expenditure' and " ~ class_row),
    (t[2], "'T2.total'", "code is null and row_name = '合计' and measure = 'total'"),
    (t[2], "'T2.fiscal'", "code is null and row_name = '合计' and measure = 'fiscal_appropriation'"),
    (t[3], "'T3.total'", "code is null and row_name = '合计' and measure = 'total'"),
    (t[3], "'T3.class:' || row_name", "length(code) = 3 and measure = 'total'"),
    (t[4], "'T4.income_current'", "measure = 'income' and row_name like '本年收入%'"),
    (t[4], "'T4.gb_current'", "measure = 'expenditure_general_budget' and row_name like '本年支出%'"),
    (t[4], "'T4.gb_class:' || row_name", "measure = 'expenditure_general_budget' and " ~ class_row),
    (t[5], "'T5.total'", "code is null and row_name = '合计' and measure = 'total'"),
    (t[5], "'T5.basic'", "code is null and row_name = '合计' and measure = 'basic'"),
    (t[5], "'T5.class:' || row_name", "length(code) = 3 and measure = 'total'"),
] %}
with cells as (
    -- cells of a table read unreliably are left to extraction.table_unreliable (as in int_check_identity)
    select * from {{ ref('int_check_cells') }}
    where parse_reliable is distinct from false
),

points as (
    -- (filing, key) → one cell
    {%- for table_key, point_key, condition in point_cells %}
    select filing_key, document_id, table_key, {{ point_key }} as key, value, decimals, lo, hi, page, locator, evidence,
        row_label, measure_label
    from cells where table_key = {{ table_key }} and {{ condition }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

points_one as (
    select * from points
    qualify row_number() over (partition by filing_key, key order by locator) = 1
),

t6_basic as (
    -- 基本支出 of T6 = 人员经费合计 + 公用经费合计
    select filing_key, any_value(document_id) as document_id, {{ t[6] }} as table_key, 'T6.basic' as key,
        sum(value) as value, max(decimals) as decimals, sum(lo) as lo, sum(hi) as hi, min(page) as page,
        min(locator) as locator, string_agg(row_label || ' ' || cast(value as varchar), '；') as evidence,
        '人员经费合计+公用经费合计' as row_label, '决算数' as measure_label
    from cells
    where table_key = {{ t[6] }} and code is null and row_name in ('人员经费合计', '公用经费合计')
      and measure in ('personnel', 'public', 'total')
    group by filing_key
    having count(*) = 2
),

class_rows as (
    -- the 类 rows of the coded tables whose 合计 other tables repeat (a code printed twice: its first row)
    select *
    from cells
    where table_key in ({{ t[2] }}, {{ t[3] }}, {{ t[5] }}) and length(code) = 3
      and measure = 'total'
    qualify row_number() over (partition by document_id, table_key, code order by row_order) = 1
),

class_totals as (
    -- a table printing no 合计 row (the page that held it emptied): its total is the sum of its 类 rows, which the
    -- other tables' 合计 still state
    select c.filing_key, any_value(c.document_id) as document_id, c.table_key,
        case c.table_key when {{ t[2] }} then 'T2.total' when {{ t[3] }} then 'T3.total' else 'T5.total' end as key,
        sum(c.value) as value, max(c.decimals) as decimals, sum(c.lo) as lo, sum(c.hi) as hi, min(c.page) as page,
        min(c.locator) as locator,
        string_agg(c.code || ' ' || c.row_label || ' ' || cast(c.value as varchar), '；' order by c.row_order)
            as evidence,
        '各类合计（表中没有合计行）' as row_label, any_value(c.measure_label) as measure_label
    from class_rows as c
    where not exists (
        select 1 from cells as t
        where t.document_id = c.document_id and t.table_key = c.table_key and t.code is null
          and t.row_name = '合计' and t.measure = 'total')
    group by c.filing_key, c.table_key
),

all_points as (
    select * from points_one
    union all
    select * from t6_basic
    union all
    select * from class_totals
),

pairs as (
    select * from (values
        ('identity.t1_t2_income', 'T1.income_current', 'T2.total'),
        ('identity.t1_t3_expenditure', 'T1.expenditure_current', 'T3.total'),
        ('identity.t1_t3_expenditure', 'T1.class:', 'T3.class:'),
        ('identity.t2_t4_fiscal_income', 'T2.fiscal', 'T4.income_current'),
        ('identity.t4_t5_general_budget', 'T4.gb_current', 'T5.total'),
        ('identity.t4_t5_general_budget', 'T4.gb_class:', 'T5.class:'),
        ('identity.t5_t6_basic', 'T5.basic', 'T6.basic')
    ) as t(check_id, left_key, right_key)
),

joined as (
    select p.check_id, a.*, b.document_id as b_document_id, b.table_key as b_table_key, b.value as b_value,
        b.lo as b_lo, b.hi as b_hi, b.page as b_page, b.locator as b_locator, b.evidence as b_evidence,
        b.row_label as b_row_label
    from pairs as p
    inner join all_points as a
        on (a.key = p.left_key or (p.left_key like '%:' and starts_with(a.key, p.left_key)))
    inner join all_points as b
        on b.filing_key = a.filing_key
        and (b.key = p.right_key
             or (p.right_key like '%:' and b.key = p.right_key || substr(a.key, length(p.left_key) + 1)))
),

right_tables as (
    -- the tables of a filing that were read (any cell): a class they lack is missing from the page, not unread
    select filing_key, table_key, any_value(document_id) as document_id, min(page) as page, min(locator) as locator
    from cells
    group by all
),

missing_class as (
    -- a class the summary table states with a figure that the coded table (read) does not print at all: its row
    -- is gone (a page of the table emptied, a row dropped); the same class must appear in both
    select p.check_id, a.*, r.table_key as b_table_key, r.document_id as b_document_id, r.page as b_page,
        r.locator as b_locator
    from pairs as p
    inner join all_points as a on p.left_key like '%:' and starts_with(a.key, p.left_key)
    inner join right_tables as r
        on r.filing_key = a.filing_key
        and r.table_key = case p.right_key when 'T3.class:' then {{ t[3] }} else {{ t[5] }} end
    where a.value <> 0
      and not exists (
          select 1 from all_points as b
          where b.filing_key = a.filing_key and b.key = p.right_key || substr(a.key, length(p.left_key) + 1))
),

final as (
    select
        check_id,
        b_document_id as document_id,
        case when {{ chk_meets('lo', 'hi', 'b_lo', 'b_hi') }} then 'pass' else 'fail' end as status,
        {{ chk_dec('value') }} as expected,
        {{ chk_dec('b_value') }} as actual,
        {{ chk_dec('b_value') }} - {{ chk_dec('value') }} as difference,
        {{ chk_page_text('b_page') }} || '《' || {{ chk_table_zh('b_table_key') }} || '》「' || b_row_label || '」为 '
            || {{ chk_fmt('b_value') }} || '，而《' || {{ chk_table_zh('table_key') }} || '》「' || row_label
            || '」为 ' || {{ chk_fmt('value') }} || '，差额 ' || {{ chk_fmt('b_value - value') }}
            || '，超出舍入误差；两表应一致。' as message,
        b_evidence as evidence,
        b_page as page,
        b_locator as locator
    from joined
    union all
    select
        check_id,
        b_document_id as document_id,
        'fail' as status,
        {{ chk_dec('value') }} as expected,
        {{ chk_dec('null') }} as actual,
        {{ chk_dec('null') }} as difference,
        {{ chk_page_text('b_page') }} || '《' || {{ chk_table_zh('b_table_key') }} || '》没有「' || row_name_of_key
            || '」类的行，而《' || {{ chk_table_zh('table_key') }} || '》「' || row_label || '」为 '
            || {{ chk_fmt('value') }} || '；两表应一致，请补上该类（或其所在页的数据行）。' as message,
        evidence,
        b_page as page,
        b_locator as locator
    from (select *, substr(key, strpos(key, ':') + 1) as row_name_of_key from missing_class)
)

select * from final
