{{ config(meta={'juesuan_scope': 'document'}) }}
-- The same figure in two tables: T1↔T2, T1↔T3 (合计 and each class), T2↔T4, T4↔T5 (合计 and each class),
-- T5↔T6. The finding sits on the second table's cell.
with cells as (
    -- cells of a table read unreliably are left to extraction.table_unreliable (as in int_check_identity)
    select * from {{ ref('int_check_cells') }}
    where parse_reliable is distinct from false
),

points as (
    -- (filing, key) → one cell
    select filing_key, document_id, table_key, 'T1.income_current' as key, value, decimals, lo, hi, page, locator, evidence, row_label, measure_label
    from cells where table_key = 'income_expenditure_summary' and measure = 'income' and row_name like '本年收入%'
    union all
    select filing_key, document_id, table_key, 'T1.expenditure_current', value, decimals, lo, hi, page, locator, evidence, row_label, measure_label
    from cells where table_key = 'income_expenditure_summary' and measure = 'expenditure' and row_name like '本年支出%'
    union all
    select filing_key, document_id, table_key, 'T1.class:' || row_name, value, decimals, lo, hi, page, locator, evidence, row_label, measure_label
    from cells where table_key = 'income_expenditure_summary' and measure = 'expenditure'
      and regexp_matches(row_label, '^\s*[一二三四五六七八九十]+、') and row_name like '%支出'
    union all
    select filing_key, document_id, table_key, 'T2.total', value, decimals, lo, hi, page, locator, evidence, row_label, measure_label
    from cells where table_key = 'income' and code is null and row_name = '合计' and measure = 'total'
    union all
    select filing_key, document_id, table_key, 'T2.fiscal', value, decimals, lo, hi, page, locator, evidence, row_label, measure_label
    from cells where table_key = 'income' and code is null and row_name = '合计' and measure = 'fiscal_appropriation'
    union all
    select filing_key, document_id, table_key, 'T3.total', value, decimals, lo, hi, page, locator, evidence, row_label, measure_label
    from cells where table_key = 'expenditure' and code is null and row_name = '合计' and measure = 'total'
    union all
    select filing_key, document_id, table_key, 'T3.class:' || row_name, value, decimals, lo, hi, page, locator, evidence, row_label, measure_label
    from cells where table_key = 'expenditure' and length(code) = 3 and measure = 'total'
    union all
    select filing_key, document_id, table_key, 'T4.income_current', value, decimals, lo, hi, page, locator, evidence, row_label, measure_label
    from cells where table_key = 'fiscal_summary' and measure = 'income' and row_name like '本年收入%'
    union all
    select filing_key, document_id, table_key, 'T4.gb_current', value, decimals, lo, hi, page, locator, evidence, row_label, measure_label
    from cells where table_key = 'fiscal_summary' and measure = 'expenditure_general_budget' and row_name like '本年支出%'
    union all
    select filing_key, document_id, table_key, 'T4.gb_class:' || row_name, value, decimals, lo, hi, page, locator, evidence, row_label, measure_label
    from cells where table_key = 'fiscal_summary' and measure = 'expenditure_general_budget'
      and regexp_matches(row_label, '^\s*[一二三四五六七八九十]+、') and row_name like '%支出'
    union all
    select filing_key, document_id, table_key, 'T5.total', value, decimals, lo, hi, page, locator, evidence, row_label, measure_label
    from cells where table_key = 'general_budget_expenditure' and code is null and row_name = '合计' and measure = 'total'
    union all
    select filing_key, document_id, table_key, 'T5.basic', value, decimals, lo, hi, page, locator, evidence, row_label, measure_label
    from cells where table_key = 'general_budget_expenditure' and code is null and row_name = '合计' and measure = 'basic'
    union all
    select filing_key, document_id, table_key, 'T5.class:' || row_name, value, decimals, lo, hi, page, locator, evidence, row_label, measure_label
    from cells where table_key = 'general_budget_expenditure' and length(code) = 3 and measure = 'total'
),

points_one as (
    select * from points
    qualify row_number() over (partition by filing_key, key order by locator) = 1
),

t6_basic as (
    -- 基本支出 of T6 = 人员经费合计 + 公用经费合计
    select filing_key, any_value(document_id) as document_id, 'general_budget_basic' as table_key, 'T6.basic' as key,
        sum(value) as value, max(decimals) as decimals, sum(lo) as lo, sum(hi) as hi, min(page) as page,
        min(locator) as locator, string_agg(row_label || ' ' || cast(value as varchar), '；') as evidence,
        '人员经费合计+公用经费合计' as row_label, '决算数' as measure_label
    from cells
    where table_key = 'general_budget_basic' and code is null and row_name in ('人员经费合计', '公用经费合计')
      and measure in ('personnel', 'public', 'total')
    group by filing_key
    having count(*) = 2
),

all_points as (
    select * from points_one
    union all
    select * from t6_basic
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
)

select * from final
